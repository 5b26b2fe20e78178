package dev.jemu.target.x86;

import static dev.jemu.target.x86.X87Values.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * x87 instructions compared bit for bit with the host CPU (see {@link X87Harness}): stack registers, status,
 * control and tag words, FIP/FOP/FDP, memory results, EFLAGS, in 64-bit and 32-bit code.
 */
class X87HostTest {
    /** Random control and status words, TOP, and ST0..ST(n-1) from {@code vals}; the rest empty. */
    static void stack(SplittableRandom r, X87Harness.State s, int n, int unmask) {
        int cw = cw(r, unmask);
        s.cw(cw).sw(sw(r, cw)).top(r.nextInt(8)).tw(0xffff);
        for (int k = 0; k < n; k++) s.st(k, any(r));
        // now and then an empty operand
        if (n > 0 && r.nextInt(40) == 0) s.empty(r.nextInt(n));
        if (r.nextInt(40) == 0) s.st(7, any(r));
    }

    static void check(X87Harness h) {
        X87Harness.Result res = h.compare();
        System.out.println(h.bits + "-bit: " + res.cases() + " cases, " + res.mismatches() + " mismatches, "
                + res.nearMisses() + " within 1 ulp, " + res.known() + " known library differences");
        if (!res.lines().isEmpty()) System.out.println(res.report());
        assertEquals(0, res.mismatches(), () -> res.report());
    }

    static X87Harness arithmetic(int bits, int n) {
        X87Harness h = new X87Harness(bits, 87);
        String[] ops = {"fadd", "fmul", "fsub", "fsubr", "fdiv", "fdivr"};
        for (String op : ops) {
            h.add(op + " st0, st1", n, (r, s) -> stack(r, s, 2, 15));
            h.add(op + " st3, st0", n / 4, (r, s) -> stack(r, s, 4, 15));
            h.add(op + "p st2, st0", n / 4, (r, s) -> stack(r, s, 3, 15));
            h.add(op + " dword [MEM]", n / 2, (r, s) -> {
                stack(r, s, 1, 15);
                s.mem(0, f32(r), 4);
            });
            h.add(op + " qword [MEM]", n / 2, (r, s) -> {
                stack(r, s, 1, 15);
                s.mem(0, f64(r), 8);
            });
            String iop = "fi" + op.substring(1);
            h.add(iop + " dword [MEM]", n / 4, (r, s) -> {
                stack(r, s, 1, 15);
                s.mem(0, int64(r, 32), 4);
            });
            h.add(iop + " word [MEM]", n / 4, (r, s) -> {
                stack(r, s, 1, 15);
                s.mem(0, int64(r, 16), 2);
            });
        }
        h.add("fsqrt", n, (r, s) -> stack(r, s, 1, 15));
        return h;
    }

    @Test
    void arithmetic64() {
        check(arithmetic(64, 300));
    }

    @Test
    void arithmetic32() {
        check(arithmetic(32, 100));
    }

    static X87Harness loadStore(int bits, int n) {
        X87Harness h = new X87Harness(bits, 42);
        h.add("fld dword [MEM]", n, (r, s) -> { stack(r, s, 2, 15); s.mem(0, f32(r), 4); });
        h.add("fld qword [MEM]", n, (r, s) -> { stack(r, s, 2, 15); s.mem(0, f64(r), 8); });
        h.add("fld tword [MEM]", n / 2, (r, s) -> { stack(r, s, 2, 15); long[] v = any(r); s.mem(0, v[1], 8).mem(8, v[0], 2); });
        h.add("fild word [MEM]", n / 2, (r, s) -> { stack(r, s, 2, 15); s.mem(0, int64(r, 16), 2); });
        h.add("fild dword [MEM]", n / 2, (r, s) -> { stack(r, s, 2, 15); s.mem(0, int64(r, 32), 4); });
        h.add("fild qword [MEM]", n / 2, (r, s) -> { stack(r, s, 2, 15); s.mem(0, int64(r, 64), 8); });
        h.add("fld st2", n / 4, (r, s) -> stack(r, s, 3, 15));
        for (String st : new String[] {"fst dword [MEM]", "fstp dword [MEM]", "fst qword [MEM]", "fstp qword [MEM]",
                "fstp tword [MEM]", "fist word [MEM]", "fistp word [MEM]", "fist dword [MEM]", "fistp dword [MEM]",
                "fistp qword [MEM]", "fisttp word [MEM]", "fisttp dword [MEM]", "fisttp qword [MEM]", "fbstp [MEM]",
                "fst st2", "fstp st2", "fstp st0"}) {
            h.add(st, n, (r, s) -> stack(r, s, 3, 15));
        }
        h.add("fbld [MEM]", n / 2, (r, s) -> {
            stack(r, s, 1, 15);
            long lo = 0;
            for (int k = 0; k < 16; k++) lo |= (long) (r.nextInt(10) < 9 ? r.nextInt(10) : r.nextInt(16)) << 4 * k;
            s.mem(0, lo, 8).mem(8, (r.nextBoolean() ? 0x8000 : 0) | r.nextInt(10) << 4 | r.nextInt(10), 2);
        });
        String[] consts = {"fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz"};
        for (String k : consts) h.add(k, 8, (r, s) -> stack(r, s, 1, 15));
        h.add("fxch st3", n / 4, (r, s) -> stack(r, s, 4, 15));
        h.add("fchs", n / 4, (r, s) -> stack(r, s, 1, 15));
        h.add("fabs", n / 4, (r, s) -> stack(r, s, 1, 15));
        h.add("ffree st1", 8, (r, s) -> stack(r, s, 2, 15));
        h.add("ffreep st1", 8, (r, s) -> stack(r, s, 2, 15));
        h.add("fincstp", 8, (r, s) -> stack(r, s, 2, 15));
        h.add("fdecstp", 8, (r, s) -> stack(r, s, 2, 15));
        h.add("fnop", 8, (r, s) -> stack(r, s, 2, 15));
        String[] cmov = {"fcmovb", "fcmove", "fcmovbe", "fcmovu", "fcmovnb", "fcmovne", "fcmovnbe", "fcmovnu"};
        for (String k : cmov) h.add(k + " st0, st2", 16, (r, s) -> stack(r, s, 3, 15));
        return h;
    }

