package dev.jemu.tcg;

import dev.jemu.target.x86.CpuTester;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * Guest MIPS of small nasm loops under the interpreter and the translator. Not a unit test: run with
 * {@code java -cp target/classes:target/test-classes -Djemu.jit=off|on|all dev.jemu.tcg.TcgBench [seconds]}.
 * Each program reports how many instructions one pass executes so the rate is exact.
 */
public final class TcgBench {
    /** name, instructions per pass (as a function of N), source (N is the iteration count). */
    record Prog(String name, long insnsPerIter, long fixed, String src) {}

    static final int N = 2_000_000;

    static final Prog[] PROGS = {
        new Prog("alu", 5, 3, """
                mov ecx, %d
                xor eax, eax
                xor edx, edx
            l:  add rax, rcx
                xor rdx, rax
                sub rdx, 3
                dec ecx
                jnz l
                hlt"""),
        new Prog("mem", 7, 4, """
                mov rsi, 0x400000
                mov ecx, %d
                xor eax, eax
                xor edx, edx
            l:  mov rdx, rcx
                and edx, 1023
                mov rax, [rsi+rdx*8]
                add rax, rcx
                mov [rsi+rdx*8], rax
                dec ecx
                jnz l
                hlt"""),
        new Prog("call", 9, 3, """
                mov ecx, %d
                xor eax, eax
                xor ebx, ebx
            l:  call f
                test ecx, 1
                jz s
                inc ebx
            s:  dec ecx
                jnz l
                hlt
            f:  add eax, ecx
                ret"""),
        new Prog("sort", 0, 0, """
                ; bubble sort of 512 dwords, repeated: counts are taken by the interpreter run
                mov r9d, %d
            outer:
                mov rsi, 0x400000
                mov ecx, 512
                mov eax, 12345
            fill: lea eax, [rax+rax*8+12345]
                xor eax, ecx
                mov [rsi+rcx*4-4], eax
                dec ecx
                jnz fill
                mov edx, 511
            pass: xor ecx, ecx
            inner: mov eax, [rsi+rcx*4]
                mov ebx, [rsi+rcx*4+4]
                cmp eax, ebx
                jle noswap
                mov [rsi+rcx*4], ebx
                mov [rsi+rcx*4+4], eax
            noswap: inc ecx
                cmp ecx, edx
                jb inner
                dec edx
                jnz pass
                dec r9d
                jnz outer
                hlt"""),
    };

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        String only = args.length > 1 ? args[1] : null;
        System.out.println("jemu.jit=" + System.getProperty("jemu.jit", "(default)"));
        for (Prog p : PROGS) {
            if (only != null && !only.equals(p.name)) continue;
            int n = p.name.equals("sort") ? 4 : N;
            byte[] code = CpuTester.nasm(64, String.format(p.src, n));
            long perPass = p.insnsPerIter * n + p.fixed;
            if (p.name.equals("sort")) perPass = sortCount(n);
            CpuTester t = new CpuTester(64);
            t.load(CpuTester.CODE, code);
            long insns = 0;
            // CPU time of this thread: the machine is shared, wall time is not a measure
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long t0 = mx.getCurrentThreadCpuTime(), end = t0 + (long) (seconds * 1e9);
            int passes = 0;
            while (mx.getCurrentThreadCpuTime() < end) {
                t.cpu.rip = CpuTester.CODE;
                t.cpu.regs[X86Cpu.RSP] = CpuTester.STACK_TOP;
                X86Exception e = t.interp.run();
                if (e.vector != X86Exception.EXIT_HLT) throw new IllegalStateException(p.name + ": " + e.getMessage());
                insns += perPass;
                passes++;
            }
            double dt = (mx.getCurrentThreadCpuTime() - t0) / 1e9;
            System.out.printf("%-6s %8.1f MIPS  (%d passes, %.2fs)  rax=%x%n", p.name, insns / dt / 1e6, passes, dt,
                    t.cpu.regs[X86Cpu.RAX]);
            if (t.interp.jit() != null) System.out.println("       " + t.interp.jit().stats());
        }
    }

    /** Bubble-sort instruction count: worked out from the loop structure, data dependent only in swaps. */
    static long sortCount(int reps) {
        // Count by simulation of the same algorithm (swap count depends on the data).
        long total = 1; // mov r9d
        for (int r = 0; r < reps; r++) {
            int[] a = new int[512];
            total += 3;
            int eax = 12345;
            for (int ecx = 512; ecx > 0; ecx--) {
                eax = eax * 9 + 12345;
                eax ^= ecx;
                a[ecx - 1] = eax;
                total += 5;
            }
            total += 1;
            for (int edx = 511; edx > 0; edx--) {
                total += 1;
                for (int ecx = 0; ecx < edx; ecx++) {
                    total += 4;
                    if (a[ecx] > a[ecx + 1]) {
                        int x = a[ecx];
                        a[ecx] = a[ecx + 1];
                        a[ecx + 1] = x;
                        total += 2;
                    }
                    total += 3;
                }
                total += 2;
            }
            total += 2;
        }
        return total + 1; // hlt
    }

    private TcgBench() {}

    static {
        // keep X86Cpu referenced for readers of this file: register numbers come from it
        if (X86Cpu.RAX != 0) throw new AssertionError();
    }
}
