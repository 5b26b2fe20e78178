package dev.jemu.user.linux;

import dev.jemu.memory.HostRam;
import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.X86Exception;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A guest process's virtual memory. Guest address {@code va} lives at offset {@code va} of one host window
 * ({@link HostRam}, reserved lazily), so a guest buffer is one contiguous host buffer and system calls can hand
 * it to the host directly. Permissions are the guest's own, kept per page and enforced by the soft TLB: a write
 * to a read-only page is a guest SIGSEGV. Mappings (for placement and /proc/self/maps) are kept as VMAs.
 */
public final class AddressSpace implements SoftMmu.Backend {
    public static final int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    /** Page holds decoded code: writes must invalidate it. */
    private static final int CODE = 0x10;
    /** Page is mapped (possibly PROT_NONE): distinguishes a PROT_NONE page from a hole. */
    private static final int MAPPED = 0x8;
    /** Page of a shared file mapping beyond the end of the file: any access is SIGBUS, not SIGSEGV. */
    private static final int BUS = 0x20;
    /** Page-fault error code bit jemu sets for a {@link #BUS} page (bit 15, SGX, never set in user mode). */
    public static final int ERR_BUS = 1 << 15;
    private static final long PAGE = 4096;
    private static final int CHUNK_BITS = 12; // pages per permission chunk: 4096 (16 MiB of address space)

    /** A mapping, for placement decisions and /proc/self/maps. */
    public static final class Vma {
        public long start, end;
        public int prot;
        public String name; // file path, "[heap]", "[stack]" or "" for anonymous
        public long fileOffset;
        /** MAP_SHARED: the pages are a host shared mapping (of a file or a memfd), seen by every process that maps it. */
        public boolean shared;
        /** The shared object behind a MAP_SHARED mapping (fileOffset is the offset into it), else null. */
        Backing backing;

        Vma(long start, long end, int prot, String name, long fileOffset) {
            this.start = start;
            this.end = end;
            this.prot = prot;
            this.name = name;
            this.fileOffset = fileOffset;
        }

        Vma copy() {
            Vma c = new Vma(start, end, prot, name, fileOffset);
            c.shared = shared;
            c.backing = backing;
            return c;
        }
    }

    /**
     * What a MAP_SHARED mapping shows: a host descriptor (the file, or a memfd for shared anonymous memory)
     * mapped MAP_SHARED into the window, so writes reach the file and forked processes share the pages.
     * Counted: every VMA piece referring to it holds a reference.
     */
    static final class Backing {
        final int fd;
        private int refs = 1;

        Backing(int fd) {
            this.fd = fd;
        }

        synchronized Backing retain() {
            refs++;
            return this;
        }

        synchronized void release() {
            if (--refs == 0) HostSyscall.call(Nr.CLOSE, fd);
        }
    }

    private static final int HOST_PROT_READ = 1, HOST_PROT_WRITE = 2, HOST_MAP_SHARED = 1, HOST_MAP_PRIVATE = 2,
            HOST_MAP_FIXED = 0x10, HOST_MAP_ANONYMOUS = 0x20, HOST_MAP_NORESERVE = 0x4000;

    /** Maps {@code b} at [start, start+len) of our host window; guest permissions stay soft. -errno on failure. */
    private long hostMapShared(Backing b, long start, long len, long offset, int prot) {
        long hp = HOST_PROT_READ | ((prot & PROT_WRITE) != 0 ? HOST_PROT_WRITE : 0);
        long r = HostSyscall.call(Nr.MMAP, hostAddress(start), len, hp, HOST_MAP_SHARED | HOST_MAP_FIXED, b.fd, offset);
        return r < 0 ? r : 0;
    }

    /** Puts fresh private zero pages back where a shared mapping was. */
    private void hostUnmapShared(long start, long len) {
        HostSyscall.call(Nr.MMAP, hostAddress(start), len, HOST_PROT_READ | HOST_PROT_WRITE,
                HOST_MAP_PRIVATE | HOST_MAP_ANONYMOUS | HOST_MAP_NORESERVE | HOST_MAP_FIXED, -1, 0);
    }

