package dev.jemu.target.x86.ops;

import static dev.jemu.target.x86.ops.X87Ops.INDEF_SE;
import static dev.jemu.target.x86.ops.X87Ops.INDEF_SIG;
import static dev.jemu.target.x86.ops.X87Ops.POP;
import static dev.jemu.target.x86.ops.X87Ops.begin;
import static dev.jemu.target.x86.ops.X87Ops.env;
import static dev.jemu.target.x86.ops.X87Ops.note;
import static dev.jemu.target.x86.ops.X87Ops.noteData;
import static dev.jemu.target.x86.ops.X87Ops.offset;
import static dev.jemu.target.x86.ops.X87Ops.overflow;
import static dev.jemu.target.x86.ops.X87Ops.underflow;

import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X87;
import dev.jemu.target.x86.fpu.Float80;
import dev.jemu.target.x86.fpu.FpuEnv;

/**
 * FLD/FILD/FBLD, FST/FSTP/FIST/FISTP/FISTTP/FBSTP, the constants, FXCH, FCMOVcc, FFREE(P), FINCSTP, FDECSTP, FNOP.
 * Stores compute everything, write memory (the only step that can fault), then update the FPU.
 */
public final class X87Move {
    private X87Move() {}

    // Memory formats (low bits of the row argument), FISTTP's truncation.
    static final int F32 = 0, F64 = 1, F80 = 2, I16 = 3, I32 = 4, I64 = 5, BCD = 6, TYPE = 7, TRUNC = 32;

    /** Pushes a value after checking for overflow (masked: the indefinite is pushed). True if the push may go on. */
    static boolean pushCheck(X87 f) {
        if (!f.isEmpty((f.top - 1) & 7)) {
            if (overflow(f)) f.push(INDEF_SE, INDEF_SIG);
            return false;
        }
        f.fsw &= ~X87.C1;
        return true;
    }

    /** FLD m32/m64/m80, FILD m16/m32/m64, FBLD. */
    public static void fldM(X86Cpu c, Insn i) {
        X87 f = begin(c);
        int type = i.arg & TYPE;
        long off = offset(c, i);
        long a = c.linear(i.seg, off, i.asize);
        long v = 0;
        int hi = 0;
        switch (type) {
            case F32, I32 -> v = c.mem.read32(a);
            case F64, I64 -> v = c.mem.read64(a);
            case I16 -> v = (short) c.mem.read16(a);
            default -> {
                hi = c.mem.read16(a + 8);
                v = c.mem.read64(a);
            }
        }
        note(c, f, i);
        noteData(c, f, i, off);
        load(f, type, v, hi);
    }

    /** FLD m64, with normal doubles converted by moving bits. */
    public static void fldM64(X86Cpu c, Insn i) {
        X87 f = begin(c);
        long off = offset(c, i);
        long v = c.mem.read64(c.linear(i.seg, off, i.asize));
        note(c, f, i);
        noteData(c, f, i, off);
        int exp = (int) (v >>> 52) & 0x7ff;
        int p = (f.top - 1) & 7;
        if (exp != 0 && exp != 0x7ff && f.isEmpty(p)) {
            pushValid(f, p, (int) (v >>> 48) & 0x8000 | (exp + 16383 - 1023), Long.MIN_VALUE | v << 11);
            return;
        }
        load(f, F64, v, 0);
    }

    /** FLD m32, with normal floats converted by moving bits. */
    public static void fldM32(X86Cpu c, Insn i) {
        X87 f = begin(c);
        long off = offset(c, i);
        int v = c.mem.read32(c.linear(i.seg, off, i.asize));
        note(c, f, i);
        noteData(c, f, i, off);
        int exp = (v >>> 23) & 0xff;
        int p = (f.top - 1) & 7;
        if (exp != 0 && exp != 0xff && f.isEmpty(p)) {
            pushValid(f, p, (v >>> 16) & 0x8000 | (exp + 16383 - 127), Long.MIN_VALUE | (long) v << 40);
            return;
        }
        load(f, F32, v, 0);
    }

    /** Pushes a normal value into the empty physical register p (= TOP - 1): tag valid, C1 = 0. */
    private static void pushValid(X87 f, int p, int se, long sig) {
        f.fsw &= ~X87.C1;
        f.top = p;
        f.se[p] = se;
        f.sig[p] = sig;
        f.ftw &= ~(3 << (2 * p));
    }

