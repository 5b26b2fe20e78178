package dev.jemu.hw.pci;

import dev.jemu.hw.core.IoDevice;

/**
 * One PCI function: a 256-byte type-0 configuration space with per-bit write masks (as QEMU's wmask and
 * w1cmask), six BARs plus the expansion-ROM BAR, the interrupt pin/line registers and an INTx output.
 *
 * <p>Subclasses set their identity and registers in the constructor (through {@link #set8}..{@link #set32},
 * {@link #setWritable}) and register their BARs; the bus maps a BAR when it holds a usable address and the
 * command register enables I/O or memory decoding, and unmaps it when either changes (BAR sizing: the guest
 * writes all ones and reads back the size mask). Device-specific registers (0x40-0xff) are writable by
 * default; a subclass that reacts to them overrides {@link #configWrite} and calls {@code super} first.
 */
public class PciDevice {
    public static final int VENDOR_ID = 0x00, DEVICE_ID = 0x02, COMMAND = 0x04, STATUS = 0x06;
    public static final int REVISION = 0x08, CLASS_PROG = 0x09, CLASS_DEVICE = 0x0a, CACHE_LINE = 0x0c;
    public static final int LATENCY = 0x0d, HEADER_TYPE = 0x0e, BAR0 = 0x10, SUBSYSTEM_VENDOR = 0x2c;
    public static final int SUBSYSTEM_ID = 0x2e, ROM_ADDRESS = 0x30, CAPABILITIES = 0x34;
    public static final int INTERRUPT_LINE = 0x3c, INTERRUPT_PIN = 0x3d;

    public static final int CMD_IO = 0x1, CMD_MEMORY = 0x2, CMD_MASTER = 0x4, CMD_INTX_DISABLE = 0x400;
    public static final int STATUS_INTERRUPT = 0x08, STATUS_CAP_LIST = 0x10;
    public static final int STATUS_FAST_BACK = 0x80, STATUS_DEVSEL_MEDIUM = 0x200;

    /** BAR type bits. */
    public static final int BAR_IO = 0x1, BAR_MEM32 = 0x0, BAR_MEM64 = 0x4, BAR_PREFETCH = 0x8;

    /** The ROM BAR's index among {@link #bars}. */
    public static final int ROM_BAR = 6;

    /** Means "not decoding" in {@link #barAddress}. */
    public static final long UNMAPPED = -1L;

    protected final byte[] config = new byte[256];
    /** Bits the guest may write. */
    protected final byte[] wmask = new byte[256];
    /** Bits a guest write of 1 clears (status error bits). */
    protected final byte[] w1cmask = new byte[256];

    private final String name;
    private final long[] barSize = new long[7];
    private final int[] barType = new int[7];
    private final PciBar[] bars = new PciBar[7];
    private final long[] barMapped = {UNMAPPED, UNMAPPED, UNMAPPED, UNMAPPED, UNMAPPED, UNMAPPED, UNMAPPED};

    PciBus bus;
    int devfn = -1;
    private boolean intxLevel;

    /**
     * @param classCode the 24-bit class: base class, subclass, programming interface (0x060000: host bridge)
     */
    public PciDevice(String name, int vendor, int device, int classCode, int revision) {
        this.name = name;
        set16(VENDOR_ID, vendor);
        set16(DEVICE_ID, device);
        // QEMU's pci_set_default_subsystem_id (Red Hat / "QEMU Virtual Machine"); SeaBIOS's qemu_detect reads the
        // host bridge's to know it runs on QEMU hardware
        set16(SUBSYSTEM_VENDOR, 0x1af4);
        set16(SUBSYSTEM_ID, 0x1100);
        set8(REVISION, revision);
        set8(CLASS_PROG, classCode);
        set16(CLASS_DEVICE, classCode >>> 8);
        // QEMU's pci_init_wmask / pci_init_w1cmask
        wmask[CACHE_LINE] = (byte) 0xff;
        wmask[INTERRUPT_LINE] = (byte) 0xff;
        setWritable16(COMMAND, 0x077f);
        setW1c16(STATUS, 0xf900);
        for (int i = 0x40; i < 256; i++) wmask[i] = (byte) 0xff;
    }

    public String name() {
        return name;
    }

    /** Device number * 8 + function on its bus, or -1 before it is plugged. */
    public int devfn() {
        return devfn;
    }

    public PciBus bus() {
        return bus;
    }

    // ---- building the config space ----

    public final void set8(int off, int v) {
        config[off] = (byte) v;
    }

    public final void set16(int off, int v) {
        config[off] = (byte) v;
        config[off + 1] = (byte) (v >>> 8);
    }

    public final void set32(int off, int v) {
        set16(off, v);
        set16(off + 2, v >>> 16);
    }

    public final int get8(int off) {
        return config[off] & 0xff;
    }

    public final int get16(int off) {
        return get8(off) | get8(off + 1) << 8;
    }

