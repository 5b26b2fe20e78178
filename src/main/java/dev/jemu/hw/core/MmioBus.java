package dev.jemu.hw.core;

import dev.jemu.util.Log;

import java.util.Arrays;

/**
 * Memory-mapped device registers in the guest-physical address space (the I/O APIC at 0xfec00000, the HPET,
 * the local APIC, PCI BARs). Ranges need not be page-sized: several devices may share a page (sub-page ranges).
 * The soft TLB asks {@link #pageHasDevice} once per page to send that page down the I/O path; each access then
 * finds its device by a binary search over the sorted ranges (a PC has a few dozen). An access past the end of
 * a range, or wider than the range's maximum access size, is split into bytes / narrower pieces.
 * Unassigned addresses read as all ones and ignore writes (a PCI master abort).
 *
 * <p>Mappings are replaced copy-on-write, so vCPU threads read them without locking.
 */
public final class MmioBus {
    public static final long PAGE_SIZE = 4096;

    private record Range(long base, long length, int maxAccess, IoDevice device, String name) {
        long end() {
            return base + length;
        }
    }

    private volatile Range[] ranges = new Range[0];
    private final Log log;

    public MmioBus(Log log) {
        this.log = log;
    }

    /** Maps {@code device} at {@code [base, base+length)}; accesses are at most {@code maxAccess} (1..8) bytes. */
    public synchronized void map(long base, long length, int maxAccess, IoDevice device, String name) {
        if (length <= 0 || base < 0 || base + length < base)
            throw new IllegalArgumentException(String.format("%s: bad range 0x%x+0x%x", name, base, length));
        if (maxAccess != 1 && maxAccess != 2 && maxAccess != 4 && maxAccess != 8)
            throw new IllegalArgumentException(name + ": bad maximum access size " + maxAccess);
        Range[] old = ranges;
        for (Range r : old) {
            if (base < r.end() && r.base < base + length)
                throw new IllegalArgumentException(String.format("%s: 0x%x+0x%x overlaps %s", name, base, length, r.name));
        }
        Range[] n = Arrays.copyOf(old, old.length + 1);
        n[old.length] = new Range(base, length, maxAccess, device, name);
        Arrays.sort(n, (a, b) -> Long.compareUnsigned(a.base, b.base));
        ranges = n;
    }

    /** Removes the range that starts at {@code base}. */
    public synchronized void unmap(long base) {
        Range[] old = ranges;
        int i = find(old, base);
        if (i < 0 || old[i].base != base) throw new IllegalArgumentException(String.format("no mapping at 0x%x", base));
        Range[] n = new Range[old.length - 1];
        System.arraycopy(old, 0, n, 0, i);
        System.arraycopy(old, i + 1, n, i, old.length - i - 1);
        ranges = n;
    }

    /** True if a device claims any byte of the 4 KiB page holding {@code addr}. */
    public boolean pageHasDevice(long addr) {
        long page = addr & -PAGE_SIZE;
        Range[] rs = ranges;
        // the last range starting at or before the page's end is the only one that can reach into it from below
        int i = find(rs, page + PAGE_SIZE - 1);
        return i >= 0 && rs[i].end() > page;
    }

    /** True if a device claims {@code addr}. */
    public boolean claims(long addr) {
        Range[] rs = ranges;
        int i = find(rs, addr);
        return i >= 0 && addr < rs[i].end();
    }

    /** The name of the device at {@code addr}, or null. */
    public String nameAt(long addr) {
        Range[] rs = ranges;
        int i = find(rs, addr);
        return i >= 0 && addr < rs[i].end() ? rs[i].name : null;
    }

    /** A read of {@code size} bytes (1, 2, 4 or 8). */
    public long read(long addr, int size) {
        Range[] rs = ranges;
        int i = find(rs, addr);
        if (i >= 0) {
            Range r = rs[i];
            if (size <= r.maxAccess && addr + size <= r.end() && addr < r.end())
                return r.device.read(addr - r.base, size) & mask(size);
        }
        long v = 0;
        for (int k = 0; k < size; ) {
            long a = addr + k;
            int j = find(rs, a);
            Range q = j >= 0 && a < rs[j].end() ? rs[j] : null;
            int n = piece(q, a, size - k);
            long b = q == null ? unassignedRead(a, n) : q.device.read(a - q.base, n) & mask(n);
            v |= b << (8 * k);
            k += n;
        }
        return v;
    }

    /** A write of the low {@code size} bytes (1, 2, 4 or 8) of {@code value}. */
    public void write(long addr, int size, long value) {
        Range[] rs = ranges;
        int i = find(rs, addr);
        if (i >= 0) {
            Range r = rs[i];
            if (size <= r.maxAccess && addr + size <= r.end() && addr < r.end()) {
                r.device.write(addr - r.base, size, value & mask(size));
                return;
            }
        }
        for (int k = 0; k < size; ) {
            long a = addr + k;
            int j = find(rs, a);
            Range q = j >= 0 && a < rs[j].end() ? rs[j] : null;
            int n = piece(q, a, size - k);
            long p = (value >>> (8 * k)) & mask(n);
            if (q == null) unassignedWrite(a, n, p);
            else q.device.write(a - q.base, n, p);
            k += n;
        }
    }

    /** The widest aligned piece of at most {@code left} bytes that stays inside {@code q}. */
    private static int piece(Range q, long a, int left) {
        if (q == null) return 1;
        int n = Math.min(q.maxAccess, left);
        while (n > 1 && (((a - q.base) & (n - 1)) != 0 || a + n > q.end())) n >>= 1;
        return n;
    }

    /** Index of the last range whose base is at or below {@code addr} (unsigned), or -1. */
    private static int find(Range[] rs, long addr) {
        int lo = 0, hi = rs.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(rs[mid].base, addr) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private static long mask(int size) {
        return size >= 8 ? -1L : (1L << (8 * size)) - 1;
    }

    private long unassignedRead(long addr, int size) {
        if (log != null && (log.on(Log.Item.UNIMP) || log.on(Log.Item.GUEST_ERRORS)))
            log.printf("unassigned mmio read: 0x%x size %d%n", addr, size);
        return mask(size);
    }

    private void unassignedWrite(long addr, int size, long value) {
        if (log != null && (log.on(Log.Item.UNIMP) || log.on(Log.Item.GUEST_ERRORS)))
            log.printf("unassigned mmio write: 0x%x size %d value 0x%x%n", addr, size, value);
    }
}