    private final HostRam ram;
    private final long limit;
    private final byte[][] prot;
    private final TreeMap<Long, Vma> vmas = new TreeMap<>();
    /** The vCPUs (threads) using this address space: their TLBs and decoded code are flushed on changes. */
    private final List<Listener> listeners = new ArrayList<>();

    public long brkStart, brk;
    /** Processes using this address space (vfork and CLONE_VM children share it). */
    private int users = 1;
    private boolean destroyed;
    /** Where top-down mmap placement starts (just below the stack region). */
    public long mmapTop;

    /** What a thread does when its view of memory must change. */
    public interface Listener {
        /** Permissions changed somewhere: drop cached translations (called from any thread). */
        void flushTlb();

        /** Code on this page was modified or unmapped: drop decoded code for it. */
        void invalidateCode(long page);

        /**
         * Pages of [start, start+len) were mapped, unmapped or changed permissions (called with the address
         * space locked, before {@link #flushTlb}): hardware page tables built from {@link #pageState} follow here.
         */
        default void mapChanged(long start, long len) {}
    }

    /** Bits of {@link #pageState}: the guest's PROT_* bits, plus these. */
    public static final int PAGE_MAPPED = MAPPED, PAGE_BUS = BUS;

    /** The state of the page holding {@code va}: PROT_* | PAGE_MAPPED | PAGE_BUS (0 for a hole). */
    public int pageState(long va) {
        return va < 0 || va >= limit ? 0 : protOf(va) & (7 | MAPPED | BUS);
    }

    private void mapChanged(long start, long len) {
        for (Listener l : listeners) l.mapChanged(start, len);
    }

    public AddressSpace(long limit) {
        this.limit = limit;
        this.ram = HostRam.reserve(limit);
        this.prot = new byte[(int) ((limit / PAGE) >>> CHUNK_BITS) + 1][];
    }

    public HostRam ram() {
        return ram;
    }

    public long limit() {
        return limit;
    }

    public MemorySegment segment() {
        return ram.segment();
    }

    /** The host address of guest address {@code va} (valid for the guest buffers of system calls). */
    public long hostAddress(long va) {
        return ram.segment().address() + va;
    }

    public synchronized void addListener(Listener l) {
        listeners.add(l);
    }

    public synchronized void removeListener(Listener l) {
        listeners.remove(l);
    }

    // ---- permissions ----

    private int protOf(long page) {
        long pn = page >>> 12;
        byte[] c = prot[(int) (pn >>> CHUNK_BITS)];
        return c == null ? 0 : c[(int) (pn & ((1 << CHUNK_BITS) - 1))];
    }

    private void setProtOf(long page, int p) {
        long pn = page >>> 12;
        int ci = (int) (pn >>> CHUNK_BITS);
        byte[] c = prot[ci];
        if (c == null) {
            if (p == 0) return;
            c = prot[ci] = new byte[1 << CHUNK_BITS];
        }
        c[(int) (pn & ((1 << CHUNK_BITS) - 1))] = (byte) p;
    }

    @Override
    public long translate(long va, int access) {
        if (va < 0 || va >= limit) throw X86Exception.pageFault(va, 4 | (access == SoftMmu.WRITE ? 2 : 0) | (access == SoftMmu.EXEC ? 0x10 : 0));
        int p = protOf(va);
        if ((p & BUS) != 0) throw X86Exception.pageFault(va, ERR_BUS | 5 | (access == SoftMmu.WRITE ? 2 : 0));
        boolean ok = switch (access) {
            case SoftMmu.READ -> (p & (PROT_READ | PROT_WRITE | PROT_EXEC)) != 0;
            case SoftMmu.WRITE -> (p & PROT_WRITE) != 0;
            default -> (p & PROT_EXEC) != 0;
        };
        if (!ok) {
            int err = 4 | ((p & 7) != 0 ? 1 : 0) | (access == SoftMmu.WRITE ? 2 : 0) | (access == SoftMmu.EXEC ? 0x10 : 0);
            throw X86Exception.pageFault(va, err);
        }
        if (access == SoftMmu.WRITE && (p & CODE) != 0) {
            codeWritten(va & ~(PAGE - 1));
        }
        return va & ~(PAGE - 1);
    }