    @Test
    void loadStore64() {
        check(loadStore(64, 200));
    }

    @Test
    void loadStore32() {
        check(loadStore(32, 60));
    }

    static X87Harness compares(int bits, int n) {
        X87Harness h = new X87Harness(bits, 7);
        for (String op : new String[] {"fcom st2", "fcomp st2", "fucom st2", "fucomp st2", "fcompp", "fucompp",
                "fcomi st0, st2", "fucomi st0, st2", "fcomip st0, st2", "fucomip st0, st2", "db 0xdc, 0xd2",
                "db 0xdc, 0xda", "db 0xde, 0xd2"}) {
            h.add(op, n, (r, s) -> {
                stack(r, s, 3, 15);
                if (r.nextInt(4) == 0) s.st(2, s.se(0), s.sig(0)); // equal operands
            });
        }
        for (String op : new String[] {"fcom dword [MEM]", "fcomp dword [MEM]"}) {
            h.add(op, n / 2, (r, s) -> { stack(r, s, 2, 15); s.mem(0, f32(r), 4); });
        }
        for (String op : new String[] {"fcom qword [MEM]", "fcomp qword [MEM]"}) {
            h.add(op, n / 2, (r, s) -> { stack(r, s, 2, 15); s.mem(0, f64(r), 8); });
        }
        for (String op : new String[] {"ficom dword [MEM]", "ficomp dword [MEM]"}) {
            h.add(op, n / 2, (r, s) -> { stack(r, s, 2, 15); s.mem(0, int64(r, 32), 4); });
        }
        for (String op : new String[] {"ficom word [MEM]", "ficomp word [MEM]"}) {
            h.add(op, n / 2, (r, s) -> { stack(r, s, 2, 15); s.mem(0, int64(r, 16), 2); });
        }
        h.add("ftst", n, (r, s) -> stack(r, s, 1, 15));
        h.add("fxam", n, (r, s) -> {
            stack(r, s, 1, 15);
            if (r.nextInt(8) == 0) s.empty(0);
        });
        return h;
    }

    @Test
    void compares64() {
        check(compares(64, 200));
    }

    @Test
    void compares32() {
        check(compares(32, 60));
    }

    static X87Harness functions(int bits, int n) {
        X87Harness h = new X87Harness(bits, 11);
        h.add("frndint", n, (r, s) -> stack(r, s, 1, 15));
        h.add("fxtract", n, (r, s) -> stack(r, s, 1, 15));
        h.add("fscale", n, (r, s) -> {
            stack(r, s, 2, 15);
            if (r.nextBoolean()) s.st(1, integral(r));
        });
        h.add("fprem", n, (r, s) -> stack(r, s, 2, 15));
        h.add("fprem1", n, (r, s) -> stack(r, s, 2, 15));
        h.add("fprem", n / 2, (r, s) -> { // close exponents: complete remainders with quotient bits
            stack(r, s, 2, 15);
            long[] b = finite(r);
            s.st(1, b);
            s.st(0, (int) (b[0] & 0x8000 ^ (r.nextBoolean() ? 0x8000 : 0)) | (int) (b[0] & 0x7fff) + r.nextInt(0, 70), randomSig(r));
        });
        h.add("fprem1", n / 2, (r, s) -> {
            stack(r, s, 2, 15);
            long[] b = finite(r);
            s.st(1, b);
            s.st(0, (int) (b[0] & 0x8000 ^ (r.nextBoolean() ? 0x8000 : 0)) | (int) (b[0] & 0x7fff) + r.nextInt(-1, 70), randomSig(r));
        });
        return h;
    }

