package dev.jemu.target.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The common x87 paths (FLD, FST, FADD, FMUL, FXCH, FILD, FISTP) allocate nothing per instruction. */
class X87PerformanceTest {
    private static final String LOOP = """
            fninit
            fld1
            fldz
            mov rsi, 0x400000
            again:
            fadd st0, st1
            fld qword [rsi]
            fmul st0, st1
            fadd dword [rsi+16]
            fstp qword [rsi+8]
            fild dword [rsi+20]
            fistp dword [rsi+24]
            fxch st1
            fxch st1
            fcomi st0, st1
            dec ecx
            jnz again
            hlt
            """;
    private static final int INSNS_PER_ITERATION = 12;

    @Test
    void allocationFreeAndFast() {
        CpuTester t = new CpuTester(64);
        t.cpu.mem.write64(0x400000, Double.doubleToRawLongBits(1.5));
        t.cpu.mem.write32(0x400010, Float.floatToRawIntBits(0.25f));
        t.cpu.mem.write32(0x400014, 12345);
        byte[] code = CpuTester.nasm(64, LOOP);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int n = 200_000;
        long best = Long.MAX_VALUE, allocated = 0;
        for (int round = 0; round < 5; round++) {
            t.cpu.regs[X86Cpu.RCX] = n;
            long a0 = mx.getCurrentThreadAllocatedBytes(), t0 = System.nanoTime();
            assertNull(t.run(code));
            long dt = System.nanoTime() - t0;
            allocated = mx.getCurrentThreadAllocatedBytes() - a0;
            best = Math.min(best, dt);
        }
        assertEquals(12345, t.cpu.mem.read32(0x400018));
        double mips = (double) n * INSNS_PER_ITERATION / best * 1e3;
        System.out.printf("x87 loop: %.1f M instructions/s, %d bytes allocated in the last round%n", mips, allocated);
        // run() re-decodes the few blocks (a handful of objects); nothing may scale with the instruction count.
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for " + n + " iterations");
    }
}
