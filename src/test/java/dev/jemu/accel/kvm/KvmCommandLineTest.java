package dev.jemu.accel.kvm;

import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.ProcessResult;
import dev.jemu.testutil.Processes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * jemu-system-x86_64's accelerator options as a user meets them: no usable KVM (JEMU_KVM_DEVICE points the
 * device elsewhere, so these run on hosts with KVM too), the fallback order of -accel kvm -accel tcg and
 * -machine accel=kvm:tcg, -enable-kvm, -accel help, -smp under each accelerator.
 */
class KvmCommandLineTest {
    static final String T = "jemu-system-x86_64";
    static final String NO_KVM = "Could not access KVM kernel module: No such file or directory";

    @BeforeAll
    static void built() {
        assumeTrue(Jemu.isBuilt(), "target/classes is not built");
    }

    static ProcessResult jemu(String device, String... args) {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (device != null) env.put("JEMU_KVM_DEVICE", device);
        return Processes.run(Jemu.command(T, List.of(args)), Processes.Options.of(Jemu.timeout()).withEnv(env));
    }

    @Test
    void noKvmDeviceIsOneLineAndStatus1() {
        ProcessResult r = jemu("/nonexistent/kvm", "-accel", "kvm", "-display", "none");
        assertEquals(T + ": -accel kvm: " + NO_KVM + "\n", r.stderrText());
        assertEquals(1, r.exitCode());
        r = jemu("/nonexistent/kvm", "-enable-kvm", "-display", "none");
        assertEquals(T + ": " + NO_KVM + "\n", r.stderrText());
        assertEquals(1, r.exitCode());
        r = jemu("/nonexistent/kvm", "-machine", "pc,accel=kvm", "-display", "none");
        assertEquals(T + ": " + NO_KVM + "\n", r.stderrText());
        assertEquals(1, r.exitCode());
    }

    @Test
    void notAKvmDeviceIsOneLineAndStatus1() {
        ProcessResult r = jemu("/dev/null", "-accel", "kvm", "-display", "none");
        assertEquals(1, r.exitCode());
        assertEquals(1, r.stderrText().lines().count(), r.stderrText());
        assertTrue(r.stderrText().startsWith(T + ": -accel kvm: "), r.stderrText());
    }

    @Test
    void unknownAcceleratorIsQemusMessage() {
        ProcessResult r = jemu(null, "-accel", "foo", "-display", "none");
        assertEquals(T + ": -accel foo: invalid accelerator foo\n", r.stderrText());
        assertEquals(1, r.exitCode());
    }

    /** -accel kvm -accel tcg on a host without KVM: QEMU's two lines, then the guest runs under tcg. */
    @Test
    void fallsBackToTcgInOrder() throws Exception {
        Path bios = KvmPcGuestTest.image();
        List<String> args = new java.util.ArrayList<>(List.of("-accel", "kvm"));
        args.addAll(KvmPcGuestTest.args("tcg", bios));
        ProcessResult r = jemu("/nonexistent/kvm", args.toArray(String[]::new));
        assertEquals(T + ": -accel kvm: " + NO_KVM + "\n" + T + ": falling back to tcg\n", r.stderrText());
        assertEquals(KvmPcGuestTest.expectedOutput(), r.stdoutText(), Jemu.describe(r));
        assertEquals(KvmPcGuestTest.STATUS, r.exitCode());
    }

    @Test
    void machineAccelListFallsBack() {
        ProcessResult r = jemu("/nonexistent/kvm", "-machine", "pc,accel=kvm:tcg", "-smp", "2", "-display", "none");
        // the fallback happened (tcg), then tcg refuses two CPUs
        assertEquals(T + ": " + NO_KVM + "\n" + T + ": falling back to tcg\n"
                + T + ": -smp 2: jemu emulates one CPU under tcg: use -smp 1 (or -accel kvm)\n", r.stderrText());
        assertEquals(1, r.exitCode());
    }

    /**
     * A guest KVM cannot run (it jumps into MMIO): QEMU's "KVM internal error" lines and register dump (the
     * same text QEMU 7.2 prints for this guest here, but for the Code= bytes it reads from the VGA window),
     * the guest stopped, status 1, no Java stack trace.
     */
    @Test
    void kvmFailureIsQemusMessageAndRegisterDump() throws Exception {
        KvmTestMachine.assumeKvm();
        Path bios = KvmPcGuestTest.image("kvm-mmio-exec");
        ProcessResult r = jemu(null, "-accel", "kvm", "-bios", bios.toString(), "-display", "none", "-serial", "stdio");
        String err = r.stderrText();
        assertEquals("X", r.stdoutText());
        assertEquals(1, r.exitCode(), err);
        assertTrue(err.contains("KVM internal error. Suberror: 1\nextra data[0]: 0x"), err);
        assertTrue(err.contains("\nemulation failure\nEAX=00000058 EBX=00000000 ECX=00000000 EDX="), err);
        assertTrue(err.contains("\nEIP=00000000 EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0\n"), err);
        assertTrue(err.contains("\nCS =a000 000a0000 0000ffff 00009b00\n"), err);
        assertTrue(err.contains("\nCR0=60000010 CR2=00000000 CR3=00000000 CR4=00000000\n"
                + "DR0=0000000000000000 DR1=0000000000000000 DR2=0000000000000000 DR3=0000000000000000 \n"
                + "DR6=00000000ffff0ff0 DR7=0000000000000400\nEFER=0000000000000000\nCode=<??> ?? ??"), err);
        assertTrue(!err.contains("Exception") && !err.contains("\tat "), err);
    }

    @Test
    void acceleratorHelpListsWhatThisHostHas() {
        ProcessResult r = jemu(null, "-accel", "help");
        String kvm = Kvm.unavailableReason() == null ? "kvm\n" : "";
        assertEquals("Accelerators supported in QEMU binary:\ntcg\n" + kvm, r.stdoutText());
        assertEquals(0, r.exitCode());
        r = jemu("/nonexistent/kvm", "-accel", "help");
        assertEquals("Accelerators supported in QEMU binary:\ntcg\n", r.stdoutText());
    }
}