    /** The general load: overflow check, conversion (raw bits of {@code type} in v, hi), push. */
    private static void load(X87 f, int type, long v, int hi) {
        if (!pushCheck(f)) return;
        if (type == F80) {
            f.push(hi, v);
            return;
        }
        FpuEnv e = env(f);
        // An unmasked DE does not stop a load (the host loads the denormal anyway): convert with DE masked.
        int masks = e.masks;
        e.masks |= FpuEnv.DE;
        switch (type) {
            case F32 -> Float80.fromFloat(e, (int) v);
            case F64 -> Float80.fromDouble(e, v);
            case I32 -> Float80.fromInt(e, (int) v);
            case BCD -> Float80.fromBcd(e, hi, v);
            default -> Float80.fromInt(e, v);
        }
        e.masks = masks;
        if (e.flags != 0) f.raise(e.flags);
        if ((e.flags & ~masks & FpuEnv.IE) == 0) f.push(e.se, e.sig);
    }

    /** FLD ST(i). */
    public static void fldSti(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        int src = f.phys(i.modrm & 7);
        int se = f.se[src];
        long sig = f.sig[src];
        boolean empty = f.isEmpty(src);
        if (!pushCheck(f)) return;
        if (empty) {
            if (underflow(f)) f.push(INDEF_SE, INDEF_SIG);
            return;
        }
        f.push(se, sig);
    }

    /** FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ (rounded per RC). */
    public static void fldConst(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        if (!pushCheck(f)) return;
        FpuEnv e = env(f);
        Float80.loadConstant(e, i.arg & 7);
        f.push(e.se, e.sig);
    }

    /**
     * FST/FSTP m64 and m32: a normal value that stays normal in the destination, rounded to nearest, is
     * rounded here; everything else goes through the library.
     */
    public static void fstFloat(X86Cpu c, Insn i) {
        X87 f = begin(c);
        long off = offset(c, i);
        long a = c.linear(i.seg, off, i.asize);
        int p = f.top;
        boolean f64 = (i.arg & TYPE) == F64;
        int se = f.se[p];
        long sig = f.sig[p];
        if ((f.fcw & 0x0c00) == 0 && !f.isEmpty(p) && sig < 0) {
            // exponent in the destination's normal range, one below its maximum so rounding cannot overflow
            int exp = (se & 0x7fff) - 16383 + (f64 ? 1023 : 127);
            if (exp >= 1 && exp <= (f64 ? 2045 : 253)) {
                int drop = f64 ? 11 : 40;
                long keep = (sig & Long.MAX_VALUE) >>> drop, low = sig & ((1L << drop) - 1), half = 1L << (drop - 1);
                boolean up = low > half || low == half && (keep & 1) != 0;
                if (up) keep++; // a carry out of the fraction lands in the exponent: still correct
                long bits = f64 ? ((long) (se & 0x8000) << 48) + ((long) exp << 52) + keep
                        : ((long) (se & 0x8000) << 16) + ((long) exp << 23) + keep;
                if (f64) c.mem.write64(a, bits);
                else c.mem.write32(a, (int) bits);
                note(c, f, i);
                noteData(c, f, i, off);
                f.fsw = (f.fsw & ~X87.C1) | (up ? X87.C1 : 0);
                if (low != 0) f.raise(X87.PE);
                if ((i.arg & POP) != 0) f.pop();
                return;
            }
        }
        store(c, i, f, off, a);
    }

    /** FST/FSTP m32/m64/m80, FIST/FISTP/FISTTP m16/m32/m64, FBSTP. */
    public static void fstM(X86Cpu c, Insn i) {
        X87 f = begin(c);
        long off = offset(c, i);
        store(c, i, f, off, c.linear(i.seg, off, i.asize));
    }

