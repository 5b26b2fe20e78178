package dev.jemu.target.x86.sse;

import dev.jemu.target.x86.CpuTester;
import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Runs single instructions on the host CPU and on the emulator from the same input states and compares every
 * output bit. Each instruction (NASM text, operating on xmm0..xmm3, mm0/mm1, rax/rcx and 32 bytes of memory at
 * [rsi] = [rdi]) gets a set of generated input states; the host side is one generated NASM + C program run
 * once for all instructions (faults are caught with signal handlers: SIGFPE = #XM, SIGSEGV = #GP, SIGILL = #UD,
 * with the register state taken from the signal context).
 */
public final class HostHarness {
    /** The state an instruction sees and leaves. */
    public static final class State {
        public final long[] x = new long[8];      // xmm0..xmm3 (lo, hi)
        public long mm0, mm1, rax, rcx;
        public int mxcsr = 0x1f80, eflags = 0x202, fault;
        public final byte[] mem = new byte[32];

        static final int SIZE = 160;

        void write(ByteBuffer b) {
            int p = b.position();
            for (long v : x) b.putLong(v);
            b.putLong(mm0).putLong(mm1).putLong(rax).putLong(rcx);
            b.putInt(mxcsr).putInt(eflags).putInt(fault).putInt(0);
            b.put(new byte[16]);
            b.put(mem);
            if (b.position() != p + SIZE) throw new IllegalStateException();
        }

        static State read(ByteBuffer b) {
            State s = new State();
            for (int k = 0; k < 8; k++) s.x[k] = b.getLong();
            s.mm0 = b.getLong();
            s.mm1 = b.getLong();
            s.rax = b.getLong();
            s.rcx = b.getLong();
            s.mxcsr = b.getInt();
            s.eflags = b.getInt();
            s.fault = b.getInt();
            b.getInt();
            b.position(b.position() + 16);
            b.get(s.mem);
            return s;
        }

        public State copy() {
            ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
            write(b);
            b.flip();
            return read(b);
        }

        public void setF32(int reg, int lane, float v) {
            setI32(reg, lane, Float.floatToRawIntBits(v));
        }

        public void setI32(int reg, int lane, int v) {
            int k = 2 * reg + (lane >> 1), sh = 32 * (lane & 1);
            x[k] = (x[k] & ~(0xffffffffL << sh)) | (v & 0xffffffffL) << sh;
        }

        public void memLong(int off, long v) {
            ByteBuffer.wrap(mem).order(ByteOrder.LITTLE_ENDIAN).putLong(off, v);
        }

        public long memLong(int off) {
            return ByteBuffer.wrap(mem).order(ByteOrder.LITTLE_ENDIAN).getLong(off);
        }

