package dev.jemu.user.linux;

import dev.jemu.testutil.CCompiler;
import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.ProcessResult;
import dev.jemu.testutil.Processes;
import dev.jemu.testutil.SideBySide;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The differential suite: every program in tests/c is compiled for x86_64 (static and dynamic)
 * and i386 (static), run natively and under jemu-x86_64 / jemu-i386, and its stdout and exit
 * status must be byte-identical. The programs are deterministic: scripts/check-tests-c proves it
 * against two native runs and Debian's qemu-user.
 * <p>Narrow a run with -Djemu.difftest.only=flags_alu,x87* and -Djemu.difftest.variants=i386-static.
 * Outputs are kept in target/difftest/VARIANT/NAME.{native,jemu}.out for a closer look.
 */
@Tag("guest")
class DifferentialTest {
    private static final Duration NATIVE_TIMEOUT = Duration.ofSeconds(60);

    /** A way to build and run: compiler and flags, ABI, and the emulator tool that runs the result. */
    enum Variant {
        X86_64_STATIC("x86_64-static", "x86_64", "gcc", List.of("-static"), "jemu-x86_64"),
        X86_64_DYNAMIC("x86_64-dynamic", "x86_64", "gcc", List.of(), "jemu-x86_64"),
        I386_STATIC("i386-static", "i386", "i686-linux-gnu-gcc", List.of("-static"), "jemu-i386");

        final String id, abi, compiler, tool;
        final List<String> flags;

        Variant(String id, String abi, String compiler, List<String> flags, String tool) {
            this.id = id;
            this.abi = abi;
            this.compiler = compiler;
            this.flags = flags;
            this.tool = tool;
        }
    }

    @TestFactory
    Stream<DynamicContainer> nativeAndEmulatedOutputsMatch() {
        Path dir = Jemu.projectDir().resolve("tests/c");
        List<DifferentialProgram> programs = programs(dir);
        if (programs.isEmpty()) fail("no programs in " + dir + " match -Djemu.difftest.only");
        String variants = System.getProperty("jemu.difftest.variants", "");
        return Arrays.stream(Variant.values())
                .filter(v -> variants.isBlank() || Arrays.asList(variants.split(",")).contains(v.id))
                .map(v -> DynamicContainer.dynamicContainer(v.id, programs.stream()
                        .filter(p -> p.runsOn(v.abi))
                        .map(p -> DynamicTest.dynamicTest(p.name(), p.source().toUri(), () -> check(v, p)))));
    }

    private static List<DifferentialProgram> programs(Path dir) {
        String only = System.getProperty("jemu.difftest.only", "");
        List<PathMatcher> wanted = new ArrayList<>();
        for (String g : only.split(",")) {
            if (!g.isBlank()) wanted.add(FileSystems.getDefault().getPathMatcher("glob:" + g.trim() + ".c"));
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".c"))
                    .filter(f -> wanted.isEmpty() || wanted.stream().anyMatch(m -> m.matches(f.getFileName())))
                    .sorted()
                    .map(DifferentialProgram::parse)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void check(Variant v, DifferentialProgram p) {
        Path out = Jemu.projectDir().resolve("target/difftest").resolve(v.id);
        List<String> flags = new ArrayList<>(List.of("-O2", "-I" + p.source().getParent(), "-pthread"));
        flags.addAll(v.flags);
        flags.addAll(p.cflags());
        Path bin = CCompiler.compile(v.compiler, flags, p.source(), out.resolve(p.name()));

        List<String> cmd = new ArrayList<>();
        cmd.add(bin.toString());
        cmd.addAll(p.args());
        Processes.Options opts = Processes.Options.of(NATIVE_TIMEOUT).inDir(out).withEnv(environment());
        ProcessResult nat;
        try {
            nat = Processes.run(cmd, opts);
        } catch (UncheckedIOException e) {
            assumeTrue(false, "this host cannot run " + v.abi + " programs natively: " + e.getMessage());
            return;
        }
        assertFalse(nat.timedOut(), () -> p.name() + " timed out natively: fix the test program");
        assertEquals(p.status(), nat.exitCode(), () -> p.name() + " ends natively with " + nat.describeExit()
                + " instead of status " + p.status() + " (a problem of the test program, or mark it // status: N)\n"
                + nat.stderrTail(10));

        SideBySide.Run run = new SideBySide.Run(v.id + "/" + p.name(), v.tool, cmd, environment(), out, out,
                NATIVE_TIMEOUT, Jemu.timeout(), null, out);
        ProcessResult emu = Jemu.run(v.tool, cmd, new Processes.Options(out, environment(), null, Jemu.timeout()));
        SideBySide.compare(run, nat, emu);
    }

    /** The same small, fixed environment for both runs (the emulator passes its own to the guest). */
    static Map<String, String> environment() {
        return Map.of(
                "PATH", "/usr/local/bin:/usr/bin:/bin",
                "HOME", System.getProperty("user.home"),
                "LANG", "C.UTF-8",
                "TZ", "UTC0",
                "DIFFTEST_ENV", "set");
    }
}
