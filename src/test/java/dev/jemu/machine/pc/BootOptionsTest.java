package dev.jemu.machine.pc;

import dev.jemu.cli.SystemOptions;
import dev.jemu.cli.ToolError;
import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.nvram.FwCfg;
import dev.jemu.machine.MachineConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * -boot as QEMU 7.2 hands it to SeaBIOS: the order in CMOS 0x3d/0x38 (set_boot_dev), the boot menu flag
 * (FW_CFG_BOOT_MENU), "etc/boot-menu-wait" (splash-time), "etc/boot-fail-wait" (reboot-timeout, -1 by default)
 * and "bootorder" (bootindex paths, "HALT" after them under strict=on; empty without bootindex, as here).
 */
class BootOptionsTest {
    private static final String T = "jemu-system-x86_64";

    private static MachineConfig parse(String... args) {
        return SystemOptions.parse(T, 64, args);
    }

    @Test
    void bootOptionsParse() {
        MachineConfig c = parse("-boot", "order=dc,menu=on,splash-time=500,reboot-timeout=1000,strict=on");
        assertEquals("dc", c.bootOrder());
        assertEquals(new MachineConfig.Boot(true, 500, 1000, true), c.boot());
        assertEquals(MachineConfig.Boot.DEFAULT, parse().boot());
        assertEquals("a", parse("-boot", "a").bootOrder(), "the legacy form: order implied");
    }

    @Test
    void qemusRangeErrors() {
        assertEquals("splash-time is invalid,it should be a value between 0 and 65535",
                assertThrows(ToolError.class, () -> parse("-boot", "menu=on,splash-time=70000")).getMessage());
        assertEquals("reboot timeout is invalid,it should be a value between -1 and 65535",
                assertThrows(ToolError.class, () -> parse("-boot", "reboot-timeout=-2")).getMessage());
        assertEquals("Parameter 'boot.menu' expects 'on' or 'off'",
                assertThrows(ToolError.class, () -> parse("-boot", "menu=maybe")).getMessage());
    }

    @Test
    void bootorderFileIsQemus() {
        MachineConfig.Boot strict = new MachineConfig.Boot(false, -1, -1, true);
        assertArrayEquals(new byte[0], PcFirmwareConfig.bootorder(List.of(), strict), "no bootindex: empty, even strict");
        assertEquals("/pci@i0cf8/ide@1,1/drive@0/disk@0\n/pci@i0cf8/isa@1/fdc@03f0/floppy@0\nHALT\0",
                new String(PcFirmwareConfig.bootorder(List.of("/pci@i0cf8/ide@1,1/drive@0/disk@0",
                        "/pci@i0cf8/isa@1/fdc@03f0/floppy@0"), strict), StandardCharsets.US_ASCII));
        assertEquals("/pci@i0cf8/ide@1,1/drive@1/disk@0\0", new String(PcFirmwareConfig.bootorder(
                List.of("/pci@i0cf8/ide@1,1/drive@1/disk@0"), MachineConfig.Boot.DEFAULT), StandardCharsets.US_ASCII));
    }

    @Test
    void firmwareSeesTheOptions() {
        assumeTrue(Files.isRegularFile(Path.of("/usr/share/seabios/bios-256k.bin")), "Debian's seabios is not installed");
        PcMachine m = new PcMachine(parse("-boot", "order=dac,menu=on,splash-time=1234,reboot-timeout=5000",
                "-serial", "null", "-display", "none"), null, null);
        assertEquals(0x13, m.rtc().getByte(PcCmos.BOOT_DEV_12), "d then a");
        assertEquals(0x20, m.rtc().getByte(PcCmos.BOOT_DEV_3), "c third; floppy signature check on");
        assertArrayEquals(new byte[]{1, 0}, item(m, FwCfg.BOOT_MENU, 2));
        assertArrayEquals(new byte[]{(byte) 0xd2, 0x04}, file(m, "etc/boot-menu-wait"));
        assertArrayEquals(new byte[]{(byte) 0x88, 0x13, 0, 0}, file(m, "etc/boot-fail-wait"));
        assertArrayEquals(new byte[0], file(m, "bootorder"));

        PcMachine d = new PcMachine(parse("-serial", "null", "-display", "none"), null, null);
        assertEquals(0x12, d.rtc().getByte(PcCmos.BOOT_DEV_12), "QEMU's default order cad: disk, floppy...");
        assertEquals(0x30, d.rtc().getByte(PcCmos.BOOT_DEV_3), "...then CD");
        assertArrayEquals(new byte[]{0, 0}, item(d, FwCfg.BOOT_MENU, 2));
        assertEquals(-1, d.fwCfg().fileKey("etc/boot-menu-wait"), "no splash-time, no file");
        assertArrayEquals(new byte[]{-1, -1, -1, -1}, file(d, "etc/boot-fail-wait"));
    }

    @Test
    void bootindexPathsGoToTheBootorderFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(Path.of("/usr/share/seabios/bios-256k.bin")), "Debian's seabios is not installed");
        Path hd = Files.write(dir.resolve("hd.img"), new byte[1 << 20]), cd = Files.write(dir.resolve("cd.iso"), new byte[1 << 20]);
        // as QEMU 7.2: ide-hd without bus= lands on ide.1 unit 0, the CD then takes ide.1 unit 1
        PcMachine m = new PcMachine(parse("-drive", "if=none,id=h,format=raw,file=" + hd,
                "-device", "ide-hd,drive=h,bootindex=2", "-drive", "if=none,id=c,media=cdrom,file=" + cd,
                "-device", "ide-cd,drive=c,bus=ide.1,bootindex=1", "-boot", "strict=on", "-serial", "null",
                "-display", "none"), null, null);
        assertEquals("/pci@i0cf8/ide@1,1/drive@1/disk@1\n/pci@i0cf8/ide@1,1/drive@1/disk@0\nHALT\0",
                new String(file(m, "bootorder"), StandardCharsets.US_ASCII));
        assertEquals("-device ide-cd: The bootindex 1 has already been used", assertThrows(ToolError.class,
                () -> new PcMachine(parse("-drive", "if=none,id=h,format=raw,file=" + hd, "-device",
                        "ide-hd,drive=h,bootindex=1", "-drive", "if=none,id=c,media=cdrom,file=" + cd, "-device",
                        "ide-cd,drive=c,bootindex=1", "-serial", "null", "-display", "none"), null, null)).getMessage());
    }

    private static byte[] file(PcMachine m, String name) {
        int key = m.fwCfg().fileKey(name);
        org.junit.jupiter.api.Assertions.assertTrue(key >= 0, name + " is missing");
        return item(m, key, fileSize(m, name));
    }

    /** The size a FW_CFG_FILE_DIR entry gives {@code name} (entries: size BE32, select BE16, reserved, name). */
    private static int fileSize(PcMachine m, String name) {
        int n = java.nio.ByteBuffer.wrap(item(m, FwCfg.FILE_DIR, 4)).getInt();
        byte[] dir = item(m, FwCfg.FILE_DIR, 4 + 64 * n);
        for (int i = 0; i < n; i++) {
            int o = 4 + 64 * i, end = o + 8;
            while (dir[end] != 0) end++;
            if (new String(dir, o + 8, end - o - 8, StandardCharsets.US_ASCII).equals(name))
                return java.nio.ByteBuffer.wrap(dir, o, 4).getInt();
        }
        throw new AssertionError(name + " not in the directory");
    }

    private static byte[] item(PcMachine m, int key, int len) {
        IoDevice ctl = m.fwCfg().ctl();
        ctl.write(0, 2, key);
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) ctl.read(1, 1);
        return b;
    }
}
