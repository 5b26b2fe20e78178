package dev.jemu.target.x86;

import dev.jemu.memory.HostRam;
import dev.jemu.memory.SoftMmu;
import org.junit.jupiter.api.Test;

import static dev.jemu.target.x86.HostHarness.M0;
import static dev.jemu.target.x86.HostHarness.M1;
import static dev.jemu.target.x86.HostHarness.RAX;
import static dev.jemu.target.x86.HostHarness.RCX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * MOVS CMPS STOS LODS SCAS: against the host on small buffers inside the case records (all sizes, REP/REPE/
 * REPNE, both directions, overlapping moves, 32-bit addresses in 64-bit code); restart after a page fault,
 * exit requests, 16-bit addressing, segment overrides and the bulk paths against the SDM.
 */
class StringOpsTest {
    static final String[] SUFFIX = {"b", "w", "d", "q"};

    /** The record's first 80 bytes (inputs already loaded into registers, and MEM) are scratch memory. */
    static void strings(HostHarness h) {
        boolean b64 = h.bits == 64;
        String bp = b64 ? "rbp" : "ebp", si = b64 ? "rsi" : "esi", di = b64 ? "rdi" : "edi";
        String a = b64 ? "" : "a32 "; // 32-bit addresses also when the text runs as 16-bit code
        int sizes = b64 ? 4 : 3;
        for (int s = 0; s < sizes; s++) {
            int size = 1 << s;
            String x = SUFFIX[s];
            int[][] moves = {{0, 40}, {40, 0}, {0, size}, {size, 0}, {8, 9}, {0, 1}};
            for (int[] mv : moves) {
                for (String dir : new String[]{"", "std\n"}) {
                    int from = dir.isEmpty() ? mv[0] : mv[0] + 72 - size - 32, to = dir.isEmpty() ? mv[1] : mv[1] + 72 - size - 32;
                    if (from < 0 || to < 0) continue;
                    String setup = dir + "lea " + si + ", [" + bp + "+" + from + "]\nlea " + di + ", [" + bp + "+" + to + "]\n";
                    HostHarness.Form rep = h.form(setup + a + "rep movs" + x);
                    HostHarness.Form one = h.form(setup + a + "movs" + x + "\n" + a + "movs" + x);
                    for (int n = 0; n <= 32 / size + 1; n++) {
                        long[] in = h.in();
                        in[RCX] = n | (b64 ? 0 : in[RCX] & ~0xffffffffL);
                        rep.add(in);
                        if (n < 2) one.add(in);
                    }
                }
            }
            // STOS, LODS
            for (String dir : new String[]{"", "std\n"}) {
                HostHarness.Form st = h.form(dir + "lea " + di + ", [" + bp + "+" + (dir.isEmpty() ? 3 : 60) + "]\n" + a + "rep stos" + x);
                HostHarness.Form ld = h.form(dir + "lea " + si + ", [" + bp + "+" + (dir.isEmpty() ? 5 : 60) + "]\n" + a + "rep lods" + x);
                HostHarness.Form ld1 = h.form(dir + "lea " + si + ", [" + bp + "+" + 9 + "]\n" + a + "lods" + x);
                for (int n = 0; n <= 48 / size; n += 1 + n / 4) {
                    long[] in = h.in();
                    in[RCX] = n;
                    st.add(in);
                    ld.add(in);
                    ld1.add(in);
                }
            }
            // CMPS (REPE, REPNE) between the inputs and MEM; SCAS for a byte pattern in the inputs
            for (String rep : new String[]{"repe", "repne", ""}) {
                for (String dir : new String[]{"", "std\n"}) {
                    int o1 = dir.isEmpty() ? 0 : 16 - size, o2 = dir.isEmpty() ? 64 : 80 - size;
                    HostHarness.Form cm = h.form(dir + "lea " + si + ", [" + bp + "+" + o1 + "]\nlea " + di + ", [" + bp + "+"
                            + o2 + "]\n" + a + rep + (rep.isEmpty() ? "" : " ") + "cmps" + x);
                    HostHarness.Form sc = h.form(dir + "lea " + di + ", [" + bp + "+" + (dir.isEmpty() ? 0 : 40) + "]\n" + a
                            + rep + (rep.isEmpty() ? "" : " ") + "scas" + x);
                    for (int k = 0; k < 24; k++) {
                        long[] in = h.in();
                        // RAX, RBX = M0, M1 with one difference (or none, or several)
                        in[M0] = in[RAX];
                        in[M1] = in[HostHarness.RBX];
                        if (k % 4 != 0) in[M0 + (k & 1)] ^= 1L << h.rnd.nextInt(64);
                        if (k % 4 == 3) {
                            in[M0] = in[RAX] ^ 0x0101010101010101L;
                            in[M1] = in[HostHarness.RBX] ^ (h.rnd.nextLong() & 0xff00ff00ff00ff00L);
                        }
                        in[RCX] = k % 5 == 0 ? 0 : 1 + h.rnd.nextInt(16 / size);
                        if (!b64) in[RAX] &= 0xffffffffL;
                        if (k % 3 == 0) in[RAX] = in[HostHarness.RBX] >>> (8 * h.rnd.nextInt(8 - size + 1)); // SCAS finds it
                        cm.add(in);
                        sc.add(in);
                    }
                }
            }
        }
        // the source segment may be overridden (here with a zero base on both sides)
        HostHarness.Form ov = h.form("lea " + si + ", [" + bp + "+8]\nlea " + di + ", [" + bp + "+32]\n" + a + "rep ss movsb");
        for (int n = 0; n < 10; n++) {
            long[] in = h.in();
            in[RCX] = n;
            ov.add(in);
        }
        if (b64) {
            // 32-bit addresses in 64-bit code: ESI/EDI/ECX, upper halves cleared
            HostHarness.Form a32 = h.form("lea esi, [rbp+8]\nlea edi, [rbp+33]\nrep a32 movsw\nlea edi, [rbp+64]\na32 stosd");
            for (int n = 0; n < 10; n++) {
                long[] in = h.in();
                in[RCX] = n | (in[RCX] & ~0xffffffffL);
                a32.add(in);
            }
        }
    }

