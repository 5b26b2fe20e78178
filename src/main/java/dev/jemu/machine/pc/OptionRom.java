package dev.jemu.machine.pc;

import dev.jemu.hw.nvram.FwCfg;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Our boot option ROMs (LinuxBootRom, MultibootRom): code kept as nasm's output (hex, with the listing beside it)
 * of the sources in tests/optionrom, made into a ROM image here (padded to 512 bytes, size byte, PnP header and
 * whole-ROM checksums) and handed to SeaBIOS as fw_cfg "genroms/NAME", which it loads like QEMU's own
 * linuxboot/multiboot ROMs; "bootorder" names it first (QEMU gives these ROMs bootindex 0).
 */
final class OptionRom {
    static final int PNP = 0x1c, PNP_LENGTH = 32;

    private OptionRom() {
    }

    static byte[] image(String hex) {
        byte[] code = HexFormat.of().parseHex(hex);
        byte[] rom = new byte[(code.length + 1 + 511) & -512];
        System.arraycopy(code, 0, rom, 0, code.length);
        rom[2] = (byte) (rom.length / 512);
        rom[PNP + 9] = (byte) -sum(rom, PNP, PNP_LENGTH);
        rom[rom.length - 1] = (byte) -sum(rom, 0, rom.length);
        return rom;
    }

    static int sum(byte[] b, int off, int len) {
        int s = 0;
        for (int i = off; i < off + len; i++) s += b[i];
        return s & 0xff;
    }

    /** The device path SeaBIOS matches against "bootorder" for fw_cfg file {@code file} (QEMU's /rom@FILE). */
    static String bootPath(String file) {
        return "/rom@" + file;
    }

    /** Hands the ROM to SeaBIOS and makes it the first boot entry. */
    static void install(FwCfg fw, String file, byte[] rom) {
        fw.addFile(file, rom);
        byte[] order = (bootPath(file) + "\n").getBytes(StandardCharsets.US_ASCII);
        if (!fw.modifyFile("bootorder", order)) fw.addFile("bootorder", order);
    }
}