        /** Differences from another state, compared field by field (EFLAGS: arithmetic flags only). */
        String diff(State o) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 4; k++) {
                if (x[2 * k] != o.x[2 * k] || x[2 * k + 1] != o.x[2 * k + 1]) {
                    sb.append(String.format(" xmm%d %016x_%016x/%016x_%016x", k, x[2 * k + 1], x[2 * k],
                            o.x[2 * k + 1], o.x[2 * k]));
                }
            }
            if (mm0 != o.mm0) sb.append(String.format(" mm0 %016x/%016x", mm0, o.mm0));
            if (mm1 != o.mm1) sb.append(String.format(" mm1 %016x/%016x", mm1, o.mm1));
            if (rax != o.rax) sb.append(String.format(" rax %x/%x", rax, o.rax));
            if (rcx != o.rcx) sb.append(String.format(" rcx %x/%x", rcx, o.rcx));
            if (mxcsr != o.mxcsr) sb.append(String.format(" mxcsr %x/%x", mxcsr, o.mxcsr));
            if ((eflags & Flags.ARITH) != (o.eflags & Flags.ARITH)) {
                sb.append(String.format(" eflags %x/%x", eflags & Flags.ARITH, o.eflags & Flags.ARITH));
            }
            if (fault != o.fault) sb.append(String.format(" fault %d/%d", fault, o.fault));
            if (!java.util.Arrays.equals(mem, o.mem)) {
                sb.append(String.format(" mem %016x_%016x/%016x_%016x", memLong(8), memLong(0), o.memLong(8),
                        o.memLong(0)));
            }
            return sb.toString();
        }

        @Override
        public String toString() {
            return String.format("xmm0=%016x_%016x xmm1=%016x_%016x mm0=%016x mm1=%016x rax=%x rcx=%x mxcsr=%x "
                    + "mem=%016x_%016x", x[1], x[0], x[3], x[2], mm0, mm1, rax, rcx, mxcsr, memLong(8), memLong(0));
        }
    }

    /** Fills an input state. */
    @FunctionalInterface
    public interface Gen {
        void fill(Random r, State s);
    }

    /** Checks a case that may legitimately differ bit-wise (e.g. approximations): returns null when acceptable. */
    @FunctionalInterface
    public interface Judge {
        String judge(State input, State host, State emu);
    }

    public record Outcome(String insn, int cases, int mismatches, List<String> examples) {
        public String summary() {
            return String.format("%-40s %6d cases, %d mismatches%s", insn, cases, mismatches,
                    examples.isEmpty() ? "" : "\n    " + String.join("\n    ", examples));
        }
    }

    private record Entry(String asm, Gen gen, int cases, Judge judge) {}

    private final List<Entry> entries = new ArrayList<>();
    private final long seed;

    public HostHarness(long seed) {
        this.seed = seed;
    }

    public HostHarness add(String asm, int cases, Gen gen) {
        return add(asm, cases, gen, null);
    }

    public HostHarness add(String asm, int cases, Gen gen, Judge judge) {
        entries.add(new Entry(asm, gen, cases, judge));
        return this;
    }

    /** Runs everything; one outcome per instruction, in the order added. */
    public List<Outcome> run() {
        Random r = new Random(seed);
        List<int[]> index = new ArrayList<>();
        List<State> inputs = new ArrayList<>();
        for (int k = 0; k < entries.size(); k++) {
            Entry e = entries.get(k);
            for (int n = 0; n < e.cases; n++) {
                State s = new State();
                e.gen.fill(r, s);
                inputs.add(s);
                index.add(new int[]{k});
            }
        }
        List<State> host = runHost(index, inputs);
        List<State> emu = runEmu(index, inputs);
        Map<Integer, Outcome> out = new LinkedHashMap<>();
        int[] bad = new int[entries.size()];
        List<List<String>> ex = new ArrayList<>();
        for (int k = 0; k < entries.size(); k++) ex.add(new ArrayList<>());
        for (int n = 0; n < inputs.size(); n++) {
            int k = index.get(n)[0];
            Entry e = entries.get(k);
            String d = e.judge != null ? e.judge.judge(inputs.get(n), host.get(n), emu.get(n))
                    : host.get(n).diff(emu.get(n));
            if (d != null && !d.isEmpty()) {
                bad[k]++;
                if (ex.get(k).size() < 4) ex.get(k).add("in: " + inputs.get(n) + "\n      host/emu:" + d);
            }
        }
        List<Outcome> res = new ArrayList<>();
        for (int k = 0; k < entries.size(); k++) {
            res.add(new Outcome(entries.get(k).asm, entries.get(k).cases, bad[k], ex.get(k)));
        }
        return res;
    }

    // ---- the emulator side ----

    private List<State> runEmu(List<int[]> index, List<State> inputs) {
        StringBuilder src = new StringBuilder();
        for (int k = 0; k < entries.size(); k++) {
            src.append("align 32, db 0xcc\ni").append(k).append(": ").append(entries.get(k).asm).append("\nhlt\n");
        }
        byte[] code = CpuTester.nasm(64, src.toString());
        CpuTester t = new CpuTester(64);
        t.load(CpuTester.CODE, code);
        X86Cpu c = t.cpu;
        List<State> out = new ArrayList<>();
        for (int n = 0; n < inputs.size(); n++) {
            State s = inputs.get(n).copy();
            for (int k = 0; k < 32; k++) c.xmm[k] = k < 8 ? s.x[k] : 0;
            c.fpu.reset();
            c.fpu.top = 0;
            c.fpu.ftw = 0;
            c.fpu.sig[0] = s.mm0;
            c.fpu.sig[1] = s.mm1;
            c.fpu.se[0] = c.fpu.se[1] = 0xffff;
            c.regs[X86Cpu.RAX] = s.rax;
            c.regs[X86Cpu.RCX] = s.rcx;
            c.regs[X86Cpu.RSI] = c.regs[X86Cpu.RDI] = CpuTester.DATA;
            c.mxcsr = s.mxcsr;
            c.setEflags(s.eflags, Flags.ARITH);
            t.load(CpuTester.DATA, s.mem);
            c.rip = CpuTester.CODE + 32L * index.get(n)[0];
            X86Exception e = t.interp.run();
            s.fault = e.vector == X86Exception.EXIT_HLT ? 0 : e.vector;
            for (int k = 0; k < 8; k++) s.x[k] = c.xmm[k];
            s.mm0 = c.fpu.sig[0];
            s.mm1 = c.fpu.sig[1];
            s.rax = c.regs[X86Cpu.RAX];
            s.rcx = c.regs[X86Cpu.RCX];
            s.mxcsr = c.mxcsr;
            s.eflags = c.getEflags();
            for (int k = 0; k < 32; k++) s.mem[k] = (byte) c.mem.read8(CpuTester.DATA + k);
            out.add(s);
        }
        return out;
    }

    // ---- the host side ----

    private static final String PROLOGUE = """
            mov r11, rdi
            stmxcsr [r11+108]
            movdqu xmm0, [r11]
            movdqu xmm1, [r11+16]
            movdqu xmm2, [r11+32]
            movdqu xmm3, [r11+48]
            movq mm0, [r11+64]
            movq mm1, [r11+72]
            mov rax, [r11+80]
            mov rcx, [r11+88]
            lea rsi, [r11+128]
            mov rdi, rsi
            mov edx, [r11+100]
            push rdx
            popfq
            ldmxcsr [r11+96]
            """;
    private static final String EPILOGUE = """
            pushfq
            pop rdx
            mov [r11+100], edx
            stmxcsr [r11+96]
            ldmxcsr [r11+108]
            movdqu [r11], xmm0
            movdqu [r11+16], xmm1
            movdqu [r11+32], xmm2
            movdqu [r11+48], xmm3
            movq [r11+64], mm0
            movq [r11+72], mm1
            mov [r11+80], rax
            mov [r11+88], rcx
            emms
            ret
            """;
    private static final String DRIVER = """
            #define _GNU_SOURCE
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <signal.h>
            #include <setjmp.h>
            #include <ucontext.h>
            #include <stdint.h>
            typedef struct __attribute__((aligned(16))) { unsigned char b[160]; } st_t;
            extern void (*insn_table[])(st_t *);
            static sigjmp_buf jb;
            static st_t *cur;
            static void handler(int sig, siginfo_t *si, void *ctx) {
                ucontext_t *uc = ctx;
                struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;
                memcpy(cur->b, fp->_xmm, 64);
                memcpy(cur->b + 64, &fp->_st[0], 8);
                memcpy(cur->b + 72, &fp->_st[1], 8);
                uint64_t rax = uc->uc_mcontext.gregs[REG_RAX], rcx = uc->uc_mcontext.gregs[REG_RCX];
                memcpy(cur->b + 80, &rax, 8);
                memcpy(cur->b + 88, &rcx, 8);
                uint32_t mx = fp->mxcsr, fl = (uint32_t) uc->uc_mcontext.gregs[REG_EFL];
                memcpy(cur->b + 96, &mx, 4);
                memcpy(cur->b + 100, &fl, 4);
                uint32_t f = sig == SIGFPE ? 19 : (sig == SIGSEGV || sig == SIGBUS) ? 13 : sig == SIGILL ? 6 : 99;
                memcpy(cur->b + 104, &f, 4);
                siglongjmp(jb, 1);
            }
            int main(int argc, char **argv) {
                FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "wb");
                struct sigaction sa;
                memset(&sa, 0, sizeof sa);
                sa.sa_sigaction = handler;
                sa.sa_flags = SA_SIGINFO;
                sigaction(SIGFPE, &sa, 0);
                sigaction(SIGSEGV, &sa, 0);
                sigaction(SIGBUS, &sa, 0);
                sigaction(SIGILL, &sa, 0);
                static st_t s;
                unsigned char rec[176];
                while (fread(rec, 1, 176, in) == 176) {
                    uint32_t idx;
                    memcpy(&idx, rec, 4);
                    memcpy(s.b, rec + 16, 160);
                    cur = &s;
                    if (!sigsetjmp(jb, 1)) insn_table[idx](&s);
                    __asm__ volatile("emms");
                    fwrite(s.b, 1, 160, out);
                }
                fclose(out);
                return 0;
            }
            """;

    private List<State> runHost(List<int[]> index, List<State> inputs) {
        try {
            Path dir = Files.createTempDirectory("jemu-sse-host");
            StringBuilder asm = new StringBuilder("bits 64\ndefault rel\nsection .text\n");
            for (int k = 0; k < entries.size(); k++) {
                asm.append("i").append(k).append(":\n").append(PROLOGUE).append(entries.get(k).asm).append('\n')
                        .append(EPILOGUE);
            }
            asm.append("section .data\nglobal insn_table\ninsn_table:\n");
            for (int k = 0; k < entries.size(); k++) asm.append("dq i").append(k).append('\n');
            asm.append("section .note.GNU-stack noalloc noexec nowrite progbits\n");
            Files.writeString(dir.resolve("t.asm"), asm);
            Files.writeString(dir.resolve("d.c"), DRIVER);
            exec(dir, "nasm", "-f", "elf64", "-o", "t.o", "t.asm");
            exec(dir, "gcc", "-O1", "-no-pie", "-o", "drv", "d.c", "t.o");
            ByteBuffer b = ByteBuffer.allocate(176 * inputs.size()).order(ByteOrder.LITTLE_ENDIAN);
            for (int n = 0; n < inputs.size(); n++) {
                b.putInt(index.get(n)[0]).putInt(0).putLong(0);
                inputs.get(n).write(b);
            }
            Files.write(dir.resolve("in.bin"), b.array());
            exec(dir, dir.resolve("drv").toString(), "in.bin", "out.bin");
            ByteBuffer o = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("out.bin"))).order(ByteOrder.LITTLE_ENDIAN);
            List<State> out = new ArrayList<>();
            for (int n = 0; n < inputs.size(); n++) out.add(State.read(o));
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.delete(p);
            }
            Files.delete(dir);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void exec(Path dir, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String msg = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + ": " + msg);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
