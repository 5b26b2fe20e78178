package dev.jemu.target.x86;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Runs instruction snippets on the host CPU and on the emulator and compares the results.
 *
 * <p>The very same machine code runs on both: nasm assembles one flat program holding a loop per snippet; a
 * tiny C loader (built with gcc at test time, 64-bit or 32-bit static) maps it at {@link CpuTester#CODE} and the
 * case records at {@link CpuTester#DATA} and calls it natively; {@link CpuTester} runs it on the emulator. Each
 * case record holds the input registers RAX RBX RCX RDX RSI RDI, the input EFLAGS and a 16-byte memory operand
 * (written {@code MEM} in a snippet, 16-byte aligned); the loop stores the registers and EFLAGS after the snippet
 * next to them and the memory operand is updated in place. Records are compared byte for byte.
 *
 * <p>A 16-bit emulator run takes its reference from the 32-bit native run of the same text: nasm encodes the
 * same operation with the other operand/address size prefixes, so the results must be identical.
 */
final class HostHarness {
    // Field indexes (qwords) of a case record.
    static final int RAX = 0, RBX = 1, RCX = 2, RDX = 3, RSI = 4, RDI = 5, FL = 6, M0 = 8, M1 = 9;
    static final int FIELDS = 10, REC = 160, OUT = 80;
    private static final String[] NAMES = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "flags", "-", "mem0", "mem1"};
    /** The flags compared: the six arithmetic ones and DF. */
    static final int FLAG_MASK = Flags.ARITH | Flags.DF;

    /** One snippet and its cases. */
    static final class Form {
        final String asm;
        final List<long[]> cases = new ArrayList<>();
        int first; // index of the first case record

        Form(String asm) {
            this.asm = asm;
        }

        /** Adds a case; unset registers get random values (so the tests see what is left alone). */
        Form add(long[] in) {
            cases.add(in.clone());
            return this;
        }
    }

    final int bits;
    final Random rnd;
    final List<Form> forms = new ArrayList<>();

    HostHarness(int bits, long seed) {
        this.bits = bits;
        this.rnd = new Random(seed);
    }

    Form form(String asm) {
        Form f = new Form(asm);
        forms.add(f);
        return f;
    }

    /** A fresh input record with random registers and memory, and random arithmetic flags. */
    long[] in() {
        long[] r = new long[FIELDS];
        for (int k = 0; k < FIELDS; k++) r[k] = rnd.nextLong();
        if (bits != 64) for (int k = 0; k < FIELDS; k++) r[k] &= 0xffffffffL;
        r[FL] = randomFlags();
        r[7] = 0;
        return r;
    }

    int randomFlags() {
        return rnd.nextInt() & Flags.ARITH;
    }

    int caseCount() {
        int n = 0;
        for (Form f : forms) n += f.cases.size();
        return n;
    }

    // ---- the program ----

    /** Numbers the case records of every form (their order in the data). */
    private void number() {
        int rec = 0;
        for (Form f : forms) {
            f.first = rec;
            rec += f.cases.size();
        }
    }

    String program(int asmBits) {
        return program(asmBits, forms);
    }

    private final java.util.Map<Integer, byte[]> assembled = new java.util.HashMap<>();

    /** The whole program assembled for {@code asmBits} (the native and emulated 32-bit runs share it). */
    byte[] code(int asmBits) {
        return assembled.computeIfAbsent(asmBits, b -> CpuTester.nasm(b, program(b)));
    }

    /** The program running the loops of {@code part} (numbered forms). */
    String program(int asmBits, List<Form> part) {
        number();
        boolean b64 = asmBits == 64;
        String bp = b64 ? "rbp" : "ebp", sp = b64 ? "rsp" : "esp";
        String[] r = b64 ? new String[]{"rax", "rbx", "rcx", "rdx", "rsi", "rdi"}
                : new String[]{"eax", "ebx", "ecx", "edx", "esi", "edi"};
        String w = b64 ? "qword" : "dword";
        String ptr = asmBits == 64 ? "qword" : asmBits == 32 ? "dword" : "word";
        int ret = asmBits / 8, slot = b64 ? 8 : 4; // return address and pushed argument sizes
        StringBuilder s = new StringBuilder();
        s.append("bits ").append(asmBits).append('\n');
        s.append("call body\nhlt\ntimes 16-($-$$) nop\nbody:\n");
        if (b64) s.append("push rbx\npush rbp\npush r12\npush r13\npush r14\npush r15\n");
        else s.append("push ebx\npush ebp\npush esi\npush edi\n");
        // Per form: the runner below with the record pointer in EBP, the count and the snippet on the stack.
        int n = 0;
        for (Form f : part) {
            if (f.cases.isEmpty()) continue;
            n++;
            s.append("mov ").append(bp).append(", ").append(CpuTester.DATA + (long) f.first * REC).append('\n');
            s.append("push ").append(w).append(' ').append(f.cases.size()).append('\n');
            s.append("push ").append(w).append(" S").append(n).append('\n');
            s.append("call runner\nadd ").append(sp).append(", ").append(2 * slot).append('\n');
        }
        s.append("cld\n");
        if (b64) s.append("pop r15\npop r14\npop r13\npop r12\npop rbp\npop rbx\n");
        else s.append("pop edi\npop esi\npop ebp\npop ebx\n");
        s.append("ret\n");
        // The runner: for each record, load the registers and flags, call the snippet, store them.
        s.append("runner:\n");
        for (int k = 0; k < 6; k++) s.append("mov ").append(r[k]).append(", [").append(bp).append('+').append(8 * k).append("]\n");
        s.append("push ").append(w).append(" [").append(bp).append("+48]\n");
        s.append(b64 ? "popfq\n" : "popfd\n");
        s.append("call ").append(ptr).append(" [").append(sp).append('+').append(ret).append("]\n");
        s.append(b64 ? "pushfq\n" : "pushfd\n");
        s.append("pop ").append(w).append(" [").append(bp).append('+').append(OUT + 48).append("]\n");
        for (int k = 0; k < 6; k++) s.append("mov [").append(bp).append('+').append(OUT + 8 * k).append("], ").append(r[k]).append('\n');
        s.append("lea ").append(bp).append(", [").append(bp).append('+').append(REC).append("]\n");
        s.append("dec dword [").append(sp).append('+').append(ret + slot).append("]\n");
        s.append("jnz runner\nret\n");
        n = 0;
        for (Form f : part) {
            if (f.cases.isEmpty()) continue;
            n++;
            s.append('S').append(n).append(":\n").append(f.asm.replace("MEM", bp + "+64")).append("\nret\n");
        }
        return s.toString();
    }

    byte[] input() {
        ByteBuffer b = ByteBuffer.allocate(caseCount() * REC).order(ByteOrder.LITTLE_ENDIAN);
        for (Form f : forms) {
            for (long[] c : f.cases) {
                int base = b.position();
                for (int k = 0; k < FIELDS; k++) b.putLong(base + 8 * k, c[k]);
                b.position(base + REC);
            }
        }
        return b.array();
    }

    // ---- native run ----

    private static final String LOADER = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <sys/mman.h>
            static unsigned char *slurp(const char *p, long *n) {
                FILE *f = fopen(p, "rb"); if (!f) { perror(p); exit(2); }
                fseek(f, 0, SEEK_END); *n = ftell(f); fseek(f, 0, SEEK_SET);
                unsigned char *b = malloc(*n + 1); if (fread(b, 1, *n, f) != (size_t)*n) exit(3); fclose(f); return b;
            }
            int main(int argc, char **argv) {
                long cn, dn;
                unsigned char *code = slurp(argv[1], &cn), *data = slurp(argv[2], &dn);
                unsigned char *c = mmap((void *)0x%x, cn + 4096, PROT_READ|PROT_WRITE|PROT_EXEC,
                                        MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0);
                unsigned char *d = mmap((void *)0x%x, dn + 4096, PROT_READ|PROT_WRITE,
                                        MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0);
                if (c == MAP_FAILED || d == MAP_FAILED) { perror("mmap"); return 4; }
                for (long k = 0; k < cn; k++) c[k] = code[k];
                for (long k = 0; k < dn; k++) d[k] = data[k];
                ((void (*)(void))(c + 16))();
                FILE *o = fopen(argv[3], "wb"); fwrite(d, 1, dn, o); fclose(o);
                return 0;
            }
            """;
    private static final Path[] loaders = new Path[2];

    private static synchronized Path loader(int bits) throws IOException, InterruptedException {
        int k = bits == 64 ? 0 : 1;
        if (loaders[k] == null) {
            // Built once and kept under target/ between runs (named after the source, so edits rebuild it).
            String src = LOADER.formatted(CpuTester.CODE, CpuTester.DATA);
            Path dir = Path.of("target", "host-harness").toAbsolutePath();
            Files.createDirectories(dir);
            Path exe = dir.resolve("loader" + bits + "-" + Integer.toHexString(src.hashCode()));
            if (!Files.isExecutable(exe)) {
                Path c = Files.createTempFile(dir, "loader", ".c"), tmp = Files.createTempFile(dir, "loader", ".exe");
                Files.writeString(c, src);
                List<String> cmd = bits == 64 ? List.of("gcc", "-O1", "-o", tmp.toString(), c.toString())
                        : List.of("i686-linux-gnu-gcc", "-O1", "-static", "-o", tmp.toString(), c.toString());
                exec(cmd);
                Files.delete(c);
                Files.move(tmp, exe, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            loaders[k] = exe;
        }
        return loaders[k];
    }

    private static String exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    /** Runs the program on the host (bits 64, or 32 also for a 16-bit harness); returns the records. */
    byte[] runNative() {
        int nb = bits == 64 ? 64 : 32;
        try {
            byte[] code = code(nb);
            Path dir = Files.createTempDirectory("jemu-run");
            Path c = dir.resolve("code"), d = dir.resolve("in"), o = dir.resolve("out");
            Files.write(c, code);
            Files.write(d, input());
            exec(List.of(loader(nb).toString(), c.toString(), d.toString(), o.toString()));
            byte[] out = Files.readAllBytes(o);
            Files.delete(c);
            Files.delete(d);
            Files.delete(o);
            Files.delete(dir);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs the program on the emulator in {@code emuBits} mode; returns the records. */
    byte[] runEmulated(int emuBits) {
        CpuTester t = new CpuTester(emuBits);
        byte[] in = input();
        // The records go from DATA up; the stack lives at the top of RAM, above them.
        if (CpuTester.DATA + in.length > CpuTester.RAM_SIZE - 0x10000) throw new IllegalStateException("too many cases");
        t.cpu.regs[X86Cpu.RSP] = CpuTester.RAM_SIZE - 64;
        java.lang.foreign.MemorySegment.copy(in, 0, t.ram.segment(), java.lang.foreign.ValueLayout.JAVA_BYTE,
                CpuTester.DATA, in.length);
        // 16-bit code cannot jump beyond 64 KiB: run the forms in several programs there.
        int chunk = emuBits == 16 ? 150 : forms.size();
        for (int k = 0; k < forms.size(); k += chunk) {
            byte[] code = emuBits != 16 ? code(emuBits)
                    : CpuTester.nasm(emuBits, program(emuBits, forms.subList(k, Math.min(forms.size(), k + chunk))));
            if (emuBits == 16 && code.length > 0xff00) throw new IllegalStateException("16-bit program too large");
            X86Exception e = run(t, emuBits, code);
            if (e != null) {
                throw new AssertionError(emuBits + "-bit emulation stopped with " + e.getMessage() + " at rip "
                        + Long.toHexString(t.cpu.rip) + " (" + t.interp.current() + ")");
            }
        }
        byte[] out = new byte[in.length];
        java.lang.foreign.MemorySegment.copy(t.ram.segment(), java.lang.foreign.ValueLayout.JAVA_BYTE, CpuTester.DATA,
                out, 0, out.length);
        return out;
    }

    /**
     * Runs code on a tester until HLT (returns null) or another exception. 16-bit code runs with CS based at
     * CODE (IP is 16 bits) and SS based at 0 (the case loops address their records through EBP, which
     * defaults to SS), with the stack just below 64 KiB. Fails after 20 s (runaway).
     */
    static X86Exception run(CpuTester t, int bits, byte[] code) {
        t.load(CpuTester.CODE, code);
        t.interp.invalidateAll();
        if (bits == 16) {
            t.cpu.segBase[X86Cpu.CS] = CpuTester.CODE;
            t.cpu.rip = 0;
            t.cpu.segBase[X86Cpu.SS] = 0;
            t.cpu.regs[X86Cpu.RSP] = 0xfff0;
        } else {
            t.cpu.rip = CpuTester.CODE;
        }
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(20_000);
                t.cpu.exitRequest = true;
            } catch (InterruptedException ignored) {
                // finished in time
            }
        });
        X86Exception e = t.interp.run();
        watchdog.interrupt();
        if (e.vector == X86Exception.EXIT_INTERRUPT) throw new AssertionError("emulation did not finish (runaway?)");
        return e.vector == X86Exception.EXIT_HLT ? null : e;
    }

    /** Compares the emulated records with the native ones; returns a description of the differences. */
    List<String> compare(byte[] nat, byte[] emu, int emuBits) {
        ByteBuffer n = ByteBuffer.wrap(nat).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer e = ByteBuffer.wrap(emu).order(ByteOrder.LITTLE_ENDIAN);
        List<String> diffs = new ArrayList<>();
        for (Form f : forms) {
            for (int k = 0; k < f.cases.size(); k++) {
                int base = (f.first + k) * REC;
                StringBuilder d = new StringBuilder();
                for (int q = 0; q < FIELDS; q++) {
                    if (q == 7) continue;
                    int off = q >= M0 ? base + 8 * q : base + OUT + 8 * q;
                    long nv = n.getLong(off), ev = e.getLong(off);
                    if (q == FL) {
                        nv &= FLAG_MASK;
                        ev &= FLAG_MASK;
                    }
                    if (nv != ev) {
                        d.append(' ').append(NAMES[q]).append(" host=").append(Long.toHexString(nv)).append(" emu=")
                                .append(Long.toHexString(ev));
                        if (q == FL) d.append(" (").append(flagNames((int) (nv ^ ev))).append(" differ)");
                    }
                }
                // The input fields too: a memory operand reaching outside MEM (BT with a bit offset) may write there.
                for (int q = 0; q < 8; q++) {
                    long nv = n.getLong(base + 8 * q), ev = e.getLong(base + 8 * q);
                    if (nv != ev) d.append(" input ").append(q).append(" host=").append(Long.toHexString(nv))
                            .append(" emu=").append(Long.toHexString(ev));
                }
                if (!d.isEmpty()) {
                    long[] c = f.cases.get(k);
                    diffs.add(emuBits + "-bit `" + f.asm.replace('\n', ';') + "` in: rax=" + Long.toHexString(c[RAX])
                            + " rbx=" + Long.toHexString(c[RBX]) + " rcx=" + Long.toHexString(c[RCX]) + " rdx="
                            + Long.toHexString(c[RDX]) + " rsi=" + Long.toHexString(c[RSI]) + " rdi="
                            + Long.toHexString(c[RDI]) + " flags=" + flagNames((int) c[FL]) + " mem="
                            + Long.toHexString(c[M0]) + "," + Long.toHexString(c[M1]) + " ->" + d);
                }
            }
        }
        return diffs;
    }

    static String flagNames(int f) {
        StringBuilder s = new StringBuilder();
        String[] n = {"CF", "", "PF", "", "AF", "", "ZF", "SF", "", "", "DF", "OF"};
        for (int b = 0; b < n.length; b++) if ((f & (1 << b)) != 0 && !n[b].isEmpty()) s.append(n[b]).append(' ');
        return s.toString().trim();
    }

    /**
     * Runs natively and emulated (and emulated in 16-bit mode too when {@code also16}); throws an AssertionError
     * listing the first differences.
     */
    void check(boolean also16) {
        byte[] nat = runNative();
        List<String> diffs = new ArrayList<>(compare(nat, runEmulated(bits), bits));
        if (also16 && bits == 32) diffs.addAll(compare(nat, runEmulated(16), 16));
        if (!diffs.isEmpty()) {
            StringBuilder m = new StringBuilder(diffs.size() + " of " + caseCount() + " cases differ from the host:\n");
            for (int k = 0; k < Math.min(40, diffs.size()); k++) m.append(diffs.get(k)).append('\n');
            throw new AssertionError(m.toString());
        }
    }

    // ---- operand values ----

    /** Edge values of an operand of {@code size} bytes, then {@code randoms} random ones. */
    long[] values(int size, int randoms) {
        long m = size == 8 ? -1L : (1L << (8 * size)) - 1;
        long sign = 1L << (8 * size - 1);
        long[] edge = {0, 1, 2, 3, 0xf, 0x10, 0x7f, 0x80, 0x81, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
                0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L, Long.MAX_VALUE, Long.MIN_VALUE, -1, -2,
                sign - 1, sign, sign + 1, m - 1, 0x5555555555555555L, 0xaaaaaaaaaaaaaaaaL, 0x0123456789abcdefL};
        List<Long> v = new ArrayList<>();
        for (long e : edge) {
            long x = e & m;
            if (!v.contains(x)) v.add(x);
        }
        for (int k = 0; k < randoms; k++) v.add(rnd.nextLong() & m);
        long[] r = new long[v.size()];
        for (int k = 0; k < r.length; k++) r[k] = v.get(k);
        return r;
    }
}
