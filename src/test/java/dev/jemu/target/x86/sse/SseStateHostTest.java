package dev.jemu.target.x86.sse;

import dev.jemu.target.x86.CpuTester;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FXRSTOR / FXSAVE (both layouts) and the x87 state that MMX instructions change (TOP, tags, exponents), compared
 * with the host: each case restores a random image, runs one instruction, saves the image again and reads the
 * full tag word. Not compared: FOP/FIP/FDP (this AMD host stores zeros there unless an x87 exception is pending;
 * jemu always stores them, as Intel does) and MXCSR_MASK (the host also supports misaligned-SSE mode, 0x2ffff;
 * jemu reports 0xffff).
 */
class SseStateHostTest {
    static final String[] SNIPPETS = {"nop", "paddb mm0, mm1", "emms", "movd eax, mm2", "pxor xmm0, xmm0",
            "cvtpi2ps xmm0, [rsi]", "cvtpi2ps xmm0, mm1", "cvtpi2pd xmm0, [rsi]", "movq2dq xmm1, mm3",
            "movdq2q mm5, xmm2", "cvtps2pi mm6, xmm1", "pshufw mm7, [rsi], 3", "psllq mm4, 3", "pextrw ecx, mm1, 2",
            "pshufb mm3, mm2", "movq [rsi+600], mm4"};
    static final int CASES = 40;

    static byte[] image(Random r) {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        byte[] raw = new byte[512];
        r.nextBytes(raw);
        b.put(raw).clear();
        int fcw = 0x0040 | (r.nextInt() & 0x0f3f);
        int fsw = (r.nextInt() & 0x3f40) | (r.nextInt() & fcw & 0x3f); // exception bits only where masked
        b.putShort(0, (short) fcw).putShort(2, (short) fsw);
        b.put(5, (byte) 0);
        b.putInt(24, r.nextInt(0x10000) | 0x1f80); // all SIMD exceptions masked
        for (int k = 0; k < 8; k++) {
            int e = 32 + 16 * k;
            int se = switch (r.nextInt(6)) {
                case 0 -> 0;                                  // zero or denormal/pseudo-denormal
                case 1 -> 0x7fff | (r.nextBoolean() ? 0x8000 : 0); // NaN / infinity
                case 2 -> {
                    b.putLong(e, 0);
                    yield r.nextInt(0x10000);
                }
                default -> r.nextInt(0x10000);
            };
            if (r.nextInt(4) == 0) b.putLong(e, b.getLong(e) & 0x7fffffffffffffffL); // unnormal
            if (se == 0 && r.nextBoolean()) b.putLong(e, 0);
            b.putShort(e + 8, (short) se);
        }
        return b.array();
    }

    record Result(byte[] image, int tags, int fault) {}

    @Test
    void fxsaveFxrstorAndMmxTransitionsMatchHost() throws Exception {
        Random r = new Random(5);
        List<byte[]> images = new ArrayList<>();
        for (int k = 0; k < CASES; k++) images.add(image(r));
        for (boolean w : new boolean[]{true, false}) {
            List<Result> host = host(images, w);
            List<Result> emu = emu(images, w);
            int n = 0, bad = 0;
            StringBuilder sb = new StringBuilder();
            for (int s = 0; s < SNIPPETS.length; s++) {
                for (int k = 0; k < CASES; k++, n++) {
                    String d = diff(host.get(n), emu.get(n));
                    if (d != null) {
                        if (bad++ < 5) sb.append(SNIPPETS[s]).append(w ? " (64)" : " (32)").append(": ").append(d).append('\n');
                    }
                }
            }
            assertEquals(0, bad, sb.toString());
        }
    }

    private static String diff(Result h, Result e) {
        if (h.fault != e.fault) return "fault " + h.fault + "/" + e.fault;
        if (h.tags != e.tags) return String.format("tags %04x/%04x", h.tags, e.tags);
        for (int k = 0; k < 512; k++) {
            if ((k >= 6 && k < 24) || (k >= 28 && k < 32)) continue;
            if (h.image[k] != e.image[k]) return String.format("byte %d: %02x/%02x", k, h.image[k], e.image[k]);
        }
        return null;
    }

    private static List<Result> emu(List<byte[]> images, boolean w) {
        String sfx = w ? "64" : "";
        List<Result> out = new ArrayList<>();
        for (String snip : SNIPPETS) {
            byte[] code = CpuTester.nasm(64, "fxrstor" + sfx + " [rsi]\n" + snip + "\nfxsave" + sfx + " [rdi]\nhlt");
            for (byte[] img : images) {
                CpuTester t = new CpuTester(64);
                t.load(CpuTester.DATA, img);
                byte[] fill = new byte[512];
                java.util.Arrays.fill(fill, (byte) 0xaa);
                t.load(CpuTester.DATA + 1024, fill);
                t.cpu.regs[X86Cpu.RSI] = CpuTester.DATA;
                t.cpu.regs[X86Cpu.RDI] = CpuTester.DATA + 1024;
                X86Exception e = t.run(code);
                byte[] res = new byte[512];
                for (int k = 0; k < 512; k++) res[k] = (byte) t.cpu.mem.read8(CpuTester.DATA + 1024 + k);
                out.add(new Result(res, t.cpu.fpu.ftw, e == null ? 0 : e.vector));
            }
        }
        return out;
    }

