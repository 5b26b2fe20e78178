package dev.jemu.target.x86.tcg;

import dev.jemu.target.x86.CpuTester;
import dev.jemu.target.x86.Decoder;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The translator finds the method behind each instruction's handler, which its specialisations are keyed by. */
class HandlerRefTest {
    private static HandlerRef ref(String src) {
        CpuTester t = new CpuTester(64);
        t.load(CpuTester.CODE, CpuTester.nasm(64, src));
        Insn i = new Decoder(OpcodeTable.x86()).decode(t.cpu, CpuTester.CODE);
        return HandlerRef.of(i);
    }

    @Test
    void namesTheStaticMethodAMethodReferenceCalls() {
        HandlerRef add = ref("add rax, rbx");
        assertEquals("dev/jemu/target/x86/ops/Alu", add.owner());
        assertEquals("aluEG", add.method());
        assertEquals("Alu.aluEG", add.key());
        assertTrue(add.direct(), "a public static handler is called directly");
        assertEquals("Alu.aluGE", ref("add rbx, [rax]").key());
        assertEquals("Shift.by1", ref("shl eax, 1").key());
        assertEquals("Control.jcc", ref("jz $+2").key());
        assertEquals("Mov.cmov", ref("cmovz eax, ebx").key());
    }

    @Test
    void resolvesHandlersOfEveryInstructionFamily() {
        for (String s : new String[] {"push rbp", "mov eax, [rbx+8]", "imul rax, rbx", "rep movsb", "fld qword [rax]",
                "addsd xmm0, xmm1", "movdqa xmm0, xmm1", "paddd mm0, mm1", "bsf eax, ebx", "cpuid", "syscall",
                "call [rax]", "ret", "lea rax, [rbx+rcx*4]", "cvtsi2sd xmm0, eax", "pshufb xmm0, xmm1"}) {
            HandlerRef r = ref(s);
            assertTrue(!r.method().isEmpty() && r.key().contains("."), s + " resolved to " + r);
        }
    }
}
