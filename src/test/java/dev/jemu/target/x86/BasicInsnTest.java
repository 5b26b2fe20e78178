package dev.jemu.target.x86;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Smoke tests of the decoder and the basic groups; values worked out from the SDM. */
class BasicInsnTest {
    @Test
    void tableBuildsWithoutOverlaps() {
        assertTrue(OpcodeTable.x86().lookup(0, 0x01) != null);
    }

    @Test
    void loopSumsAndSetsFlags() {
        CpuTester t = new CpuTester(64);
        X86Exception e = t.run(CpuTester.nasm(64, """
                xor eax, eax
                mov ecx, 10
            l:  add rax, rcx
                dec ecx
                jnz l
                cmp rax, 55
                hlt"""));
        assertNull(e);
        assertEquals(55, t.cpu.regs[X86Cpu.RAX]);
        assertTrue((t.flags() & Flags.ZF) != 0);
    }

    @Test
    void callRetPushPopAndRipRelative() {
        CpuTester t = new CpuTester(64);
        X86Exception e = t.run(CpuTester.nasm(64, """
                mov rbx, 0x1122334455667788
                push rbx
                call f
                pop rdx
                mov rsi, [rel val]
                hlt
            f:  mov rax, [rsp+8]
                ret
            val: dq 0x0123456789abcdef"""));
        assertNull(e);
        assertEquals(0x1122334455667788L, t.cpu.regs[X86Cpu.RAX]);
        assertEquals(0x1122334455667788L, t.cpu.regs[X86Cpu.RDX]);
        assertEquals(0x0123456789abcdefL, t.cpu.regs[X86Cpu.RSI]);
        assertEquals(CpuTester.STACK_TOP, t.cpu.regs[X86Cpu.RSP]);
    }

    @Test
    void byteRegistersWithAndWithoutRex() {
        CpuTester t = new CpuTester(64);
        assertNull(t.run(CpuTester.nasm(64, """
                mov eax, 0x1234
                mov ah, 0x56
                mov esi, 0x99
                mov sil, 0x77
                mov bl, ah
                hlt""")));
        assertEquals(0x5634, t.cpu.regs[X86Cpu.RAX]);
        assertEquals(0x77, t.cpu.regs[X86Cpu.RSI]);
        assertEquals(0x56, t.cpu.regs[X86Cpu.RBX] & 0xff);
    }

    @Test
    void adcSbbCarryChain() {
        CpuTester t = new CpuTester(32);
        assertNull(t.run(CpuTester.nasm(32, """
                mov eax, 0xffffffff
                mov edx, 1
                add eax, 1
                adc edx, 0
                sub eax, 1
                sbb edx, 0
                hlt""")));
        assertEquals(0xffffffffL, t.cpu.regs[X86Cpu.RAX]);
        assertEquals(1, t.cpu.regs[X86Cpu.RDX]);
        assertTrue((t.flags() & Flags.CF) == 0);
    }

    @Test
    void pageFaultIsPreciseAndRestoresRip() {
        CpuTester t = new CpuTester(64);
        X86Exception e = t.run(CpuTester.nasm(64, """
                mov eax, 7
                mov rbx, 0x7fff00000000
                mov [rbx], eax
                hlt"""));
        assertEquals(X86Exception.PF, e.vector);
        assertEquals(0x7fff00000000L, e.address);
        assertEquals(CpuTester.CODE + 5 + 10, t.cpu.rip);
    }
}
