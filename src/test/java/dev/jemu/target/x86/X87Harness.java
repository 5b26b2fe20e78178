package dev.jemu.target.x86;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs x87 instruction snippets on the host CPU and on the emulator from the same FPU states and compares every
 * bit of the result. The same machine code runs on both: nasm assembles one flat program at
 * {@link CpuTester#CODE} holding one loop per snippet; natively a small C loader maps it there (and the case
 * records at {@link CpuTester#DATA}) and calls it, on the emulator {@link CpuTester} runs it.
 *
 * <p>Each case record holds an input FPU image (the 108-byte 32-bit protected-mode FRSTOR layout), 128 bytes of
 * memory operand (written {@code MEM} in a snippet, 16-byte aligned), EFLAGS and EAX. The loop FRSTORs the image, runs the
 * snippet, and stores EFLAGS, EAX and the FNSAVE image after it; the memory is updated in place. A #MF (SIGFPE
 * natively) or another fault records the vector and the offset of the faulting instruction and resumes at the
 * snippet's end, so the saved image is the state at the fault (with the exception still pending).
 */
final class X87Harness {
    // Record layout (bytes).
    static final int IN_IMG = 0, IN_FL = 112, IN_AX = 120, OUT_IMG = 128, OUT_FL = 240, OUT_AX = 248, FAULT = 256,
            FAULT_AT = 260, MEM = 272, MEM_SIZE = 128, REC = 400;
    /** Header at DATA: the resume address after a fault (8), then the host's selectors ES CS SS DS FS GS. */
    static final int HDR = 256;

    /** One FPU state as the 108-byte image, plus the integer context. */
    static final class State {
        final byte[] img = new byte[108];
        final byte[] mem = new byte[MEM_SIZE];
        long flags = 0x202, ax;
        int fault, faultAt;

        private ByteBuffer b() {
            return ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        }

        int cw() { return b().getShort(0) & 0xffff; }
        int sw() { return b().getShort(4) & 0xffff; }
        int tw() { return b().getShort(8) & 0xffff; }
        int top() { return (sw() >> 11) & 7; }

        State cw(int v) { b().putInt(0, 0xffff0000 | v); return this; }
        State sw(int v) { b().putInt(4, 0xffff0000 | v); return this; }
        State tw(int v) { b().putInt(8, 0xffff0000 | v); return this; }
        State top(int t) { return sw((sw() & ~0x3800) | (t & 7) << 11); }

        /** ST(i): sign/exponent and significand. */
        int se(int i) { return b().getShort(28 + 10 * i + 8) & 0xffff; }
        long sig(int i) { return b().getLong(28 + 10 * i); }

        /** Sets ST(i) and marks its physical register valid (the loaded tag only distinguishes empty). */
        State st(int i, int se, long sig) {
            b().putLong(28 + 10 * i, sig).putShort(28 + 10 * i + 8, (short) se);
            int p = (top() + i) & 7;
            return tw(tw() & ~(3 << 2 * p));
        }

        State st(int i, long[] v) {
            return st(i, (int) v[0], v[1]);
        }

        /** Marks ST(i) empty (its contents stay in the image). */
        State empty(int i) {
            int p = (top() + i) & 7;
            return tw(tw() | 3 << 2 * p);
        }

        State mem(int off, long v, int size) {
            ByteBuffer m = ByteBuffer.wrap(mem).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < size; k++) m.put(off + k, (byte) (v >>> 8 * k));
            return this;
        }

        long memLong(int off) {
            return ByteBuffer.wrap(mem).order(ByteOrder.LITTLE_ENDIAN).getLong(off);
        }

        State copy() {
            State s = new State();
            System.arraycopy(img, 0, s.img, 0, img.length);
            System.arraycopy(mem, 0, s.mem, 0, mem.length);
            s.flags = flags;
            s.ax = ax;
            return s;
        }

        String describe() {
            StringBuilder s = new StringBuilder(String.format("cw=%04x sw=%04x tw=%04x", cw(), sw(), tw()));
            for (int i = 0; i < 8; i++) {
                int p = (top() + i) & 7;
                if (((tw() >> 2 * p) & 3) != 3) s.append(String.format(" st%d=%04x:%016x", i, se(i), sig(i)));
            }
            s.append(String.format(" mem=%016x_%016x fl=%x ax=%x", memLong(8), memLong(0), flags & 0x8d5, ax));
            return s.toString();
        }
    }

    /** Fills an input state. */
    @FunctionalInterface
    interface Gen {
        void fill(SplittableRandom r, State s);
    }

    private record Form(String asm, List<State> cases, boolean ulp, Known known) {}

    /**
     * Recognises a documented difference that belongs to the arithmetic library rather than to the instruction
     * (reported to its owner): returns true to count the case apart instead of as a mismatch.
     */
    @FunctionalInterface
    interface Known {
        boolean test(State in, State host, State emu);
    }

    final int bits;
    final SplittableRandom rnd;
    private final List<Form> forms = new ArrayList<>();

    X87Harness(int bits, long seed) {
        this.bits = bits;
        this.rnd = new SplittableRandom(seed);
    }

    /** A fresh input state: default control word, empty stack, random memory and EAX, random arithmetic flags. */
    State blank() {
        State s = new State();
        s.cw(0x037f).sw(0).tw(0xffff);
        ByteBuffer b = ByteBuffer.wrap(s.img).order(ByteOrder.LITTLE_ENDIAN);
        // Pointers: random, to see which instructions leave them alone.
        b.putInt(12, rnd.nextInt()).putInt(16, rnd.nextInt() & 0x07ff_ffff).putInt(20, rnd.nextInt())
                .putInt(24, rnd.nextInt() & 0xffff);
        for (int k = 0; k < MEM_SIZE; k++) s.mem[k] = (byte) rnd.nextInt();
        for (int k = 0; k < 8; k++) {
            b.putLong(28 + 10 * k, rnd.nextLong()).putShort(36 + 10 * k, (short) rnd.nextInt());
        }
        s.flags = 0x202 | (rnd.nextInt() & 0x8d5);
        s.ax = rnd.nextLong() & (bits == 64 ? -1L : 0xffffffffL);
        return s;
    }

    /** Adds {@code n} cases of a snippet (NASM text; MEM names the 128-byte memory operand). */
    X87Harness add(String asm, int n, Gen gen) {
        return add(asm, n, gen, false);
    }

    /**
     * Adds cases whose register results may differ from the host's by one unit in the last place (with C1, the
     * round-up bit, following): the transcendentals, where the host's own error reaches about 1/16 ulp.
     */
    X87Harness add(String asm, int n, Gen gen, boolean ulp) {
        return add(asm, n, gen, ulp, null);
    }

    X87Harness add(String asm, int n, Gen gen, boolean ulp, Known known) {
        List<State> l = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            State s = blank();
            gen.fill(rnd, s);
            l.add(s);
        }
        forms.add(new Form(asm, l, ulp, known));
        return this;
    }

    int caseCount() {
        int n = 0;
        for (Form f : forms) n += f.cases.size();
        return n;
    }

    // ---- the program ----

    String program() {
        boolean b64 = bits == 64;
        String bp = b64 ? "rbp" : "ebp", sp = b64 ? "rsp" : "esp", w = b64 ? "qword" : "dword";
        StringBuilder s = new StringBuilder("bits " + bits + "\n");
        s.append("jmp body\nalign 16\nbody:\n");
        if (b64) s.append("push rbx\npush rbp\npush r12\npush r13\npush r14\npush r15\n");
        else s.append("push ebx\npush ebp\npush esi\npush edi\n");
        String[] sregs = {"es", "cs", "ss", "ds", "fs", "gs"}; // X86Cpu order
        for (int k = 0; k < 6; k++) {
            s.append("mov ax, ").append(sregs[k]).append("\nmov [").append(CpuTester.DATA + 8 + 2 * k).append("], ax\n");
        }
        int rec = 0;
        for (int n = 0; n < forms.size(); n++) {
            Form f = forms.get(n);
            if (f.cases.isEmpty()) continue;
            long addr = CpuTester.DATA + HDR + (long) rec * REC;
            rec += f.cases.size();
            s.append("mov ").append(w).append(" [").append(CpuTester.DATA).append("], E").append(n).append('\n');
            s.append("mov ").append(bp).append(", ").append(addr).append('\n');
            s.append("push ").append(w).append(' ').append(f.cases.size()).append('\n');
            s.append("L").append(n).append(":\n");
            s.append("frstor [").append(bp).append("]\n");
            s.append("push ").append(w).append(" [").append(bp).append('+').append(IN_FL).append("]\n");
            s.append(b64 ? "popfq\n" : "popfd\n");
            s.append("mov ").append(b64 ? "rax" : "eax").append(", [").append(bp).append('+').append(IN_AX).append("]\n");
            s.append(f.asm.replace("MEM", bp + "+" + MEM)).append('\n');
            s.append("E").append(n).append(":\n");
            s.append(b64 ? "pushfq\n" : "pushfd\n");
            s.append("pop ").append(w).append(" [").append(bp).append('+').append(OUT_FL).append("]\n");
            s.append("mov [").append(bp).append('+').append(OUT_AX).append("], ").append(b64 ? "rax" : "eax").append('\n');
            s.append("fnsave [").append(bp).append('+').append(OUT_IMG).append("]\n");
            s.append("lea ").append(bp).append(", [").append(bp).append('+').append(REC).append("]\n");
            s.append("dec dword [").append(sp).append("]\n");
            s.append("jnz L").append(n).append('\n');
            s.append(b64 ? "add rsp, 8\n" : "add esp, 4\n");
        }
        s.append("fninit\ncld\n");
        if (b64) s.append("pop r15\npop r14\npop r13\npop r12\npop rbp\npop rbx\n");
        else s.append("pop edi\npop esi\npop ebp\npop ebx\n");
        s.append("ret\n");
        return s.toString();
    }

    byte[] input() {
        ByteBuffer b = ByteBuffer.allocate(HDR + caseCount() * REC).order(ByteOrder.LITTLE_ENDIAN);
        int rec = 0;
        for (Form f : forms) {
            for (State c : f.cases) {
                int base = HDR + rec++ * REC;
                b.put(base + IN_IMG, c.img);
                b.put(base + MEM, c.mem);
                b.putLong(base + IN_FL, c.flags);
                b.putLong(base + IN_AX, c.ax);
            }
        }
        return b.array();
    }

    /** The outputs, one state per case in order. */
    List<State> outputs(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        List<State> out = new ArrayList<>();
        int rec = 0;
        for (Form f : forms) {
            for (int k = 0; k < f.cases.size(); k++) {
                int base = HDR + rec++ * REC;
                State s = new State();
                b.get(base + OUT_IMG, s.img);
                b.get(base + MEM, s.mem);
                s.flags = b.getLong(base + OUT_FL);
                s.ax = b.getLong(base + OUT_AX);
                s.fault = b.getInt(base + FAULT);
                s.faultAt = b.getInt(base + FAULT_AT);
                out.add(s);
            }
        }
        return out;
    }

    // ---- native run ----

    private static final String LOADER = """
            #define _GNU_SOURCE
            #include <stdio.h>
            #include <stdlib.h>
            #include <signal.h>
            #include <ucontext.h>
            #include <sys/mman.h>
            #define CODE 0x%xUL
            #define DATA 0x%xUL
            static unsigned char *slurp(const char *p, long *n) {
                FILE *f = fopen(p, "rb"); if (!f) { perror(p); exit(2); }
                fseek(f, 0, SEEK_END); *n = ftell(f); fseek(f, 0, SEEK_SET);
                unsigned char *b = malloc(*n + 1); if (fread(b, 1, *n, f) != (size_t)*n) exit(3); fclose(f); return b;
            }
            static void handler(int sig, siginfo_t *si, void *ctx) {
                ucontext_t *uc = ctx;
            #ifdef __x86_64__
                greg_t *ip = &uc->uc_mcontext.gregs[REG_RIP];
                unsigned long bp = uc->uc_mcontext.gregs[REG_RBP];
            #else
                greg_t *ip = &uc->uc_mcontext.gregs[REG_EIP];
                unsigned long bp = uc->uc_mcontext.gregs[REG_EBP];
            #endif
                unsigned int *f = (unsigned int *)(bp + %d);
                f[0] = sig == SIGFPE ? 16 : sig == SIGILL ? 6 : 13;
                f[1] = (unsigned int)(*ip - CODE);
                *ip = (greg_t)*(unsigned long *)DATA;
            }
            int main(int argc, char **argv) {
                long cn, dn;
                unsigned char *code = slurp(argv[1], &cn), *data = slurp(argv[2], &dn);
                unsigned char *c = mmap((void *)CODE, cn + 4096, PROT_READ|PROT_WRITE|PROT_EXEC,
                                        MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0);
                unsigned char *d = mmap((void *)DATA, dn + 4096, PROT_READ|PROT_WRITE,
                                        MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0);
                if (c == MAP_FAILED || d == MAP_FAILED) { perror("mmap"); return 4; }
                struct sigaction sa = {0};
                sa.sa_sigaction = handler;
                sa.sa_flags = SA_SIGINFO | SA_NODEFER;
                sigaction(SIGFPE, &sa, 0);
                sigaction(SIGSEGV, &sa, 0);
                sigaction(SIGBUS, &sa, 0);
                sigaction(SIGILL, &sa, 0);
                for (long k = 0; k < cn; k++) c[k] = code[k];
                for (long k = 0; k < dn; k++) d[k] = data[k];
                ((void (*)(void))c)();
                FILE *o = fopen(argv[3], "wb"); fwrite(d, 1, dn, o); fclose(o);
                return 0;
            }
            """;
    private static final Path[] loaders = new Path[2];

    private static synchronized Path loader(int bits) throws IOException, InterruptedException {
        int k = bits == 64 ? 0 : 1;
        if (loaders[k] == null) {
            Path dir = Files.createTempDirectory("jemu-x87");
            Path src = dir.resolve("loader.c"), exe = dir.resolve("loader" + bits);
            Files.writeString(src, LOADER.formatted(CpuTester.CODE, CpuTester.DATA, FAULT));
            List<String> cmd = bits == 64 ? List.of("gcc", "-O1", "-o", exe.toString(), src.toString())
                    : List.of("i686-linux-gnu-gcc", "-O1", "-static", "-o", exe.toString(), src.toString());
            exec(cmd);
            exe.toFile().deleteOnExit();
            src.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            loaders[k] = exe;
        }
        return loaders[k];
    }

    private static void exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private byte[] nativeData;

    /** Runs the program on the host; returns the data area after it. */
    byte[] runNative() {
        if (nativeData != null) return nativeData;
        try {
            byte[] code = CpuTester.nasm(bits, program());
            Path dir = Files.createTempDirectory("jemu-x87run");
            Path c = dir.resolve("code"), d = dir.resolve("in"), o = dir.resolve("out");
            Files.write(c, code);
            Files.write(d, input());
            exec(List.of(loader(bits).toString(), c.toString(), d.toString(), o.toString()));
            nativeData = Files.readAllBytes(o);
            Files.delete(c);
            Files.delete(d);
            Files.delete(o);
            Files.delete(dir);
            return nativeData;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs the program on the emulator with the host's selectors; returns the data area after it. */
    byte[] runEmulated() {
        byte[] nat = runNative();
        ByteBuffer hb = ByteBuffer.wrap(nat).order(ByteOrder.LITTLE_ENDIAN);
        CpuTester t = new CpuTester(bits);
        byte[] in = input();
        if (CpuTester.DATA + in.length > CpuTester.RAM_SIZE - 0x10000) throw new IllegalStateException("too many cases");
        t.cpu.regs[X86Cpu.RSP] = CpuTester.RAM_SIZE - 64;
        for (int k = 0; k < 6; k++) t.cpu.segSel[k] = hb.getShort(8 + 2 * k) & 0xffff;
        t.load(CpuTester.DATA, in);
        // The program returns to a HLT pushed as its return address.
        long ret = CpuTester.RAM_SIZE - 32;
        t.cpu.mem.write8(ret, 0xf4);
        t.cpu.push(bits / 8, ret);
        byte[] code = CpuTester.nasm(bits, program());
        t.load(CpuTester.CODE, code);
        t.interp.invalidateAll();
        t.cpu.rip = CpuTester.CODE;
        for (;;) {
            X86Exception e = t.interp.run();
            if (e.vector == X86Exception.EXIT_HLT || t.cpu.rip == ret) break; // HLT (#GP at the host's CPL 3)
            if (e.vector > 31) throw new AssertionError("emulation stopped: " + e.getMessage());
            hostSignalRoundTrip(t.cpu.fpu);
            long bp = t.cpu.regs[X86Cpu.RBP];
            t.cpu.mem.write32(bp + FAULT, e.vector);
            t.cpu.mem.write32(bp + FAULT_AT, (int) (t.cpu.rip - CpuTester.CODE));
            t.cpu.rip = bits == 64 ? t.cpu.mem.read64(CpuTester.DATA) : t.cpu.mem.read32(CpuTester.DATA) & 0xffffffffL;
            if (t.cpu.rip < CpuTester.CODE || t.cpu.rip >= CpuTester.CODE + code.length) {
                throw new AssertionError("emulation: exception " + e.vector + " outside a snippet");
            }
        }
        byte[] out = new byte[in.length];
        for (int k = 0; k < out.length; k++) out[k] = (byte) t.cpu.mem.read8(CpuTester.DATA + k);
        return out;
    }

    /**
     * What the host kernel does to the FPU state when it delivers a signal and returns: it saves and restores it
     * with the 64-bit XSAVE/XRSTOR layout, which drops FCS and FDS (and for a 32-bit process FOP too), and on
     * AMD keeps FIP/FDP/FOP only while an exception is pending (ES).
     */
    void hostSignalRoundTrip(X87 f) {
        f.fcs = 0;
        f.fds = 0;
        if (bits != 64) f.fop = 0;
        if ((f.fsw & X87.ES) == 0) {
            f.fip = f.fdp = 0;
            f.fop = 0;
        }
    }

    static final String[] IMG_FIELDS = {"cw", "sw", "tw", "fip", "fcs/fop", "fdp", "fds"};

    /** Differences between two output states (empty when identical). */
    static String diff(State h, State e, long flagMask) {
        StringBuilder d = new StringBuilder();
        ByteBuffer a = ByteBuffer.wrap(h.img).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.wrap(e.img).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < 7; k++) {
            int x = a.getInt(4 * k), y = b.getInt(4 * k);
            if (x != y) d.append(String.format(" %s %08x/%08x", IMG_FIELDS[k], x, y));
        }
        for (int i = 0; i < 8; i++) {
            if (h.se(i) != e.se(i) || h.sig(i) != e.sig(i)) {
                d.append(String.format(" st%d %04x:%016x/%04x:%016x", i, h.se(i), h.sig(i), e.se(i), e.sig(i)));
            }
        }
        if (!java.util.Arrays.equals(h.mem, e.mem)) {
            for (int k = 0; k < MEM_SIZE; k += 8) {
                if (h.memLong(k) != e.memLong(k)) d.append(String.format(" mem+%d %016x/%016x", k, h.memLong(k), e.memLong(k)));
            }
        }
        if (((h.flags ^ e.flags) & flagMask) != 0) {
            d.append(String.format(" flags %x/%x", h.flags & flagMask, e.flags & flagMask));
        }
        if (h.ax != e.ax) d.append(String.format(" ax %x/%x", h.ax, e.ax));
        if (h.fault != e.fault || (h.fault != 0 && h.faultAt != e.faultAt)) {
            d.append(String.format(" fault %d@%x/%d@%x", h.fault, h.faultAt, e.fault, e.faultAt));
        }
        return d.toString();
    }

    /** Per snippet: cases and mismatches; examples of the first few differences. */
    record Result(int cases, int mismatches, int nearMisses, int known, List<String> lines) {
        String report() {
            return String.join("\n", lines);
        }
    }

    /**
     * Runs both sides and compares them. A host context switch between the snippet and its FNSAVE can lose
     * FIP/FDP/FOP (the kernel's XSAVE on AMD keeps them only while an exception is pending), so a mismatching
     * case gets up to three more host runs and counts as matching if one of them agrees.
     */
    Result compare() {
        List<State> emu = outputs(runEmulated());
        List<List<State>> hosts = new ArrayList<>();
        hosts.add(outputs(runNative()));
        List<String> lines = new ArrayList<>();
        int idx = 0, bad = 0, near = 0, kn = 0;
        for (Form f : forms) {
            int fb = 0, fn = 0, fk = 0;
            List<String> ex = new ArrayList<>();
            for (State in : f.cases) {
                String d = diff(hosts.get(0).get(idx), emu.get(idx), 0x8d5);
                for (int run = 1; !d.isEmpty() && run < 4; run++) {
                    if (hosts.size() <= run) {
                        nativeData = null;
                        hosts.add(outputs(runNative()));
                    }
                    if (diff(hosts.get(run).get(idx), emu.get(idx), 0x8d5).isEmpty()) d = "";
                }
                if (!d.isEmpty() && f.ulp && withinUlp(hosts.get(0).get(idx), emu.get(idx))) {
                    d = "";
                    fn++;
                }
                if (!d.isEmpty() && f.known != null && f.known.test(in, hosts.get(0).get(idx), emu.get(idx))) {
                    d = "";
                    fk++;
                }
                idx++;
                if (!d.isEmpty()) {
                    fb++;
                    if (ex.size() < 3) ex.add("    in: " + in.describe() + "\n      host/emu:" + d);
                }
            }
            bad += fb;
            near += fn;
            kn += fk;
            if (f.ulp || fk != 0) {
                lines.add(String.format("%d-bit `%s`: %d of %d bit-exact, %d within 1 ulp, %d known library "
                        + "differences, %d differ", bits, f.asm.replace('\n', ';'), f.cases.size() - fn - fb - fk,
                        f.cases.size(), fn, fk, fb));
            }
            if (fb != 0) {
                if (!f.ulp) {
                    lines.add(String.format("%d-bit `%s`: %d of %d differ", bits, f.asm.replace('\n', ';'), fb,
                            f.cases.size()));
                }
                lines.addAll(ex);
            }
        }
        return new Result(idx, bad, near, kn, lines);
    }

    /** Equal except for register values one ulp apart and the C1 bit. */
    static boolean withinUlp(State h, State e) {
        State a = h.copy(), b = e.copy();
        a.fault = h.fault;
        a.faultAt = h.faultAt;
        b.fault = e.fault;
        b.faultAt = e.faultAt;
        for (int i = 0; i < 8; i++) {
            if (adjacent(h.se(i), h.sig(i), e.se(i), e.sig(i))) b.st(i, a.se(i), a.sig(i));
        }
        b.sw(b.sw() & ~0x200 | a.sw() & 0x200);
        b.tw(a.tw());
        return diff(a, b, 0x8d5).isEmpty();
    }

    /** Two normal values of the same sign one ulp (of the 64-bit significand) apart. */
    static boolean adjacent(int se1, long sig1, int se2, long sig2) {
        if (((se1 ^ se2) & 0x8000) != 0 || sig1 >= 0 || sig2 >= 0) return false;
        int e1 = se1 & 0x7fff, e2 = se2 & 0x7fff;
        if (e1 == 0x7fff || e2 == 0x7fff) return false;
        if (e1 == e2) return Math.abs(sig1 - sig2) <= 1;
        if (e1 == e2 + 1) return sig1 == Long.MIN_VALUE && sig2 == -1L;
        if (e2 == e1 + 1) return sig2 == Long.MIN_VALUE && sig1 == -1L;
        return false;
    }

    /** For exploring: the host's outputs, with their inputs. */
    String dumpNative() {
        List<State> host = outputs(runNative());
        StringBuilder sb = new StringBuilder();
        int idx = 0;
        for (Form f : forms) {
            sb.append("== ").append(f.asm.replace('\n', ';')).append('\n');
            for (State in : f.cases) {
                State o = host.get(idx++);
                ByteBuffer a = ByteBuffer.wrap(o.img).order(ByteOrder.LITTLE_ENDIAN);
                sb.append(" in:  ").append(in.describe()).append('\n');
                sb.append(" out: ").append(o.describe());
                sb.append(String.format(" | fip=%08x fcs=%08x fdp=%08x fds=%08x fault=%d@%x%n", a.getInt(12), a.getInt(16),
                        a.getInt(20), a.getInt(24), o.fault, o.faultAt));
            }
        }
        return sb.toString();
    }
}
