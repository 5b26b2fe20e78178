package dev.jemu.target.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * The real-mode environment layouts (SDM vol. 1, figures 8-10 and 8-12), which the host (a protected-mode
 * process) cannot produce: FIP and FDP are 20/32-bit linear addresses split around FOP.
 */
class X87RealModeTest {
    /** Real mode: CS = 0x1000 (base CpuTester.CODE), DS = 0x0300. */
    private static CpuTester tester() {
        CpuTester t = new CpuTester(16);
        t.cpu.segSel[X86Cpu.CS] = (int) (CpuTester.CODE >> 4);
        t.cpu.segSel[X86Cpu.DS] = 0x300;
        t.cpu.segBase[X86Cpu.DS] = 0x3000;
        return t;
    }

    private static final String PROLOGUE = """
            fninit
            fld1
            fldpi
            nop
            fadd dword [0x120]
            """;
    /** Offset of "fadd dword [0x120]" above: after fninit (2), fld1 (2), fldpi (2), nop (1). */
    private static final int FADD_IP = 7;

    @Test
    void fnstenv32() {
        CpuTester t = tester();
        t.cpu.mem.write32(0x3120, Float.floatToRawIntBits(2.0f));
        assertNull(t.run(CpuTester.nasm(16, PROLOGUE + "o32 fnstenv [0x200]\nhlt")));
        long a = 0x3200;
        long ip = CpuTester.CODE + FADD_IP, dp = 0x3120;
        int fop = 0x006; // D8 (low bits 0) and ModRM 06 (mod 00, rm 110: disp16)
        assertEquals(0xffff037f, t.cpu.mem.read32(a));
        assertEquals(0xffff0000 | 6 << 11 | 0x20, t.cpu.mem.read32(a + 4)); // TOP = 6, PE (pi + 2)
        assertEquals(0xffff0fff, t.cpu.mem.read32(a + 8));                  // physical 6 and 7 valid
        assertEquals(0xffff0000 | (int) (ip & 0xffff), t.cpu.mem.read32(a + 12));
        assertEquals((int) (ip >>> 16) << 12 | fop, t.cpu.mem.read32(a + 16));
        assertEquals(0xffff0000 | (int) (dp & 0xffff), t.cpu.mem.read32(a + 20));
        assertEquals((int) (dp >>> 16) << 12, t.cpu.mem.read32(a + 24));
        assertEquals(0x037f, t.cpu.fpu.fcw, "FNSTENV masks all exceptions");
    }

    @Test
    void fnstenv16AndFnsave16() {
        CpuTester t = tester();
        t.cpu.mem.write32(0x3120, Float.floatToRawIntBits(2.0f));
        assertNull(t.run(CpuTester.nasm(16, PROLOGUE + "fnstenv [0x200]\nfnsave [0x300]\nhlt")));
        long ip = CpuTester.CODE + FADD_IP, dp = 0x3120;
        for (long a : new long[] {0x3200, 0x3300}) {
            assertEquals(0x037f, t.cpu.mem.read16(a));
            assertEquals(6 << 11 | 0x20, t.cpu.mem.read16(a + 2));
            assertEquals(0x0fff, t.cpu.mem.read16(a + 4));
            assertEquals((int) (ip & 0xffff), t.cpu.mem.read16(a + 6));
            assertEquals((int) (ip >>> 16 & 0xf) << 12 | 0x006, t.cpu.mem.read16(a + 8));
            assertEquals((int) (dp & 0xffff), t.cpu.mem.read16(a + 10));
            assertEquals((int) (dp >>> 16 & 0xf) << 12, t.cpu.mem.read16(a + 12));
        }
        // FNSAVE: ST0 = pi + 2 (rounded to nearest), ST1 = 1, then the FPU is reinitialised.
        assertEquals(0x4001, t.cpu.mem.read16(0x3300 + 14 + 8) & 0xffff); // 5.14...
        assertEquals(0x3fff, t.cpu.mem.read16(0x3300 + 24 + 8) & 0xffff);
        assertEquals(0x8000000000000000L, t.cpu.mem.read64(0x3300 + 24));
        assertEquals(0xffff, t.cpu.fpu.ftw);
        assertEquals(0, t.cpu.fpu.top);
    }

    @Test
    void fldenvAndFrstorRoundTrip() {
        CpuTester t = tester();
        t.cpu.mem.write32(0x3120, Float.floatToRawIntBits(2.0f));
        // Save in both sizes, reload, save again: the images must be identical.
        String src = PROLOGUE + """
                o32 fnsave [0x400]
                o32 frstor [0x400]
                o32 fnsave [0x500]
                o32 frstor [0x500]
                fnsave [0x600]
                frstor [0x600]
                fnsave [0x700]
                hlt
                """;
        assertNull(t.run(CpuTester.nasm(16, src)));
        for (int k = 0; k < 108; k++) assertEquals(t.cpu.mem.read8(0x3400 + k), t.cpu.mem.read8(0x3500 + k), "byte " + k);
        for (int k = 0; k < 94; k++) assertEquals(t.cpu.mem.read8(0x3600 + k), t.cpu.mem.read8(0x3700 + k), "byte " + k);
        // The 16-bit image carries FOP in real mode (unlike the protected-mode one).
        assertEquals(0x006, t.cpu.mem.read16(0x3708) & 0x7ff);
    }

    @Test
    void pendingExceptionInRealMode() {
        CpuTester t = tester();
        // Unmask ZE, divide by zero: the FDIVP leaves the stack alone (no result, no pop) and sets ES; the next
        // waiting instruction raises #MF, the no-wait FNSTSW does not.
        t.cpu.mem.write16(0x3100, 0x037b);
        String src = """
                fninit
                fldcw [0x100]
                fld1
                fldz
                fdivp st1, st0
                fnstsw [0x102]
                fld1
                hlt
                """;
        X86Exception e = t.run(CpuTester.nasm(16, src));
        assertEquals(X86Exception.MF, e.vector);
        assertEquals(CpuTester.nasm(16, src.substring(0, src.indexOf("fld1\nhlt"))).length, (int) t.cpu.rip);
        assertEquals(0x8000 | 0x80 | 0x04 | 6 << 11, t.cpu.mem.read16(0x3102) & 0xffff);
    }
}
