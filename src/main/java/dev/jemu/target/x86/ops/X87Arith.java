package dev.jemu.target.x86.ops;

import static dev.jemu.target.x86.ops.X87Ops.ADD;
import static dev.jemu.target.x86.ops.X87Ops.DIV;
import static dev.jemu.target.x86.ops.X87Ops.INDEF_SE;
import static dev.jemu.target.x86.ops.X87Ops.INDEF_SIG;
import static dev.jemu.target.x86.ops.X87Ops.M32FP;
import static dev.jemu.target.x86.ops.X87Ops.M32INT;
import static dev.jemu.target.x86.ops.X87Ops.M64FP;
import static dev.jemu.target.x86.ops.X87Ops.MTYPE;
import static dev.jemu.target.x86.ops.X87Ops.MUL;
import static dev.jemu.target.x86.ops.X87Ops.POP;
import static dev.jemu.target.x86.ops.X87Ops.SUB;
import static dev.jemu.target.x86.ops.X87Ops.SWAP;
import static dev.jemu.target.x86.ops.X87Ops.TO_STI;
import static dev.jemu.target.x86.ops.X87Ops.begin;
import static dev.jemu.target.x86.ops.X87Ops.commit;
import static dev.jemu.target.x86.ops.X87Ops.env;
import static dev.jemu.target.x86.ops.X87Ops.note;
import static dev.jemu.target.x86.ops.X87Ops.noteData;
import static dev.jemu.target.x86.ops.X87Ops.offset;
import static dev.jemu.target.x86.ops.X87Ops.underflow;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X87;
import dev.jemu.target.x86.fpu.F80;
import dev.jemu.target.x86.fpu.Float80;
import dev.jemu.target.x86.fpu.FpuEnv;

/**
 * FADD FSUB FSUBR FMUL FDIV FDIVR (all forms), the compares (FCOM FUCOM FICOM FCOMI FUCOMI FTST FXAM), and the
 * operations on ST0 (FCHS FABS FSQRT FRNDINT FXTRACT FSCALE FPREM FPREM1). The arithmetic is {@link Float80}'s.
 */
public final class X87Arith {
    private X87Arith() {}

    // unary / binary operations (row argument low bits)
    static final int FCHS = 0, FABS = 1, FSQRT = 2, FRNDINT = 3;
    static final int FSCALE = 0, FPREM = 1, FPREM1 = 2;

    /** a op b into env. */
    private static void op(FpuEnv e, int kind, int ase, long asig, int bse, long bsig) {
        switch (kind) {
            case ADD -> Float80.add(e, ase, asig, bse, bsig);
            case MUL -> Float80.mul(e, ase, asig, bse, bsig);
            case SUB -> Float80.sub(e, ase, asig, bse, bsig);
            default -> Float80.div(e, ase, asig, bse, bsig);
        }
    }

    /** Register forms: ST0 = ST0 op ST(i), ST(i) = ST(i) op ST0, and the reversed and popping variants. */
    public static void arithReg(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        int arg = i.arg;
        int p0 = f.top, pi = f.phys(i.modrm & 7);
        int dst = (arg & TO_STI) != 0 ? pi : p0;
        boolean pop = (arg & POP) != 0;
        if (f.isEmpty(p0) || f.isEmpty(pi)) {
            if (underflow(f)) {
                f.set(dst, INDEF_SE, INDEF_SIG);
                if (pop) f.pop();
            }
            return;
        }
        FpuEnv e = env(f);
        int a = (arg & SWAP) != 0 ? pi : p0, b = (arg & SWAP) != 0 ? p0 : pi;
        op(e, arg & 3, f.se[a], f.sig[a], f.se[b], f.sig[b]);
        commit(f, e, dst, pop);
    }

    /**
     * Loads a memory operand (m32fp, m64fp, m32int, m16int: raw bits in {@code v}) into env.se/sig as the
     * arithmetic sees it: floats exactly (a denormal raises DE; a NaN keeps its signalling bit, so the operation
     * decides which NaN wins), integers exactly. When the register operand is a NaN or unsupported, a non-NaN
     * memory operand cannot matter and raises no DE (the host checks NaNs before denormals across both operands).
     * False when an unmasked DE stops the instruction.
     */
    private static boolean operand(FpuEnv e, int type, long v, int st0se, long st0sig) {
        boolean nanReg = F80.classify(st0se, st0sig) >= F80.QNAN;
        switch (type) {
            case M32FP -> {
                int bits = (int) v;
                if ((bits & 0x7f800000) == 0x7f800000 && (bits & 0x7fffff) != 0) {
                    e.se = (bits >>> 16) & 0x8000 | 0x7fff;
                    e.sig = Long.MIN_VALUE | (long) (bits & 0x7fffff) << 40;
                } else if (nanReg) {
                    e.se = 0;
                    e.sig = 0;
                } else {
                    Float80.fromFloat(e, bits);
                }
            }
            case M64FP -> {
                if ((v & 0x7ff0000000000000L) == 0x7ff0000000000000L && (v & 0xfffffffffffffL) != 0) {
                    e.se = (int) (v >>> 48) & 0x8000 | 0x7fff;
                    e.sig = Long.MIN_VALUE | (v & 0xfffffffffffffL) << 11;
                } else if (nanReg) {
                    e.se = 0;
                    e.sig = 0;
                } else {
                    Float80.fromDouble(e, v);
                }
            }
            default -> Float80.fromInt(e, v);
        }
        return e.storeResult();
    }

