package dev.jemu.target.x86;

import org.junit.jupiter.api.Test;

import static dev.jemu.target.x86.HostHarness.M0;
import static dev.jemu.target.x86.HostHarness.RAX;
import static dev.jemu.target.x86.HostHarness.RBX;
import static dev.jemu.target.x86.HostHarness.RCX;

/** Shifts, rotates and double shifts against the host CPU, at every operand size, including undefined flags. */
class ShiftTest {
    static final String[] OPS = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
    static final String[] A = {"al", "ax", "eax", "rax"}, B = {"bl", "bx", "ebx", "rbx"};
    static final String[] MEMSIZE = {"byte", "word", "dword", "qword"};
    static final int[] IMMS = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 18, 31, 32, 33, 63, 64, 65, 200, 255};

    static void shifts(HostHarness h) {
        int sizes = h.bits == 64 ? 4 : 3;
        for (String op : OPS) {
            for (int s = 0; s < sizes; s++) {
                int size = 1 << s;
                long[] vals = h.values(size, 4);
                HostHarness.Form cl = h.form(op + " " + A[s] + ", cl");
                HostHarness.Form one = h.form(op + " " + A[s] + ", 1");
                HostHarness.Form mem = h.form(op + " " + MEMSIZE[s] + " [MEM], cl");
                for (int k = 0; k < vals.length; k++) {
                    long v = vals[k];
                    for (int n = 0; n < 70; n += (k % 3 == 0 ? 1 : 3)) {
                        long[] in = h.in();
                        in[RAX] = (in[RAX] & ~mask(size)) | v;
                        in[RCX] = (in[RCX] & ~0xffL) | n | (n == 69 ? 0xe0 : 0); // upper bits of CL are ignored
                        cl.add(in);
                    }
                    long[] in = h.in();
                    in[RAX] = v;
                    one.add(in);
                    in = h.in();
                    in[M0] = v;
                    in[RCX] = k;
                    mem.add(in);
                }
                for (int imm : IMMS) {
                    HostHarness.Form f = h.form(op + " " + A[s] + ", " + imm);
                    for (int k = 0; k < vals.length; k += 2) {
                        long[] in = h.in();
                        in[RAX] = vals[k];
                        f.add(in);
                    }
                }
            }
        }
        // /6 is an alias of SHL (nasm encodes SAL as /4): D0 /6, D2 /6 and C0 /6 on AL
        HostHarness.Form sal6 = h.form("db 0xd0, 0xf0\ndb 0xd2, 0xf3\ndb 0xc0, 0xf2, 3");
        for (int n = 0; n < 30; n++) sal6.add(rnd(h, n));
        // Other registers: AH, and in 64-bit mode the REX byte registers and r8..r15.
        HostHarness.Form ah = h.form("rcl ah, cl\nshl bh, 3");
        for (int n = 0; n < 20; n++) ah.add(rnd(h, n));
        if (h.bits == 64) {
            HostHarness.Form rex = h.form("mov r9, rax\nmov r10, rbx\nror sil, cl\nsar r9d, cl\nshl r10w, 5\nrcr dil, 1\nmov rax, r9\nmov rbx, r10");
            for (int n = 0; n < 40; n++) rex.add(rnd(h, n));
        }
    }

    private static long[] rnd(HostHarness h, int n) {
        long[] in = h.in();
        in[RCX] = n;
        return in;
    }

    private static long mask(int size) {
        return size == 8 ? -1L : (1L << (8 * size)) - 1;
    }

    private static void doubleShifts(HostHarness h) {
        int sizes = h.bits == 64 ? 4 : 3;
        for (String op : new String[]{"shld", "shrd"}) {
            for (int s = 1; s < sizes; s++) {
                int size = 1 << s;
                long[] vals = h.values(size, 6);
                HostHarness.Form cl = h.form(op + " " + A[s] + ", " + B[s] + ", cl");
                HostHarness.Form mem = h.form(op + " " + MEMSIZE[s] + " [MEM], " + B[s] + ", cl");
                for (int k = 0; k < vals.length; k++) {
                    for (int n = 0; n < 68; n++) {
                        long[] in = h.in();
                        in[RAX] = vals[k];
                        in[RBX] = vals[(k * 7 + n) % vals.length];
                        in[RCX] = n;
                        cl.add(in);
                        if (n % 5 == k % 5) {
                            in = in.clone();
                            in[M0] = vals[k];
                            mem.add(in);
                        }
                    }
                }
                for (int imm : IMMS) {
                    HostHarness.Form f = h.form(op + " " + A[s] + ", " + B[s] + ", " + imm);
                    for (int k = 0; k < vals.length; k++) {
                        long[] in = h.in();
                        in[RAX] = vals[k];
                        in[RBX] = vals[vals.length - 1 - k];
                        f.add(in);
                    }
                }
            }
        }
    }

    @Test
    void shiftsAndRotatesMatchHost64() {
        HostHarness h = new HostHarness(64, 11);
        shifts(h);
        h.check(false);
    }

    @Test
    void shiftsAndRotatesMatchHost32And16() {
        HostHarness h = new HostHarness(32, 12);
        shifts(h);
        h.check(true);
    }

    @Test
    void doubleShiftsMatchHost64() {
        HostHarness h = new HostHarness(64, 13);
        doubleShifts(h);
        h.check(false);
    }

    @Test
    void doubleShiftsMatchHost32And16() {
        HostHarness h = new HostHarness(32, 14);
        doubleShifts(h);
        h.check(true);
    }
}
