package dev.jemu.machine.pc;

import dev.jemu.testutil.Processes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's iPXE (ipxe.lkrn, scripts/fetch-guests ipxe/ipxe.lkrn) with -kernel: its setup code is the program and
 * needs the BIOS, so it boots through SeaBIOS and our option ROM (LinuxBootRom), and prints its banner through
 * int 10h, which SeaBIOS mirrors on COM1 under -nographic. qemu-system-x86_64 -net none (jemu has no NIC yet)
 * prints the same lines.
 */
@Tag("guest")
class IpxeGuestTest {
    static List<String> args() {
        return List.of("-m", "64", "-kernel", MemtestGuestTest.cached("ipxe/ipxe.lkrn").toString(), "-nographic");
    }

    static void assertBanner(GuestConsole c) {
        String t = c.text();
        assertTrue(c.reached, c::describe);
        assertTrue(t.contains("Booting from ROM..."), () -> "SeaBIOS boots our ROM\n" + c.describe());
        assertTrue(t.contains("iPXE initialising devices...ok"), c::describe);
        assertTrue(t.contains("iPXE 1.0.0+git-20190125.36a4c85-5.1\u001b[0m -- Open Source Network Boot Firmware --"), c::describe);
        assertTrue(t.contains("Features: DNS HTTP iSCSI NFS TFTP SRP AoE ELF MBOOT PXE bzImage Menu PXEXT"), c::describe);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jemu-system-x86_64", "jemu-system-i386"})
    void printsItsBanner(String tool) {
        assertBanner(GuestConsole.run(tool, args(), Duration.ofSeconds(60), c -> c.text().contains("Press Ctrl-B")));
    }

    @Test
    void qemuPrintsTheSame() {
        assumeTrue(Processes.which("qemu-system-x86_64") != null, "qemu-system-x86_64 is not installed (scripts/install-deps)");
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-net", "none"));
        cmd.addAll(args());
        assertBanner(GuestConsole.run(cmd, Duration.ofSeconds(60), c -> c.text().contains("Press Ctrl-B")));
    }
}
