package dev.jemu.machine.pc;

import dev.jemu.memory.HostRam;
import dev.jemu.memory.PhysMemory;

/**
 * The pc machine's guest-physical layout, as QEMU 7.2's pc_init1 makes it: RAM from 0 up to
 * {@link #belowFourG} (all of it if less than 0xe0000000, else the first 3 GiB: the i440FX's gigabyte-aligned
 * PCI hole) and the rest from 4 GiB; the 0xa0000-0xbffff window left to the VGA; the BIOS image as ROM
 * ending at 4 GiB, with its last 128 KiB also at 0xe0000-0xfffff ("isa-bios") where the PAM registers do not
 * map shadow RAM over it; 0xc0000-0xdffff with PAM off is PCI space (MMIO).
 *
 * <p>Host RAM: guest RAM at offsets [0, ram) (below-4G part then the above-4G part), the BIOS after it, then
 * the VGA's video RAM.
 */
public final class PcMemoryMap {
    public static final long FOUR_G = 1L << 32;
    public static final long ISA_BIOS_MAX = 128 * 1024;

    private final long ramBytes, belowFourG, aboveFourG;
    private final long biosHost, biosSize, vramHost, vramSize;
    private final HostRam hostRam;

    /** The RAM split for {@code ramBytes} of RAM: {below 4 GiB, above 4 GiB}. */
    public static long[] split(long ramBytes) {
        long lowmem = 0xe0000000L; // max-ram-below-4g default
        if (ramBytes >= lowmem) lowmem = 0xc0000000L; // gigabyte_align (pc-i440fx machines)
        return ramBytes >= lowmem ? new long[]{lowmem, ramBytes - lowmem} : new long[]{ramBytes, 0};
    }

    public PcMemoryMap(long ramBytes, long biosSize) {
        this(ramBytes, biosSize, 0);
    }

    /** @param vramSize bytes of video RAM to place after the BIOS in host RAM (0: none) */
    public PcMemoryMap(long ramBytes, long biosSize, long vramSize) {
        this.ramBytes = ramBytes;
        long[] s = split(ramBytes);
        this.belowFourG = s[0];
        this.aboveFourG = s[1];
        this.biosSize = biosSize;
        this.biosHost = (ramBytes + PhysMemory.PAGE - 1) & -PhysMemory.PAGE;
        this.vramHost = biosHost + biosSize;
        this.vramSize = vramSize;
        this.hostRam = HostRam.reserve(vramHost + vramSize);
    }

    public HostRam hostRam() {
        return hostRam;
    }

    public long ramBytes() {
        return ramBytes;
    }

    public long belowFourG() {
        return belowFourG;
    }

    public long aboveFourG() {
        return aboveFourG;
    }

    /** Host offset of the BIOS image (for loading it). */
    public long biosHostOffset() {
        return biosHost;
    }

    /** Host offset of the video RAM (the VGA's frame buffer, mapped as RAM at its BAR). */
    public long vramHostOffset() {
        return vramHost;
    }

    public long vramSize() {
        return vramSize;
    }

    public long biosSize() {
        return biosSize;
    }

    /** Maps RAM and the BIOS; the PAM segments follow {@link #applyPam}. */
    public void mapFixed(PhysMemory phys) {
        phys.mapRam(0, Math.min(belowFourG, 0xa0000), 0);
        if (belowFourG > 0x100000) phys.mapRam(0x100000, belowFourG - 0x100000, 0x100000);
        if (aboveFourG > 0) phys.mapRam(FOUR_G, aboveFourG, belowFourG);
        phys.mapRom(FOUR_G - biosSize, biosSize, biosHost);
    }

    /**
     * Maps PAM segment {@code base..base+size} for {@code mode}: RAM readable and writable (3), RAM readable only
     * (1; writes go to the PCI bus and are lost), otherwise the BIOS ROM in the isa-bios range or PCI space below
     * it. Mode 2 (writes to RAM, reads from ROM) has no exact equivalent in PhysMemory: it reads the ROM and
     * drops writes; SeaBIOS never uses it (it goes from 0 to 3 and later to 1).
     */
    public void applyPam(PhysMemory phys, long base, long size, int mode) {
        if (base + size > belowFourG) {
            // no RAM behind this segment (a guest with less than 1 MiB): nothing to shadow
            mode = 0;
        }
        switch (mode) {
            case 3 -> phys.mapRam(base, size, base);
            case 1 -> phys.mapRom(base, size, base);
            default -> {
                long isaBios = Math.min(biosSize, ISA_BIOS_MAX);
                long isaBase = 0x100000 - isaBios;
                if (base >= isaBase) phys.mapRom(base, size, biosHost + biosSize - (0x100000 - base));
                else phys.unmap(base, size);
            }
        }
    }
}
