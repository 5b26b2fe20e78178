package dev.jemu.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Builds C test programs at test time, once: a binary is rebuilt only when its source, a header
 * beside it, or the command line changed (the command is kept next to the binary).
 */
public final class CCompiler {
    private CCompiler() {}

    /** Skips the calling test when the compiler is not installed. */
    public static Path require(String compiler) {
        Path p = Processes.which(compiler);
        assumeTrue(p != null, () -> compiler + " is not installed (scripts/install-deps installs it)");
        return p;
    }

    /** Compiles {@code source} to {@code output} with {@code compiler} and {@code flags}; fails the test on errors. */
    public static Path compile(String compiler, List<String> flags, Path source, Path output) {
        require(compiler);
        List<String> cmd = new ArrayList<>();
        cmd.add(compiler);
        cmd.addAll(flags);
        cmd.add(source.toString());
        cmd.add("-o");
        cmd.add(output.toString());
        cmd.add("-lm");
        String line = Text.commandLine(cmd);
        Path stamp = output.resolveSibling(output.getFileName() + ".cmd");
        try {
            Files.createDirectories(output.getParent());
            if (upToDate(source, output, stamp, line)) return output;
            ProcessResult r = Processes.run(cmd, Processes.Options.of(Duration.ofMinutes(2)));
            if (r.exitCode() != 0 || r.timedOut()) {
                fail("compiling failed: " + line + "\n" + Text.head(r.stderrText(), 40));
            }
            Files.writeString(stamp, line, StandardCharsets.UTF_8);
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean upToDate(Path source, Path output, Path stamp, String line) throws IOException {
        if (!Files.exists(output) || !Files.exists(stamp)) return false;
        if (!Files.readString(stamp, StandardCharsets.UTF_8).equals(line)) return false;
        var built = Files.getLastModifiedTime(output);
        if (Files.getLastModifiedTime(source).compareTo(built) > 0) return false;
        try (var headers = Files.list(source.getParent())) {
            return headers.filter(h -> h.toString().endsWith(".h"))
                    .allMatch(h -> {
                        try {
                            return Files.getLastModifiedTime(h).compareTo(built) <= 0;
                        } catch (IOException e) {
                            return false;
                        }
                    });
        }
    }
}
