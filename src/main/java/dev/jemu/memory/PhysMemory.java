package dev.jemu.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The guest-physical address space of a system-mode machine: page-granular regions of RAM (read/write) and ROM
 * (read-only; writes are dropped) backed by one {@link HostRam}, everything else MMIO handled by the board.
 * The A20 gate masks address bit 20 when disabled.
 *
 * <p>It also tracks which RAM pages hold decoded guest code: the first write to such a page, by a CPU or by
 * DMA, tells the listeners to invalidate that page's code (self-modifying code, code loaded by disk DMA).
 *
 * <p>Regions are replaced copy-on-write, so vCPU threads read the map without locking.
 */
public final class PhysMemory {
    public static final long PAGE = 4096;

    /** Whatever is not RAM or ROM: the board's MMIO bus. */
    public interface Mmio {
        long read(long pa, int size);

        void write(long pa, int size, long value);
    }

    /** vCPUs (their TLBs and code caches) listen to changes of the map. */
    public interface Listener {
        /** The map changed (regions, A20): cached translations are stale. */
        void flushTlb();

        /**
         * Code on a RAM page is being overwritten: forget what was decoded from it. {@code hostPage} is the
         * page's host RAM offset (one identity for all the physical aliases of the page).
         */
        void invalidateCode(long page);

        /**
         * Code was decoded from the RAM page at host offset {@code hostPage}: cached write translations of it
         * must go back through {@link #translate} (which notices the first write). Listeners that can find
         * those entries drop only them; the default forgets every cached translation.
         */
        default void protectCode(long hostPage) {
            flushTlb();
        }
    }

    private record Region(long base, long end, long hostOffset, boolean rom) {}

    private static final ValueLayout.OfByte B = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final VarHandle CAS32 = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle CAS64 = ValueLayout.JAVA_LONG.varHandle();

    private final HostRam hostRam;
    private final MemorySegment ram;
    private final Mmio mmio;
    private volatile Region[] regions = new Region[0];
    private volatile long a20Mask = -1L;
    /** One bit per host RAM page: decoded code came from it. */
    private final long[] codeBits;
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

    public PhysMemory(HostRam ram, Mmio mmio) {
        this.hostRam = ram;
        this.ram = ram.segment();
        this.mmio = mmio;
        this.codeBits = new long[(int) ((ram.size() / PAGE + 63) / 64)];
    }

    public HostRam hostRam() {
        return hostRam;
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    // ---- the map ----

    /** Maps [pa, pa+len) to host RAM at {@code hostOffset}, read/write. Replaces what was there. */
    public void mapRam(long pa, long len, long hostOffset) {
        map(pa, len, hostOffset, false);
    }

    /** Maps [pa, pa+len) to host RAM at {@code hostOffset}, read-only (guest writes are ignored). */
    public void mapRom(long pa, long len, long hostOffset) {
        map(pa, len, hostOffset, true);
    }

    /** Makes [pa, pa+len) MMIO again. */
    public synchronized void unmap(long pa, long len) {
        regions = carve(regions, pa, pa + len);
        flushAll();
    }

    private synchronized void map(long pa, long len, long hostOffset, boolean rom) {
        if ((pa | len | hostOffset) % PAGE != 0 || len <= 0 || hostOffset + len > ram.byteSize())
            throw new IllegalArgumentException(String.format("bad region 0x%x+0x%x at host 0x%x", pa, len, hostOffset));
        Region[] rs = carve(regions, pa, pa + len);
        Region[] n = Arrays.copyOf(rs, rs.length + 1);
        n[rs.length] = new Region(pa, pa + len, hostOffset, rom);
        Arrays.sort(n, (a, b) -> Long.compareUnsigned(a.base, b.base));
        regions = n;
        flushAll();
    }

    /** The regions with [from, to) cut out of them. */
    private static Region[] carve(Region[] rs, long from, long to) {
        java.util.ArrayList<Region> out = new java.util.ArrayList<>();
        for (Region r : rs) {
            if (r.end <= from || r.base >= to) {
                out.add(r);
                continue;
            }
            if (r.base < from) out.add(new Region(r.base, from, r.hostOffset, r.rom));
            if (r.end > to) out.add(new Region(to, r.end, r.hostOffset + (to - r.base), r.rom));
        }
        return out.toArray(new Region[0]);
    }

    /** What {@link #forEachRegion} hands out: guest-physical [base, base+size) backed by host RAM at hostOffset. */
    @FunctionalInterface
    public interface RegionVisitor {
        void region(long base, long size, long hostOffset, boolean rom);
    }

    /**
     * Visits every RAM and ROM region in ascending address order (a hypervisor mirrors them as memory slots;
     * the rest is MMIO). A snapshot: the map may change after the call, and listeners hear when it does.
     */
    public void forEachRegion(RegionVisitor v) {
        for (Region r : regions) v.region(r.base, r.end - r.base, r.hostOffset, r.rom);
    }

    /** Enables or disables the A20 gate (disabled: bit 20 of every physical address reads as 0). */
    public void setA20(boolean enabled) {
        long m = enabled ? -1L : ~(1L << 20);
        if (m != a20Mask) {
            a20Mask = m;
            flushAll();
        }
    }

    public boolean a20() {
        return a20Mask == -1L;
    }

    private void flushAll() {
        for (Listener l : listeners) l.flushTlb();
    }

    private Region find(long pa) {
        Region[] rs = regions;
        int lo = 0, hi = rs.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Region r = rs[mid];
            if (Long.compareUnsigned(pa, r.base) < 0) hi = mid - 1;
            else if (Long.compareUnsigned(pa, r.end) >= 0) lo = mid + 1;
            else return r;
        }
        return null;
    }

