package dev.jemu.machine.pc;

import dev.jemu.hw.nvram.FwCfg;
import dev.jemu.machine.MachineConfig;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The fw_cfg items QEMU 7.2's pc machine gives SeaBIOS (fw_cfg_arch_create and friends): RAM size, CPU counts,
 * the e820 map ("etc/e820": RAM below and above 4 GiB; SeaBIOS adds its own reservations), IRQ0 override, HPET
 * configuration, "bootorder" (the bootindex paths) and "bios-geometry",
 * "etc/boot-fail-wait" (-boot reboot-timeout; -1: wait forever), the boot menu flag and "etc/boot-menu-wait"
 * (-boot menu=on, splash-time), NOGRAPHIC, "etc/sercon-port" 0x3f8 under -nographic (SeaBIOS then prints its banner and boot messages
 * on COM1, as with QEMU), and the ACPI tables with their loader script. Not given (yet): SMBIOS tables (SeaBIOS
 * builds its own), "etc/system-states", kvmvapic, and the AMD 1 TiB HyperTransport hole QEMU adds to e820 for
 * AMD CPU models.
 */
public final class PcFirmwareConfig {
    private PcFirmwareConfig() {
    }

    /** The e820 RAM map of the machine, as QEMU's pc_memory_init builds it. */
    public static List<FwCfg.E820Entry> e820(PcMemoryMap map) {
        List<FwCfg.E820Entry> e = new ArrayList<>();
        e.add(new FwCfg.E820Entry(0, map.belowFourG(), FwCfg.E820Entry.RAM));
        if (map.aboveFourG() > 0) e.add(new FwCfg.E820Entry(PcMemoryMap.FOUR_G, map.aboveFourG(), FwCfg.E820Entry.RAM));
        return e;
    }

    static void setup(PcMachine m) {
        FwCfg f = m.fwCfg();
        MachineConfig cfg = m.config();
        PcMemoryMap map = m.memoryMap();
        f.setRamSize(cfg.ramBytes());
        int cpus = Math.max(1, cfg.cpus());
        f.setCpus(cpus, cpus);
        f.setNographic(cfg.nographic());
        MachineConfig.Boot boot = cfg.boot() == null ? MachineConfig.Boot.DEFAULT : cfg.boot();
        f.setBootMenu(boot.menu());
        f.addI32(FwCfg.IRQ0_OVERRIDE, 1);
        f.addBytes(FwCfg.ACPI_TABLES, new byte[2]); // no -acpitable blobs: a zero count
        f.addBytes(FwCfg.E820_TABLE, new byte[4]); // legacy e820 reservations: none
        f.addBytes(FwCfg.HPET, hpetConfig());
        f.addBytes(FwCfg.NUMA, new byte[(1 + cpus) * 8]);
        f.setE820(e820(map));
        f.addFile("bootorder", bootorder(m.drives().bootPaths(), boot));
        f.addFile("bios-geometry", new byte[0]);
        if (boot.splashTime() >= 0) f.addFile("etc/boot-menu-wait", le(boot.splashTime(), 2));
        // QEMU under -nographic: SeaBIOS mirrors its screen output (banner, boot messages) on COM1 ("sercon")
        if (cfg.nographic()) f.addFile("etc/sercon-port", new byte[]{(byte) 0xf8, 0x03});
        f.addFile("etc/boot-fail-wait", le(boot.rebootTimeout(), 4));
        AcpiBuilder acpi = new AcpiBuilder(map.belowFourG(), true, cpus);
        // QEMU pads the blob to ACPI_BUILD_TABLE_SIZE (128 KiB) so that tables can grow on reset; SeaBIOS
        // allocates (and the e820 map reserves) that much at the top of low RAM, as under QEMU
        f.addFile(AcpiBuilder.TABLES, java.util.Arrays.copyOf(acpi.tables(), Math.max(acpi.tables().length, 0x20000)));
        f.addFile(AcpiBuilder.RSDP, acpi.rsdp());
        f.addFile(AcpiBuilder.LOADER, acpi.loader());
    }

    /**
     * The "bootorder" file as QEMU's get_boot_devices_list writes it: the OpenFirmware paths of the devices given a
     * bootindex (e.g. "/pci@i0cf8/ide@1,1/drive@0/disk@0"), in bootindex order, one a line, NUL-terminated; under
     * -boot strict=on a "HALT" line follows, but only after at least one path. Empty without bootindex (-drive,
     * -hda, -cdrom, -fda have none, in QEMU either; -device ide-hd|ide-cd|floppy,bootindex=N give one): -boot order
     * reaches SeaBIOS through the CMOS ({@link PcCmos}), not this file.
     */
    static byte[] bootorder(List<String> paths, MachineConfig.Boot boot) {
        if (paths.isEmpty()) return new byte[0];
        String s = String.join("\n", paths) + (boot.strict() ? "\nHALT" : "") + "\0";
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static byte[] le(long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }

    /** struct hpet_fw_config: count 1, block id, address, min tick, page protection; 8 slots. */
    private static byte[] hpetConfig() {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 * 15).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1);
        b.putInt(0x8086a201).putLong(AcpiBuilder.HPET_BASE).putShort((short) 0).put((byte) 0);
        return b.array();
    }
}
