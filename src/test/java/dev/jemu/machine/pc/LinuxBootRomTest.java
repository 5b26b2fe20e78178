package dev.jemu.machine.pc;

import dev.jemu.hw.nvram.FwCfg;
import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The option ROMs' bytes, their headers, and the fw_cfg items -kernel puts there for it (QEMU's x86_load_linux). */
class LinuxBootRomTest {
    @ParameterizedTest
    @ValueSource(strings = {"linuxboot", "multiboot"})
    void romHeadersAndChecksums(String name) {
        byte[] rom = name.equals("linuxboot") ? LinuxBootRom.image() : MultibootRom.image();
        assertEquals(512, rom.length);
        assertEquals(0x55, rom[0] & 0xff);
        assertEquals(0xaa, rom[1] & 0xff);
        assertEquals(1, rom[2]);
        assertEquals(0, OptionRom.sum(rom, 0, rom.length), "whole-ROM checksum");
        int pnp = (rom[0x1a] & 0xff) | (rom[0x1b] & 0xff) << 8;
        assertEquals("$PnP", new String(rom, pnp, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0, OptionRom.sum(rom, pnp, (rom[pnp + 5] & 0xff) * 16), "PnP header checksum");
        int bev = (rom[pnp + 0x1a] & 0xff) | (rom[pnp + 0x1b] & 0xff) << 8;
        assertEquals(0xfa, rom[bev] & 0xff, "the boot entry starts with CLI");
    }

    /** The Java byte tables are what nasm makes of tests/optionrom/*.asm. */
    @ParameterizedTest
    @ValueSource(strings = {"linuxboot", "multiboot"})
    void tableMatchesTheAssemblySource(String name) throws Exception {
        assumeTrue(Processes.which("nasm") != null, "nasm is not installed (scripts/install-deps)");
        Path out = Files.createTempFile(name, ".bin");
        try {
            Path src = Jemu.projectDir().resolve("tests/optionrom/" + name + ".asm");
            var r = Processes.run(List.of("nasm", "-f", "bin", "-o", out.toString(), src.toString()),
                    Processes.Options.of(java.time.Duration.ofSeconds(30)));
            assertEquals(0, r.exitCode(), r::stderrText);
            String code = name.equals("linuxboot") ? LinuxBootRom.CODE : MultibootRom.CODE;
            assertArrayEquals(Files.readAllBytes(out), java.util.HexFormat.of().parseHex(code));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static byte[] bzImage(int protocol, int loadflags, long code32) {
        byte[] k = new byte[0x4000];
        ByteBuffer b = ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) 3).put(0x201, (byte) 0x66).putInt(0x202, LinuxBoot.HDRS).putShort(0x206, (short) protocol);
        b.put(0x211, (byte) loadflags).putInt(0x214, (int) code32).putInt(0x22c, 0x7fffffff).putInt(0x238, 2047);
        k[0x800] = 0x11; // first byte of the protected-mode part
        return k;
    }

    @Test
    void whichKernelsBootDirectly() {
        assertTrue(LinuxBoot.bootsDirectly(bzImage(0x20f, 1, 0x100000), false));
        assertFalse(LinuxBoot.bootsDirectly(bzImage(0x20f, 1, 0x100000), true), "-bios: the firmware runs");
        assertFalse(LinuxBoot.bootsDirectly(bzImage(0x207, 1, 0), false), "ipxe.lkrn: code32_start 0");
        assertFalse(LinuxBoot.bootsDirectly(bzImage(0x201, 1, 0x100000), false), "no cmd_line_ptr before 2.02");
        assertFalse(LinuxBoot.bootsDirectly(bzImage(0x20f, 0, 0x100000), false), "zImage: loaded low");
        assertFalse(LinuxBoot.bootsDirectly(new byte[0x4000], false));
    }

    @Test
    void fwCfgItemsAsQemuLaysThemOut() {
        FwCfg fw = new FwCfg(null, null);
        byte[] k = bzImage(0x20f, 1, 0x100000);
        byte[] initrd = new byte[5000];
        LinuxBoot.loadForFirmware(fw, k, initrd, "console=ttyS0", 64L << 20);
        byte[] setup = read(fw, FwCfg.SETUP_DATA, 0x800);
        ByteBuffer s = ByteBuffer.wrap(setup).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x10000, readI32(fw, FwCfg.SETUP_ADDR));
        assertEquals(0x800, readI32(fw, FwCfg.SETUP_SIZE));
        assertEquals(0x100000, readI32(fw, FwCfg.KERNEL_ADDR));
        assertEquals(0x4000 - 0x800, readI32(fw, FwCfg.KERNEL_SIZE));
        assertEquals(0x11, read(fw, FwCfg.KERNEL_DATA, 1)[0]);
        assertEquals(0x20000, readI32(fw, FwCfg.CMDLINE_ADDR));
        assertEquals(14, readI32(fw, FwCfg.CMDLINE_SIZE));
        assertEquals("console=ttyS0\0", new String(read(fw, FwCfg.CMDLINE_DATA, 14)));
        assertEquals(0x20000, s.getInt(0x228));
        assertEquals(0xb0, setup[0x210] & 0xff);
        assertEquals(0x81, setup[0x211] & 0xff);
        assertEquals(0x20000 - 0x10000 - 0x200, s.getShort(0x224) & 0xffff);
        long initrdAddr = ((64L << 20) - 0x20000 - 1 - 5000) & ~4095L;
        assertEquals(initrdAddr, readI32(fw, FwCfg.INITRD_ADDR));
        assertEquals(initrdAddr, s.getInt(0x218));
        assertEquals(5000, s.getInt(0x21c));
        // a zImage (protocol < 2.00 layout): setup at 0x90000, kernel at 64 KiB, command line below 0x9a000
        FwCfg old = new FwCfg(null, null);
        LinuxBoot.loadForFirmware(old, bzImage(0x201, 0, 0x100000), null, "", 64L << 20);
        assertEquals(0x90000, readI32(old, FwCfg.SETUP_ADDR));
        assertEquals(0x10000, readI32(old, FwCfg.KERNEL_ADDR));
        assertEquals(0x9a000 - 16, readI32(old, FwCfg.CMDLINE_ADDR));
    }