    @Test
    void functions64() {
        check(functions(64, 300));
    }

    @Test
    void functions32() {
        check(functions(32, 60));
    }

    /** A random state that may have an exception pending (flags set whose masks are clear). */
    static void pendingMaybe(SplittableRandom r, X87Harness.State s, int n) {
        stack(r, s, n, 40);
        if (r.nextInt(3) == 0) s.sw(s.sw() | r.nextInt(0x80));
    }

    /** A random 28-byte environment (or 14 with o16) plus registers at MEM, reserved bits included. */
    static void image(SplittableRandom r, X87Harness.State s, boolean o16) {
        int cw = r.nextInt(4) == 0 ? r.nextInt(0x10000) : cw(r, 30);
        int sw = r.nextInt(0x10000) & (r.nextBoolean() ? 0xffff : 0xff7f);
        int tw = r.nextInt(4) == 0 ? 0xffff : r.nextInt(0x10000);
        if (o16) {
            s.mem(0, cw, 2).mem(2, sw, 2).mem(4, tw, 2).mem(6, r.nextInt(), 2).mem(8, r.nextInt(), 2)
                    .mem(10, r.nextInt(), 2).mem(12, r.nextInt(), 2);
        } else {
            s.mem(0, r.nextInt() & 0xffff0000 | cw, 4).mem(4, r.nextInt() & 0xffff0000 | sw, 4)
                    .mem(8, r.nextInt() & 0xffff0000 | tw, 4).mem(12, r.nextInt(), 4).mem(16, r.nextInt(), 4)
                    .mem(20, r.nextInt(), 4).mem(24, r.nextInt(), 4);
        }
        int base = o16 ? 14 : 28;
        for (int k = 0; k < 8; k++) {
            long[] v = any(r);
            s.mem(base + 10 * k, v[1], 8).mem(base + 10 * k + 8, v[0], 2);
        }
    }

    static X87Harness control(int bits, int n) {
        X87Harness h = new X87Harness(bits, 5);
        h.add("fldcw [MEM]", n, (r, s) -> {
            pendingMaybe(r, s, 2);
            s.mem(0, r.nextInt(4) == 0 ? r.nextInt(0x10000) : cw(r, 50), 2);
        });
        h.add("fldcw [MEM]\nfld1", n, (r, s) -> {
            pendingMaybe(r, s, 2);
            s.mem(0, cw(r, 50), 2);
        });
        for (String op : new String[] {"fnstcw [MEM]", "fnstsw [MEM]", "fnstsw ax", "fnclex", "fninit", "fwait",
                "fnstenv [MEM]", "o16 fnstenv [MEM]", "fnsave [MEM]", "o16 fnsave [MEM]", "fnop", "fld1\nfnop",
                "fnstenv [MEM]\nfld1", "fxam", "ffree st0", "fincstp", "db 0xdb, 0xe4", "fnclex\nfld1"}) {
            h.add(op, n / 2, (r, s) -> pendingMaybe(r, s, 3));
        }
        h.add("fldenv [MEM]", n, (r, s) -> { pendingMaybe(r, s, 3); image(r, s, false); });
        h.add("o16 fldenv [MEM]", n / 2, (r, s) -> { pendingMaybe(r, s, 3); image(r, s, true); });
        h.add("frstor [MEM]", n, (r, s) -> { pendingMaybe(r, s, 3); image(r, s, false); });
        h.add("o16 frstor [MEM]", n / 2, (r, s) -> { pendingMaybe(r, s, 3); image(r, s, true); });
        h.add("frstor [MEM]\nfnop", n / 2, (r, s) -> { stack(r, s, 3, 0); image(r, s, false); });
        h.add("fnsave [MEM]\nfrstor [MEM]", n / 2, (r, s) -> pendingMaybe(r, s, 4));
        h.add("fnstenv [MEM]\nfldenv [MEM]", n / 2, (r, s) -> pendingMaybe(r, s, 4));
        // Unmasked exceptions: #MF at the next waiting instruction, with the state of the faulting one saved.
        for (String op : new String[] {"fadd st0, st1\nfwait", "fdiv st0, st1\nfnop", "fld dword [MEM]\nfld1",
                "fstp dword [MEM]\nfnstsw ax\nfwait", "fcomp st1\nfnclex\nfld1", "fsqrt\nfnstenv [MEM+32]\nfnop",
                "fist word [MEM]\nfninit\nfld1", "faddp st1\nfld st0"}) {
            h.add(op, n, (r, s) -> {
                stack(r, s, 2, 100);
                s.mem(0, f32(r), 4);
            });
        }
        // MMX aliasing: the tags FNSTENV computes for registers an MMX instruction wrote (exponent all ones).
        h.add("movq mm1, [MEM]\nfnstenv [MEM+32]\nfld1", n / 4, (r, s) -> stack(r, s, 3, 0));
        h.add("movq mm1, [MEM]\nemms\nfld1", n / 4, (r, s) -> stack(r, s, 3, 0));
        // Prefixes and segments: FIP is the first prefix byte's offset; FDS the segment's selector.
        h.add("ds fld1", n / 4, (r, s) -> stack(r, s, 1, 0));
        h.add("ds fld dword [MEM]", n / 4, (r, s) -> { stack(r, s, 1, 0); s.mem(0, f32(r), 4); });
        h.add("es fstp qword [MEM]", n / 4, (r, s) -> stack(r, s, 1, 0));
        h.add("cs fadd dword [MEM]", n / 4, (r, s) -> { stack(r, s, 1, 0); s.mem(0, f32(r), 4); });
        h.add("o16 fadd dword [MEM]", n / 4, (r, s) -> { stack(r, s, 1, 0); s.mem(0, f32(r), 4); });
        if (bits == 64) h.add("a32 fld dword [ebp+" + X87Harness.MEM + "]", 4, (r, s) -> stack(r, s, 1, 0));
        return h;
    }

