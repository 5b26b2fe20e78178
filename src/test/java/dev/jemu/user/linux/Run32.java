package dev.jemu.user.linux;

import dev.jemu.testutil.CCompiler;
import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.ProcessResult;
import dev.jemu.testutil.Processes;
import dev.jemu.testutil.SideBySide;
import dev.jemu.testutil.Text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Builds the 32-bit test programs of tests/i386 (NASM sources; C built with i686-linux-gnu-gcc -static -O2)
 * and runs them natively (the x86-64 host kernel runs i386 programs) and under jemu-i386, each in a fresh
 * directory, through the shared test utilities (so -Djemu.peer=qemu checks the programs against qemu-i386).
 * Outputs are kept in target/i386-tests/out.
 */
final class Run32 {
    private Run32() {}

    private static final Duration NATIVE_TIMEOUT = Duration.ofSeconds(60);

    static Path source(String name) {
        return Jemu.projectDir().resolve("tests/i386").resolve(name);
    }

    static Path buildDir() {
        return Jemu.projectDir().resolve("target/i386-tests");
    }

    /** Assembles and links a NASM source into a static i386 executable. */
    static Path nasm(String name) {
        assumeTrue(Processes.which("nasm") != null && Processes.which("i686-linux-gnu-ld") != null,
                "nasm and i686-linux-gnu-ld are needed");
        String base = name.replaceAll("\\.asm$", "");
        Path obj = buildDir().resolve(base + ".o"), exe = buildDir().resolve(base);
        try {
            Files.createDirectories(buildDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        build(List.of("nasm", "-f", "elf32", source(name).toString(), "-o", obj.toString()));
        build(List.of("i686-linux-gnu-ld", "-m", "elf_i386", obj.toString(), "-o", exe.toString()));
        return exe;
    }

    /** Compiles a C source with i686-linux-gnu-gcc -static -O2. */
    static Path gcc(String name) {
        return CCompiler.compile("i686-linux-gnu-gcc", List.of("-static", "-O2"), source(name),
                buildDir().resolve(name.replaceAll("\\.c$", "")));
    }

    private static void build(List<String> cmd) {
        ProcessResult r = Processes.run(cmd, Processes.Options.of(Duration.ofMinutes(2)));
        if (r.exitCode() != 0 || r.timedOut()) fail(Text.commandLine(cmd) + " failed:\n" + r.stderrText());
    }

    static Path freshDir(String name) {
        Path d = buildDir().resolve("run").resolve(name);
        try {
            if (Files.exists(d)) {
                try (Stream<Path> s = Files.walk(d)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code exe args} natively and under jemu-i386; stdout and exit status must be identical. A SIGILL
     * under jemu alone is an instruction the CPU model lacks, not a system-call fault: the test is skipped.
     * Returns the native run.
     */
    static ProcessResult assertSameAsNative(String label, Path exe, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(List.of(args));
        Path nd = freshDir(label + ".native"), jd = freshDir(label + ".jemu");
        ProcessResult nat = Processes.run(cmd, Processes.Options.of(NATIVE_TIMEOUT).inDir(nd));
        ProcessResult emu = Jemu.run("jemu-i386", cmd, Processes.Options.of(Jemu.timeout()).inDir(jd));
        assumeFalse(emu.exitCode() == 128 + 4 && nat.exitCode() != 128 + 4,
                () -> label + ": SIGILL under jemu (an instruction not implemented yet)\n" + emu.stderrTail(5));
        SideBySide.compare(new SideBySide.Run("i386/" + label, "jemu-i386", cmd, null, nd, jd, NATIVE_TIMEOUT,
                Jemu.timeout(), null, buildDir().resolve("out")), nat, emu);
        return nat;
    }
}