    @Test
    void vgaParameterAsQemuReadsIt() {
        assertEquals(-1, LinuxBoot.videoMode("console=ttyS0"));
        assertEquals(0xffff, LinuxBoot.videoMode("vga=normal"));
        assertEquals(0xfffe, LinuxBoot.videoMode("a vga=ext b"));
        assertEquals(791, LinuxBoot.videoMode("vga=791 console=ttyS0"));
        assertEquals(0x317, LinuxBoot.videoMode("console=ttyS0 vga=0x317"));
        assertEquals(8, LinuxBoot.videoMode("vga=010"));
        var e = assertThrows(dev.jemu.cli.ToolError.class, () -> LinuxBoot.videoMode("console=ttyS0 vga=foo"));
        assertEquals("invalid 'vga=' kernel parameter.", e.getMessage());
        FwCfg fw = new FwCfg(null, null);
        LinuxBoot.loadForFirmware(fw, bzImage(0x20f, 1, 0x100000), null, "vga=0x317", 64L << 20);
        byte[] setup = read(fw, FwCfg.SETUP_DATA, 0x800);
        assertEquals(0x317, (setup[0x1fa] & 0xff) | (setup[0x1fb] & 0xff) << 8);
    }

    @Test
    void tooSmallForItsSetupIsQemusError() {
        var e = assertThrows(dev.jemu.cli.ToolError.class,
                () -> LinuxBoot.loadForFirmware(new FwCfg(null, null), "hello\n".getBytes(), null, "", 64L << 20));
        assertEquals("invalid kernel header", e.getMessage());
    }

    private static byte[] read(FwCfg fw, int key, int n) {
        fw.ctl().write(0, 2, key);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) fw.ctl().read(1, 1);
        return b;
    }

    private static long readI32(FwCfg fw, int key) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(read(fw, key, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }
}