    @Override
    public void markCode(long page) {
        int p = protOf(page);
        if ((p & CODE) != 0 || (p & 7) == 0) return;
        setProtOf(page, p | CODE);
        flushAllTlbs(); // cached write translations for this page must now take the slow path
    }

    private synchronized void codeWritten(long page) {
        int p = protOf(page);
        setProtOf(page, p & ~CODE);
        for (Listener l : listeners) l.invalidateCode(page);
    }

    private synchronized void flushAllTlbs() {
        for (Listener l : listeners) l.flushTlb();
    }

    /** True if every page of [va, va+len) allows the access (system-call buffer checks: EFAULT otherwise). */
    public boolean accessible(long va, long len, int protNeeded) {
        if (len == 0) return true;
        if (va < 0 || va + len > limit || va + len < va) return false;
        for (long p = va & ~(PAGE - 1); p < va + len; p += PAGE) {
            int have = protOf(p);
            if ((have & MAPPED) == 0 || (have & BUS) != 0 || (have & protNeeded) != protNeeded) return false;
        }
        return true;
    }

    // ---- mappings ----

    /**
     * MAP_SHARED: maps [start, start+len) to {@code fd} at {@code offset} (the host shares the pages); the
     * descriptor is kept (the caller passes its own duplicate). Returns 0 or -errno (then nothing changed
     * but the range was unmapped, as a failed MAP_FIXED mmap leaves it in Linux).
     */
    public synchronized long mapShared(long start, long len, int p, String name, long offset, int fd) {
        len = pageUp(len);
        unmapRange(start, len);
        Backing b = new Backing(fd);
        long r = hostMapShared(b, start, len, offset, p);
        if (r < 0) {
            b.release();
            hostUnmapShared(start, len);
            mapChanged(start, len);
            flushAllTlbs();
            return r;
        }
        for (long a = start; a < start + len; a += PAGE) setProtOf(a, (p & 7) | MAPPED);
        Vma v = new Vma(start, start + len, p & 7, name, offset);
        v.shared = true;
        v.backing = b;
        vmas.put(start, v);
        mapChanged(start, len);
        flushAllTlbs();
        return 0;
    }

    /** Pages of [start, start+len) beyond the end of a shared file: accesses raise SIGBUS, as in Linux. */
    public synchronized void markBeyondEof(long start, long len) {
        for (long a = start; a < start + pageUp(len); a += PAGE) setProtOf(a, protOf(a) | BUS);
        mapChanged(start, pageUp(len));
        flushAllTlbs();
    }

    /** Maps [start, start+len) with {@code p}, replacing whatever was there; memory is zeroed. */
    public synchronized void map(long start, long len, int p, String name, long fileOffset) {
        len = pageUp(len);
        unmapRange(start, len);
        for (long a = start; a < start + len; a += PAGE) setProtOf(a, (p & 7) | MAPPED);
        vmas.put(start, new Vma(start, start + len, p & 7, name, fileOffset));
        mergeAround(start);
        mapChanged(start, len);
        flushAllTlbs();
    }

    public synchronized void unmap(long start, long len) {
        len = pageUp(len);
        unmapRange(start, len);
        mapChanged(start, len);
        flushAllTlbs();
    }

    private void unmapRange(long start, long len) {
        long end = start + len;
        splitAt(start);
        splitAt(end);
        boolean any = false;
        for (Map.Entry<Long, Vma> e : new ArrayList<>(vmas.subMap(start, true, end, false).entrySet())) {
            Vma v = e.getValue();
            vmas.remove(e.getKey());
            for (long a = v.start; a < v.end; a += PAGE) {
                if ((protOf(a) & CODE) != 0) for (Listener l : listeners) l.invalidateCode(a);
                setProtOf(a, 0);
            }
            if (v.backing != null) {
                hostUnmapShared(v.start, v.end - v.start);
                v.backing.release();
                v.backing = null;
            } else {
                ram.discard(v.start, v.end - v.start);
            }
            any = true;
        }
        if (!any) {
            // Nothing mapped there; nothing to discard.
            return;
        }
    }