    @Test
    void stringsMatchHost64() {
        HostHarness h = new HostHarness(64, 71);
        strings(h);
        h.check(false);
    }

    @Test
    void stringsMatchHost32And16() {
        HostHarness h = new HostHarness(32, 72);
        strings(h);
        h.check(true);
    }

    // ---- emulator-only behaviour ----

    /** A flat memory like CpuTester's whose page at {@link #hole} faults until it is filled in. */
    static final class HoleTester {
        static final long RAM = 16 << 20;
        final HostRam ram = HostRam.reserve(RAM);
        final X86Cpu cpu;
        final Interpreter interp;
        volatile long hole = -1;
        volatile long signalPage = -1;

        HoleTester(int bits) {
            SoftMmu.Backend b = (va, access) -> {
                if ((va & ~SoftMmu.PAGE_MASK) == hole || va < 0 || va >= RAM) {
                    throw X86Exception.pageFault(va, access == SoftMmu.WRITE ? 2 : 0);
                }
                if ((va & ~SoftMmu.PAGE_MASK) == signalPage) {
                    signalPage = -1;
                    cpuRef().exitRequest = true; // as if an interrupt arrived while this page was touched
                }
                return va & ~SoftMmu.PAGE_MASK;
            };
            cpu = new X86Cpu(CpuModel.max(), new SoftMmu(ram, b));
            cpu.userMode = false;
            cpu.cpl = 0; // HLT is privileged
            cpu.cr4 |= 0x600; // as an OS sets them: SSE enabled (OSFXSR), #XM delivered (OSXMMEXCPT)
            cpu.codeBits = bits;
            cpu.longMode = bits == 64;
            cpu.stackSize = bits / 8;
            cpu.regs[X86Cpu.RSP] = CpuTester.STACK_TOP;
            interp = new Interpreter(cpu);
        }

        X86Cpu cpuRef() {
            return cpu;
        }

        X86Exception start(byte[] code) {
            for (int k = 0; k < code.length; k++) cpu.mem.write8(CpuTester.CODE + k, code[k]);
            cpu.rip = CpuTester.CODE;
            return resume();
        }

        X86Exception resume() {
            X86Exception e = interp.run();
            return e.vector == X86Exception.EXIT_HLT ? null : e;
        }
    }

    private static void fillPattern(X86Cpu c, long addr, int len, int seed) {
        for (int k = 0; k < len; k++) c.mem.write8(addr + k, (k * 31 + seed) ^ (k >> 8));
    }

