package dev.jemu.target.x86;

import org.junit.jupiter.api.Test;

import static dev.jemu.target.x86.HostHarness.RAX;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** DAA DAS AAA AAS AAM AAD against the host (32-bit native runs), in 32- and 16-bit code. */
class BcdTest {
    @Test
    void bcdMatchesHost32And16() {
        HostHarness h = new HostHarness(32, 61);
        for (String op : new String[]{"daa", "das", "aaa", "aas", "aam", "aam 16", "aam 3", "aam 255", "aad", "aad 7",
                "aad 0", "aad 255"}) {
            HostHarness.Form f = h.form(op);
            for (int al = 0; al < 256; al++) {
                for (int k = 0; k < 4; k++) {
                    long[] in = h.in();
                    in[RAX] = (in[RAX] & ~0xffL) | al;
                    in[HostHarness.FL] = (in[HostHarness.FL] & ~(Flags.CF | Flags.AF)) | (k & 1) | ((k & 2) << 3);
                    f.add(in);
                }
            }
        }
        h.check(true);
    }

    @Test
    void aamByZeroIsDivideErrorAndBcdIsInvalidIn64BitMode() {
        CpuTester t = new CpuTester(32);
        t.cpu.regs[X86Cpu.RAX] = 0x1234;
        X86Exception e = t.run(CpuTester.nasm(32, "aam 0\nhlt"));
        assertEquals(X86Exception.DE, e.vector);
        assertEquals(0x1234, t.cpu.regs[X86Cpu.RAX]);
        CpuTester t64 = new CpuTester(64);
        for (int op : new int[]{0x27, 0x2f, 0x37, 0x3f}) {
            assertEquals(X86Exception.UD, t64.run(new byte[]{(byte) op}).vector);
        }
        assertEquals(X86Exception.UD, t64.run(new byte[]{(byte) 0xd4, 10}).vector);
        assertEquals(X86Exception.UD, t64.run(new byte[]{(byte) 0xd5, 10}).vector);
    }
}
