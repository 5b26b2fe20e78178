package dev.jemu.machine.pc;

import dev.jemu.hw.pci.PciDevice;

/**
 * The i440FX host bridge (PMC, PCI 00.0, 8086:1237 rev 2) as QEMU models it: the PAM registers 0x59-0x5f that
 * switch the 0xc0000-0xfffff segments between the BIOS ROM / PCI bus and shadow RAM, and the SMRAM control
 * register 0x72 (reset 0x02: the 0xa0000 window goes to the VGA; no SMM here, so D_OPEN changes nothing).
 * Register 0x57 carries the RAM size in 8 MiB units, as QEMU sets it for coreboot.
 */
public final class I440fx extends PciDevice {
    public static final int PAM0 = 0x59, SMRAM = 0x72, RAM_SIZE_REG = 0x57;

    /** Told after a PAM register changed, with the 13 segment modes (0 = off/PCI, 1 = RE, 2 = WE, 3 = RW). */
    public interface PamListener {
        void pamChanged(I440fx bridge);
    }

    private final PamListener listener;

    public I440fx(long ramBytes, PamListener listener) {
        super("i440FX", 0x8086, 0x1237, 0x060000, 0x02);
        this.listener = listener;
        set8(RAM_SIZE_REG, (int) Math.min(255, ramBytes >>> 23));
        resetDevice();
    }

    @Override
    protected void resetDevice() {
        for (int r = PAM0; r < PAM0 + 7; r++) set8(r, 0);
        set8(SMRAM, 0x02);
        if (listener != null) listener.pamChanged(this);
    }

    /**
     * The mode of PAM segment {@code i}: 0 = 0xf0000-0xfffff (64 KiB), 1..12 = the 16 KiB segments from 0xc0000
     * up to 0xec000. Bit 0 read enable (reads from RAM), bit 1 write enable (writes to RAM).
     */
    public int pamMode(int i) {
        if (i == 0) return get8(PAM0) >>> 4 & 3;
        int reg = get8(PAM0 + 1 + (i - 1) / 2);
        return ((i - 1) & 1) == 0 ? reg & 3 : reg >>> 4 & 3;
    }

    /** Base address of PAM segment {@code i}. */
    public static long pamBase(int i) {
        return i == 0 ? 0xf0000 : 0xc0000 + (long) (i - 1) * 0x4000;
    }

    public static long pamSize(int i) {
        return i == 0 ? 0x10000 : 0x4000;
    }

    @Override
    public void configWrite(int off, int size, int value) {
        super.configWrite(off, size, value);
        if (off < PAM0 + 7 && off + size > PAM0 && listener != null) listener.pamChanged(this);
    }
}
