package dev.jemu.target.x86;

import org.junit.jupiter.api.Test;

import static dev.jemu.target.x86.HostHarness.M0;
import static dev.jemu.target.x86.HostHarness.M1;
import static dev.jemu.target.x86.HostHarness.RAX;
import static dev.jemu.target.x86.HostHarness.RBX;
import static dev.jemu.target.x86.HostHarness.RDX;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** XADD, CMPXCHG, CMPXCHG8B, CMPXCHG16B against the host CPU, plus alignment and atomicity. */
class AtomicTest {
    static final String[] A = {"al", "ax", "eax", "rax"}, B = {"bl", "bx", "ebx", "rbx"}, D = {"dl", "dx", "edx", "rdx"};
    static final String[] MEMSIZE = {"byte", "word", "dword", "qword"};

    static void atomics(HostHarness h) {
        int sizes = h.bits == 64 ? 4 : 3;
        for (int s = 0; s < sizes; s++) {
            int size = 1 << s;
            long m = size == 8 ? -1L : (1L << (8 * size)) - 1;
            long[] vals = h.values(size, 6);
            HostHarness.Form[] forms = {h.form("xadd " + B[s] + ", " + D[s]), h.form("xadd " + MEMSIZE[s] + " [MEM], " + D[s]),
                    h.form("lock xadd " + MEMSIZE[s] + " [MEM], " + D[s]), h.form("xadd " + A[s] + ", " + A[s]),
                    h.form("cmpxchg " + B[s] + ", " + D[s]), h.form("cmpxchg " + MEMSIZE[s] + " [MEM], " + D[s]),
                    h.form("lock cmpxchg " + MEMSIZE[s] + " [MEM], " + D[s]), h.form("cmpxchg " + A[s] + ", " + D[s])};
            for (int j = 0; j < vals.length; j++) {
                for (int k = 0; k < vals.length; k += 3) {
                    long[] in = h.in();
                    in[RBX] = vals[j] | (in[RBX] & ~m);
                    in[M0] = vals[j] | (in[M0] & ~m);
                    in[RDX] = vals[k] | (in[RDX] & ~m);
                    if (k % 2 == 0) in[RAX] = (in[RAX] & ~m) | vals[j]; // CMPXCHG: equal
                    else in[RAX] = (in[RAX] & ~m) | vals[(j + k) % vals.length];
                    for (HostHarness.Form f : forms) f.add(in);
                }
            }
        }
        HostHarness.Form c8 = h.form("cmpxchg8b [MEM]"), l8 = h.form("lock cmpxchg8b [MEM]");
        HostHarness.Form c16 = h.bits == 64 ? h.form("cmpxchg16b [MEM]") : null;
        HostHarness.Form l16 = h.bits == 64 ? h.form("lock cmpxchg16b [MEM]") : null;
        for (int k = 0; k < 40; k++) {
            long[] in = h.in();
            if (k % 2 == 0) {
                in[RAX] = h.bits == 64 ? in[M0] : (in[RAX] & ~0xffffffffL) | (in[M0] & 0xffffffffL);
                in[RDX] = h.bits == 64 ? in[M1] : (in[RDX] & ~0xffffffffL) | (in[M0] >>> 32);
            }
            if (k % 4 == 1) in[RAX] = in[M0]; // low half equal only
            c8.add(in);
            l8.add(in);
            if (c16 != null) {
                c16.add(in);
                l16.add(in);
            }
        }
    }

    @Test
    void atomicsMatchHost64() {
        HostHarness h = new HostHarness(64, 51);
        atomics(h);
        h.check(false);
    }

    @Test
    void atomicsMatchHost32And16() {
        HostHarness h = new HostHarness(32, 52);
        atomics(h);
        h.check(true);
    }

    @Test
    void cmpxchg16bNeedsAlignment() {
        CpuTester t = new CpuTester(64);
        t.cpu.regs[X86Cpu.RDI] = CpuTester.DATA + 8;
        X86Exception e = t.run(CpuTester.nasm(64, "lock cmpxchg16b [rdi]\nhlt"));
        assertEquals(X86Exception.GP, e.vector);
        assertEquals(CpuTester.CODE, t.cpu.rip);
        // the register form is invalid
        e = t.run(new byte[]{0x48, 0x0f, (byte) 0xc7, (byte) 0xc8});
        assertEquals(X86Exception.UD, e.vector);
    }

    @Test
    void lockedIncrementsFromTwoThreadsAreAtomic() throws Exception {
        // Two vCPUs on one RAM each add 1 to the same counter 50000 times with LOCK XADD / LOCK CMPXCHG loops.
        CpuTester t1 = new CpuTester(64);
        CpuTester t2 = new CpuTester(64);
        t2.cpu.mem = new dev.jemu.memory.SoftMmu(t1.ram, t1.cpu.mem.backend());
        t2.cpu.regs[X86Cpu.RSP] = CpuTester.STACK_TOP - 0x10000;
        byte[] xadd = CpuTester.nasm(64, """
                mov ecx, 50000
                mov edx, 1
            l:  lock xadd [rdi], rdx
                mov edx, 1
                dec ecx
                jnz l
                hlt""");
        byte[] cas = CpuTester.nasm(64, """
                mov ecx, 50000
            l:  mov rax, [rdi]
            r:  lea rbx, [rax+1]
                lock cmpxchg [rdi], rbx
                jnz r
                dec ecx
                jnz l
                hlt""");
        t1.cpu.regs[X86Cpu.RDI] = CpuTester.DATA;
        t2.cpu.regs[X86Cpu.RDI] = CpuTester.DATA;
        t1.load(CpuTester.CODE, xadd);
        t1.load(CpuTester.CODE + 0x1000, cas);
        Thread th = Thread.ofPlatform().start(() -> {
            t2.cpu.rip = CpuTester.CODE + 0x1000;
            assertEquals(X86Exception.EXIT_HLT, t2.interp.run().vector);
        });
        t1.cpu.rip = CpuTester.CODE;
        assertEquals(X86Exception.EXIT_HLT, t1.interp.run().vector);
        th.join();
        assertEquals(100000, t1.cpu.mem.read64(CpuTester.DATA));
    }
}
