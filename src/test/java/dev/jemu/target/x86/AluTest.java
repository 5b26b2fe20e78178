package dev.jemu.target.x86;

import org.junit.jupiter.api.Test;

import static dev.jemu.target.x86.HostHarness.M0;
import static dev.jemu.target.x86.HostHarness.RAX;
import static dev.jemu.target.x86.HostHarness.RBX;

/** ADD OR ADC SBB AND SUB XOR CMP, TEST, INC DEC NEG NOT (register, memory, immediate and LOCK forms) vs the host. */
class AluTest {
    static final String[] OPS = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test"};
    static final String[] A = {"al", "ax", "eax", "rax"}, B = {"bl", "bx", "ebx", "rbx"};
    static final String[] MEMSIZE = {"byte", "word", "dword", "qword"};

    static void alu(HostHarness h) {
        int sizes = h.bits == 64 ? 4 : 3;
        for (int s = 0; s < sizes; s++) {
            int size = 1 << s;
            long[] vals = h.values(size, 6);
            for (String op : OPS) {
                boolean lockable = !op.equals("cmp") && !op.equals("test");
                HostHarness.Form rr = h.form(op + " " + A[s] + ", " + B[s]);
                HostHarness.Form mr = h.form((lockable ? "lock " : "") + op + " " + MEMSIZE[s] + " [MEM], " + B[s]);
                HostHarness.Form rm = op.equals("test") ? null : h.form(op + " " + A[s] + ", [MEM]");
                for (int j = 0; j < vals.length; j++) {
                    for (int k = 0; k < vals.length; k++) {
                        long[] in = h.in();
                        in[RAX] = vals[j];
                        in[RBX] = vals[k];
                        in[M0] = vals[j];
                        rr.add(in);
                        if ((j + k) % 4 == 0) {
                            mr.add(in);
                            if (rm != null) {
                                in[M0] = vals[k];
                                rm.add(in);
                            }
                        }
                    }
                }
                // Immediates: the AL/rAX short forms, 80/81/83 on another register and on memory.
                long[] imms = s == 0 ? new long[]{0, 1, 0x7f, -128, -1} : new long[]{0, 1, 0x7f, -128, -1, 0x1234, -0x8000};
                for (long imm : imms) {
                    HostHarness.Form fa = h.form(op + " " + A[s] + ", " + imm);
                    HostHarness.Form fb = h.form(op + " " + B[s] + ", " + imm);
                    HostHarness.Form fm = h.form((lockable ? "lock " : "") + op + " " + MEMSIZE[s] + " [MEM], " + imm);
                    for (long v : vals) {
                        long[] in = h.in();
                        in[RAX] = v;
                        in[RBX] = v;
                        in[M0] = v;
                        fa.add(in);
                        fb.add(in);
                        fm.add(in);
                    }
                }
            }
            for (String op : new String[]{"inc", "dec", "neg", "not"}) {
                HostHarness.Form r = h.form(op + " " + A[s]);
                HostHarness.Form m = h.form(op + " " + MEMSIZE[s] + " [MEM]");
                HostHarness.Form l = h.form("lock " + op + " " + MEMSIZE[s] + " [MEM]");
                for (long v : vals) {
                    for (int rep = 0; rep < 2; rep++) {
                        long[] in = h.in();
                        in[RAX] = v;
                        in[M0] = v;
                        r.add(in);
                        m.add(in);
                        l.add(in);
                    }
                }
            }
        }
        // High byte registers, and the short INC/DEC forms (40+r) outside 64-bit mode.
        HostHarness.Form hi = h.form("add ah, bh\nadc ch, dl\nsub dh, ah\nxor bh, 0x5a\ncmp ah, ch");
        for (int k = 0; k < 40; k++) hi.add(h.in());
        if (h.bits == 64) {
            HostHarness.Form rex = h.form("mov r8, rax\nmov r13, rbx\nadd r8b, sil\nsbb r13w, r8w\nxor dil, r13b\n"
                    + "neg r8d\ninc r13\nadc r13d, 0x77\nmov rax, r8\nmov rbx, r13");
            for (int k = 0; k < 60; k++) rex.add(h.in());
        } else {
            HostHarness.Form incdec = h.form("inc eax\ndec bx\ninc si\ndec edi");
            for (int k = 0; k < 40; k++) incdec.add(h.in());
        }
    }

    @Test
    void aluMatchesHost64() {
        HostHarness h = new HostHarness(64, 31);
        alu(h);
        h.check(false);
    }

    @Test
    void aluMatchesHost32And16() {
        HostHarness h = new HostHarness(32, 32);
        alu(h);
        h.check(true);
    }
}
