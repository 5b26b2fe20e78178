package dev.jemu.user.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Builds 32-bit test programs (tests/i386: NASM sources and C built with i686-linux-gnu-gcc -static) and runs
 * them natively (the x86-64 host kernel runs i386 programs) and under jemu-i386, each in a fresh directory.
 */
final class Run32 {
    private Run32() {}

    record Result(int status, byte[] out, String err) {
        String text() {
            return new String(out, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    static Path projectDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    static Path source(String name) {
        return projectDir().resolve("tests/i386").resolve(name);
    }

    static Path buildDir() {
        try {
            return Files.createDirectories(projectDir().resolve("target/i386-tests"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean have(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }

    /** Assembles and links a NASM source into a static i386 executable. */
    static Path nasm(String name) {
        assumeTrue(have("nasm") && have("i686-linux-gnu-ld"), "nasm and i686-linux-gnu-ld are needed");
        Path src = source(name), dir = buildDir();
        String base = name.replaceAll("\\.asm$", "");
        Path obj = dir.resolve(base + ".o"), exe = dir.resolve(base);
        run(List.of("nasm", "-f", "elf32", src.toString(), "-o", obj.toString()));
        run(List.of("i686-linux-gnu-ld", "-m", "elf_i386", obj.toString(), "-o", exe.toString()));
        return exe;
    }

    /** Compiles a C source with i686-linux-gnu-gcc -static -O2 (plus {@code flags}). */
    static Path gcc(String name, String... flags) {
        assumeTrue(have("i686-linux-gnu-gcc"), "i686-linux-gnu-gcc is needed");
        Path src = source(name), exe = buildDir().resolve(name.replaceAll("\\.c$", ""));
        List<String> cmd = new ArrayList<>(List.of("i686-linux-gnu-gcc", "-static", "-O2"));
        cmd.addAll(Arrays.asList(flags));
        cmd.addAll(List.of(src.toString(), "-o", exe.toString(), "-lm", "-lpthread"));
        run(cmd);
        return exe;
    }

    private static void run(List<String> cmd) {
        Result r = exec(cmd, buildDir(), 120);
        if (r.status != 0) fail(String.join(" ", cmd) + " failed:\n" + r.err);
    }

    static Result exec(List<String> cmd, Path dir, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("run32", ".out"), err = Files.createTempFile("run32", ".err");
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail("timed out: " + String.join(" ", cmd) + "\n" + Files.readString(err));
            }
            Result r = new Result(p.exitValue(), Files.readAllBytes(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Path freshDir(String name) {
        try {
            Path d = buildDir().resolve("run").resolve(name);
            if (Files.exists(d)) {
                try (var s = Files.walk(d)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result nativeRun(Path exe, String... args) {
        List<String> cmd = new ArrayList<>(List.of(exe.toString()));
        cmd.addAll(Arrays.asList(args));
        return exec(cmd, freshDir(exe.getFileName() + ".native"), 60);
    }

    static Result jemu(Path exe, String... args) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xss16m", "-cp",
                projectDir().resolve("target/classes").toString(), "dev.jemu.Main", "jemu-i386", exe.toString()));
        cmd.addAll(Arrays.asList(args));
        return exec(cmd, freshDir(exe.getFileName() + ".jemu"), 120);
    }

    /** Runs natively and under jemu-i386; stdout and exit status must be identical. Returns the native run. */
    static Result assertSameAsNative(Path exe, String... args) {
        Result n = nativeRun(exe, args), j = jemu(exe, args);
        // SIGILL under jemu only: an instruction the CPU model does not have yet, not a system-call fault.
        org.junit.jupiter.api.Assumptions.assumeFalse(j.status == 132 && n.status != 132,
                () -> exe.getFileName() + ": SIGILL under jemu (an unimplemented instruction)\n" + j.err);
        if (!Arrays.equals(n.out, j.out)) {
            fail("stdout differs for " + exe.getFileName() + "\nnative:\n" + n.text() + "\njemu:\n" + j.text()
                    + "\njemu stderr:\n" + j.err);
        }
        assertEquals(n.status, j.status, "exit status; jemu stderr:\n" + j.err);
        return n;
    }
}
