package dev.jemu.accel.kvm;

import dev.jemu.testutil.CCompiler;
import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.ProcessResult;
import dev.jemu.testutil.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The user-mode accelerator: static programs under {@code jemu-x86_64 -accel kvm} print what they print
 * natively and end with the same status; without KVM, {@code -accel kvm} fails as the system emulator does and
 * {@code -accel kvm -accel tcg} falls back. Runs that need /dev/kvm are skipped (with the reason) without it.
 */
class KvmUserTest {
    private static final Path OUT = Jemu.projectDir().resolve("target/kvmuser");
    private static final Duration NATIVE = Duration.ofSeconds(60);

    private static Map<String, String> env() {
        Map<String, String> e = new HashMap<>();
        e.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        e.put("HOME", System.getProperty("user.home"));
        e.put("LANG", "C.UTF-8");
        e.put("TZ", "UTC0");
        return e;
    }

    private static void requireKvm() {
        assumeTrue(Jemu.isBuilt(), "target/classes is not built");
        String why = Kvm.unavailableReason();
        assumeTrue(why == null, () -> "no usable KVM on this host: " + why);
    }

    private static Path build(String name, List<String> extraFlags) {
        Path src = Jemu.projectDir().resolve("tests/c/" + name + ".c");
        List<String> flags = new ArrayList<>(List.of("-O2", "-static", "-pthread", "-I" + src.getParent()));
        flags.addAll(extraFlags);
        return CCompiler.compile("gcc", flags, src, OUT.resolve(name));
    }

    private static Path buildSource(String name, String code, String... flags) throws IOException {
        Files.createDirectories(OUT);
        Path src = OUT.resolve(name + ".c");
        if (!Files.exists(src) || !Files.readString(src).equals(code)) Files.writeString(src, code);
        List<String> f = new ArrayList<>(List.of("-O2", "-static"));
        f.addAll(List.of(flags));
        return CCompiler.compile("gcc", f, src, OUT.resolve(name));
    }

    private static ProcessResult nativeRun(Path bin, String... args) {
        List<String> cmd = new ArrayList<>(List.of(bin.toString()));
        cmd.addAll(List.of(args));
        return Processes.run(cmd, Processes.Options.of(NATIVE).inDir(OUT).withEnv(env()));
    }

    private static ProcessResult jemu(Map<String, String> env, List<String> options, Path bin, String... args) {
        List<String> a = new ArrayList<>(options);
        a.add(bin.toString());
        a.addAll(List.of(args));
        return Jemu.run("jemu-x86_64", a, new Processes.Options(OUT, env, null, Jemu.timeout()));
    }

    /** The same stdout and status as natively, and the accelerator never gave the program up to tcg. */
    private static void sameAsNative(Path bin, String... args) {
        ProcessResult nat = nativeRun(bin, args);
        assertFalse(nat.timedOut(), "native run timed out");
        ProcessResult kvm = jemu(env(), List.of("-accel", "kvm", "-d", "int"), bin, args);
        assertEquals(nat.exitCode(), kvm.exitCode(), () -> "status\n" + Jemu.describe(kvm));
        assertEquals(nat.stdoutText(), kvm.stdoutText(), () -> "stdout\n" + Jemu.describe(kvm));
        assertFalse(kvm.stderrText().contains("falling back") || kvm.stderrText().contains("kvm unavailable"),
                () -> "the accelerator gave up\n" + Jemu.describe(kvm));
    }

    /**
     * tests/c programs: system calls (write, files, mmap/munmap/mprotect, brk through malloc), signal handlers
     * and faults recovered with siglongjmp, threads (a vCPU each), fork and exec (a VM per address space),
     * x87/SSE state across signals.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mmap", "alloc", "signals", "threads", "fork_exec", "fileio", "setjmp", "sse_float",
            "x87", "fenv", "time"})
    void programBehavesAsNatively(String name) {
        requireKvm();
        sameAsNative(build(name, List.of()));
    }

    /**
     * Through the launcher, as users run it: bin/jemu-x86_64 -accel kvm picks C1 only and the AOT cache of the
     * kvm training run (bin/jemu-launch); threads exercise the vCPU kick signal. Same output as natively.
     */
    @Test
    void launcherRunsTheAccelerator() {
        requireKvm();
        assumeTrue(Files.exists(Jemu.projectDir().resolve("target/jemu.jar")), "target/jemu.jar is not built");
        Path bin = build("threads", List.of());
        ProcessResult nat = nativeRun(bin);
        List<String> cmd = List.of(Jemu.projectDir().resolve("bin/jemu-x86_64").toString(), "-accel", "kvm", "-d", "int",
                bin.toString());
        ProcessResult kvm = Processes.run(cmd, new Processes.Options(OUT, env(), null, Jemu.timeout()));
        assertEquals(nat.exitCode(), kvm.exitCode(), () -> "status\n" + Jemu.describe(kvm));
        assertEquals(nat.stdoutText(), kvm.stdoutText(), () -> "stdout\n" + Jemu.describe(kvm));
        assertFalse(kvm.stderrText().contains("kvm unavailable"), () -> "the accelerator gave up\n" + Jemu.describe(kvm));
    }

    /** A NULL store with no handler: SIGSEGV ends the process, status 139 as natively. */
    @Test
    void guestFaultIsSigsegv() throws IOException {
        requireKvm();
        Path bin = buildSource("kvm_segv", """
                #include <stdio.h>
                int main(void) {
                    printf("before\\n");
                    fflush(stdout);
                    *(volatile int *)0 = 1;
                    printf("after\\n");
                    return 0;
                }
                """);
        ProcessResult nat = nativeRun(bin);
        assertEquals(139, nat.exitCode());
        sameAsNative(bin);
    }

