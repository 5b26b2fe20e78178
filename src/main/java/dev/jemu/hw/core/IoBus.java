package dev.jemu.hw.core;

import dev.jemu.util.Log;

/**
 * The x86 I/O port space: 64K byte-addressed ports, each range mapped to one device. Lookup is one array
 * index per port. An access wider than the mapping's maximum access size is split into narrower ones in
 * little-endian order (so {@code outw 0x70, ax} sets the CMOS index and writes the data, as on a PC), and so is
 * one that runs past the end of a mapping: each piece goes to whichever device owns its port.
 * Unassigned ports read as all ones and ignore writes, like an ISA bus with nobody driving it.
 */
public final class IoBus {
    public static final int PORTS = 0x10000;

    private record Mapping(int base, int length, int maxAccess, IoDevice device, String name) {
    }

    private final Mapping[] ports = new Mapping[PORTS];
    private final Log log;

    /** @param log where unassigned accesses are reported under -d unimp/guest_errors; may be null */
    public IoBus(Log log) {
        this.log = log;
    }

    /**
     * Maps {@code device} at ports {@code [base, base+length)}; it sees offsets from {@code base} and accesses of
     * at most {@code maxAccess} bytes (1, 2 or 4). Overlapping an existing mapping is a board bug.
     */
    public void map(int base, int length, int maxAccess, IoDevice device, String name) {
        if (base < 0 || length <= 0 || base + length > PORTS)
            throw new IllegalArgumentException(String.format("%s: ports 0x%x+0x%x out of range", name, base, length));
        if (maxAccess != 1 && maxAccess != 2 && maxAccess != 4)
            throw new IllegalArgumentException(name + ": bad maximum access size " + maxAccess);
        for (int p = base; p < base + length; p++) {
            if (ports[p] != null)
                throw new IllegalArgumentException(String.format("%s: port 0x%x already used by %s", name, p,
                        ports[p].name));
        }
        Mapping m = new Mapping(base, length, maxAccess, device, name);
        for (int p = base; p < base + length; p++) ports[p] = m;
    }

    /** Removes the mapping that starts at {@code base} (PCI BAR moves, device unplug). */
    public void unmap(int base) {
        Mapping m = ports[base & 0xffff];
        if (m == null || m.base != base) throw new IllegalArgumentException(String.format("no mapping at 0x%x", base));
        for (int p = m.base; p < m.base + m.length; p++) ports[p] = null;
    }

    /** The name of the device at {@code port}, or null. */
    public String nameAt(int port) {
        Mapping m = ports[port & 0xffff];
        return m == null ? null : m.name;
    }

    /** An IN of {@code size} bytes (1, 2 or 4) from {@code port}. */
    public int read(int port, int size) {
        port &= 0xffff;
        Mapping m = ports[port];
        if (m != null && size <= m.maxAccess && port + size <= m.base + m.length)
            return (int) m.device.read(port - m.base, size) & mask(size);
        if (m == null && size == 1) return unassignedRead(port, 1);
        // split: bytes, or the mapping's access size when the access is aligned to it inside the range
        int v = 0;
        for (int i = 0; i < size; ) {
            int p = (port + i) & 0xffff;
            Mapping q = ports[p];
            int n = 1;
            if (q != null && q.maxAccess > 1) {
                n = Math.min(q.maxAccess, size - i);
                while (n > 1 && ((p - q.base) % n != 0 || p + n > q.base + q.length)) n >>= 1;
            }
            int b = q == null ? unassignedRead(p, n) : (int) q.device.read(p - q.base, n) & mask(n);
            v |= b << (8 * i);
            i += n;
        }
        return v;
    }

    /** An OUT of the low {@code size} bytes (1, 2 or 4) of {@code value} to {@code port}. */
    public void write(int port, int size, int value) {
        port &= 0xffff;
        Mapping m = ports[port];
        if (m != null && size <= m.maxAccess && port + size <= m.base + m.length) {
            m.device.write(port - m.base, size, value & mask(size) & 0xffffffffL);
            return;
        }
        if (m == null && size == 1) {
            unassignedWrite(port, 1, value);
            return;
        }
        for (int i = 0; i < size; ) {
            int p = (port + i) & 0xffff;
            Mapping q = ports[p];
            int n = 1;
            if (q != null && q.maxAccess > 1) {
                n = Math.min(q.maxAccess, size - i);
                while (n > 1 && ((p - q.base) % n != 0 || p + n > q.base + q.length)) n >>= 1;
            }
            int piece = (value >>> (8 * i)) & mask(n);
            if (q == null) unassignedWrite(p, n, piece);
            else q.device.write(p - q.base, n, piece & 0xffffffffL);
            i += n;
        }
    }

    private static int mask(int size) {
        return size >= 4 ? -1 : (1 << (8 * size)) - 1;
    }

    private int unassignedRead(int port, int size) {
        if (log != null && (log.on(Log.Item.UNIMP) || log.on(Log.Item.GUEST_ERRORS)))
            log.printf("unassigned io read: port 0x%04x size %d%n", port, size);
        return mask(size);
    }

    private void unassignedWrite(int port, int size, int value) {
        if (log != null && (log.on(Log.Item.UNIMP) || log.on(Log.Item.GUEST_ERRORS)))
            log.printf("unassigned io write: port 0x%04x size %d value 0x%x%n", port, size, value);
    }
}
