package dev.jemu.hw.nvram;

import dev.jemu.hw.core.DmaMemory;
import dev.jemu.hw.core.IoDevice;
import dev.jemu.util.Log;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * QEMU's firmware configuration device (fw_cfg) as the PC has it: a 16-bit selector at port 0x510 and a byte-wide
 * data port at 0x511 ({@link #ctl()}, mapped 2 ports wide), and the DMA interface at 0x514 ({@link #dmaPort()},
 * 8 ports): a big-endian 64-bit register holding the guest-physical address of a {@code FWCfgDmaAccess}
 * structure (big-endian control, length, address); writing its low half starts the transfer.
 *
 * <p>Items are numbered keys (the standard ones below, plus arch-local ones with bit 15 set) and named files,
 * listed sorted by name in the directory at key 0x19 and numbered from 0x20 in that order. Numbers are stored
 * little-endian; DMA structures and the directory are big-endian.
 */
public final class FwCfg {
    public static final int SIGNATURE = 0x00, ID = 0x01, UUID = 0x02, RAM_SIZE = 0x03, NOGRAPHIC = 0x04,
            NB_CPUS = 0x05, MACHINE_ID = 0x06, KERNEL_ADDR = 0x07, KERNEL_SIZE = 0x08, KERNEL_CMDLINE = 0x09,
            INITRD_ADDR = 0x0a, INITRD_SIZE = 0x0b, BOOT_DEVICE = 0x0c, NUMA = 0x0d, BOOT_MENU = 0x0e,
            MAX_CPUS = 0x0f, KERNEL_ENTRY = 0x10, KERNEL_DATA = 0x11, INITRD_DATA = 0x12, CMDLINE_ADDR = 0x13,
            CMDLINE_SIZE = 0x14, CMDLINE_DATA = 0x15, SETUP_ADDR = 0x16, SETUP_SIZE = 0x17, SETUP_DATA = 0x18,
            FILE_DIR = 0x19, FILE_FIRST = 0x20;
    public static final int WRITE_CHANNEL = 0x4000, ARCH_LOCAL = 0x8000, ENTRY_MASK = 0x3fff;
    // x86 arch-local keys
    public static final int ACPI_TABLES = ARCH_LOCAL, SMBIOS_ENTRIES = ARCH_LOCAL + 1,
            IRQ0_OVERRIDE = ARCH_LOCAL + 2, E820_TABLE = ARCH_LOCAL + 3, HPET = ARCH_LOCAL + 4;
    /** Number of file slots (QEMU's x-file-slots default). */
    public static final int FILE_SLOTS = 0x20;
    public static final int MAX_ENTRY = FILE_FIRST + FILE_SLOTS;
    public static final int FILE_NAME_MAX = 56;

    /** ID bits: traditional I/O interface, DMA interface. */
    public static final int ID_TRADITIONAL = 0x01, ID_DMA = 0x02;
    /** DMA control bits. */
    public static final int DMA_ERROR = 0x01, DMA_READ = 0x02, DMA_SKIP = 0x04, DMA_SELECT = 0x08,
            DMA_WRITE = 0x10;
    /** What the DMA register reads as: "QEMU CFG" big-endian. */
    public static final long DMA_SIGNATURE = 0x51454d5520434647L;

    private static final int INVALID = -1;

    /** One e820 map entry ("etc/e820": 8-byte address, 8-byte length, 4-byte type, little-endian, packed). */
    public record E820Entry(long address, long length, int type) {
        public static final int RAM = 1, RESERVED = 2, ACPI = 3, NVS = 4, UNUSABLE = 5;
    }

    /** Told after a DMA write changed a writable item. */
    @FunctionalInterface
    public interface WriteCallback {
        void written(int offset, int length);
    }

    public record State(int curEntry, int curOffset, long dmaAddr) {
    }

    private static final class Item {
        byte[] data;
        boolean allowWrite;
        Runnable onSelect;
        WriteCallback onWrite;
    }

    private record File(String name, Item item) {
    }

    private final Item[][] entries = new Item[2][MAX_ENTRY];
    private final List<File> files = new ArrayList<>();
    private final DmaMemory dma;
    private final Log log;
    private int curEntry = INVALID, curOffset;
    private long dmaAddr;

    /** @param dma guest memory for the DMA interface, or null for a device without it */
    public FwCfg(DmaMemory dma, Log log) {
        this.dma = dma;
        this.log = log;
        addBytes(SIGNATURE, "QEMU".getBytes(StandardCharsets.US_ASCII));
        addI32(ID, ID_TRADITIONAL | (dma != null ? ID_DMA : 0));
        addBytes(UUID, new byte[16]);
        addI16(NOGRAPHIC, 0);
        addI16(BOOT_MENU, 0);
        rebuildDirectory();
    }

    // ---- the guest's view

    /** Ports 0x510-0x511: a 16-bit write at offset 0 selects, byte reads return data. */
    public IoDevice ctl() {
        return ctl;
    }

    /** Ports 0x514-0x51b: the big-endian DMA address register. */
    public IoDevice dmaPort() {
        return dmaPort;
    }

    private final IoDevice ctl = new IoDevice() {
        @Override
        public long read(long offset, int size) {
            if (size != 1) return invalid("read", offset, size);
            return readByte();
        }

        @Override
        public void write(long offset, int size, long value) {
            if (size == 2 && offset == 0) {
                select((int) value & 0xffff);
            } else if (size == 1) {
                // data port writes were removed in QEMU 2.4; writable items take DMA only
                if (log != null && log.on(Log.Item.GUEST_ERRORS))
                    log.printf("fw_cfg: data port write of 0x%x ignored%n", value);
            } else {
                invalid("write", offset, size);
            }
        }
    };

    private final IoDevice dmaPort = new IoDevice() {
        @Override
        public long read(long offset, int size) {
            // the register's bytes in memory order are the signature's big-endian bytes
            long v = 0;
            for (int i = 0; i < size && offset + i < 8; i++)
                v |= ((DMA_SIGNATURE >>> (8 * (7 - (offset + i)))) & 0xff) << (8 * i);
            return v;
        }

        @Override
        public void write(long offset, int size, long value) {
            if (size == 4) {
                long be = Integer.reverseBytes((int) value) & 0xffffffffL;
                if (offset == 0) {
                    dmaAddr = be << 32;
                } else if (offset == 4) {
                    dmaAddr |= be;
                    transfer();
                }
            } else if (size == 8 && offset == 0) {
                dmaAddr = Long.reverseBytes(value);
                transfer();
            }
        }
    };

    private long invalid(String what, long offset, int size) {
        if (log != null && log.on(Log.Item.GUEST_ERRORS))
            log.printf("fw_cfg: invalid %s of size %d at offset %d%n", what, size, offset);
        return size >= 4 ? 0xffffffffL : (1L << (8 * size)) - 1;
    }

    private void select(int key) {
        curOffset = 0;
        if ((key & ENTRY_MASK) >= MAX_ENTRY) {
            curEntry = INVALID;
            return;
        }
        curEntry = key;
        Item it = current();
        if (it != null && it.onSelect != null) it.onSelect.run();
    }

    private Item current() {
        if (curEntry == INVALID) return null;
        return entries[(curEntry & ARCH_LOCAL) != 0 ? 1 : 0][curEntry & ENTRY_MASK];
    }

    private int readByte() {
        Item it = current();
        if (it == null || it.data == null || curOffset >= it.data.length) return 0;
        return it.data[curOffset++] & 0xff;
    }

    /** Runs the DMA request whose descriptor is at {@code dmaAddr}; writes its status back into it. */
    private void transfer() {
        long desc = dmaAddr;
        dmaAddr = 0;
        if (dma == null) return;
        byte[] d = new byte[16];
        if (!dma.read(desc, d, 0, 16)) {
            writeControl(desc, DMA_ERROR);
            return;
        }
        ByteBuffer bb = ByteBuffer.wrap(d).order(ByteOrder.BIG_ENDIAN);
        int control = bb.getInt(0);
        long length = bb.getInt(4) & 0xffffffffL;
        long address = bb.getLong(8);
        if ((control & DMA_SELECT) != 0) select(control >>> 16);
        Item it = current();
        boolean read = false, write = false;
        if ((control & DMA_READ) != 0) read = true;
        else if ((control & DMA_WRITE) != 0) write = true;
        else if ((control & DMA_SKIP) == 0) length = 0;
        int status = 0;
        while (length > 0 && (status & DMA_ERROR) == 0) {
            long len;
            if (it == null || it.data == null || curOffset >= it.data.length) {
                // past the end: reads give zeros, skips skip, writes fail
                len = length;
                if (read && !dma.fill(address, 0, len)) status |= DMA_ERROR;
                if (write) status |= DMA_ERROR;
            } else {
                len = Math.min(length, it.data.length - curOffset);
                if (read && !dma.write(address, it.data, curOffset, (int) len)) status |= DMA_ERROR;
                if (write) {
                    if (!it.allowWrite || len != length || !dma.read(address, it.data, curOffset, (int) len))
                        status |= DMA_ERROR;
                    else if (it.onWrite != null) it.onWrite.written(curOffset, (int) len);
                }
                curOffset += (int) len;
            }
            address += len;
            length -= len;
        }
        writeControl(desc, status);
    }

    private void writeControl(long desc, int control) {
        byte[] c = {(byte) (control >>> 24), (byte) (control >>> 16), (byte) (control >>> 8), (byte) control};
        dma.write(desc, c, 0, 4);
    }

    // ---- the board's side

    /** Sets numbered item {@code key} (with {@link #ARCH_LOCAL} for x86 items) to {@code data}. */
    public void addBytes(int key, byte[] data) {
        Item it = new Item();
        it.data = data;
        entries[(key & ARCH_LOCAL) != 0 ? 1 : 0][key & ENTRY_MASK] = it;
    }

    public void addI16(int key, int v) {
        addBytes(key, le(v, 2));
    }

    public void addI32(int key, long v) {
        addBytes(key, le(v, 4));
    }

    public void addI64(int key, long v) {
        addBytes(key, le(v, 8));
    }

    /** A NUL-terminated string item. */
    public void addString(int key, String s) {
        addBytes(key, cString(s));
    }

    /** Adds a named file; directory and file keys are renumbered in name order. */
    public void addFile(String name, byte[] data) {
        addFile(name, data, null, null, false);
    }

    /**
     * Adds a named file with an optional select callback (to regenerate contents lazily, as QEMU's ACPI tables)
     * and, if {@code allowWrite}, DMA writes reported to {@code onWrite}.
     */
    public void addFile(String name, byte[] data, Runnable onSelect, WriteCallback onWrite, boolean allowWrite) {
        if (name.getBytes(StandardCharsets.UTF_8).length >= FILE_NAME_MAX)
            throw new IllegalArgumentException("fw_cfg: file name too long: " + name);
        for (File f : files)
            if (f.name.equals(name)) throw new IllegalArgumentException("fw_cfg: duplicate file name: " + name);
        if (files.size() >= FILE_SLOTS) throw new IllegalArgumentException("fw_cfg: no free file slot for " + name);
        Item it = new Item();
        it.data = data;
        it.onSelect = onSelect;
        it.onWrite = onWrite;
        it.allowWrite = allowWrite;
        int i = 0;
        while (i < files.size() && files.get(i).name.compareTo(name) < 0) i++;
        files.add(i, new File(name, it));
        rebuildDirectory();
    }

    /** Replaces a file's contents (size may change); false if there is no such file. */
    public boolean modifyFile(String name, byte[] data) {
        for (File f : files) {
            if (f.name.equals(name)) {
                f.item.data = data;
                rebuildDirectory();
                return true;
            }
        }
        return false;
    }

    /** The key a file has now, or -1. */
    public int fileKey(String name) {
        for (int i = 0; i < files.size(); i++) if (files.get(i).name.equals(name)) return FILE_FIRST + i;
        return -1;
    }

    private void rebuildDirectory() {
        ByteBuffer dir = ByteBuffer.allocate(4 + 64 * files.size()).order(ByteOrder.BIG_ENDIAN);
        dir.putInt(files.size());
        for (int i = 0; i < files.size(); i++) {
            File f = files.get(i);
            entries[0][FILE_FIRST + i] = f.item;
            dir.putInt(f.item.data == null ? 0 : f.item.data.length);
            dir.putShort((short) (FILE_FIRST + i));
            dir.putShort((short) 0);
            byte[] n = f.name.getBytes(StandardCharsets.UTF_8);
            dir.put(n);
            dir.put(new byte[FILE_NAME_MAX - n.length]);
        }
        for (int i = files.size(); i < FILE_SLOTS; i++) entries[0][FILE_FIRST + i] = null;
        Item d = new Item();
        d.data = dir.array();
        entries[0][FILE_DIR] = d;
    }

    // ---- the standard items of a PC

    public void setRamSize(long bytes) {
        addI64(RAM_SIZE, bytes);
    }

    /** NB_CPUS (CPUs at boot) and MAX_CPUS (QEMU passes the APIC ID limit). */
    public void setCpus(int bootCpus, int maxCpus) {
        addI16(NB_CPUS, bootCpus);
        addI16(MAX_CPUS, maxCpus);
    }

    public void setBootMenu(boolean on) {
        addI16(BOOT_MENU, on ? 1 : 0);
    }

    public void setNographic(boolean on) {
        addI16(NOGRAPHIC, on ? 1 : 0);
    }

    /** The protected-mode kernel for -kernel (what QEMU's linuxboot option ROM copies to {@code addr}). */
    public void setKernel(long addr, byte[] data) {
        addI32(KERNEL_ADDR, addr);
        addI32(KERNEL_SIZE, data.length);
        addBytes(KERNEL_DATA, data);
    }

    /** The real-mode setup part of a bzImage, loaded at {@code addr}. */
    public void setSetup(long addr, byte[] data) {
        addI32(SETUP_ADDR, addr);
        addI32(SETUP_SIZE, data.length);
        addBytes(SETUP_DATA, data);
    }

    public void setInitrd(long addr, byte[] data) {
        addI32(INITRD_ADDR, addr);
        addI32(INITRD_SIZE, data.length);
        addBytes(INITRD_DATA, data);
    }

    /** The kernel command line, NUL-terminated, for address {@code addr}. */
    public void setCmdline(long addr, String cmdline) {
        byte[] s = cString(cmdline);
        addI32(CMDLINE_ADDR, addr);
        addI32(CMDLINE_SIZE, s.length);
        addBytes(CMDLINE_DATA, s);
    }

    /** The memory map as file "etc/e820" (SeaBIOS and the Linux boot ROM read it). */
    public void setE820(List<E820Entry> map) {
        ByteBuffer b = ByteBuffer.allocate(20 * map.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (E820Entry e : map) b.putLong(e.address()).putLong(e.length()).putInt(e.type());
        if (!modifyFile("etc/e820", b.array())) addFile("etc/e820", b.array());
    }

    private static byte[] le(long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }

    private static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }

    // ---- snapshots (item contents are configuration, rebuilt by the board)

    public State save() {
        return new State(curEntry, curOffset, dmaAddr);
    }

    public void restore(State s) {
        curEntry = s.curEntry();
        curOffset = s.curOffset();
        dmaAddr = s.dmaAddr();
    }
}
