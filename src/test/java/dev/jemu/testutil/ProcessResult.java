package dev.jemu.testutil;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** What a finished (or killed) subprocess left behind: exit status, both output streams, time. */
public record ProcessResult(List<String> command, int exitCode, byte[] stdout, byte[] stderr, boolean timedOut,
                            Duration elapsed) {

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    /** Exit status as a shell reports it: 128+N when killed by signal N, "timeout" when we killed it. */
    public String describeExit() {
        if (timedOut) return "timed out after " + elapsed.toSeconds() + " s";
        if (exitCode > 128 && exitCode < 160) return "status " + exitCode + " (signal " + (exitCode - 128) + ")";
        return "status " + exitCode;
    }

    /** The last {@code lines} lines of stderr, for failure messages. */
    public String stderrTail(int lines) {
        return Text.tail(stderrText(), lines);
    }
}
