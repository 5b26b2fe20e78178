package dev.jemu.user.linux;

import dev.jemu.testutil.CCompiler;
import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.ProcessResult;
import dev.jemu.testutil.Processes;
import dev.jemu.testutil.SideBySide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Linux user-mode test programs of tests/linux: C sources built with {@code gcc -O2 -static -pthread} and
 * assembly sources built with nasm (raw system calls), run natively and under jemu-x86_64; stdout and exit
 * status must be the same. Outputs are kept in target/linux-tests/out.
 */
final class LinuxPrograms {
    private LinuxPrograms() {}

    static final Duration NATIVE_TIMEOUT = Duration.ofSeconds(60);

    static Path sourceDir() {
        return Jemu.projectDir().resolve("tests/linux");
    }

    static Path buildDir() {
        return Jemu.projectDir().resolve("target/linux-tests");
    }

    /** Builds tests/linux/NAME.c (static, with threads). */
    static Path c(String name) {
        return CCompiler.compile("gcc", List.of("-O2", "-static", "-pthread", "-Wall", "-Wno-unused-result"),
                sourceDir().resolve(name + ".c"), buildDir().resolve(name));
    }

    /** Builds tests/linux/NAME.asm into a static executable (nasm -felf64, ld). */
    static Path asm(String name) {
        CCompiler.require("nasm");
        Path src = sourceDir().resolve(name + ".asm"), obj = buildDir().resolve(name + ".o"), out = buildDir().resolve(name);
        try {
            Files.createDirectories(buildDir());
            if (Files.exists(out) && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(src)) > 0) return out;
            for (List<String> cmd : List.of(List.of("nasm", "-felf64", "-o", obj.toString(), src.toString()),
                    List.of("ld", "-o", out.toString(), obj.toString()))) {
                ProcessResult r = Processes.run(cmd, Processes.Options.of(Duration.ofMinutes(1)));
                if (r.exitCode() != 0) fail("building " + name + " failed: " + cmd + "\n" + r.stderrText());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code program args} natively (expecting {@code status}) and under jemu-x86_64: same output and status. */
    static void assertSameAsNative(Path program, int status, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(program.toString());
        cmd.addAll(List.of(args));
        Path work = buildDir().resolve("work");
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SideBySide.assertSame(new SideBySide.Run("linux/" + program.getFileName(), "jemu-x86_64", cmd, null, work, work,
                NATIVE_TIMEOUT, Jemu.timeout(), null, buildDir().resolve("out")), status);
    }
}
