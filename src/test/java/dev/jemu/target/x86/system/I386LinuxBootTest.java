package dev.jemu.target.x86.system;

import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.ProcessResult;
import dev.jemu.testutil.Processes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's 686 kernel with an i386 busybox initramfs (scripts/fetch-guests) boots under jemu-system-i386 with
 * -kernel, as under qemu-system-i386: 32-bit protected mode with 2-level paging, the qemu32 CPU model (an
 * Intel CPUID, so the kernel takes qemu-system-i386's paths), /init's marker and ACPI power-off with status 0.
 */
@Tag("guest")
class I386LinuxBootTest {
    private static Path cached(String name) {
        Path p = Path.of(System.getenv().getOrDefault("JEMU_CACHE", System.getProperty("user.home") + "/.cache/jemu"), name);
        assumeTrue(Files.isRegularFile(p), () -> p + " is missing (scripts/fetch-guests fetches it)");
        return p;
    }

    @Test
    void i686KernelBootsToTheMarkerAndPowersOff() {
        // a whole kernel boot says nothing more with every block translated at once, and takes minutes
        assumeFalse("all".equals(System.getProperty("jemu.jit")), "boot test runs in the default execution only");
        Path kernel = cached("i386/vmlinuz"), initrd = cached("i386/initrd.gz");
        ProcessResult r = Jemu.run("jemu-system-i386", List.of("-kernel", kernel.toString(),
                "-initrd", initrd.toString(), "-append", "console=ttyS0 panic=-1", "-nographic", "-no-reboot"),
                Processes.Options.of(Jemu.timeout().multipliedBy(2)));
        String out = r.stdoutText();
        assertTrue(out.contains("Linux version 6.1"), () -> "kernel banner\n" + Jemu.describe(r) + "\n" + tail(out));
        assertTrue(out.contains("Intel QEMU Virtual CPU version 2.5+ (family: 0x6, model: 0x6, stepping: 0x3)"),
                () -> "the qemu32 CPU model\n" + tail(out));
        assertFalse(out.contains("unchecked MSR access"), () -> "no MSR the kernel expects is missing\n" + tail(out));
        assertTrue(out.contains("JEMU-GUEST-UP i686"), () -> "marker from /init\n" + Jemu.describe(r) + "\n" + tail(out));
        assertTrue(out.contains("reboot: Power down"), () -> "power-off\n" + tail(out));
        assertEquals(0, r.exitCode(), () -> "status after the guest's power-off\n" + Jemu.describe(r));
    }

    private static String tail(String s) {
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }
}
