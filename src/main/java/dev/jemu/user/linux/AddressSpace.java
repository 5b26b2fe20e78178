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
    private static final long PAGE = 4096;
    private static final int CHUNK_BITS = 12; // pages per permission chunk: 4096 (16 MiB of address space)

    /** A mapping, for placement decisions and /proc/self/maps. */
    public static final class Vma {
        public long start, end;
        public int prot;
        public String name; // file path, "[heap]", "[stack]" or "" for anonymous
        public long fileOffset;

        Vma(long start, long end, int prot, String name, long fileOffset) {
            this.start = start;
            this.end = end;
            this.prot = prot;
            this.name = name;
            this.fileOffset = fileOffset;
        }

        Vma copy() {
            return new Vma(start, end, prot, name, fileOffset);
        }
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
            if ((have & MAPPED) == 0 || (have & protNeeded) != protNeeded) return false;
        }
        return true;
    }

    // ---- mappings ----

    /** Maps [start, start+len) with {@code p}, replacing whatever was there; memory is zeroed. */
    public synchronized void map(long start, long len, int p, String name, long fileOffset) {
        len = pageUp(len);
        unmapRange(start, len);
        for (long a = start; a < start + len; a += PAGE) setProtOf(a, (p & 7) | MAPPED);
        vmas.put(start, new Vma(start, start + len, p & 7, name, fileOffset));
        mergeAround(start);
        flushAllTlbs();
    }

    public synchronized void unmap(long start, long len) {
        len = pageUp(len);
        unmapRange(start, len);
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
            ram.discard(v.start, v.end - v.start);
            any = true;
        }
        if (!any) {
            // Nothing mapped there; nothing to discard.
            return;
        }
    }

    /** Changes permissions of [start, start+len); false (ENOMEM) if part of it is unmapped. */
    public synchronized boolean protect(long start, long len, int p) {
        len = pageUp(len);
        long end = start + len;
        for (long a = start; a < end; a += PAGE) if ((protOf(a) & MAPPED) == 0) return false;
        splitAt(start);
        splitAt(end);
        for (Vma v : vmas.subMap(start, true, end, false).values()) v.prot = p & 7;
        for (long a = start; a < end; a += PAGE) {
            int old = protOf(a);
            setProtOf(a, (p & 7) | (old & CODE) | MAPPED);
        }
        mergeAround(start);
        mergeAround(end);
        flushAllTlbs();
        return true;
    }

    private void splitAt(long addr) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        if (e == null) return;
        Vma v = e.getValue();
        if (v.start < addr && addr < v.end) {
            Vma hi = new Vma(addr, v.end, v.prot, v.name, v.fileOffset + (addr - v.start));
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
            v = lo.getValue();
        }
        Map.Entry<Long, Vma> hi = vmas.higherEntry(v.start);
        if (hi != null && canMerge(v, hi.getValue())) {
            v.end = hi.getValue().end;
            vmas.remove(hi.getKey());
        }
    }

    private static boolean canMerge(Vma a, Vma b) {
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
            child.vmas.put(v.start, v.copy());
            for (long a = v.start; a < v.end; a += PAGE) child.setProtOf(a, protOf(a) & (7 | MAPPED));
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
