package dev.jemu.target.x86.sse;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SSE/SSE2/SSE3 floating-point arithmetic, comparisons and conversions against the host CPU: special values,
 * denormals, random bit patterns, all four rounding modes, DAZ/FTZ on and off, masked and unmasked
 * exceptions (#XM), every result bit, MXCSR and EFLAGS.
 */
class SseFloatHostTest {
    static final String[] ARITH = {"add", "sub", "mul", "div", "min", "max", "sqrt"};

    static void intsMx(Random r, HostHarness.State s) {
        Gens.ints(r, s);
        s.mxcsr = Gens.mxcsr(r);
        if (r.nextInt(3) == 0) s.rax = r.nextInt(1 << 26) << r.nextInt(38);
    }

    static HostHarness harness(int n) {
        HostHarness h = new HostHarness(Long.getLong("sse.seed", 99));
        for (String op : ARITH) {
            h.add(op + "ps xmm0, xmm1", n, Gens::f32s);
            h.add(op + "ps xmm0, [rsi]", n / 4, Gens::f32s);
            h.add(op + "ss xmm0, xmm1", n / 2, Gens::f32s);
            h.add(op + "ss xmm0, [rsi+4]", n / 8, Gens::f32s);
            h.add(op + "pd xmm0, xmm1", n, Gens::f64s);
            h.add(op + "pd xmm0, [rsi]", n / 4, Gens::f64s);
            h.add(op + "sd xmm0, xmm1", n / 2, Gens::f64s);
            h.add(op + "sd xmm0, [rsi+8]", n / 8, Gens::f64s);
        }
        h.add("addps xmm0, [rsi+4]", 10, Gens::f32s);
        for (int p = 0; p < 8; p++) {
            h.add("cmpps xmm0, xmm1, " + p, n / 4, Gens::f32s);
            h.add("cmpss xmm0, [rsi], " + p, n / 8, Gens::f32s);
            h.add("cmppd xmm0, xmm1, " + p, n / 4, Gens::f64s);
            h.add("cmpsd xmm0, xmm1, " + p, n / 8, Gens::f64s);
        }
        for (int p : new int[]{8, 13, 31, 255}) { // legacy encodings use imm[2:0]
            h.add("cmpps xmm0, xmm1, " + p, n / 16, Gens::f32s);
            h.add("cmpsd xmm0, xmm1, " + p, n / 16, Gens::f64s);
        }
        for (String m : new String[]{"comiss", "ucomiss"}) {
            h.add(m + " xmm0, xmm1", n / 2, Gens::f32s);
            h.add(m + " xmm0, [rsi]", n / 8, Gens::f32s);
        }
        for (String m : new String[]{"comisd", "ucomisd"}) {
            h.add(m + " xmm0, xmm1", n / 2, Gens::f64s);
            h.add(m + " xmm0, [rsi]", n / 8, Gens::f64s);
        }
        for (String m : new String[]{"addsubps", "haddps", "hsubps"}) {
            h.add(m + " xmm0, xmm1", n / 2, Gens::f32s);
            h.add(m + " xmm0, [rsi]", n / 8, Gens::f32s);
        }
        for (String m : new String[]{"addsubpd", "haddpd", "hsubpd"}) {
            h.add(m + " xmm0, xmm1", n / 2, Gens::f64s);
            h.add(m + " xmm0, [rsi]", n / 8, Gens::f64s);
        }
        for (String m : new String[]{"rcpps xmm0, xmm1", "rcpss xmm0, xmm1", "rsqrtps xmm0, xmm1",
                "rsqrtss xmm0, [rsi]", "rcpps xmm0, [rsi]"}) {
            h.add(m, n / 2, Gens::f32s);
        }
        // Conversions.
        for (String m : new String[]{"cvtpi2ps xmm0, mm1", "cvtpi2ps xmm0, [rsi]", "cvtpi2pd xmm0, mm1",
                "cvtpi2pd xmm0, [rsi]", "cvtsi2ss xmm0, eax", "cvtsi2ss xmm0, rax", "cvtsi2ss xmm0, dword [rsi]",
                "cvtsi2sd xmm0, eax", "cvtsi2sd xmm0, rax", "cvtsi2sd xmm0, qword [rsi]", "cvtdq2ps xmm0, xmm1",
                "cvtdq2ps xmm0, [rsi]", "cvtdq2pd xmm0, xmm1", "cvtdq2pd xmm0, [rsi]"}) {
            h.add(m, n / 2, SseFloatHostTest::intsMx);
        }
        for (String m : new String[]{"cvttps2pi mm0, xmm1", "cvtps2pi mm0, xmm1", "cvtps2pi mm0, [rsi]",
                "cvttss2si eax, xmm1", "cvttss2si rax, xmm1", "cvtss2si eax, xmm1", "cvtss2si rcx, [rsi]",
                "cvtps2pd xmm0, xmm1", "cvtps2pd xmm0, [rsi]", "cvtss2sd xmm0, xmm1", "cvtss2sd xmm0, [rsi]",
                "cvtps2dq xmm0, xmm1", "cvtps2dq xmm0, [rsi]", "cvttps2dq xmm0, xmm1"}) {
            h.add(m, n / 2, Gens::f32s);
        }
        for (String m : new String[]{"cvttpd2pi mm0, xmm1", "cvtpd2pi mm0, xmm1", "cvtpd2pi mm0, [rsi]",
                "cvttsd2si eax, xmm1", "cvttsd2si rax, xmm1", "cvtsd2si eax, xmm1", "cvtsd2si rcx, [rsi]",
                "cvtpd2ps xmm0, xmm1", "cvtpd2ps xmm0, [rsi]", "cvtsd2ss xmm0, xmm1", "cvtsd2ss xmm0, [rsi]",
                "cvtpd2dq xmm0, xmm1", "cvtpd2dq xmm0, [rsi]", "cvttpd2dq xmm0, xmm1"}) {
            h.add(m, n / 2, Gens::f64s);
        }
        return h;
    }

    @TestFactory
    List<DynamicTest> matchesHost() {
        List<HostHarness.Outcome> res = harness(Integer.getInteger("sse.cases", 4000)).run();
        List<DynamicTest> tests = new ArrayList<>();
        int cases = 0, bad = 0;
        for (HostHarness.Outcome o : res) {
            cases += o.cases();
            bad += o.mismatches();
            tests.add(DynamicTest.dynamicTest(o.insn(), () -> assertEquals(0, o.mismatches(), o.summary())));
        }
        System.out.printf("SseFloatHostTest: %d instructions, %d cases, %d mismatches%n", res.size(), cases, bad);
        return tests;
    }
}
