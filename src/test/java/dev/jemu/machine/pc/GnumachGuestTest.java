package dev.jemu.machine.pc;

import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.Processes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's GNU Mach 1.8 (gnumach-image-1.8-486, a multiboot v1 ELF kernel; scripts/fetch-guests gnumach/gnumach)
 * booted with -kernel under jemu-system-i386 prints, on COM1 (console=com0), the memory map it read from the
 * multiboot information: the lines are those qemu-system-i386 gives it (checked below against QEMU when
 * installed), and the -initrd comma list arrives as modules with their command lines.
 */
@Tag("guest")
class GnumachGuestTest {
    /** What gnumach prints about memory under QEMU 7.2 with -m 64 (SeaBIOS's e820 map). */
    static final List<String> MAP_64M = List.of(
            "biosmem: physical memory map:",
            "biosmem: 000000000000000000:00000000000009f000, available",
            "biosmem: 00000000000009fc00:0000000000000a0000, reserved",
            "biosmem: 0000000000000f0000:000000000000100000, reserved",
            "biosmem: 000000000000100000:000000000003fe0000, available",
            "biosmem: 000000000003fe0000:000000000004000000, reserved",
            "biosmem: 0000000000fffc0000:000000000100000000, reserved");

    static List<String> args(String... more) {
        List<String> a = new ArrayList<>(List.of("-m", "64", "-kernel", MemtestGuestTest.cached("gnumach/gnumach").toString(),
                "-append", "console=com0", "-nographic"));
        a.addAll(List.of(more));
        return a;
    }

    static List<String> lines(GuestConsole c, String prefix) {
        List<String> out = new ArrayList<>();
        for (String l : c.text().split("[\r\n]+")) if (l.startsWith(prefix)) out.add(l);
        return out;
    }

    @Test
    void printsTheMemoryMap() {
        GuestConsole c = GuestConsole.run("jemu-system-i386", args(), Duration.ofSeconds(60),
                g -> g.text().contains("vm_page: DIRECTMAP: min:"));
        assertTrue(c.text().contains("GNU Mach 1.8"), () -> "banner\n" + c.describe());
        assertEquals(MAP_64M, lines(c, "biosmem:"), c::describe);
        assertTrue(c.text().contains("vm_page: DIRECTMAP: pages: 12256 (47M)"), c::describe);
    }

    @Test
    void modulesFromTheInitrdList() throws Exception {
        Path mod = Files.createTempFile("gnumach-mod", ".bin");
        try {
            Files.writeString(mod, "not an executable\n");
            GuestConsole c = GuestConsole.run("jemu-system-i386", args("-initrd", mod + " one ${boot},," + "x," + mod + " two"),
                    Duration.ofSeconds(60), g -> g.text().contains("multiboot modules"));
            assertTrue(c.text().contains("module 0: " + mod + " one ${boot},x\r"), c::describe);
            assertTrue(c.text().contains("module 1: " + mod + " two\r"), c::describe);
            assertTrue(c.text().contains("2 multiboot modules"), c::describe);
        } finally {
            Files.deleteIfExists(mod);
        }
    }

    /**
     * With -bios the kernel goes through SeaBIOS and MultibootRom, as QEMU boots it: the map comes from the BIOS's
     * e820 and gnumach finds the BIOS32 directory and PCI BIOS as under QEMU. (The reservation at the top of low
     * RAM is SeaBIOS's high tables; QEMU pads its ACPI tables to 128 KiB, so only the other lines are compared.)
     */
    @Test
    void throughTheFirmware() throws Exception {
        Path mod = Files.createTempFile("gnumach-mod", ".bin");
        try {
            Files.writeString(mod, "not an executable\n");
            GuestConsole c = GuestConsole.run("jemu-system-i386", args("-bios", "bios-256k.bin", "-initrd", mod + " x"),
                    Duration.ofSeconds(60), g -> g.text().contains("multiboot modules"));
            assertTrue(c.text().contains("Booting from ROM.."), c::describe);
            List<String> map = lines(c, "biosmem:");
            assertEquals(MAP_64M.size(), map.size(), c::describe);
            for (int i : new int[]{0, 1, 2, 3, 6}) assertEquals(MAP_64M.get(i), map.get(i), c::describe);
            assertTrue(map.get(4).matches("biosmem: 000000000000100000:000000000003f[0-9a-f]{5}, available"), c::describe);
            assertTrue(c.text().contains("pcibios_init : PCI BIOS revision 2.10 entry at"), c::describe);
            assertTrue(c.text().contains("module 0: " + mod + " x\r"), c::describe);
        } finally {
            Files.deleteIfExists(mod);
        }
    }

    @Test
    void qemuPrintsTheSameMap() {
        assumeTrue(Processes.which("qemu-system-i386") != null, "qemu-system-i386 is not installed (scripts/install-deps)");
        List<String> cmd = new ArrayList<>(List.of("qemu-system-i386"));
        cmd.addAll(args());
        GuestConsole c = GuestConsole.run(cmd, Duration.ofSeconds(60), g -> g.text().contains("vm_page: DIRECTMAP: min:"));
        assertEquals(MAP_64M, lines(c, "biosmem:"), c::describe);
    }

    @Test
    void notAKernelIsQemusMessage() throws Exception {
        Path f = Files.createTempFile("notakernel", ".bin");
        try {
            Files.writeString(f, "hello\n");
            var r = Jemu.run("jemu-system-i386", "-kernel", f.toString(), "-nographic");
            assertEquals(1, r.exitCode(), () -> Jemu.describe(r));
            assertEquals("jemu-system-i386: invalid kernel header", r.stderrText().strip());
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
