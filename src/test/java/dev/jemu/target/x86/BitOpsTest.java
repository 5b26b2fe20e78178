package dev.jemu.target.x86;

import org.junit.jupiter.api.Test;

import static dev.jemu.target.x86.HostHarness.M0;
import static dev.jemu.target.x86.HostHarness.M1;
import static dev.jemu.target.x86.HostHarness.RAX;
import static dev.jemu.target.x86.HostHarness.RBX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BT/BTS/BTR/BTC, BSF/BSR, TZCNT/LZCNT/POPCNT and BSWAP against the host CPU. */
class BitOpsTest {
    static final String[] A = {"al", "ax", "eax", "rax"}, B = {"bl", "bx", "ebx", "rbx"};
    static final String[] MEMSIZE = {"byte", "word", "dword", "qword"};

    static void bitOps(HostHarness h) {
        int sizes = h.bits == 64 ? 4 : 3;
        for (int s = 1; s < sizes; s++) {
            int size = 1 << s, bits = 8 * size;
            long[] vals = h.values(size, 10);
            for (String op : new String[]{"bt", "bts", "btr", "btc"}) {
                HostHarness.Form rr = h.form(op + " " + A[s] + ", " + B[s]);
                HostHarness.Form mr = h.form(op + " " + MEMSIZE[s] + " [MEM], " + B[s]);
                HostHarness.Form lmr = op.equals("bt") ? null : h.form("lock " + op + " " + MEMSIZE[s] + " [MEM], " + B[s]);
                for (long v : vals) {
                    for (int k = 0; k < 12; k++) {
                        long[] in = h.in();
                        in[RAX] = v;
                        in[M0] = v;
                        in[M1] = ~v;
                        // register offsets: any value; for memory keep to -512..+639 bits (inside the record)
                        in[RBX] = k < 6 ? h.rnd.nextLong() : k * 11 - 40;
                        rr.add(in);
                        long[] im = in.clone();
                        im[RBX] = h.rnd.nextInt(1152) - 512;
                        if (k == 0) im[RBX] = -1;
                        if (k == 1) im[RBX] = 127;
                        if (bits == 16) im[RBX] = (im[RBX] & 0xffff) | (h.rnd.nextLong() << 16); // only BX counts
                        mr.add(im);
                        if (lmr != null) lmr.add(im);
                    }
                }
                for (int imm : new int[]{0, 1, 7, 15, 16, 31, 32, 63, 64, 200}) {
                    HostHarness.Form ri = h.form(op + " " + A[s] + ", " + imm);
                    HostHarness.Form mi = h.form((op.equals("bt") ? "" : "lock ") + op + " " + MEMSIZE[s] + " [MEM], " + imm);
                    for (int k = 0; k < vals.length; k += 2) {
                        long[] in = h.in();
                        in[RAX] = vals[k];
                        in[M0] = vals[k];
                        ri.add(in);
                        mi.add(in);
                    }
                }
            }
            for (String op : new String[]{"bsf", "bsr", "tzcnt", "lzcnt", "popcnt"}) {
                HostHarness.Form rr = h.form(op + " " + A[s] + ", " + B[s]);
                HostHarness.Form rm = h.form(op + " " + A[s] + ", [MEM]");
                for (long v : vals) {
                    for (int k = 0; k < 3; k++) {
                        long[] in = h.in();
                        in[RBX] = k == 2 ? v << h.rnd.nextInt(bits) : v;
                        in[M0] = in[RBX];
                        rr.add(in);
                        rm.add(in);
                    }
                }
            }
            HostHarness.Form sw = h.form(s == 1 ? "o16 bswap eax" : "bswap " + A[s]);
            for (long v : vals) {
                long[] in = h.in();
                in[RAX] = v | (h.rnd.nextLong() << bits);
                sw.add(in);
            }
        }
        if (h.bits == 64) {
            HostHarness.Form rex = h.form("mov r11, rax\nmov r12, rbx\nbts r11, r12\nbsf r12d, r11d\nbswap r11\n"
                    + "btc r12w, 9\ntzcnt r11, r11\nmov rax, r11\nmov rbx, r12");
            for (int k = 0; k < 50; k++) rex.add(h.in());
        }
    }

    @Test
    void bitOpsMatchHost64() {
        HostHarness h = new HostHarness(64, 41);
        bitOps(h);
        h.check(false);
    }

    @Test
    void bitOpsMatchHost32And16() {
        HostHarness h = new HostHarness(32, 42);
        bitOps(h);
        h.check(true);
    }

    @Test
    void cpuidAdvertisesPopcntAndAbm() {
        int[] r = new int[4];
        CpuModel m = CpuModel.max();
        m.cpuid(1, 0, r);
        assertTrue((r[2] & CpuModel.POPCNT) != 0);
        m.cpuid(0x80000001, 0, r);
        assertTrue((r[2] & CpuModel.ABM) != 0);
    }

    @Test
    void btWithRegisterOffsetUsesTheWordItAddresses() {
        // bts dword [rdi], ecx with ecx = -1 sets bit 31 of the dword BEFORE rdi (SDM: signed bit offset);
        // with rcx = -65, bts qword sets bit 63 of the qword 16 bytes before rdi.
        CpuTester t = new CpuTester(64);
        t.cpu.regs[X86Cpu.RDI] = CpuTester.DATA + 0x100;
        t.cpu.regs[X86Cpu.RCX] = 0xffffffffL;
        assertEquals(null, t.run(CpuTester.nasm(64, "bts dword [rdi], ecx\nmov rcx, -65\nbts qword [rdi], rcx\n"
                + "mov ecx, 0x7fff\nbtc qword [rdi], rcx\nhlt")));
        assertEquals(0x80000000L, t.cpu.mem.read32(CpuTester.DATA + 0xfc) & 0xffffffffL);
        assertEquals(0x8000000000000000L, t.cpu.mem.read64(CpuTester.DATA + 0xf0));
        assertEquals(0x8000000000000000L, t.cpu.mem.read64(CpuTester.DATA + 0x100 + 8 * 511));
    }
}