    @Test
    void control64() {
        check(control(64, 100));
    }

    @Test
    void control32() {
        check(control(32, 40));
    }

    /** Arguments for the transcendentals: their domains' edges, small and huge values, and random ones. */
    static long[] transArg(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> new long[] {(r.nextBoolean() ? 0x8000 : 0) | 0x3FFF + r.nextInt(-70, 1), randomSig(r)};
            case 1 -> new long[] {(r.nextBoolean() ? 0x8000 : 0) | 0x3FFF + r.nextInt(0, 66), randomSig(r)};
            default -> any(r);
        };
    }

    /**
     * Differences in the fpu library's transcendentals, reported to its owner: the host raises PE for F2XM1,
     * FYL2X, FYL2XP1 and FPATAN results that happen to be exact (e.g. F2XM1(1), FYL2X(2^32, y)), and FYL2XP1 with
     * x <= -1 (outside its domain) returns x (or a signed zero/infinity for y = 0/inf) with PE instead of the
     * indefinite.
     */
    static final X87Harness.Known LIBRARY = (in, host, emu) -> {
        X87Harness.State e = emu.copy();
        e.fault = emu.fault;
        e.faultAt = emu.faultAt;
        e.sw(e.sw() & ~0x20 | host.sw() & 0x20);
        if (X87Harness.withinUlp(host, e)) return true;
        int x = in.se(0);
        return (x & 0x8000) != 0 && (x & 0x7fff) >= 0x3fff && (x & 0x7fff) < 0x7fff;
    };

    static X87Harness transcendental(int bits, int n) {
        X87Harness h = new X87Harness(bits, 13);
        for (String op : new String[] {"f2xm1", "fsin", "fcos", "fptan", "fsincos"}) {
            h.add(op, n, (r, s) -> {
                stack(r, s, 1, 15);
                s.st(0, transArg(r));
                if (r.nextInt(40) == 0) s.empty(0);
            }, true, op.equals("f2xm1") ? LIBRARY : null);
        }
        for (String op : new String[] {"fyl2x", "fyl2xp1", "fpatan"}) {
            h.add(op, n, (r, s) -> {
                stack(r, s, 2, 15);
                s.st(0, transArg(r));
                if (r.nextInt(40) == 0) s.empty(r.nextInt(2));
            }, true, op.equals("fyl2xp1") ? LIBRARY : (in, host, emu) -> LIBRARY.test(in, host, emu)
                    && !X87Harness.diff(host, emu, 0x8d5).contains(" st"));
        }
        for (String op : new String[] {"fptan", "fsincos", "fxtract"}) {
            h.add(op, 16, (r, s) -> {
                stack(r, s, 1, 15);
                s.st(7, any(r));
                if (r.nextBoolean()) s.empty(0);
            }, true);
        }
        return h;
    }

    @Test
    void transcendental64() {
        check(transcendental(64, 300));
    }

    @Test
    void transcendental32() {
        check(transcendental(32, 60));
    }
}
