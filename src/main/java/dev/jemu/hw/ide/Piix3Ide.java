package dev.jemu.hw.ide;

import dev.jemu.hw.core.DmaMemory;
import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.core.IrqLine;
import dev.jemu.hw.pci.PciDevice;

/**
 * The PIIX3 IDE function (8086:7010, 00:01.1 on the pc machine), as QEMU's piix3-ide: legacy-mode channels at
 * the ISA addresses (0x1f0-0x1f7 + 0x3f6 on IRQ14, 0x170-0x177 + 0x376 on IRQ15, always decoded, whatever the
 * command register says) and the bus-master registers in BAR4 (16 I/O ports: primary at +0, secondary at +8).
 * IDETIM (0x40, 0x42) resets to 0: SeaBIOS writes 0x8000 there to enable decoding, and Linux's ata_piix
 * refuses a channel whose enable bit is clear.
 */
public final class Piix3Ide extends PciDevice {
    public static final int IDETIM_PRIMARY = 0x40, IDETIM_SECONDARY = 0x42;

    private final IdeChannel[] channels;
    private final BusMasterDma[] bm;

    /**
     * @param dma    guest memory for bus mastering
     * @param irq14  the primary channel's interrupt (ISA IRQ 14)
     * @param irq15  the secondary channel's interrupt (ISA IRQ 15)
     */
    public Piix3Ide(DmaMemory dma, IrqLine irq14, IrqLine irq15) {
        super("piix3-ide", 0x8086, 0x7010, 0x010180, 0x00);
        channels = new IdeChannel[]{new IdeChannel(irq14), new IdeChannel(irq15)};
        bm = new BusMasterDma[]{new BusMasterDma(dma), new BusMasterDma(dma)};
        for (int i = 0; i < 2; i++) channels[i].setBusMaster(bm[i]);
        ioBar(4, 16, 4, new IoDevice() {
            @Override
            public long read(long offset, int size) {
                return bm[(int) (offset >> 3) & 1].read(offset & 7, size);
            }

            @Override
            public void write(long offset, int size, long value) {
                bm[(int) (offset >> 3) & 1].write(offset & 7, size, value);
            }
        });
        resetConfig();
    }

    public IdeChannel channel(int i) {
        return channels[i];
    }

    /** Maps the legacy ISA ports of both channels on {@code io}. */
    public void mapLegacy(IoBus io) {
        mapChannel(io, channels[0], 0x1f0, 0x3f6, "ide0");
        mapChannel(io, channels[1], 0x170, 0x376, "ide1");
    }

    /** Maps one channel's command block (8 ports) and control port. */
    public static void mapChannel(IoBus io, IdeChannel ch, int base, int ctrl, String name) {
        io.map(base, 8, 4, ch.commandBlock, name);
        io.map(ctrl, 1, 1, ch.controlBlock, name + "-ctrl");
    }

    /**
     * What SeaBIOS's piix_ide_setup does (IDETIM decode enable on both channels), for boots that skip the
     * firmware (-kernel without SeaBIOS): Linux's ata_piix ignores a channel whose enable bit is clear.
     */
    public void firmwareInit() {
        configWrite(IDETIM_PRIMARY, 2, 0x8000);
        configWrite(IDETIM_SECONDARY, 2, 0x8000);
    }

    private void resetConfig() {
        set16(STATUS, STATUS_DEVSEL_MEDIUM | STATUS_FAST_BACK);
        set16(IDETIM_PRIMARY, 0);
        set16(IDETIM_SECONDARY, 0);
    }

    @Override
    protected void resetDevice() {
        resetConfig();
        channels[0].reset();
        channels[1].reset();
    }
}
