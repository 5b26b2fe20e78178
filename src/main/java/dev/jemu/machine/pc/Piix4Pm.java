package dev.jemu.machine.pc;

import dev.jemu.hw.acpi.PiixPm;
import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.pci.PciDevice;

/**
 * PIIX4 function 3, the power-management function (00:01.3, 8086:7113 rev 3) as on QEMU's pc machine: the PM
 * I/O block of {@link PiixPm} decodes at PMBA (config 0x40) while PMIOSE (config 0x80 bit 0) is set; SeaBIOS
 * puts it at 0x600. Config 0x5b bit 1 (DEVACTB APMC_EN) reads as set, as QEMU does without SMM, so SeaBIOS
 * does not try to set SMM up. The SCI is ISA IRQ 9 (wired by the board into {@link PiixPm}).
 */
public final class Piix4Pm extends PciDevice {
    public static final int PMBA = 0x40, PMREGMISC = 0x80, DEVACTB = 0x58;
    public static final int PM_SIZE = 64;

    private final PiixPm pm;
    private final IoBus io;
    private int mapped = -1;

    public Piix4Pm(PiixPm pm, IoBus io) {
        super("PIIX4_PM", 0x8086, 0x7113, 0x068000, 0x03);
        this.pm = pm;
        this.io = io;
        setInterruptPin(1);
        setWritable(PMBA, 4, 0xffc0);
        setReadOnly(0x5b, 1);
        resetDevice();
    }

    @Override
    protected void resetDevice() {
        set32(PMBA, 1); // I/O space indicator, read-only
        set8(PMREGMISC, 0);
        set8(0x5b, 0x02); // "SMM already initialised" (QEMU with smm off)
        pm.reset();
        updatePm();
    }

    @Override
    public void configWrite(int off, int size, int value) {
        super.configWrite(off, size, value);
        if ((off < PMBA + 4 && off + size > PMBA) || (off <= PMREGMISC && off + size > PMREGMISC)) updatePm();
    }

    /** What SeaBIOS does for the PM function (PM block at 0x600, decoding on), for boots that skip the firmware. */
    public void firmwareInit() {
        configWrite(PMBA, 4, 0x600);
        configWrite(PMREGMISC, 1, 1);
    }

    /** The PM block's port base, or -1 while it does not decode. */
    public int pmBase() {
        return mapped;
    }

    private void updatePm() {
        int base = (get8(PMREGMISC) & 1) != 0 ? get32(PMBA) & 0xffc0 : -1;
        if (base == 0) base = -1;
        if (base == mapped) return;
        if (mapped >= 0) io.unmap(mapped);
        mapped = -1;
        if (base >= 0) {
            try {
                io.map(base, PM_SIZE, 4, pm.pm(), "piix4-pm");
                mapped = base;
            } catch (IllegalArgumentException clash) {
                // a guest put PMBA over another device: leave it off, as a real bus would conflict
            }
        }
    }
}