    @Test
    void repMovsbFaultingMidwayResumesWhereItStopped() {
        for (boolean backwards : new boolean[]{false, true}) {
            HoleTester t = new HoleTester(64);
            long src = 0x200000 + 123, dst = 0x300000 + 45;
            int len = 3 * 4096 + 77;
            fillPattern(t.cpu, src, len, 7);
            long hole = backwards ? 0x301000 : 0x302000;
            t.hole = hole;
            if (backwards) {
                t.cpu.regs[X86Cpu.RSI] = src + len - 1;
                t.cpu.regs[X86Cpu.RDI] = dst + len - 1;
            } else {
                t.cpu.regs[X86Cpu.RSI] = src;
                t.cpu.regs[X86Cpu.RDI] = dst;
            }
            t.cpu.regs[X86Cpu.RCX] = len;
            X86Exception e = t.start(CpuTester.nasm(64, (backwards ? "std\n" : "") + "nop\nrep movsb\ncld\nhlt"));
            assertEquals(X86Exception.PF, e.vector);
            long insn = CpuTester.CODE + (backwards ? 2 : 1);
            assertEquals(insn, t.cpu.rip);
            // done: the bytes before the hole (forwards) or after it (backwards)
            long done = backwards ? dst + len - (hole + 4096) : hole - dst;
            // (the faulting byte is hole + 4095 backwards; SoftMmu reports the page of the faulting access)
            assertEquals(hole, e.address & ~SoftMmu.PAGE_MASK);
            assertEquals(len - done, t.cpu.regs[X86Cpu.RCX]);
            assertEquals(backwards ? src + len - 1 - done : src + done, t.cpu.regs[X86Cpu.RSI]);
            assertEquals(backwards ? dst + len - 1 - done : dst + done, t.cpu.regs[X86Cpu.RDI]);
            t.hole = -1;
            assertNull(t.resume());
            assertEquals(0, t.cpu.regs[X86Cpu.RCX]);
            for (int k = 0; k < len; k++) {
                assertEquals(t.cpu.mem.read8(src + k), t.cpu.mem.read8(dst + k), "byte " + k);
            }
            assertEquals(0, t.cpu.mem.read8(dst + len));
            assertEquals(0, t.cpu.mem.read8(dst - 1));
        }
    }

    @Test
    void repStosFaultReportsTheElementAndKeepsTheRest() {
        HoleTester t = new HoleTester(32);
        t.hole = 0x201000;
        t.cpu.regs[X86Cpu.RDI] = 0x200ff8; // dwords at ...ff8, ...ffc, then 0x201000 faults
        t.cpu.regs[X86Cpu.RCX] = 100;
        t.cpu.regs[X86Cpu.RAX] = 0xdeadbeefL;
        X86Exception e = t.start(CpuTester.nasm(32, "rep stosd\nhlt"));
        assertEquals(X86Exception.PF, e.vector);
        assertEquals(0x201000, e.address);
        assertEquals(98, t.cpu.regs[X86Cpu.RCX]);
        assertEquals(0x201000, t.cpu.regs[X86Cpu.RDI]);
        assertEquals(0xdeadbeefL, t.cpu.mem.read32(0x200ffc) & 0xffffffffL);
        assertEquals(CpuTester.CODE, t.cpu.rip);
    }

    @Test
    void exitRequestStopsALongRepAtAnIterationAndItResumes() {
        HoleTester t = new HoleTester(64);
        t.signalPage = 0x203000;
        long src = 0x100000, dst = 0x200000, len = 0x10000;
        fillPattern(t.cpu, src, (int) len, 3);
        t.cpu.regs[X86Cpu.RSI] = src;
        t.cpu.regs[X86Cpu.RDI] = dst;
        t.cpu.regs[X86Cpu.RCX] = len / 8;
        X86Exception e = t.start(CpuTester.nasm(64, "rep movsq\nhlt"));
        assertEquals(X86Exception.EXIT_INTERRUPT, e.vector);
        assertEquals(CpuTester.CODE, t.cpu.rip);
        long done = t.cpu.regs[X86Cpu.RDI] - dst;
        assertEquals(len / 8 - done / 8, t.cpu.regs[X86Cpu.RCX]);
        assertEquals(src + done, t.cpu.regs[X86Cpu.RSI]);
        assertEquals(0x204000 - dst, done); // stopped after the chunk that touched the page
        assertNull(t.resume());
        for (long k = 0; k < len; k += 997) assertEquals(t.cpu.mem.read8(src + k), t.cpu.mem.read8(dst + k));
    }