    // ---- the soft TLB's view ----

    /**
     * Translates the physical page holding {@code pa} for an access (SoftMmu.READ/WRITE/EXEC), in
     * {@link SoftMmu.Backend#translate}'s encoding: the host RAM offset of the page, or the physical page with
     * {@link SoftMmu.Backend#IO} set (MMIO, and writes to ROM). A write to a page holding code invalidates
     * that code first.
     */
    public long translate(long pa, int access) {
        pa &= a20Mask;
        Region r = find(pa);
        if (r == null || (r.rom && access == SoftMmu.WRITE)) return (pa & ~(PAGE - 1)) | SoftMmu.Backend.IO;
        long host = r.hostOffset + ((pa - r.base) & ~(PAGE - 1));
        if (access == SoftMmu.WRITE) codeWritten(host);
        return host;
    }

    /** Host RAM offset of {@code pa}, or -1 if it is not RAM/ROM. */
    public long hostOffset(long pa) {
        pa &= a20Mask;
        Region r = find(pa);
        return r == null ? -1 : r.hostOffset + (pa - r.base);
    }

    /** Notes that code was decoded from the RAM page holding {@code pa}. */
    public void markCode(long pa) {
        long host = hostOffset(pa);
        if (host < 0) return;
        int page = (int) (host / PAGE);
        synchronized (codeBits) {
            if ((codeBits[page >>> 6] & (1L << page)) != 0) return;
            codeBits[page >>> 6] |= 1L << page;
        }
        // cached write translations of this page must now come back through translate()
        long hostPage = (long) page * PAGE;
        for (Listener l : listeners) l.protectCode(hostPage);
    }

    /** True if the page was marked as code (and not written since). */
    public boolean isCode(long pa) {
        long host = hostOffset(pa);
        if (host < 0) return false;
        int page = (int) (host / PAGE);
        return (codeBits[page >>> 6] & (1L << page)) != 0;
    }

    private void codeWritten(long hostPage) {
        int page = (int) (hostPage / PAGE);
        if ((codeBits[page >>> 6] & (1L << page)) == 0) return;
        synchronized (codeBits) {
            codeBits[page >>> 6] &= ~(1L << page);
        }
        for (Listener l : listeners) l.invalidateCode(hostPage);
    }

    // ---- physical accesses (page walks, DMA, loaders) ----

