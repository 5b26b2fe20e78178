package dev.jemu.target.x86.sse;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * MMX, SSE2 integer, SSSE3 and the data movement instructions, compared bit for bit with the host CPU
 * (registers, memory, flags, faults) over generated inputs.
 */
class SseIntHostTest {
    static final String[] BINARY = {"punpcklbw", "punpcklwd", "punpckldq", "packsswb", "pcmpgtb", "pcmpgtw",
            "pcmpgtd", "packuswb", "punpckhbw", "punpckhwd", "punpckhdq", "packssdw", "pcmpeqb", "pcmpeqw",
            "pcmpeqd", "paddq", "pmullw", "psubusb", "psubusw", "pminub", "pand", "paddusb", "paddusw", "pmaxub",
            "pandn", "pavgb", "pavgw", "pmulhuw", "pmulhw", "psubsb", "psubsw", "pminsw", "por", "paddsb",
            "paddsw", "pmaxsw", "pxor", "pmuludq", "pmaddwd", "psadbw", "psubb", "psubw", "psubd", "psubq",
            "paddb", "paddw", "paddd",
            // SSSE3
            "phaddw", "phaddd", "phaddsw", "pmaddubsw", "phsubw", "phsubd", "phsubsw", "psignb", "psignw",
            "psignd", "pmulhrsw", "pabsb", "pabsw", "pabsd", "pshufb"};
    static final String[] SHIFTS = {"psrlw", "psrld", "psrlq", "psraw", "psrad", "psllw", "pslld", "psllq"};

