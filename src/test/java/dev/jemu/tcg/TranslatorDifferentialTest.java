package dev.jemu.tcg;

import dev.jemu.target.x86.CpuTester;
import dev.jemu.target.x86.Interpreter;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Interpreter versus translator on random instruction sequences drawn from the opcode table (fixed seed):
 * after each program, registers, RIP, EFLAGS, XMM registers, data and stack memory, and the exception that
 * stopped it must be identical, whether every block is translated at first execution or after two runs.
 * {@code -Djemu.test.seed=N -Djemu.test.programs=N} explore further.
 */
class TranslatorDifferentialTest {
    private static final int PAGE = 4096, BODY = 40, DATA_BYTES = 8192;

    @Test
    void randomProgramsBehaveAlikeInterpretedAndTranslated() {
        long seed = Long.getLong("jemu.test.seed", 20240611L);
        int programs = Integer.getInteger("jemu.test.programs", 150);
        Random rnd = new Random(seed);
        assertTrue(RandomProgram.templateCount() > 100, "forms taken from the table: " + RandomProgram.templateCount());
        RandomProgram gen = new RandomProgram(rnd);
        StringBuilder src = new StringBuilder();
        List<String> texts = new ArrayList<>();
        for (int p = 0; p < programs; p++) {
            String text = gen.generate("p" + p, BODY, true);
            texts.add(text);
            src.append(text).append("times ").append(PAGE * (p + 1)).append("-($-$$) db 0xcc\n");
        }
        byte[] code = CpuTester.nasm(64, src.toString());
        int translatedSome = 0;
        java.util.Map<String, Integer> events = new java.util.TreeMap<>();
        long t0 = System.nanoTime();
        for (int p = 0; p < programs; p++) {
            long[] regs = new long[16];
            for (int r = 0; r < 16; r++) regs[r] = rnd.nextLong();
            regs[X86Cpu.RSP] = CpuTester.STACK_TOP;
            regs[14] = 2 + rnd.nextInt(4);
            regs[15] = CpuTester.DATA;
            byte[] data = new byte[DATA_BYTES];
            rnd.nextBytes(data);
            int flags = rnd.nextInt() & 0x8d5;
            long[] xmm = new long[32];
            for (int x = 0; x < 32; x++) xmm[x] = rnd.nextInt(4) == 0 ? rnd.nextLong() & 0x00ff00ff00ff00ffL : rnd.nextLong();
            Outcome ref, all, hot;
            if (Boolean.getBoolean("jemu.test.trace")) System.err.println("program " + p + "\n" + texts.get(p));
            try {
                ref = run(code, p, regs, xmm, data, flags, TcgOptions.of(TcgOptions.Mode.OFF));
                all = run(code, p, regs, xmm, data, flags, TcgOptions.of(TcgOptions.Mode.ALL));
                hot = run(code, p, regs, xmm, data, flags, new TcgOptions(TcgOptions.Mode.ON, 2, 64));
            } catch (RuntimeException e) {
                throw new AssertionError("program " + p + "\n" + texts.get(p), e);
            }
            if (all.translations > 0) translatedSome++;
            assertEquals(0, all.failures + hot.failures, "translations failed for program " + p + "\n" + texts.get(p));
            events.merge(ref.event.replaceAll("@.*", ""), 1, Integer::sum);
            compare(ref, all, "program " + p + " translated at first execution\n" + texts.get(p));
            compare(ref, hot, "program " + p + " translated when hot\n" + texts.get(p));
        }
        assertEquals(programs, translatedSome, "every program was translated");
        System.out.println("differential: " + programs + " programs, events " + events + ", "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    record Outcome(long[] regs, long rip, int flags, long[] xmm, byte[] data, byte[] stack, String event,
                   long translations, long failures) {}

    private static Outcome run(byte[] code, int p, long[] regs, long[] xmm, byte[] data, int flags, TcgOptions opts) {
        CpuTester t = new CpuTester(64);
        Interpreter interp = new Interpreter(t.cpu, opts);
        t.load(CpuTester.CODE + (long) p * PAGE, java.util.Arrays.copyOfRange(code, p * PAGE, (p + 1) * PAGE));
        t.load(CpuTester.DATA, data);
        System.arraycopy(regs, 0, t.cpu.regs, 0, 16);
        System.arraycopy(xmm, 0, t.cpu.xmm, 0, 32);
        t.cpu.setEflags(flags, 0x8d5);
        t.cpu.rip = CpuTester.CODE + (long) p * PAGE;
        X86Exception e = interp.run();
        String event = e.vector + (e.trap ? "t" : "f") + (e.vector == X86Exception.PF ? "@" + Long.toHexString(e.address) : "");
        byte[] outData = new byte[DATA_BYTES], stack = new byte[512];
        for (int k = 0; k < DATA_BYTES; k++) outData[k] = (byte) t.cpu.mem.read8(CpuTester.DATA + k);
        for (int k = 0; k < stack.length; k++) stack[k] = (byte) t.cpu.mem.read8(CpuTester.STACK_TOP - stack.length + k);
        long n = interp.jit() == null ? 0 : interp.jit().translations();
        long failed = interp.jit() == null ? 0 : interp.jit().failures();
        return new Outcome(t.cpu.regs.clone(), t.cpu.rip, t.cpu.getEflags(), t.cpu.xmm.clone(), outData, stack, event, n, failed);
    }

    private static void compare(Outcome a, Outcome b, String what) {
        StringBuilder diff = new StringBuilder();
        if (!a.event.equals(b.event)) diff.append(" event ").append(a.event).append(" vs ").append(b.event);
        if (a.rip != b.rip) diff.append(String.format(" rip %x vs %x", a.rip, b.rip));
        for (int r = 0; r < 16; r++) {
            if (a.regs[r] != b.regs[r]) diff.append(String.format(" %s %x vs %x", RandomProgram.R64[r], a.regs[r], b.regs[r]));
        }
        if (a.flags != b.flags) diff.append(String.format(" eflags %x vs %x", a.flags, b.flags));
        if (!java.util.Arrays.equals(a.xmm, b.xmm)) diff.append(" xmm");
        if (!java.util.Arrays.equals(a.data, b.data)) diff.append(" data memory");
        if (!java.util.Arrays.equals(a.stack, b.stack)) diff.append(" stack memory");
        if (!diff.isEmpty()) fail(what + "\ndiffers:" + diff);
    }
}
