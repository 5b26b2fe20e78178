package dev.jemu.target.x86;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Decodes assembled instructions and checks the formatted text against the source NASM was given. */
class DisasmTest {
    private static String first(int bits, String src) {
        CpuTester t = new CpuTester(bits);
        t.load(CpuTester.CODE, CpuTester.nasm(bits, src));
        long rip = bits == 16 ? 0 : CpuTester.CODE;
        Insn i = new Decoder(OpcodeTable.x86()).decode(t.cpu, rip);
        return Disasm.format(i);
    }

    @Test
    void formatsRegistersMemoryAndImmediates() {
        assertEquals("add rax, rbx", first(64, "add rax, rbx"));
        assertEquals("mov dword ptr [rsp+0x10], ecx", first(64, "mov [rsp+16], ecx"));
        assertEquals("mov al, byte ptr [rbx+rsi*4-0x8]", first(64, "mov al, [rbx+rsi*4-8]"));
        assertEquals("push rbp", first(64, "push rbp"));
        assertEquals("mov ah, bl", first(32, "mov ah, bl"));
        assertEquals("lock add qword ptr fs:[0x28], 0x1", first(64, "lock add qword [fs:0x28], 1"));
        assertEquals("mov ax, word ptr [bx+si+0x4]", first(16, "mov ax, [bx+si+4]"));
    }
}