    static HostHarness harness() {
        HostHarness h = new HostHarness(Long.getLong("sse.seed", 1234));
        int n = Integer.getInteger("sse.cases", 300);
        for (String m : BINARY) {
            h.add(m + " mm0, mm1", n, Gens::ints);
            h.add(m + " mm0, [rsi]", n / 3, Gens::ints);
            h.add(m + " xmm0, xmm1", n, Gens::ints);
            h.add(m + " xmm0, [rsi]", n / 3, Gens::ints);
        }
        h.add("paddb xmm0, [rsi+8]", 20, Gens::ints);
        h.add("pshufb xmm0, [rsi+4]", 20, Gens::ints);
        h.add("punpcklqdq xmm0, xmm1", n, Gens::ints);
        h.add("punpckhqdq xmm0, [rsi]", n, Gens::ints);
        for (String m : SHIFTS) {
            h.add(m + " mm0, mm1", n, Gens::shiftCounts);
            h.add(m + " mm0, [rsi]", n / 3, Gens::shiftCounts);
            h.add(m + " xmm0, xmm1", n, Gens::shiftCounts);
            h.add(m + " xmm0, [rsi]", n / 3, Gens::shiftCounts);
            for (int imm : new int[]{0, 1, 7, 15, 16, 31, 32, 63, 64, 255}) {
                h.add(m + " mm1, " + imm, 10, Gens::ints);
                h.add(m + " xmm1, " + imm, 10, Gens::ints);
            }
        }
        for (int imm : new int[]{0, 1, 3, 7, 8, 9, 15, 16, 200}) {
            h.add("psrldq xmm1, " + imm, 10, Gens::ints);
            h.add("pslldq xmm1, " + imm, 10, Gens::ints);
        }
        for (int imm : new int[]{0, 1, 5, 7, 8, 9, 15, 16, 17, 24, 31, 32, 255}) {
            h.add("palignr xmm0, xmm1, " + imm, 10, Gens::ints);
            h.add("palignr mm0, mm1, " + imm, 10, Gens::ints);
        }
        h.add("palignr xmm0, [rsi], 3", 10, Gens::ints);
        h.add("palignr mm0, [rsi+3], 3", 10, Gens::ints);
        for (int imm : new int[]{0, 0x1b, 0xe4, 0x4e, 0xb1, 0xff, 0x39}) {
            h.add("pshufw mm0, mm1, " + imm, 10, Gens::ints);
            h.add("pshufd xmm0, xmm1, " + imm, 10, Gens::ints);
            h.add("pshufhw xmm0, xmm1, " + imm, 10, Gens::ints);
            h.add("pshuflw xmm0, [rsi], " + imm, 10, Gens::ints);
        }
        h.add("pshufd xmm0, [rsi+4], 1", 5, Gens::ints);
        // Moves between registers and memory.
        String[] moves = {"movd mm0, eax", "movq mm0, rax", "movd eax, mm1", "movq rax, mm1", "movd mm0, [rsi]",
                "movd [rsi+4], mm1", "movq mm0, mm1", "movq mm0, [rsi+3]", "movq [rsi+5], mm1", "movntq [rsi], mm1",
                "movd xmm0, eax", "movq xmm0, rax", "movd eax, xmm1", "movq rax, xmm1", "movd xmm0, [rsi+1]",
                "movd [rsi+2], xmm1", "movq [rsi+2], xmm1", "movq xmm0, xmm1", "movq xmm0, [rsi+3]",
                "movdqa xmm0, xmm1", "movdqa xmm0, [rsi]", "movdqa xmm0, [rsi+8]", "movdqa [rsi], xmm1",
                "movdqa [rsi+4], xmm1", "movdqu xmm0, [rsi+3]", "movdqu [rsi+7], xmm1", "movdqu xmm0, xmm1",
                "movaps xmm0, xmm1", "movaps xmm0, [rsi]", "movaps [rsi+8], xmm1", "movapd [rsi], xmm1",
                "movups xmm0, [rsi+1]", "movups [rsi+9], xmm1", "movupd xmm0, [rsi+15]", "movupd xmm2, xmm1",
                "movss xmm0, xmm1", "movss xmm0, [rsi+1]", "movss [rsi+3], xmm1", "movsd xmm0, xmm1",
                "movsd xmm0, [rsi+1]", "movsd [rsi+3], xmm1", "movlps xmm0, [rsi+1]", "movhlps xmm0, xmm1",
                "movlps [rsi+3], xmm1", "movlpd xmm0, [rsi]", "movlpd [rsi+1], xmm1", "movhps xmm0, [rsi+2]",
                "movlhps xmm0, xmm1", "movhps [rsi+1], xmm1", "movhpd xmm0, [rsi+3]", "movhpd [rsi+5], xmm1",
                "movntps [rsi], xmm1", "movntpd [rsi+16], xmm1", "movntdq [rsi], xmm1", "movntdq [rsi+8], xmm1",
                "movnti [rsi+1], eax", "movnti [rsi+3], rcx", "movmskps eax, xmm1", "movmskpd ecx, xmm1",
                "movmskps rax, xmm1", "pmovmskb eax, xmm1", "pmovmskb ecx, mm1", "movq2dq xmm0, mm1",
                "movdq2q mm0, xmm1", "lddqu xmm0, [rsi+5]", "movddup xmm0, xmm1", "movddup xmm0, [rsi+1]",
                "movsldup xmm0, xmm1", "movsldup xmm0, [rsi]", "movshdup xmm0, xmm1", "movshdup xmm0, [rsi+4]",
                "maskmovq mm0, mm1", "maskmovdqu xmm0, xmm1", "movq xmm0, [rsi]", "movq xmm1, xmm1"};
        for (String m : moves) h.add(m, 40, Gens::ints);
        for (int imm = 0; imm < 9; imm++) {
            h.add("pextrw eax, mm1, " + imm, 5, Gens::ints);
            h.add("pextrw ecx, xmm1, " + imm, 5, Gens::ints);
            h.add("pinsrw mm0, ecx, " + imm, 5, Gens::ints);
            h.add("pinsrw xmm0, eax, " + imm, 5, Gens::ints);
        }
        h.add("pinsrw mm0, [rsi+1], 2", 5, Gens::ints);
        h.add("pinsrw xmm0, [rsi+3], 6", 5, Gens::ints);
        for (String m : new String[]{"andps", "andnps", "orps", "xorps", "andpd", "andnpd", "orpd", "xorpd",
                "unpcklps", "unpckhps", "unpcklpd", "unpckhpd"}) {
            h.add(m + " xmm0, xmm1", 30, Gens::ints);
            h.add(m + " xmm0, [rsi]", 30, Gens::ints);
        }
        h.add("andps xmm0, [rsi+4]", 5, Gens::ints);
        for (int imm : new int[]{0, 0x1b, 0xe4, 0x4e, 0xb1, 0xff, 0x39, 1, 2, 3}) {
            h.add("shufps xmm0, xmm1, " + imm, 10, Gens::ints);
            h.add("shufpd xmm0, [rsi], " + imm, 10, Gens::ints);
        }
        return h;
    }

    @TestFactory
    List<DynamicTest> matchesHost() {
        List<HostHarness.Outcome> res = harness().run();
        List<DynamicTest> tests = new ArrayList<>();
        int cases = 0, bad = 0;
        for (HostHarness.Outcome o : res) {
            cases += o.cases();
            bad += o.mismatches();
            tests.add(DynamicTest.dynamicTest(o.insn(), () -> assertEquals(0, o.mismatches(), o.summary())));
        }
        System.out.printf("SseIntHostTest: %d instructions, %d cases, %d mismatches%n", res.size(), cases, bad);
        return tests;
    }
}