    @Test
    void sixteenBitAddressesWrapWithinTheSegment() {
        CpuTester t = new CpuTester(16);
        t.cpu.segBase[X86Cpu.DS] = 0x200000;
        t.cpu.segBase[X86Cpu.ES] = 0x300000;
        for (int k = 0; k < 16; k++) t.cpu.mem.write8(0x200000 + ((0xfff8 + k) & 0xffff), 0x40 + k);
        t.cpu.regs[X86Cpu.RSI] = 0x7777fff8L; // upper half of ESI is not used and kept
        t.cpu.regs[X86Cpu.RDI] = 0xfffc;
        t.cpu.regs[X86Cpu.RCX] = 0xabcd0010L;
        assertNull(t.run(CpuTester.nasm(16, "rep movsb\nhlt")));
        assertEquals(0x77770008L, t.cpu.regs[X86Cpu.RSI]);
        assertEquals(0x000c, t.cpu.regs[X86Cpu.RDI]);
        assertEquals(0xabcd0000L, t.cpu.regs[X86Cpu.RCX]);
        for (int k = 0; k < 16; k++) assertEquals(0x40 + k, t.cpu.mem.read8(0x300000 + ((0xfffc + k) & 0xffff)), "byte " + k);
        // and a 16-bit REPNE SCASB that wraps
        t.cpu.regs[X86Cpu.RDI] = 0xfffe;
        t.cpu.regs[X86Cpu.RCX] = 10;
        t.cpu.regs[X86Cpu.RAX] = 0x40 + 6; // at ES:0x0002
        assertNull(t.run(CpuTester.nasm(16, "repne scasb\nhlt")));
        assertEquals(0x0003, t.cpu.regs[X86Cpu.RDI]);
        assertEquals(5, t.cpu.regs[X86Cpu.RCX]);
        assertEquals(Flags.ZF, t.flags() & Flags.ZF);
    }

    @Test
    void segmentOverrideAppliesToTheSourceOnly() {
        CpuTester t = new CpuTester(64);
        t.cpu.segBase[X86Cpu.FS] = 0x100000;
        t.cpu.mem.write64(0x100000 + 0x500, 0x1122334455667788L);
        t.cpu.mem.write64(0x500, 0x99);
        t.cpu.regs[X86Cpu.RSI] = 0x500;
        t.cpu.regs[X86Cpu.RDI] = 0x600;
        t.cpu.regs[X86Cpu.RCX] = 1;
        assertNull(t.run(CpuTester.nasm(64, "rep fs movsq\nfs lodsq\nhlt")));
        assertEquals(0x1122334455667788L, t.cpu.mem.read64(0x600));
        assertEquals(0x508, t.cpu.regs[X86Cpu.RSI] - 8); // lodsq read FS:0x508 after the move
    }

    @Test
    void bulkMovesAndStoresAreExact() {
        // Large counts through the page-by-page path, with misaligned ends, overlaps and every element size.
        CpuTester t = new CpuTester(64);
        int len = 40000;
        long src = 0x100003, dst = 0x180005;
        fillPattern(t.cpu, src, len + 64, 9);
        for (int s = 0; s < 4; s++) {
            int size = 1 << s;
            t.cpu.regs[X86Cpu.RSI] = src;
            t.cpu.regs[X86Cpu.RDI] = dst;
            t.cpu.regs[X86Cpu.RCX] = len / size;
            assertNull(t.run(CpuTester.nasm(64, "rep movs" + SUFFIX[s] + "\nhlt")));
            for (int k = 0; k < len; k += 7) assertEquals(t.cpu.mem.read8(src + k), t.cpu.mem.read8(dst + k));
            assertEquals(src + len, t.cpu.regs[X86Cpu.RSI]);
            // STOS with a recognisable value
            t.cpu.regs[X86Cpu.RDI] = dst + 1;
            t.cpu.regs[X86Cpu.RCX] = 5000 / size;
            t.cpu.regs[X86Cpu.RAX] = 0x0102030405060708L;
            assertNull(t.run(CpuTester.nasm(64, "rep stos" + SUFFIX[s] + "\nhlt")));
            for (int k = 0; k < 5000 / size * size; k++) assertEquals(8 - (k % size), t.cpu.mem.read8(dst + 1 + k));
        }
        // A forward copy onto itself one element ahead repeats the first element (memset-like).
        long p = 0x300001;
        t.cpu.mem.write16(p, 0xbeef);
        t.cpu.regs[X86Cpu.RSI] = p;
        t.cpu.regs[X86Cpu.RDI] = p + 2;
        t.cpu.regs[X86Cpu.RCX] = 9000;
        assertNull(t.run(CpuTester.nasm(64, "rep movsw\nhlt")));
        for (int k = 0; k <= 9000; k++) assertEquals(0xbeef, t.cpu.mem.read16(p + 2L * k), "word " + k);
        // ...and three bytes ahead repeats the first three bytes
        t.cpu.mem.write8(p, 1);
        t.cpu.mem.write8(p + 1, 2);
        t.cpu.mem.write8(p + 2, 3);
        t.cpu.regs[X86Cpu.RSI] = p;
        t.cpu.regs[X86Cpu.RDI] = p + 3;
        t.cpu.regs[X86Cpu.RCX] = 10000;
        assertNull(t.run(CpuTester.nasm(64, "rep movsb\nhlt")));
        for (int k = 0; k < 10003; k++) assertEquals(1 + k % 3, t.cpu.mem.read8(p + k), "byte " + k);
    }
}