    /** Changes permissions of [start, start+len); false if that failed. */
    public boolean protect(long start, long len, int p) {
        return mprotect(start, len, p) == 0;
    }

    /** mprotect: 0, -ENOMEM if part of the range is unmapped, -EACCES if a shared file mapping cannot be writable. */
    public synchronized long mprotect(long start, long len, int p) {
        len = pageUp(len);
        long end = start + len;
        for (long a = start; a < end; a += PAGE) if ((protOf(a) & MAPPED) == 0) return -Errno.ENOMEM;
        splitAt(start);
        splitAt(end);
        for (Vma v : vmas.subMap(start, true, end, false).values()) {
            if (v.backing != null && (p & PROT_WRITE) != 0 && (v.prot & PROT_WRITE) == 0) {
                // The host mapping must allow writes now (a file opened read-only refuses: EACCES).
                long r = HostSyscall.call(Nr.MPROTECT, hostAddress(v.start), v.end - v.start,
                        HOST_PROT_READ | HOST_PROT_WRITE);
                if (r < 0) return r;
            }
        }
        for (Vma v : vmas.subMap(start, true, end, false).values()) v.prot = p & 7;
        for (long a = start; a < end; a += PAGE) {
            int old = protOf(a);
            setProtOf(a, (p & 7) | (old & (CODE | BUS)) | MAPPED);
        }
        mergeAround(start);
        mergeAround(end);
        mapChanged(start, len);
        flushAllTlbs();
        return 0;
    }

