package dev.jemu.machine.pc;

import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.ProcessResult;
import dev.jemu.testutil.Processes;
import dev.jemu.testutil.SystemHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The guest's ACPI power-off (tests/guests/poweroff.asm as the BIOS) through jemu-system-x86_64's front end:
 * it ends jemu with status 0; with -no-shutdown the machine stays stopped, idle, until a signal ends it with
 * QEMU's "terminating on signal 15" and status 0 (qemu-system-x86_64 behaves the same on this image).
 */
class PowerOffTest {
    @TempDir
    Path dir;

    private Path bios() throws IOException {
        assumeTrue(Processes.which("nasm") != null, "nasm is needed to build the guest");
        Path p = dir.resolve("poweroff.bin");
        Files.write(p, SystemHarness.assemble("poweroff"));
        return p;
    }

    private List<String> args(Path bios, Path debugcon, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("-bios", bios.toString(), "-display", "none",
                "-debugcon", "file:" + debugcon));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void powerOffEndsTheMachine() throws IOException {
        Path out = dir.resolve("debugcon.txt");
        ProcessResult r = Jemu.run("jemu-system-x86_64", args(bios(), out), Processes.Options.of(Duration.ofSeconds(60)));
        assertEquals(0, r.exitCode(), () -> Jemu.describe(r));
        assertEquals("off\n", Files.readString(out));
    }

    @Test
    void noShutdownStopsIdleUntilSigterm() throws Exception {
        Path out = dir.resolve("debugcon.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(Jemu.command("jemu-system-x86_64", args(bios(), out, "-no-shutdown")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(out) && Files.readString(out).equals("off\n"))) {
                assertTrue(p.isAlive(), "jemu ended before the guest powered off");
                assertTrue(System.nanoTime() < deadline, "the guest never reached its power-off");
                Thread.sleep(50);
            }
            Thread.sleep(500); // the power-off request reaches the loop
            long cpu0 = cpuTicks(p.pid());
            Thread.sleep(2000);
            long cpu1 = cpuTicks(p.pid());
            assertTrue(p.isAlive(), "-no-shutdown keeps jemu running after the guest's power-off");
            // clock ticks are 1/100 s: a stopped machine may wake a timer now and then, never spin
            assertTrue(cpu1 - cpu0 < 20, "a stopped machine uses no host CPU: " + (cpu1 - cpu0) + " ticks in 2 s");
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "SIGTERM ends jemu");
            String err = Files.readString(stderr);
            assertEquals(0, p.exitValue(), err);
            assertTrue(err.contains("jemu-system-x86_64: terminating on signal 15"), err);
        } finally {
            p.destroyForcibly();
        }
    }

    /** utime + stime of every thread of the process, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