    private static List<Result> host(List<byte[]> images, boolean w) throws IOException, InterruptedException {
        String sfx = w ? "64" : "";
        StringBuilder asm = new StringBuilder("bits 64\ndefault rel\nsection .text\n");
        for (int s = 0; s < SNIPPETS.length; s++) {
            // rdi: image in, rsi: image out, rdx: 28-byte environment out
            asm.append("s").append(s).append(":\n mov r8, rsi\n mov rsi, rdi\n mov rdi, r8\n")
                    .append(" fxrstor").append(sfx).append(" [rsi]\n ").append(SNIPPETS[s]).append('\n')
                    .append(" fxsave").append(sfx).append(" [rdi]\n fnstenv [rdx]\n fninit\n ret\n");
        }
        asm.append("section .data\nglobal snips\nsnips:\n");
        for (int s = 0; s < SNIPPETS.length; s++) asm.append("dq s").append(s).append('\n');
        asm.append("section .note.GNU-stack noalloc noexec nowrite progbits\n");
        String c = """
                #include <stdio.h>
                #include <string.h>
                #include <stdint.h>
                extern void (*snips[])(void *, void *, void *);
                static uint8_t in[2048] __attribute__((aligned(64))), out[512] __attribute__((aligned(64)));
                static uint8_t env[28];
                int main(int argc, char **argv) {
                    FILE *f = fopen(argv[1], "rb"), *o = fopen(argv[2], "wb");
                    int n = atoi(argv[3]);
                    uint8_t *imgs = malloc(512 * n);
                    fread(imgs, 512, n, f);
                    for (int s = 0; s < %d; s++) for (int k = 0; k < n; k++) {
                        memcpy(in, imgs + 512 * k, 512);
                        memset(out, 0xaa, 512);
                        snips[s](in, out, env);
                        fwrite(out, 1, 512, o);
                        fwrite(env + 8, 1, 2, o);
                    }
                    fclose(o);
                    return 0;
                }
                """.formatted(SNIPPETS.length).replace("#include <stdint.h>", "#include <stdint.h>\n#include <stdlib.h>");
        Path dir = Files.createTempDirectory("jemu-fx");
        Files.writeString(dir.resolve("t.asm"), asm);
        Files.writeString(dir.resolve("d.c"), c);
        ByteBuffer in = ByteBuffer.allocate(512 * images.size());
        for (byte[] img : images) in.put(img);
        Files.write(dir.resolve("in.bin"), in.array());
        run(dir, "nasm", "-f", "elf64", "-o", "t.o", "t.asm");
        run(dir, "gcc", "-O1", "-no-pie", "-o", "drv", "d.c", "t.o");
        run(dir, "./drv", "in.bin", "out.bin", String.valueOf(images.size()));
        ByteBuffer o = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("out.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        List<Result> out = new ArrayList<>();
        while (o.hasRemaining()) {
            byte[] img = new byte[512];
            o.get(img);
            out.add(new Result(img, o.getShort() & 0xffff, 0));
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.delete(p);
        }
        Files.delete(dir);
        return out;
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String msg = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + msg);
    }

    @Test
    void ldmxcsrRejectsReservedBitsAndFxsaveNeedsAlignment() {
        CpuTester t = new CpuTester(64);
        t.cpu.mem.write32(CpuTester.DATA, 0x10000);
        t.cpu.regs[X86Cpu.RSI] = CpuTester.DATA;
        X86Exception e = t.run(CpuTester.nasm(64, "ldmxcsr [rsi]\nhlt"));
        assertEquals(X86Exception.GP, e.vector);
        assertEquals(0x1f80, t.cpu.mxcsr);
        t.cpu.mem.write32(CpuTester.DATA, 0xffff);
        assertNull(t.run(CpuTester.nasm(64, "ldmxcsr [rsi]\nstmxcsr [rsi+4]\nhlt")));
        assertEquals(0xffff, t.cpu.mem.read32(CpuTester.DATA + 4));
        e = t.run(CpuTester.nasm(64, "fxsave [rsi+8]\nhlt"));
        assertEquals(X86Exception.GP, e.vector);
    }

    @Test
    void thirtyTwoBitModeSavesEightXmmRegisters() {
        CpuTester t = new CpuTester(32);
        for (int k = 0; k < 32; k++) t.cpu.xmm[k] = 0x1111111111111111L * (k / 2);
        t.cpu.regs[X86Cpu.RSI] = CpuTester.DATA;
        t.cpu.mem.write64(CpuTester.DATA + 160 + 16 * 8, 0x5a5a5a5a5a5a5a5aL);
        assertNull(t.run(CpuTester.nasm(32, "fxsave [esi]\nmovd eax, xmm3\ncvtsi2sd xmm1, eax\nhlt")));
        assertEquals(0x3333333333333333L, t.cpu.mem.read64(CpuTester.DATA + 160 + 16 * 3));
        assertEquals(0x5a5a5a5a5a5a5a5aL, t.cpu.mem.read64(CpuTester.DATA + 160 + 16 * 8));
        assertEquals(0x33333333L, t.cpu.regs[X86Cpu.RAX]);
        assertEquals(Double.doubleToRawLongBits(0x33333333), t.cpu.xmm[2]);
    }
}