    private void splitAt(long addr) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        if (e == null) return;
        Vma v = e.getValue();
        if (v.start < addr && addr < v.end) {
            Vma hi = new Vma(addr, v.end, v.prot, v.name, v.fileOffset + (addr - v.start));
            hi.shared = v.shared;
            hi.backing = v.backing == null ? null : v.backing.retain();
            v.end = addr;
            vmas.put(addr, hi);
        }
    }

    private void mergeAround(long addr) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        if (e == null) return;
        Vma v = e.getValue();
        Map.Entry<Long, Vma> lo = vmas.lowerEntry(v.start);
        if (lo != null && canMerge(lo.getValue(), v)) {
            lo.getValue().end = v.end;
            vmas.remove(v.start);
            if (v.backing != null) v.backing.release();
            v = lo.getValue();
        }
        Map.Entry<Long, Vma> hi = vmas.higherEntry(v.start);
        if (hi != null && canMerge(v, hi.getValue())) {
            v.end = hi.getValue().end;
            vmas.remove(hi.getKey());
            if (hi.getValue().backing != null) hi.getValue().backing.release();
        }
    }

    private static boolean canMerge(Vma a, Vma b) {
        if (a.backing != b.backing) return false;
        if (a.backing != null) return a.end == b.start && a.prot == b.prot && a.fileOffset + (a.end - a.start) == b.fileOffset;
        return a.end == b.start && a.prot == b.prot && a.name.equals(b.name)
                && (a.name.isEmpty() || a.name.startsWith("[") || a.fileOffset + (a.end - a.start) == b.fileOffset);
    }

    /** Finds a free range of {@code len} bytes, top-down from mmapTop (as Linux places mmaps). -1 if none. */
    public synchronized long findFree(long len, long hint) {
        len = pageUp(len);
        if (hint != 0 && hint + len <= mmapTop && isFree(hint, len)) return hint;
        long top = mmapTop;
        for (;;) {
            long start = top - len;
            if (start < PAGE * 16) return -1;
            Map.Entry<Long, Vma> e = vmas.lowerEntry(top);
            if (e == null || e.getValue().end <= start) return start;
            top = e.getValue().start;
        }
    }

    public synchronized boolean isFree(long start, long len) {
        if (start < 0 || start + len > limit) return false;
        Map.Entry<Long, Vma> e = vmas.lowerEntry(start + len);
        return e == null || e.getValue().end <= start;
    }

    public synchronized Vma vmaAt(long va) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(va);
        return e != null && va < e.getValue().end ? e.getValue() : null;
    }

    public synchronized List<Vma> vmas() {
        List<Vma> out = new ArrayList<>();
        for (Vma v : vmas.values()) out.add(v.copy());
        return out;
    }

    /**
     * A copy of this address space for fork: same mappings, same contents, new host memory. Only pages the
     * host has actually backed are copied (mincore on our window), so a fork costs what the process touched,
     * not what it mapped.
     */
    public synchronized AddressSpace fork() {
        AddressSpace child = new AddressSpace(limit);
        java.lang.foreign.MemorySegment vec = java.lang.foreign.Arena.ofAuto().allocate(FORK_CHUNK_PAGES);
        for (Vma v : vmas.values()) {
            Vma cv = v.copy();
            child.vmas.put(v.start, cv);
            for (long a = v.start; a < v.end; a += PAGE) child.setProtOf(a, protOf(a) & (7 | MAPPED | BUS));
            if (v.backing != null) {
                // Shared memory stays shared: the child maps the same object.
                cv.backing = v.backing.retain();
                if (child.hostMapShared(cv.backing, v.start, v.end - v.start, v.fileOffset, v.prot) < 0) {
                    cv.backing.release();
                    cv.backing = null;
                    cv.shared = false;
                    java.lang.foreign.MemorySegment.copy(ram.segment(), v.start, child.ram.segment(), v.start, v.end - v.start);
                }
                continue;
            }
            for (long a = v.start; a < v.end; a += FORK_CHUNK_PAGES * PAGE) {
                long len = Math.min(v.end - a, FORK_CHUNK_PAGES * PAGE);
                copyResident(child, a, len, vec);
            }
        }
        child.brkStart = brkStart;
        child.brk = brk;
        child.mmapTop = mmapTop;
        return child;
    }

    private static final long FORK_CHUNK_PAGES = 16384;

    private void copyResident(AddressSpace child, long start, long len, java.lang.foreign.MemorySegment vec) {
        java.lang.foreign.MemorySegment src = ram.segment(), dst = child.ram.segment();
        long r = HostSyscall.call(Nr.MINCORE, hostAddress(start), len, vec.address());
        if (r < 0) {
            java.lang.foreign.MemorySegment.copy(src, start, dst, start, len);
            return;
        }
        int pages = (int) (len / PAGE);
        for (int k = 0; k < pages; ) {
            if ((vec.get(java.lang.foreign.ValueLayout.JAVA_BYTE, k) & 1) == 0) {
                k++;
                continue;
            }
            int e = k;
            while (e < pages && (vec.get(java.lang.foreign.ValueLayout.JAVA_BYTE, e) & 1) != 0) e++;
            java.lang.foreign.MemorySegment.copy(src, start + k * PAGE, dst, start + k * PAGE, (e - k) * PAGE);
            k = e;
        }
    }

    /** One more process uses this address space (CLONE_VM without CLONE_THREAD). */
    public synchronized void retain() {
        users++;
    }

    /** A process stopped using it (exit, exec): the last one gives the host memory back. */
    public void release() {
        synchronized (this) {
            if (--users > 0 || destroyed) return;
            destroyed = true;
            for (Vma v : vmas.values()) {
                if (v.backing != null) v.backing.release();
                v.backing = null;
            }
        }
        java.lang.foreign.MemorySegment seg = ram.segment();
        HostSyscall.call(Nr.MUNMAP, seg.address(), seg.byteSize());
    }

    public static long pageUp(long v) {
        return (v + PAGE - 1) & ~(PAGE - 1);
    }

    public static long pageDown(long v) {
        return v & ~(PAGE - 1);
    }
}
