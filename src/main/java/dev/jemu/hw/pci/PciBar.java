package dev.jemu.hw.pci;

/**
 * What a PCI BAR (or the expansion-ROM BAR) decodes: the device is told when the guest maps the region at an
 * address (the BAR holds an address and the command register enables its kind of decoding) and when it goes
 * away again. {@link PciDevice#ioBar} and {@link PciDevice#memBar} supply ones that map an {@code IoDevice}
 * into the bus's I/O or memory space; a device with RAM behind a BAR (a frame buffer) supplies its own.
 */
public interface PciBar {
    /** The region now decodes at {@code addr} (an I/O port or a physical address). */
    void map(long addr);

    /** The region at {@code addr} (as last passed to {@link #map}) no longer decodes. */
    void unmap(long addr);
}
