package dev.jemu.user.linux;

import dev.jemu.testutil.Jemu;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signals the host sends to jemu go to the guest as if sent to it: SIGINT runs the guest's handler, SIGTERM
 * with the default action ends the guest and jemu ends killed by SIGTERM too. Compared with a native run.
 */
class HostSignalsTest {
    /** Runs {@code cmd}, sending SIGINT after the first "ready" line and SIGTERM after the second. */
    private static String[] drive(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String[] signals = {"-INT", "-TERM"};
            int sent = 0;
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                if (line.equals("ready") && sent < signals.length) {
                    new ProcessBuilder("kill", signals[sent++], Long.toString(p.pid())).start().waitFor();
                }
            }
        }
        assertTrue(p.waitFor(Jemu.timeout().toSeconds(), TimeUnit.SECONDS), "did not end: " + cmd);
        return new String[] {out.toString(), Integer.toString(p.exitValue())};
    }

    /** True if this process inherited SIGINT ignored (started in the background by a shell, or under nohup). */
    private static boolean sigintIgnored() throws IOException {
        for (String l : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("SigIgn:")) return (Long.parseLong(l.substring(7).trim(), 16) & (1L << 1)) != 0;
        }
        return false;
    }

    @Test
    void interruptAndTerminateReachTheGuest() throws Exception {
        // The JVM never takes over a signal it was started with ignored (HotSpot keeps nohup's choice), so
        // jemu cannot pass SIGINT on in that case, while a native program's own sigaction can: known gap.
        org.junit.jupiter.api.Assumptions.assumeFalse(sigintIgnored(),
                "SIGINT is ignored in this environment (background job): the JVM cannot catch it");
        Path prog = LinuxPrograms.c("hostsig");
        String[] nat = drive(List.of(prog.toString()));
        assertEquals("143", nat[1], "native run: killed by SIGTERM");
        List<String> cmd = new ArrayList<>(Jemu.command("jemu-x86_64", List.of(prog.toString())));
        String[] emu = drive(cmd);
        assertEquals(nat[0], emu[0], "stdout");
        assertEquals(nat[1], emu[1], "exit status");
    }
}
