package dev.jemu.machine.pc;

import dev.jemu.cli.ToolError;
import dev.jemu.hw.rtc.Mc146818;
import dev.jemu.machine.MachineConfig;

/**
 * The CMOS configuration bytes QEMU's pc machine sets for the BIOS (pc_cmos_init): memory sizes, the boot
 * order (0x3d, 0x38), the equipment byte (FPU, PS/2 mouse) and the CPU count (0x5f). The drive bytes (floppy
 * types and equipment bits, disk geometry) are written by storage's PcDrives.
 */
public final class PcCmos {
    public static final int EQUIPMENT = 0x14, FLOPPY_TYPES = 0x10, BOOT_DEV_12 = 0x3d, BOOT_DEV_3 = 0x38, CPUS = 0x5f;

    private PcCmos() {
    }

    static void setup(PcMachine m) {
        MachineConfig cfg = m.config();
        Mc146818 rtc = m.rtc();
        PcMemoryMap map = m.memoryMap();
        rtc.setMemorySize(map.belowFourG(), map.aboveFourG());
        setBootOrder(rtc, cfg.bootOrder() == null ? "cad" : cfg.bootOrder());
        rtc.setByte(EQUIPMENT, 0x02 | 0x04); // FPU, PS/2 mouse; the floppy bits and types come from PcDrives
        rtc.setByte(CPUS, Math.max(1, cfg.cpus()) - 1);
    }

    /** QEMU's set_boot_dev: up to three of a/b (floppy), c (disk), d (CD-ROM), n (network). */
    public static void setBootOrder(Mc146818 rtc, String order) {
        if (order.length() > 3) throw new ToolError("Too many boot devices for PC");
        int[] bds = new int[3];
        for (int i = 0; i < order.length(); i++) {
            bds[i] = switch (order.charAt(i)) {
                case 'a', 'b' -> 1;
                case 'c' -> 2;
                case 'd' -> 3;
                case 'n' -> 4;
                default -> throw new ToolError("Invalid boot device for PC: '" + order.charAt(i) + "'");
            };
        }
        rtc.setByte(BOOT_DEV_12, bds[1] << 4 | bds[0]);
        rtc.setByte(BOOT_DEV_3, bds[2] << 4); // low nibble 0: floppy boot signature check on
    }
}
