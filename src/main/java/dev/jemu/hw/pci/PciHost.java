package dev.jemu.hw.pci;

import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.core.IoDevice;

/**
 * PCI configuration mechanism #1: the address register at 0xcf8 (a dword: enable bit 31, bus 23:16, device
 * 15:11, function 10:8, register 7:2) and the data window at 0xcfc-0xcff. Only dword accesses reach the address
 * register, as in QEMU; a byte at 0xcf9 is the PIIX reset control register, passed to {@code rcr}.
 * Only bus 0 exists; other buses read as all ones.
 */
public final class PciHost {
    public static final int ADDRESS_PORT = 0xcf8, DATA_PORT = 0xcfc;

    private final PciBus bus;
    private final IoDevice rcr;
    private int address;

    /** @param rcr the reset control register at 0xcf9 (byte accesses), or null */
    public PciHost(PciBus bus, IoDevice rcr) {
        this.bus = bus;
        this.rcr = rcr;
    }

    public PciBus bus() {
        return bus;
    }

    /** Maps 0xcf8-0xcff into {@code io}. */
    public void attach(IoBus io) {
        io.map(ADDRESS_PORT, 4, 4, new IoDevice() {
            public long read(long off, int size) {
                if (off == 1 && size == 1 && rcr != null) return rcr.read(0, 1);
                if (off != 0 || size != 4) return (address >>> (8 * off)) & ((1L << (8 * size)) - 1);
                return address & 0xffffffffL;
            }

            public void write(long off, int size, long value) {
                if (off == 1 && size == 1 && rcr != null) rcr.write(0, 1, value);
                if (off == 0 && size == 4) address = (int) value;
            }
        }, "pci-conf-idx");
        io.map(DATA_PORT, 4, 4, new IoDevice() {
            public long read(long off, int size) {
                return dataRead((int) off, size) & 0xffffffffL;
            }

            public void write(long off, int size, long value) {
                dataWrite((int) off, size, (int) value);
            }
        }, "pci-conf-data");
    }

    public int address() {
        return address;
    }

    private int dataRead(int off, int size) {
        if (address >= 0 || ((address >>> 16) & 0xff) != 0) return size == 4 ? -1 : (1 << (8 * size)) - 1;
        return bus.configRead((address >>> 8) & 0xff, (address & 0xfc) | off, size);
    }

    private void dataWrite(int off, int size, int value) {
        if (address >= 0 || ((address >>> 16) & 0xff) != 0) return;
        bus.configWrite((address >>> 8) & 0xff, (address & 0xfc) | off, size, value);
    }

    /** Direct configuration access for the board and tests: bus 0, {@code devfn}, register {@code off}. */
    public int read(int devfn, int off, int size) {
        return bus.configRead(devfn, off, size);
    }

    public void write(int devfn, int off, int size, int value) {
        bus.configWrite(devfn, off, size, value);
    }
}