    private static void store(X86Cpu c, Insn i, X87 f, long off, long a) {
        int type = i.arg & TYPE;
        int p = f.top;
        FpuEnv e = env(f);
        long v;
        int hi = 0;
        boolean write;
        boolean empty = f.isEmpty(p);
        if (empty) {
            write = (f.fcw & X87.IE) != 0;
            e.cc = 0;
            switch (type) {
                case F32 -> v = 0xffc00000L;
                case F64 -> v = 0xfff8000000000000L;
                case F80, BCD -> {
                    v = INDEF_SIG;
                    hi = 0xffff;
                }
                case I16 -> v = 0x8000;
                case I32 -> v = 0x80000000L;
                default -> v = Long.MIN_VALUE;
            }
        } else {
            int se = f.se[p];
            long sig = f.sig[p];
            switch (type) {
                case F32 -> v = Float80.toFloat(e, se, sig);
                case F64 -> v = Float80.toDouble(e, se, sig);
                case F80 -> {
                    v = sig;
                    hi = se;
                    e.cc = 0;
                }
                case BCD -> {
                    Float80.toBcd(e, se, sig);
                    v = e.sig;
                    hi = e.se;
                }
                case I16 -> v = Float80.toInt(e, se, sig, 16, (i.arg & TRUNC) != 0);
                case I32 -> v = Float80.toInt(e, se, sig, 32, (i.arg & TRUNC) != 0);
                default -> v = Float80.toInt(e, se, sig, 64, (i.arg & TRUNC) != 0);
            }
            write = e.storeMemoryResult();
            if (!write) {
                // an unmasked OE/UE aborts the store: no precision exception, no round-up
                e.flags &= ~FpuEnv.PE;
                e.cc = 0;
            }
        }
        if (write) {
            switch (type) {
                case F32, I32 -> c.mem.write32(a, (int) v);
                case F64, I64 -> c.mem.write64(a, v);
                case I16 -> c.mem.write16(a, (int) v);
                default -> write80(c, a, hi, v);
            }
        }
        note(c, f, i);
        noteData(c, f, i, off);
        if (empty) {
            underflow(f);
        } else {
            f.fsw = (f.fsw & ~X87.C1) | (e.cc & X87.C1);
            if (e.flags != 0) f.raise(e.flags);
        }
        if (write && (i.arg & POP) != 0) f.pop();
    }

    /** Writes 10 bytes; when they straddle a page, both pages are probed first so a fault writes nothing. */
    static void write80(X86Cpu c, long a, int hi, long lo) {
        if (((a ^ (a + 9)) & ~SoftMmu.PAGE_MASK) != 0) c.mem.probeWrite(a, 10);
        c.mem.write64(a, lo);
        c.mem.write16(a + 8, hi);
    }

    /** FST/FSTP ST(i) (and the reserved FSTP1/FSTP8/FSTP9 aliases): a plain copy. */
    public static void fstSti(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        int p = f.top, d = f.phys(i.modrm & 7);
        if (f.isEmpty(p)) {
            if (!underflow(f)) return;
            f.set(d, INDEF_SE, INDEF_SIG);
        } else {
            f.fsw &= ~X87.C1;
            f.set(d, f.se[p], f.sig[p]);
        }
        if ((i.arg & POP) != 0) f.pop();
    }

    /** FXCH ST(i): an empty register takes part as the indefinite (masked), or nothing happens (unmasked). */
    public static void fxch(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        int p = f.top, q = f.phys(i.modrm & 7);
        if (f.isEmpty(p) || f.isEmpty(q)) {
            if (!underflow(f)) return;
            if (f.isEmpty(p)) f.set(p, INDEF_SE, INDEF_SIG);
            if (f.isEmpty(q)) f.set(q, INDEF_SE, INDEF_SIG);
        } else {
            f.fsw &= ~X87.C1;
        }
        int se = f.se[p];
        long sig = f.sig[p];
        f.set(p, f.se[q], f.sig[q]);
        f.set(q, se, sig);
    }

    /** FCMOVcc ST0, ST(i): the argument's low bits are the integer condition code. C1 is left alone. */
    public static void fcmov(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        int p = f.top, q = f.phys(i.modrm & 7);
        if (f.isEmpty(p) || f.isEmpty(q)) {
            if (underflow(f)) f.set(p, INDEF_SE, INDEF_SIG);
            return;
        }
        if (c.cond(i.arg & 15)) f.set(p, f.se[q], f.sig[q]);
    }

    /** FFREE ST(i), FFREEP ST(i). */
    public static void ffree(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        f.fsw &= ~X87.C1;
        f.free(f.phys(i.modrm & 7));
        if ((i.arg & POP) != 0) f.pop();
    }

    public static void fincstp(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        f.fsw &= ~X87.C1;
        f.top = (f.top + 1) & 7;
    }

    public static void fdecstp(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        f.fsw &= ~X87.C1;
        f.top = (f.top - 1) & 7;
    }

    public static void fnop(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
    }
}