    /** Integer division by zero (#DE) handled by a SIGFPE handler; a write to a read-only page (#PF, protection). */
    @Test
    void faultsReachHandlers() throws IOException {
        requireKvm();
        Path bin = buildSource("kvm_handlers", """
                #include <signal.h>
                #include <setjmp.h>
                #include <stdio.h>
                #include <string.h>
                #include <sys/mman.h>
                static sigjmp_buf jb;
                static volatile int got;
                static void on(int s, siginfo_t *si, void *uc) { got = s * 1000 + si->si_code; siglongjmp(jb, 1); }
                int main(int argc, char **argv) {
                    struct sigaction sa; memset(&sa, 0, sizeof sa);
                    sa.sa_sigaction = on; sa.sa_flags = SA_SIGINFO;
                    sigaction(SIGFPE, &sa, 0); sigaction(SIGSEGV, &sa, 0);
                    volatile int zero = argc - 1;
                    if (!sigsetjmp(jb, 1)) printf("%d\\n", 7 / zero);
                    printf("div: %d\\n", got);
                    char *p = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                    if (!sigsetjmp(jb, 1)) p[10] = 1;
                    printf("ro write: %d\\n", got);
                    mprotect(p, 4096, PROT_READ | PROT_WRITE);
                    p[10] = 5;
                    printf("after mprotect: %d\\n", p[10]);
                    char *q = sbrk(0); sbrk(8192); q[8000] = 3; sbrk(-8192);
                    if (!sigsetjmp(jb, 1)) q[8000] = 4;
                    printf("after brk shrink: %d\\n", got);
                    return 0;
                }
                """);
        sameAsNative(bin);
    }

    /** 1600 short-lived threads: vCPUs of finished threads are reused (KVM never frees a vCPU id). */
    @Test
    void manyThreadsOverALifetime() throws IOException {
        requireKvm();
        Path bin = buildSource("kvm_manythreads", """
                #include <pthread.h>
                #include <stdio.h>
                static long sum;
                static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
                static void *f(void *a) { pthread_mutex_lock(&m); sum += (long)a; pthread_mutex_unlock(&m); return 0; }
                int main(void) {
                    for (int round = 0; round < 400; round++) {
                        pthread_t t[4];
                        for (long i = 0; i < 4; i++) pthread_create(&t[i], 0, f, (void *)(i + round));
                        for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
                    }
                    printf("sum %ld\\n", sum);
                    return 0;
                }
                """, "-pthread");
        sameAsNative(bin);
    }

    /** No KVM device: QEMU's one line and status 1. */
    @Test
    void missingDeviceFails() throws IOException {
        assumeTrue(Jemu.isBuilt(), "target/classes is not built");
        Path bin = hello();
        Map<String, String> e = env();
        e.put("JEMU_KVM_DEVICE", OUT.resolve("no-such-kvm").toString());
        ProcessResult r = jemu(e, List.of("-accel", "kvm"), bin, "x");
        assertEquals(1, r.exitCode(), () -> Jemu.describe(r));
        assertEquals("jemu-x86_64: -accel kvm: Could not access KVM kernel module: No such file or directory\n",
                r.stderrText());
        assertEquals("", r.stdoutText());
    }

    /** No KVM device but tcg after it (two options, kvm:tcg, or QEMU_ACCEL): the program runs on the interpreter. */
    @Test
    void fallsBackToTcg() throws IOException {
        assumeTrue(Jemu.isBuilt(), "target/classes is not built");
        Path bin = hello();
        Map<String, String> e = env();
        e.put("JEMU_KVM_DEVICE", OUT.resolve("no-such-kvm").toString());
        List<List<String>> ways = List.of(List.of("-accel", "kvm", "-accel", "tcg"), List.of("-accel", "kvm:tcg"));
        for (List<String> opts : ways) {
            ProcessResult r = jemu(e, opts, bin, "world");
            assertEquals(3, r.exitCode(), () -> Jemu.describe(r));
            assertEquals("hello world\n", r.stdoutText());
            assertEquals("jemu-x86_64: -accel kvm: Could not access KVM kernel module: No such file or directory\n"
                    + "jemu-x86_64: falling back to tcg\n", r.stderrText());
        }
        Map<String, String> e2 = new HashMap<>(e);
        e2.put("QEMU_ACCEL", "kvm:tcg");
        ProcessResult r = jemu(e2, List.of(), bin, "env");
        assertEquals(3, r.exitCode(), () -> Jemu.describe(r));
        assertEquals("hello env\n", r.stdoutText());
        assertTrue(r.stderrText().endsWith("falling back to tcg\n"), r::stderrText);
    }

    /** Unknown and foreign accelerators: QEMU's messages, status 1. */
    @Test
    void badAcceleratorNames() throws IOException {
        assumeTrue(Jemu.isBuilt(), "target/classes is not built");
        Path bin = hello();
        ProcessResult r = jemu(env(), List.of("-accel", "foo"), bin, "x");
        assertEquals(1, r.exitCode());
        assertEquals("jemu-x86_64: -accel foo: invalid accelerator foo\n", r.stderrText());
        ProcessResult h = jemu(env(), List.of("-accel", "hvf"), bin, "x");
        assertEquals(1, h.exitCode());
        assertTrue(h.stderrText().startsWith("jemu-x86_64: -accel hvf: accelerator hvf is not available on this host"),
                h::stderrText);
    }

    private static Path hello() throws IOException {
        return buildSource("kvm_hello", """
                #include <stdio.h>
                int main(int argc, char **argv) { printf("hello %s\\n", argv[1]); return 3; }
                """);
    }
}