    /** Reads {@code size} bytes (1, 2, 4, 8) at {@code pa} from RAM/ROM or MMIO; within one page. */
    public long read(long pa, int size) {
        long host = hostOffset(pa);
        if (host < 0 || (pa & (PAGE - 1)) + size > PAGE) {
            if (host < 0) return mmio.read(pa & a20Mask, size);
            long v = 0;
            for (int k = 0; k < size; k++) v |= read(pa + k, 1) << (8 * k);
            return v;
        }
        return switch (size) {
            case 1 -> ram.get(B, host) & 0xff;
            case 2 -> ram.get(S, host) & 0xffff;
            case 4 -> ram.get(I, host) & 0xffffffffL;
            default -> ram.get(L, host);
        };
    }

    /** Writes {@code size} bytes at {@code pa} (ROM ignores them, MMIO gets them). */
    public void write(long pa, int size, long v) {
        if ((pa & (PAGE - 1)) + size > PAGE) {
            for (int k = 0; k < size; k++) write(pa + k, 1, v >>> (8 * k));
            return;
        }
        long t = translate(pa, SoftMmu.WRITE);
        if ((t & SoftMmu.Backend.IO) != 0) {
            if (find(pa & a20Mask) == null) mmio.write(pa & a20Mask, size, v);
            return;
        }
        long host = t + (pa & (PAGE - 1));
        switch (size) {
            case 1 -> ram.set(B, host, (byte) v);
            case 2 -> ram.set(S, host, (short) v);
            case 4 -> ram.set(I, host, (int) v);
            default -> ram.set(L, host, v);
        }
    }

    /** Atomic compare-and-exchange of an aligned 4- or 8-byte RAM value (page-table A/D bits); returns what was found. */
    public long cmpxchg(long pa, int size, long expected, long update) {
        long t = translate(pa, SoftMmu.WRITE);
        if ((t & SoftMmu.Backend.IO) != 0) {
            long found = read(pa, size);
            if (found == expected) write(pa, size, update);
            return found;
        }
        long host = t + (pa & (PAGE - 1));
        if (size == 8) return (long) CAS64.compareAndExchange(ram, host, expected, update);
        return (int) CAS32.compareAndExchange(ram, host, (int) expected, (int) update) & 0xffffffffL;
    }

    /** Copies guest-physical memory into {@code dst}; MMIO bytes are read through the bus. */
    public void readBytes(long pa, byte[] dst, int off, int len) {
        for (int k = 0; k < len; ) {
            long a = pa + k;
            int n = (int) Math.min(len - k, PAGE - (a & (PAGE - 1)));
            long host = hostOffset(a);
            if (host >= 0) MemorySegment.copy(ram, B, host, dst, off + k, n);
            else for (int j = 0; j < n; j++) dst[off + k + j] = (byte) mmio.read((a + j) & a20Mask, 1);
            k += n;
        }
    }

    /** Copies {@code src} into guest-physical memory (ROM keeps its contents; code pages are invalidated). */
    public void writeBytes(long pa, byte[] src, int off, int len) {
        for (int k = 0; k < len; ) {
            long a = pa + k;
            int n = (int) Math.min(len - k, PAGE - (a & (PAGE - 1)));
            long t = translate(a, SoftMmu.WRITE);
            if ((t & SoftMmu.Backend.IO) == 0) MemorySegment.copy(src, off + k, ram, B, t + (a & (PAGE - 1)), n);
            else if (find(a & a20Mask) == null) for (int j = 0; j < n; j++) mmio.write((a + j) & a20Mask, 1, src[off + k + j]);
            k += n;
        }
    }

    /** True if all of [pa, pa+len) is RAM (writable): DMA engines fail a transfer that is not. */
    public boolean isRam(long pa, long len) {
        for (long a = pa & ~(PAGE - 1); Long.compareUnsigned(a, pa + len) < 0; a += PAGE) {
            Region r = find(a & a20Mask);
            if (r == null || r.rom) return false;
        }
        return true;
    }

    /**
     * Loads firmware or a kernel into host RAM directly (ROM included), bypassing the map's permissions:
     * {@code hostOffset} as in {@link #mapRom}.
     */
    public void load(long hostOffset, byte[] data, int off, int len) {
        MemorySegment.copy(data, off, ram, B, hostOffset, len);
    }
}
