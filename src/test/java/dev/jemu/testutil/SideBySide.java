package dev.jemu.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs one command natively and under the emulator, each in its own (identically prepared)
 * directory, and fails with a readable account unless stdout and exit status are byte-identical.
 * Both outputs are kept as NAME.native.out / NAME.jemu.out / NAME.jemu.err in {@code keepDir}, NAME being
 * the last part of the label ("x86_64-static/flags_alu" keeps flags_alu.native.out ...).
 */
public final class SideBySide {
    private SideBySide() {}

    /** What to run and how; {@code filter} (may be null) drops volatile parts of stdout before comparing. */
    public record Run(String label, String tool, List<String> command, Map<String, String> env, Path nativeDir,
                      Path emulatedDir, Duration nativeTimeout, Duration emulatedTimeout, UnaryOperator<String> filter,
                      Path keepDir) {}

    /** Runs natively, checks the native run itself succeeded as expected, then compares with the emulator. */
    public static void assertSame(Run r, int expectedNativeStatus) {
        ProcessResult nat = Processes.run(r.command(), new Processes.Options(r.nativeDir(), r.env(), null, r.nativeTimeout()));
        if (nat.timedOut() || nat.exitCode() != expectedNativeStatus) {
            fail(r.label() + ": the native run itself ended with " + nat.describeExit() + " (expected status "
                    + expectedNativeStatus + "), so there is nothing to compare: " + Text.commandLine(r.command())
                    + "\n" + nat.stderrTail(10));
        }
        ProcessResult emu = Jemu.run(r.tool(), r.command(),
                new Processes.Options(r.emulatedDir(), r.env(), null, r.emulatedTimeout()));
        compare(r, nat, emu);
    }

    public static void compare(Run r, ProcessResult nat, ProcessResult emu) {
        byte[] a = filtered(nat.stdout(), r.filter()), b = filtered(emu.stdout(), r.filter());
        keep(r, nat, emu);
        boolean sameOut = Arrays.equals(a, b);
        // stderr too: an emulator that prints errors (an unimplemented call) while stdout matches is still wrong
        boolean sameErr = Arrays.equals(nat.stderr(), emu.stderr());
        if (sameOut && sameErr && nat.exitCode() == emu.exitCode() && !emu.timedOut()) return;
        StringBuilder m = new StringBuilder();
        m.append(r.label()).append(": the emulated run differs from the native one\n");
        m.append("native: ").append(nat.describeExit()).append(", ").append(a.length).append(" bytes of output")
                .append(r.filter() != null ? " (after filtering)" : "").append('\n');
        m.append(Jemu.describe(emu)).append('\n');
        m.append(sameOut ? "stdout: identical\n" : "stdout:\n" + TextDiff.describe(a, b, "native", "jemu"));
        if (!sameErr) m.append("stderr:\n").append(TextDiff.describe(nat.stderr(), emu.stderr(), "native", "jemu"));
        if (r.keepDir() != null) {
            m.append("outputs: ").append(Jemu.projectDir().relativize(r.keepDir().toAbsolutePath())).append('/')
                    .append(fileName(r.label())).append(".{native.out,jemu.out,jemu.err}");
        }
        fail(m.toString());
    }

    private static byte[] filtered(byte[] out, UnaryOperator<String> filter) {
        if (filter == null) return out;
        return filter.apply(new String(out, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    private static void keep(Run r, ProcessResult nat, ProcessResult emu) {
        if (r.keepDir() == null) return;
        try {
            Files.createDirectories(r.keepDir());
            String f = fileName(r.label());
            Files.write(r.keepDir().resolve(f + ".native.out"), nat.stdout());
            Files.write(r.keepDir().resolve(f + ".native.err"), nat.stderr());
            Files.write(r.keepDir().resolve(f + ".jemu.out"), emu.stdout());
            Files.write(r.keepDir().resolve(f + ".jemu.err"), emu.stderr());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The label's last '/'-separated part, made safe for a file name. */
    private static String fileName(String label) {
        return label.substring(label.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9_.-]+", "_");
    }
}