    public final int get32(int off) {
        return get16(off) | get16(off + 2) << 16;
    }

    /** Sets which bits of the {@code size} bytes at {@code off} the guest may write. */
    public final void setWritable(int off, int size, long mask) {
        for (int i = 0; i < size; i++) wmask[off + i] = (byte) (mask >>> (8 * i));
    }

    public final void setWritable16(int off, int mask) {
        setWritable(off, 2, mask);
    }

    /** Makes a range read-only (for device registers in 0x40-0xff that are fixed). */
    public final void setReadOnly(int off, int len) {
        for (int i = 0; i < len; i++) wmask[off + i] = 0;
    }

    public final void setW1c16(int off, int mask) {
        w1cmask[off] = (byte) mask;
        w1cmask[off + 1] = (byte) (mask >>> 8);
    }

    public void setSubsystem(int vendor, int id) {
        set16(SUBSYSTEM_VENDOR, vendor);
        set16(SUBSYSTEM_ID, id);
    }

    /** Sets the interrupt pin (1 = INTA# .. 4 = INTD#; 0 = none). */
    public void setInterruptPin(int pin) {
        set8(INTERRUPT_PIN, pin);
    }

    /** Makes the function part of a multi-function device (header type bit 7, on function 0). */
    public void setMultiFunction(boolean on) {
        set8(HEADER_TYPE, (get8(HEADER_TYPE) & 0x7f) | (on ? 0x80 : 0));
    }

    // ---- BARs ----

    /**
     * Registers BAR {@code index} (0-5, or {@link #ROM_BAR}) of {@code size} bytes (a power of two; at least 4
     * for I/O, 16 for memory, 2 KiB for the ROM). {@code type}: {@link #BAR_IO}, or BAR_MEM32/BAR_MEM64 with
     * BAR_PREFETCH. A 64-bit BAR also uses the next index.
     */
    public void registerBar(int index, int type, long size, PciBar region) {
        if (Long.bitCount(size) != 1) throw new IllegalArgumentException(name + ": BAR size must be a power of two");
        int off = barOffset(index);
        barSize[index] = size;
        barType[index] = type;
        bars[index] = region;
        if (index == ROM_BAR) {
            set32(off, 0);
            setWritable(off, 4, ~(size - 1) & 0xffffffffL | 1);
            return;
        }
        long mask = ~(size - 1);
        set32(off, type);
        if ((type & BAR_MEM64) != 0 && (type & BAR_IO) == 0) {
            set32(off + 4, 0);
            setWritable(off, 4, mask & 0xfffffff0L);
            setWritable(off + 4, 4, mask >>> 32);
        } else {
            setWritable(off, 4, mask & ((type & BAR_IO) != 0 ? 0xfffffffcL : 0xfffffff0L));
        }
    }

    /** Registers an I/O BAR that maps {@code dev} into the bus's port space. */
    public void ioBar(int index, int size, int maxAccess, IoDevice dev) {
        registerBar(index, BAR_IO, size, new PciBar() {
            public void map(long addr) {
                bus.io().map((int) addr, size, maxAccess, dev, name + "-bar" + index);
            }

            public void unmap(long addr) {
                bus.io().unmap((int) addr);
            }
        });
    }

    /** Registers a 32-bit memory BAR that maps {@code dev} into the bus's MMIO space. */
    public void memBar(int index, long size, boolean prefetch, int maxAccess, IoDevice dev) {
        String n = index == ROM_BAR ? name + "-rom" : name + "-bar" + index;
        registerBar(index, BAR_MEM32 | (prefetch ? BAR_PREFETCH : 0), size, new PciBar() {
            public void map(long addr) {
                bus.mmio().map(addr, size, maxAccess, dev, n);
            }

            public void unmap(long addr) {
                bus.mmio().unmap(addr);
            }
        });
    }

    /** Registers the expansion ROM {@code image}, padded to a power of two (at least 2 KiB), read through MMIO. */
    public void romBar(byte[] image) {
        long size = Math.max(2048, Long.highestOneBit(Math.max(1, image.length - 1)) << 1);
        memBar(ROM_BAR, size, false, 4, new IoDevice() {
            public long read(long offset, int sz) {
                long v = 0;
                for (int i = 0; i < sz; i++) {
                    long o = offset + i;
                    v |= (long) (o < image.length ? image[(int) o] & 0xff : 0) << (8 * i);
                }
                return v;
            }

            public void write(long offset, int sz, long value) {
            }
        });
    }

    private static int barOffset(int index) {
        if (index == ROM_BAR) return ROM_ADDRESS;
        if (index < 0 || index > 5) throw new IllegalArgumentException("BAR index " + index);
        return BAR0 + 4 * index;
    }