    private static long readOperand(X86Cpu c, int type, long a) {
        return switch (type) {
            case M32FP -> c.mem.read32(a);
            case M64FP -> c.mem.read64(a);
            case M32INT -> (long) (int) c.mem.read32(a);
            default -> (long) (short) c.mem.read16(a);
        };
    }

    /** FADD/FMUL/FSUB/FSUBR/FDIV/FDIVR m32fp/m64fp and FIADD... m32int/m16int: ST0 = ST0 op m (or m op ST0). */
    public static void arithMem(X86Cpu c, Insn i) {
        X87 f = begin(c);
        int arg = i.arg, type = arg & MTYPE;
        long off = offset(c, i);
        long v = readOperand(c, type, c.linear(i.seg, off, i.asize));
        note(c, f, i);
        noteData(c, f, i, off);
        int p0 = f.top;
        if (f.isEmpty(p0)) {
            if (underflow(f)) f.set(p0, INDEF_SE, INDEF_SIG);
            return;
        }
        FpuEnv e = env(f);
        if (!operand(e, type, v, f.se[p0], f.sig[p0])) {
            commit(f, e, p0, false);
            return;
        }
        int mse = e.se;
        long msig = e.sig;
        if ((arg & SWAP) != 0) op(e, arg & 3, mse, msig, f.se[p0], f.sig[p0]);
        else op(e, arg & 3, f.se[p0], f.sig[p0], mse, msig);
        commit(f, e, p0, false);
    }

    /** Sets C3 C2 C0 (C1 = 0) or, for FCOMI, ZF PF CF (OF SF AF cleared, C1 unchanged). */
    private static void compareResult(X86Cpu c, X87 f, int cc, boolean eflags) {
        if (eflags) {
            int fl = ((cc & X87.C3) != 0 ? Flags.ZF : 0) | ((cc & X87.C2) != 0 ? Flags.PF : 0)
                    | ((cc & X87.C0) != 0 ? Flags.CF : 0);
            c.setEflags(fl, Flags.ARITH);
        } else {
            f.fsw = (f.fsw & ~X87.CC) | (cc & (X87.C0 | X87.C2 | X87.C3));
        }
    }

    /** FCOM/FCOMP/FCOMPP/FUCOM/FUCOMP/FUCOMPP ST(i), FCOMI/FUCOMI(P): bit 0 unordered, bits 1-2 pops, bit 3 EFLAGS. */
    public static void comReg(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        int p0 = f.top, pi = f.phys(i.modrm & 7);
        int pops = (i.arg >> 1) & 3;
        boolean eflags = (i.arg & 8) != 0;
        if (f.isEmpty(p0) || f.isEmpty(pi)) {
            boolean masked = underflow(f);
            compareResult(c, f, X87.C0 | X87.C2 | X87.C3, eflags);
            if (masked) popN(f, pops);
            return;
        }
        FpuEnv e = env(f);
        compare(e, f.se[p0], f.sig[p0], f.se[pi], f.sig[pi], (i.arg & 1) != 0);
        finishCompare(c, f, e, eflags, pops);
    }

    /**
     * Float80.compare, except that an unmasked DE still yields the real ordering: the host sets the condition
     * codes (or EFLAGS) from the comparison and only the pops are suppressed.
     */
    private static void compare(FpuEnv e, int ase, long asig, int bse, long bsig, boolean quiet) {
        int masks = e.masks;
        e.masks |= FpuEnv.DE;
        Float80.compare(e, ase, asig, bse, bsig, quiet);
        e.masks = masks;
    }

    private static void finishCompare(X86Cpu c, X87 f, FpuEnv e, boolean eflags, int pops) {
        compareResult(c, f, e.cc, eflags);
        if (e.flags != 0) f.raise(e.flags);
        if (e.storeResult()) popN(f, pops);
    }

    private static void popN(X87 f, int n) {
        for (int k = 0; k < n; k++) f.pop();
    }

