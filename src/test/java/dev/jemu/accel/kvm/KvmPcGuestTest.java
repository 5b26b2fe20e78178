package dev.jemu.accel.kvm;

import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.Processes;
import dev.jemu.testutil.SystemHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * tests/guests/kvm-pc.asm as the -bios of jemu-system-x86_64's pc machine, run as a user runs it, under
 * -accel tcg and -accel kvm (and under Debian's qemu-system-x86_64, the oracle, when installed): real mode ->
 * protected mode -> long mode, port I/O to COM1, MMIO to the HPET, PIT interrupts through the 8259, a HLT
 * idle stretch, COM1's interrupt through the I/O APIC, a CPL-3 compute loop, isa-debug-exit's status. Every
 * accelerator must print the same lines and end with the same status; under kvm the idle stretch must cost
 * the host little CPU (the vCPU sleeps in the kernel; the timer thread sleeps to its next deadline).
 */
class KvmPcGuestTest {
    /** kvm-pc.asm's default iteration count (ITERS). */
    static final long ITERS = 5_000_000;
    static final int STATUS = (0x21 << 1) | 1;

    static String expectedOutput() {
        return "real mode\nprotected mode\nlong mode\nhpet 8086a201 counting\npit 10 ticks\nidle\nawake\n"
                + "serial irq via ioapic\n" + String.format("cpl3 loop %016x%n", KvmGuestTest.computeLoop(ITERS));
    }

    /** The output, status and stderr of one run, and the CPU the process used while the guest was idle. */
    record Run(String out, int status, String err, long idleWallNs, long idleCpuNs) {
        String describe() {
            return "status " + status + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    static Path image() throws IOException {
        return image("kvm-pc");
    }

    /** tests/guests/NAME.asm assembled into a temporary -bios image. */
    static Path image(String name) throws IOException {
        assumeTrue(Processes.which("nasm") != null, "nasm is not installed (scripts/install-deps)");
        Path p = Files.createTempFile(name, ".bin");
        Files.write(p, SystemHarness.assemble(name));
        p.toFile().deleteOnExit();
        return p;
    }

    static List<String> args(String accel, Path bios) {
        return List.of("-accel", accel, "-bios", bios.toString(), "-display", "none", "-serial", "stdio",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-no-reboot");
    }

    /** Runs {@code cmd}, reading its serial output as it comes to time the guest's idle stretch. */
    static Run run(List<String> cmd, Map<String, String> env) throws Exception {
        File err = File.createTempFile("kvm-pc", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err).redirectInput(new File("/dev/null"));
            pb.environment().putAll(env);
            Process p = pb.start();
            Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
                try {
                    if (!p.waitFor(Jemu.timeout().toSeconds(), TimeUnit.SECONDS)) p.destroyForcibly();
                } catch (InterruptedException ignored) {
                    // the run ended
                }
            });
            StringBuilder out = new StringBuilder();
            long t0 = 0, c0 = 0, t1 = 0, c1 = 0;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.ISO_8859_1))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.append(line).append('\n');
                    if (line.equals("idle")) {
                        t0 = System.nanoTime();
                        c0 = cpu(p);
                    } else if (line.equals("awake")) {
                        t1 = System.nanoTime();
                        c1 = cpu(p);
                    }
                }
            }
            int status = p.waitFor();
            watchdog.interrupt();
            return new Run(out.toString(), status, Files.readString(err.toPath()), t1 - t0, c1 - c0);
        } finally {
            err.delete();
        }
    }

    /** CPU time (user + system) the process used so far. */
    private static long cpu(Process p) {
        return p.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    @ParameterizedTest(name = "-accel {0}")
    @ValueSource(strings = {"tcg", "kvm"})
    void sameGuestSameOutputUnderEachAccelerator(String accel) throws Exception {
        assumeTrue(Jemu.isBuilt(), "target/classes is not built");
        if (accel.equals("kvm")) KvmTestMachine.assumeKvm();
        Run r = run(Jemu.command("jemu-system-x86_64", args(accel, image())), Map.of());
        assertEquals(expectedOutput(), r.out(), r::describe);
        assertEquals(STATUS, r.status(), r::describe);
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r::describe);
        System.out.printf("kvm-pc under -accel %s: idle %.0f ms wall, %.0f ms CPU (%.1f%%)%n", accel,
                r.idleWallNs() / 1e6, r.idleCpuNs() / 1e6, 100.0 * r.idleCpuNs() / r.idleWallNs());
        assertTrue(r.idleWallNs() >= 1_000_000_000L, () -> "150 ticks at 100 Hz took " + r.idleWallNs() / 1e6 + " ms");
        if (accel.equals("kvm")) {
            assertTrue(r.idleCpuNs() < r.idleWallNs() / 4, () -> "the halted guest kept the host busy: "
                    + r.idleCpuNs() / 1e6 + " ms CPU in " + r.idleWallNs() / 1e6 + " ms\n" + r.describe());
        }
    }

    /**
     * kvm-reset.asm: a keyboard-controller reset from protected mode brings the machine back to the reset
     * vector in real mode (devices, interrupt controllers, vCPU state; CMOS RAM kept); -no-reboot ends the
     * emulator instead. The same under tcg, kvm and QEMU.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jemu tcg", "jemu kvm", "jemu tcg -no-reboot", "jemu kvm -no-reboot", "qemu tcg",
            "qemu tcg -no-reboot"})
    void resetRestartsTheGuestOrEndsWithNoReboot(String how) throws Exception {
        boolean noReboot = how.endsWith("-no-reboot");
        List<String> args = new ArrayList<>(List.of("-bios", image("kvm-reset").toString()));
        if (noReboot) args.add("-no-reboot");
        Run r = runAs(how, args);
        assertEquals(noReboot ? "boot 1\npm\n" : "boot 1\npm\nboot 2\n", r.out(), r::describe);
        assertEquals(noReboot ? 0 : (0x11 << 1) | 1, r.status(), r::describe);
    }

    /**
     * kvm-smp.asm under -smp N: the BSP starts the APs with INIT/SIPI through its local APIC, each AP counts
     * itself; "cpus N". jemu runs N vCPU threads under kvm (tcg emulates one CPU); QEMU's TCG is the oracle.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jemu kvm 1", "jemu kvm 2", "jemu kvm 4", "qemu tcg 2", "qemu tcg 4"})
    void smpStartsEveryVcpu(String how) throws Exception {
        String[] w = how.split(" ");
        Run r = runAs(how, List.of("-smp", w[2], "-bios", image("kvm-smp").toString()));
        assertEquals("cpus " + w[2] + "\n", r.out(), r::describe);
        assertEquals((0x11 << 1) | 1, r.status(), r::describe);
    }

    /** kvm-multiboot.asm with -kernel: the loader's 32-bit entry state reaches the guest the same on every accelerator. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jemu tcg", "jemu kvm", "qemu tcg"})
    void multibootKernelEntryState(String how) throws Exception {
        Run r = runAs(how, List.of("-kernel", image("kvm-multiboot").toString()));
        assertEquals("multiboot ok\n", r.out(), r::describe);
        assertEquals((0x11 << 1) | 1, r.status(), r::describe);
    }

    /** poweroff.asm: ACPI S5 through the PIIX4 PM block (a userspace device under kvm) ends the emulator with 0. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jemu tcg", "jemu kvm", "qemu tcg"})
    void acpiPowerOffEndsWithStatus0(String how) throws Exception {
        Run r = runAs(how, List.of("-bios", image("poweroff").toString()));
        assertEquals("", r.out(), r::describe);
        assertEquals(0, r.status(), r::describe);
    }

    /** -no-shutdown under kvm: after the power-off jemu stays, idle, until SIGTERM ends it (status 0). */
    @Test
    void noShutdownKeepsTheStoppedGuestUntilSigterm() throws Exception {
        assumeTrue(Jemu.isBuilt(), "target/classes is not built");
        KvmTestMachine.assumeKvm();
        List<String> cmd = new ArrayList<>(Jemu.command("jemu-system-x86_64", List.of("-accel", "kvm", "-bios",
                image("poweroff").toString(), "-display", "none", "-serial", "none", "-chardev", "stdio,id=dc",
                "-device", "isa-debugcon,chardev=dc", "-no-shutdown")));
        File err = File.createTempFile("kvm-noshutdown", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err).start();
        try {
            // the guest prints "off" on debugcon just before its power-off
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.ISO_8859_1));
            assertEquals("off", out.readLine(), () -> read(err));
            // start-up and the JIT compilers settle; then a stopped machine uses (almost) no host CPU
            long used = Long.MAX_VALUE;
            for (long deadline = System.nanoTime() + 40_000_000_000L; used > 100_000_000L && System.nanoTime() < deadline; ) {
                assertTrue(p.isAlive(), () -> "jemu ended: " + read(err));
                long c0 = cpu(p);
                Thread.sleep(1000);
                used = cpu(p) - c0;
            }
            assertTrue(used <= 100_000_000L, "a stopped machine should not use the host: " + used / 1e6 + " ms in 1 s");
            p.toHandle().destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "SIGTERM ends jemu");
            assertEquals(0, p.exitValue(), () -> read(err));
            assertTrue(read(err).contains("jemu-system-x86_64: terminating on signal 15"), () -> read(err));
        } finally {
            p.destroyForcibly();
            err.delete();
        }
    }

    private static String read(File f) {
        try {
            return Files.readString(f.toPath());
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * Runs {@code how} ("jemu kvm", "jemu tcg", "qemu tcg"; skipped visibly where that runner is missing) with
     * {@code args} after -accel, the serial port on stdout and isa-debug-exit at 0xf4.
     */
    static Run runAs(String how, List<String> args) throws Exception {
        String[] w = how.split(" ");
        boolean qemu = w[0].equals("qemu");
        if (qemu) assumeTrue(Processes.which("qemu-system-x86_64") != null, "qemu-system-x86_64 is not installed");
        else assumeTrue(Jemu.isBuilt(), "target/classes is not built");
        if (w[1].equals("kvm")) KvmTestMachine.assumeKvm();
        List<String> cmd = new ArrayList<>(qemu ? List.of("qemu-system-x86_64") : Jemu.command("jemu-system-x86_64", List.of()));
        cmd.addAll(List.of("-accel", w[1], "-display", "none", "-serial", "stdio", "-device",
                "isa-debug-exit,iobase=0xf4,iosize=4"));
        cmd.addAll(args);
        return run(cmd, Map.of());
    }

    /** The oracle: Debian's QEMU prints the same and ends with the same status. */
    @Test
    void qemuPrintsTheSame() throws Exception {
        assumeTrue(Processes.which("qemu-system-x86_64") != null, "qemu-system-x86_64 is not installed");
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64"));
        cmd.addAll(args("tcg", image()));
        Run r = run(cmd, Map.of());
        assertEquals(expectedOutput(), r.out(), r::describe);
        assertEquals(STATUS, r.status(), r::describe);
    }
}