    /** The address BAR {@code index} decodes at now, or {@link #UNMAPPED} (QEMU's pci_bar_address). */
    public long barAddress(int index) {
        if (bars[index] == null) return UNMAPPED;
        int cmd = get16(COMMAND);
        int off = barOffset(index);
        long size = barSize[index];
        if (index == ROM_BAR) {
            long v = get32(off) & 0xffffffffL;
            if ((cmd & CMD_MEMORY) == 0 || (v & 1) == 0) return UNMAPPED;
            long a = v & ~(size - 1) & 0xfffff800L;
            return a == 0 || a + size - 1 >= 0xffffffffL ? UNMAPPED : a;
        }
        if ((barType[index] & BAR_IO) != 0) {
            if ((cmd & CMD_IO) == 0) return UNMAPPED;
            long a = get32(off) & ~(size - 1) & 0xfffffffcL;
            return a == 0 || a + size > 0x10000 ? UNMAPPED : a;
        }
        if ((cmd & CMD_MEMORY) == 0) return UNMAPPED;
        long a = get32(off) & 0xfffffff0L;
        boolean is64 = (barType[index] & BAR_MEM64) != 0;
        if (is64) a |= (get32(off + 4) & 0xffffffffL) << 32;
        a &= ~(size - 1);
        long last = a + size - 1;
        if (a == 0 || Long.compareUnsigned(last, a) <= 0) return UNMAPPED;
        if (!is64 && last >= 0xffffffffL) return UNMAPPED;
        if (is64 && last == -1L) return UNMAPPED;
        return a;
    }

    /** Brings the bus's maps in line with the BARs and the command register (QEMU's pci_update_mappings). */
    protected final void updateMappings() {
        if (bus == null) return;
        for (int i = 0; i < 7; i++) {
            if (bars[i] == null) continue;
            long a = barAddress(i);
            if (a == barMapped[i]) continue;
            if (barMapped[i] != UNMAPPED) bars[i].unmap(barMapped[i]);
            barMapped[i] = UNMAPPED;
            if (a != UNMAPPED) {
                try {
                    bars[i].map(a);
                    barMapped[i] = a;
                } catch (IllegalArgumentException clash) {
                    // overlaps a fixed device: QEMU would let one shadow the other; we leave this BAR off
                    bus.log("%s: BAR %d at 0x%x not mapped: %s", name, i, a, clash.getMessage());
                }
            }
        }
    }

    // ---- configuration accesses ----

    /** A configuration read of {@code size} (1, 2, 4) bytes at {@code off} (aligned by the host). */
    public int configRead(int off, int size) {
        int v = 0;
        for (int i = 0; i < size; i++) v |= get8(off + i) << (8 * i);
        return v;
    }

    /** A configuration write: writable bits take the value, write-1-to-clear bits clear, BARs remap. */
    public void configWrite(int off, int size, int value) {
        boolean remap = false, intx = false;
        for (int i = 0; i < size; i++) {
            int a = off + i;
            int b = (value >>> (8 * i)) & 0xff;
            int w = wmask[a] & 0xff, c = w1cmask[a] & 0xff;
            config[a] = (byte) ((config[a] & ~w & ~(b & c)) | (b & w));
            if ((a >= BAR0 && a < BAR0 + 24) || (a >= ROM_ADDRESS && a < ROM_ADDRESS + 4) || a == COMMAND) remap = true;
            if (a == COMMAND + 1) {
                remap = true;
                intx = true;
            }
        }
        if (remap) updateMappings();
        if (intx) driveIntx();
    }

    // ---- INTx ----

    /** Drives this function's INTx pin (the one in its interrupt-pin register); the bus routes it. */
    public void setIrq(boolean level) {
        intxLevel = level;
        set16(STATUS, level ? get16(STATUS) | STATUS_INTERRUPT : get16(STATUS) & ~STATUS_INTERRUPT);
        driveIntx();
    }

    private boolean intxOut;

    private void driveIntx() {
        boolean out = intxLevel && (get16(COMMAND) & CMD_INTX_DISABLE) == 0;
        if (out == intxOut) return;
        intxOut = out;
        int pin = get8(INTERRUPT_PIN);
        if (bus != null && pin >= 1 && pin <= 4) bus.intxChanged(this, pin - 1, out);
    }

    // ---- reset ----

    /** A system reset (QEMU's pci_device_reset): decoding off, BARs and line cleared; then {@link #resetDevice}. */
    public final void reset() {
        int cmd = get16(COMMAND) & ~(0x077f);
        set16(COMMAND, cmd);
        set16(STATUS, get16(STATUS) & ~0xf900);
        set8(CACHE_LINE, 0);
        set8(INTERRUPT_LINE, 0);
        for (int i = 0; i < 7; i++) {
            if (bars[i] == null) continue;
            int off = barOffset(i);
            set32(off, i == ROM_BAR ? 0 : barType[i]);
            if (i != ROM_BAR && (barType[i] & BAR_MEM64) != 0 && (barType[i] & BAR_IO) == 0) set32(off + 4, 0);
        }
        setIrq(false);
        updateMappings();
        resetDevice();
    }

    /** Device-specific reset; the default does nothing. */
    protected void resetDevice() {
    }
}