    /** FCOM/FCOMP m32fp/m64fp, FICOM/FICOMP m32int/m16int: bits 1-2 pops. */
    public static void comMem(X86Cpu c, Insn i) {
        X87 f = begin(c);
        int type = i.arg & MTYPE;
        long off = offset(c, i);
        long v = readOperand(c, type, c.linear(i.seg, off, i.asize));
        note(c, f, i);
        noteData(c, f, i, off);
        int p0 = f.top, pops = (i.arg >> 1) & 3;
        if (f.isEmpty(p0)) {
            boolean masked = underflow(f);
            compareResult(c, f, X87.C0 | X87.C2 | X87.C3, false);
            if (masked) popN(f, pops);
            return;
        }
        FpuEnv e = env(f);
        int masks = e.masks;
        e.masks |= FpuEnv.DE;
        operand(e, type, v, f.se[p0], f.sig[p0]);
        e.masks = masks;
        compare(e, f.se[p0], f.sig[p0], e.se, e.sig, false);
        finishCompare(c, f, e, false, pops);
    }

    /** FTST: compares ST0 with +0.0. */
    public static void ftst(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        int p0 = f.top;
        if (f.isEmpty(p0)) {
            underflow(f);
            compareResult(c, f, X87.C0 | X87.C2 | X87.C3, false);
            return;
        }
        FpuEnv e = env(f);
        compare(e, f.se[p0], f.sig[p0], 0, 0, false);
        finishCompare(c, f, e, false, 0);
    }

    /** FXAM: the class of ST0 in C3 C2 C0 and its sign in C1 (an empty register still shows its sign bit). */
    public static void fxam(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        int p0 = f.top;
        int cc = Float80.examine(f.se[p0], f.sig[p0], f.isEmpty(p0));
        f.fsw = (f.fsw & ~X87.CC) | cc;
    }

    /** FCHS, FABS, FSQRT, FRNDINT. */
    public static void unary(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        int p0 = f.top;
        if (f.isEmpty(p0)) {
            if (underflow(f)) f.set(p0, INDEF_SE, INDEF_SIG);
            return;
        }
        int se = f.se[p0];
        long sig = f.sig[p0];
        switch (i.arg & 0xff) {
            case FCHS -> {
                f.fsw &= ~X87.C1;
                f.set(p0, se ^ 0x8000, sig);
            }
            case FABS -> {
                f.fsw &= ~X87.C1;
                f.set(p0, se & 0x7fff, sig);
            }
            case FSQRT -> {
                FpuEnv e = env(f);
                Float80.sqrt(e, se, sig);
                commit(f, e, p0, false);
            }
            default -> {
                FpuEnv e = env(f);
                Float80.roundToInt(e, se, sig);
                commit(f, e, p0, false);
            }
        }
    }

    /** FSCALE, FPREM, FPREM1: ST0 = f(ST0, ST1). */
    public static void binary(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        int p0 = f.top, p1 = f.phys(1);
        if (f.isEmpty(p0) || f.isEmpty(p1)) {
            if ((i.arg & 0xff) != FSCALE) f.fsw &= ~X87.C2;
            if (underflow(f)) f.set(p0, INDEF_SE, INDEF_SIG);
            return;
        }
        FpuEnv e = env(f);
        int op = i.arg & 0xff;
        if (op == FSCALE) {
            Float80.scale(e, f.se[p0], f.sig[p0], f.se[p1], f.sig[p1]);
            commit(f, e, p0, false);
            return;
        }
        Float80.prem(e, f.se[p0], f.sig[p0], f.se[p1], f.sig[p1], op == FPREM1);
        if (!e.storeResult() || (e.flags & X87.IE) != 0 || F80.isNaN(e.se, e.sig)) {
            f.fsw &= ~(X87.C1 | X87.C2); // no quotient: C0 and C3 stay as they were
        } else {
            f.fsw = (f.fsw & ~X87.CC) | (e.cc & X87.CC);
        }
        if (e.flags != 0) f.raise(e.flags);
        if (e.storeResult()) f.set(p0, e.se, e.sig);
    }

    /** FXTRACT: ST0 becomes the exponent, then the significand is pushed. */
    public static void fxtract(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        int p0 = f.top;
        if (f.isEmpty(p0)) {
            if (underflow(f)) { // the host pushes even onto a full register here
                f.set(p0, INDEF_SE, INDEF_SIG);
                f.push(INDEF_SE, INDEF_SIG);
            }
            return;
        }
        if (!f.isEmpty((p0 - 1) & 7)) {
            if (X87Ops.overflow(f)) {
                f.set(p0, INDEF_SE, INDEF_SIG);
                f.push(INDEF_SE, INDEF_SIG);
            }
            return;
        }
        FpuEnv e = env(f);
        Float80.extract(e, f.se[p0], f.sig[p0]);
        f.fsw = (f.fsw & ~X87.C1) | (e.cc & X87.C1);
        if (e.flags != 0) f.raise(e.flags);
        if (e.storeResult()) {
            f.set(p0, e.se, e.sig);
            f.push(e.se2, e.sig2);
        }
    }
}
