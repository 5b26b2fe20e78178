package dev.jemu.target.x86.ops;

import static dev.jemu.target.x86.ops.X87Ops.INDEF_SE;
import static dev.jemu.target.x86.ops.X87Ops.INDEF_SIG;
import static dev.jemu.target.x86.ops.X87Ops.begin;
import static dev.jemu.target.x86.ops.X87Ops.env;
import static dev.jemu.target.x86.ops.X87Ops.note;
import static dev.jemu.target.x86.ops.X87Ops.overflow;
import static dev.jemu.target.x86.ops.X87Ops.underflow;

import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X87;
import dev.jemu.target.x86.fpu.Float80;
import dev.jemu.target.x86.fpu.FpuEnv;

/**
 * F2XM1, FSIN, FCOS (on ST0), FYL2X, FYL2XP1, FPATAN (ST1 = f(ST0, ST1), then pop), FPTAN and FSINCOS (ST0
 * replaced, a second result pushed). The functions are {@link Float80}'s; C1 reports rounding up, C2 an
 * argument out of the reduction range (then ST0 stays and nothing is pushed).
 */
public final class X87Trans {
    private X87Trans() {}

    static final int F2XM1 = 0, FSIN = 1, FCOS = 2, FYL2X = 3, FYL2XP1 = 4, FPATAN = 5, FPTAN = 6, FSINCOS = 7;

    static void register(OpcodeTable t) {
        int d9 = 1 << 8;
        t.add("D9 F0", "F2XM1", X87Trans::unary, d9 | F2XM1);
        t.add("D9 FE", "FSIN", X87Trans::unary, d9 | FSIN);
        t.add("D9 FF", "FCOS", X87Trans::unary, d9 | FCOS);
        t.add("D9 F1", "FYL2X", X87Trans::binaryPop, d9 | FYL2X);
        t.add("D9 F9", "FYL2XP1", X87Trans::binaryPop, d9 | FYL2XP1);
        t.add("D9 F3", "FPATAN", X87Trans::binaryPop, d9 | FPATAN);
        t.add("D9 F2", "FPTAN", X87Trans::twoResults, d9 | FPTAN);
        t.add("D9 FB", "FSINCOS", X87Trans::twoResults, d9 | FSINCOS);
    }

    /** C1 from the operation, and C2 for the trigonometric ones (argument out of range); the rest stay. */
    private static void codes(X87 f, FpuEnv e, boolean trig) {
        int m = trig ? X87.C1 | X87.C2 : X87.C1;
        f.fsw = (f.fsw & ~m) | (e.cc & m);
        if (e.flags != 0) f.raise(e.flags);
    }

    /** F2XM1, FSIN, FCOS: ST0 = f(ST0). */
    public static void unary(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        int p0 = f.top;
        if (f.isEmpty(p0)) {
            if ((i.arg & 0xff) != F2XM1) f.fsw &= ~X87.C2;
            if (underflow(f)) f.set(p0, INDEF_SE, INDEF_SIG);
            return;
        }
        FpuEnv e = env(f);
        int se = f.se[p0];
        long sig = f.sig[p0];
        int op = i.arg & 0xff;
        switch (op) {
            case F2XM1 -> Float80.f2xm1(e, se, sig);
            case FSIN -> Float80.fsin(e, se, sig);
            default -> Float80.fcos(e, se, sig);
        }
        codes(f, e, op != F2XM1);
        if (e.storeResult() && (e.cc & X87.C2) == 0) f.set(p0, e.se, e.sig);
    }

    /** FYL2X, FYL2XP1, FPATAN: ST1 = f(x = ST0, y = ST1), then pop. */
    public static void binaryPop(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        int p0 = f.top, p1 = f.phys(1);
        if (f.isEmpty(p0) || f.isEmpty(p1)) {
            if (underflow(f)) {
                f.set(p1, INDEF_SE, INDEF_SIG);
                f.pop();
            }
            return;
        }
        FpuEnv e = env(f);
        switch (i.arg & 0xff) {
            case FYL2X -> Float80.fyl2x(e, f.se[p0], f.sig[p0], f.se[p1], f.sig[p1]);
            case FYL2XP1 -> Float80.fyl2xp1(e, f.se[p0], f.sig[p0], f.se[p1], f.sig[p1]);
            default -> Float80.fpatan(e, f.se[p0], f.sig[p0], f.se[p1], f.sig[p1]);
        }
        codes(f, e, false);
        if (e.storeResult()) {
            f.set(p1, e.se, e.sig);
            f.pop();
        }
    }

    /** FPTAN (ST0 = tan, push 1.0) and FSINCOS (ST0 = sine, push the cosine). */
    public static void twoResults(X86Cpu c, Insn i) {
        X87 f = begin(c);
        note(c, f, i);
        int p0 = f.top;
        if (f.isEmpty(p0)) {
            f.fsw &= ~X87.C2;
            if (underflow(f)) { // the host pushes even onto a full register here
                f.set(p0, INDEF_SE, INDEF_SIG);
                f.push(INDEF_SE, INDEF_SIG);
            }
            return;
        }
        if (!f.isEmpty((p0 - 1) & 7)) {
            f.fsw &= ~X87.C2;
            if (overflow(f)) {
                f.set(p0, INDEF_SE, INDEF_SIG);
                f.push(INDEF_SE, INDEF_SIG);
            }
            return;
        }
        FpuEnv e = env(f);
        if ((i.arg & 0xff) == FPTAN) Float80.fptan(e, f.se[p0], f.sig[p0]);
        else Float80.fsincos(e, f.se[p0], f.sig[p0]);
        codes(f, e, true);
        if (e.storeResult() && (e.cc & X87.C2) == 0) {
            f.set(p0, e.se, e.sig);
            f.push(e.se2, e.sig2);
        }
    }
}
