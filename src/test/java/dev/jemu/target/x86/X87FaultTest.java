package dev.jemu.target.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Page faults in x87 memory operands are precise: nothing written, no push or pop, pointers unchanged. */
class X87FaultTest {
    /** Runs {@code setup} to HLT, then {@code insn} (which must fault); returns the tester. */
    private static CpuTester faulting(String insn) {
        CpuTester t = new CpuTester(64);
        assertNull(t.run(CpuTester.nasm(64, "fninit\nfld1\nfldpi\nfadd qword [0x400000]\nhlt")));
        X87 f = t.cpu.fpu;
        int top = f.top, sw = f.statusWord(), tw = f.ftw;
        long fip = f.fip, fdp = f.fdp;
        int fop = f.fop;
        for (int k = 0; k < 16; k++) t.cpu.mem.write8(CpuTester.RAM_SIZE - 16 + k, 0x5a);
        X86Exception e = t.run(CpuTester.nasm(64, insn + "\nhlt"));
        assertEquals(X86Exception.PF, e.vector, insn);
        assertEquals(CpuTester.CODE, t.cpu.rip, "RIP at the faulting instruction");
        assertEquals(top, f.top, insn);
        assertEquals(sw, f.statusWord(), insn);
        assertEquals(tw, f.ftw, insn);
        assertEquals(fip, f.fip, insn);
        assertEquals(fdp, f.fdp, insn);
        assertEquals(fop, f.fop, insn);
        for (int k = 0; k < 16; k++) assertEquals(0x5a, t.cpu.mem.read8(CpuTester.RAM_SIZE - 16 + k), insn + " byte " + k);
        return t;
    }

    @Test
    void storesAndLoadsAcrossTheEndOfMemory() {
        long end = CpuTester.RAM_SIZE;
        for (String insn : new String[] {
            "fstp tword [" + (end - 5) + "]", "fst qword [" + (end - 4) + "]", "fstp dword [" + (end - 2) + "]",
            "fistp qword [" + (end - 4) + "]", "fbstp [" + (end - 9) + "]", "fnstenv [" + (end - 20) + "]",
            "fnsave [" + (end - 100) + "]", "o16 fnsave [" + (end - 60) + "]", "fld tword [" + (end - 6) + "]",
            "fld qword [" + (end - 4) + "]", "fild word [" + (end - 1) + "]", "fadd dword [" + (end - 2) + "]",
            "fcomp qword [" + (end - 1) + "]", "frstor [" + (end - 50) + "]", "fldenv [" + (end - 10) + "]",
            "fldcw [" + (end - 1) + "]", "fnstsw [" + (end - 1) + "]", "fnstcw [" + end + "]"}) {
            faulting(insn);
        }
    }
}
