package dev.jemu.testutil;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs a subprocess to completion with a timeout. Output goes to temporary files rather than
 * pipes, so a chatty process can never block on a full pipe while we wait for it; on timeout the
 * whole process tree is killed (an emulator's guest may have forked).
 */
public final class Processes {
    private Processes() {}

    /** How to run: working directory, exact environment (null = inherit), stdin file (null = /dev/null). */
    public record Options(Path cwd, Map<String, String> env, Path stdin, Duration timeout) {
        public Options {
            Objects.requireNonNull(timeout);
        }

        public static Options of(Duration timeout) {
            return new Options(null, null, null, timeout);
        }

        public Options inDir(Path dir) {
            return new Options(dir, env, stdin, timeout);
        }

        public Options withEnv(Map<String, String> e) {
            return new Options(cwd, e, stdin, timeout);
        }

        public Options withStdin(Path in) {
            return new Options(cwd, env, in, timeout);
        }
    }

    public static ProcessResult run(List<String> command, Options o) {
        Path out = null, err = null;
        try {
            out = Files.createTempFile("jemu-test-", ".out");
            err = Files.createTempFile("jemu-test-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(o.stdin() != null ? o.stdin().toFile() : new File("/dev/null"));
            if (o.cwd() != null) pb.directory(o.cwd().toFile());
            if (o.env() != null) {
                pb.environment().clear();
                pb.environment().putAll(o.env());
            }
            long start = System.nanoTime();
            Process p = pb.start();
            boolean done = p.waitFor(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            int code = done ? p.exitValue() : -1;
            return new ProcessResult(List.copyOf(command), code, Files.readAllBytes(out), Files.readAllBytes(err), !done,
                    elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + Text.commandLine(command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + Text.commandLine(command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** The absolute path of an executable found on PATH (or given absolutely), or null. */
    public static Path which(String name) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isExecutable(p) ? p.toAbsolutePath() : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}
