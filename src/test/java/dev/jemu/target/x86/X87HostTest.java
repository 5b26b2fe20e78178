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
        System.out.println(h.bits + "-bit: " + res.cases() + " cases, " + res.mismatches() + " mismatches");
        if (res.mismatches() != 0) System.out.println(res.report());
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
}
