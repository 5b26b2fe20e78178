package dev.jemu.machine.pc;

import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.ProcessResult;
import dev.jemu.testutil.Processes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's amd64 kernel with a busybox initramfs (scripts/fetch-guests) boots under jemu-system-x86_64 with
 * -kernel: the kernel's own console output reaches the serial port, /init prints the marker, and the guest's
 * `poweroff -f` (ACPI S5 through the PIIX4 PM block) ends jemu with status 0.
 */
@Tag("guest")
class LinuxGuestBootTest {
    private static Path cached(String name) {
        Path p = Path.of(System.getenv().getOrDefault("JEMU_CACHE", System.getProperty("user.home") + "/.cache/jemu"), name);
        assumeTrue(Files.isRegularFile(p), () -> p + " is missing (scripts/fetch-guests fetches it)");
        return p;
    }

    @Test
    void amd64KernelBootsToTheMarkerAndPowersOff() {
        Path kernel = cached("amd64/vmlinuz"), initrd = cached("amd64/initrd.gz");
        ProcessResult r = Jemu.run("jemu-system-x86_64", List.of("-m", "256", "-kernel", kernel.toString(),
                "-initrd", initrd.toString(), "-append", "console=ttyS0 panic=-1", "-nographic", "-no-reboot"),
                Processes.Options.of(Jemu.timeout().multipliedBy(2)));
        String out = r.stdoutText();
        assertTrue(out.contains("Linux version 6.1"), () -> "kernel banner\n" + Jemu.describe(r) + "\n" + tail(out));
        assertTrue(out.contains("ACPI: RSDP"), () -> "the kernel found our ACPI tables\n" + tail(out));
        assertTrue(out.contains("JEMU-GUEST-UP x86_64"), () -> "marker from /init\n" + Jemu.describe(r) + "\n" + tail(out));
        assertTrue(out.contains("reboot: Power down"), () -> "power-off\n" + tail(out));
        assertEquals(0, r.exitCode(), () -> "status after the guest's power-off\n" + Jemu.describe(r));
    }

    private static String tail(String s) {
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }
}
