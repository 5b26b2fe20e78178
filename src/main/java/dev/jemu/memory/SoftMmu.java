package dev.jemu.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A vCPU's view of memory: a software TLB in front of a {@link Backend} that translates guest virtual pages.
 * A TLB hit is one compare and one native load; misses, page-crossing accesses and I/O go the slow path.
 * One instance per vCPU (not thread-safe); backends are shared and flush every vCPU's TLB when mappings change.
 */
public final class SoftMmu {
    public static final int READ = 0, WRITE = 1, EXEC = 2;
    public static final long PAGE_SIZE = 4096, PAGE_MASK = PAGE_SIZE - 1;

    /** Translates guest pages for the soft TLB. Implemented by user-mode address spaces and by x86 paging. */
    public interface Backend {
        /** Result bit: the page is I/O (the result's other bits are the physical page address). */
        long IO = 1L << 62;
        /** Result bit: do not cache this translation; every access of this kind goes the slow path. */
        long NOCACHE = 1L << 61;

        /**
         * Translates the page holding {@code va} for an access of the given kind, or throws the guest's fault
         * (which reports {@code va} itself, the faulting byte). Returns the host RAM offset of the page start
         * (the low 12 bits are ignored), possibly with {@link #NOCACHE} set,
         * or a physical page address with {@link #IO} set.
         */
        long translate(long va, int access);

        default long ioRead(long pa, int size) {
            return -1L;
        }

        default void ioWrite(long pa, int size, long value) {
        }

        /**
         * Told when code was decoded from the page at {@code va}: a backend that tracks code pages makes later
         * writes to it go the slow path (NOCACHE) so that it can invalidate the decoded code.
         */
        default void markCode(long va) {
        }
    }

    // 8192 entries map 32 MiB (a 1024-entry TLB thrashed on working sets of a few MiB); flushes stay cheap
    // because they clear only the entries filled since the last flush while there are few of them.
    private static final int BITS = 13, SIZE = 1 << BITS, MASK = SIZE - 1, TRACKED = SIZE / 8;
    private static final long NO_TAG = 1; // never equals a page-aligned address
    private static final ValueLayout.OfByte B = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final VarHandle CAS32 = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle CAS64 = ValueLayout.JAVA_LONG.varHandle();
    private static final Object UNALIGNED_LOCK = new Object();

    private final MemorySegment ram;
    private Backend backend;
    // tag = page address; addend = host offset - page address, so host offset = addend + va
    private final long[] rTag = new long[SIZE], rAdd = new long[SIZE];
    private final long[] wTag = new long[SIZE], wAdd = new long[SIZE];
    private final long[] xTag = new long[SIZE], xAdd = new long[SIZE];
    /** Indices of the entries filled since the last flush, while there are at most TRACKED of them. */
    private final int[] filled = new int[TRACKED];
    private int fills;

    public SoftMmu(HostRam ram, Backend backend) {
        this.ram = ram.segment();
        this.backend = backend;
        clearAll();
    }

    public Backend backend() {
        return backend;
    }

    public void setBackend(Backend backend) {
        this.backend = backend;
        flushAll();
    }

    public MemorySegment ram() {
        return ram;
    }

    public void flushAll() {
        if (fills > TRACKED) {
            clearAll();
        } else {
            for (int k = 0; k < fills; k++) {
                int i = filled[k];
                rTag[i] = NO_TAG;
                wTag[i] = NO_TAG;
                xTag[i] = NO_TAG;
            }
        }
        fills = 0;
    }

    private void clearAll() {
        java.util.Arrays.fill(rTag, NO_TAG);
        java.util.Arrays.fill(wTag, NO_TAG);
        java.util.Arrays.fill(xTag, NO_TAG);
        fills = 0;
    }

    /** Notes that entry {@code i} was filled (for {@link #flushAll}). */
    private void filled(int i) {
        if (fills < TRACKED) filled[fills] = i;
        if (fills <= TRACKED) fills++;
    }

    public void flushPage(long va) {
        long page = va & ~PAGE_MASK;
        int i = (int) (va >>> 12) & MASK;
        if (rTag[i] == page) rTag[i] = NO_TAG;
        if (wTag[i] == page) wTag[i] = NO_TAG;
        if (xTag[i] == page) xTag[i] = NO_TAG;
    }

    /**
     * Forgets the cached write translations that reach the host RAM page at {@code hostPage} (whatever linear
     * page maps it), so that the next write to it goes through the backend: QEMU's tlb_reset_dirty when a page
     * becomes code. Reads and fetches stay cached.
     */
    public void dropWrites(long hostPage) {
        long[] tag = wTag, add = wAdd;
        if (fills <= TRACKED) {
            // only entries filled since the last flush can be valid
            for (int k = 0; k < fills; k++) {
                int i = filled[k];
                if (add[i] + tag[i] == hostPage) tag[i] = NO_TAG;
            }
            return;
        }
        for (int i = 0; i < SIZE; i++) {
            if (add[i] + tag[i] == hostPage) tag[i] = NO_TAG;
        }
    }

    // ---- the TLB arrays, for translated code that inlines the hit path ----
    // Entry i = (va >>> 12) & (length - 1) caches page tag[i]; host offset = add[i] + va. A tag is never
    // NO_TAG-like for a valid page, so comparing it with a page address is the whole hit check.

    public long[] readTags() {
        return rTag;
    }

    public long[] readAddends() {
        return rAdd;
    }

    public long[] writeTags() {
        return wTag;
    }

    public long[] writeAddends() {
        return wAdd;
    }

    // ---- fast paths ----

    public int read8(long va) {
        int i = (int) (va >>> 12) & MASK;
        if (rTag[i] == (va & ~PAGE_MASK)) return ram.get(B, rAdd[i] + va) & 0xff;
        return (int) slowRead(va, 1);
    }

    public int read16(long va) {
        int i = (int) (va >>> 12) & MASK;
        if (rTag[i] == (va & ~PAGE_MASK) && (va & PAGE_MASK) <= PAGE_SIZE - 2) return ram.get(S, rAdd[i] + va) & 0xffff;
        return (int) slowRead(va, 2);
    }

    public int read32(long va) {
        int i = (int) (va >>> 12) & MASK;
        if (rTag[i] == (va & ~PAGE_MASK) && (va & PAGE_MASK) <= PAGE_SIZE - 4) return ram.get(I, rAdd[i] + va);
        return (int) slowRead(va, 4);
    }

    public long read64(long va) {
        int i = (int) (va >>> 12) & MASK;
        if (rTag[i] == (va & ~PAGE_MASK) && (va & PAGE_MASK) <= PAGE_SIZE - 8) return ram.get(L, rAdd[i] + va);
        return slowRead(va, 8);
    }

    public void write8(long va, int v) {
        int i = (int) (va >>> 12) & MASK;
        if (wTag[i] == (va & ~PAGE_MASK)) ram.set(B, wAdd[i] + va, (byte) v);
        else slowWrite(va, 1, v);
    }

    public void write16(long va, int v) {
        int i = (int) (va >>> 12) & MASK;
        if (wTag[i] == (va & ~PAGE_MASK) && (va & PAGE_MASK) <= PAGE_SIZE - 2) ram.set(S, wAdd[i] + va, (short) v);
        else slowWrite(va, 2, v);
    }

    public void write32(long va, int v) {
        int i = (int) (va >>> 12) & MASK;
        if (wTag[i] == (va & ~PAGE_MASK) && (va & PAGE_MASK) <= PAGE_SIZE - 4) ram.set(I, wAdd[i] + va, v);
        else slowWrite(va, 4, v);
    }

    public void write64(long va, long v) {
        int i = (int) (va >>> 12) & MASK;
        if (wTag[i] == (va & ~PAGE_MASK) && (va & PAGE_MASK) <= PAGE_SIZE - 8) ram.set(L, wAdd[i] + va, v);
        else slowWrite(va, 8, v);
    }

    /** Instruction fetch of one byte (execute permission). */
    public int fetch8(long va) {
        int i = (int) (va >>> 12) & MASK;
        if (xTag[i] == (va & ~PAGE_MASK)) return ram.get(B, xAdd[i] + va) & 0xff;
        long t = backend.translate(va, EXEC) & ~PAGE_MASK;
        if ((t & Backend.IO) != 0) return (int) backend.ioRead((t & ~(Backend.IO | Backend.NOCACHE)) + (va & PAGE_MASK), 1) & 0xff;
        long add = (t & ~Backend.NOCACHE) - (va & ~PAGE_MASK);
        if ((t & Backend.NOCACHE) == 0) {
            xTag[i] = va & ~PAGE_MASK;
            xAdd[i] = add;
            filled(i);
        }
        return ram.get(B, add + va) & 0xff;
    }

    /**
     * The host RAM offset of the page that instruction fetches at {@code va} read (through the exec TLB,
     * filling it), or the backend's result with {@link Backend#IO} set for an I/O page; throws the fetch
     * fault. Decoded code is keyed by it, so that code is never run from a page that no longer backs {@code va}.
     */
    public long execPage(long va) {
        int i = (int) (va >>> 12) & MASK;
        long page = va & ~PAGE_MASK;
        if (xTag[i] == page) return xAdd[i] + page;
        long t = backend.translate(va, EXEC) & ~PAGE_MASK;
        if ((t & Backend.IO) != 0) return t & ~Backend.NOCACHE;
        long host = t & ~Backend.NOCACHE;
        if ((t & Backend.NOCACHE) == 0) {
            xTag[i] = page;
            xAdd[i] = host - page;
            filled(i);
        }
        return host;
    }

    /** Sized accessors; size in bytes (1, 2, 4, 8); values zero-extended. */
    public long read(long va, int size) {
        return switch (size) {
            case 1 -> read8(va);
            case 2 -> read16(va);
            case 4 -> read32(va) & 0xffffffffL;
            default -> read64(va);
        };
    }

    public void write(long va, int size, long v) {
        switch (size) {
            case 1 -> write8(va, (int) v);
            case 2 -> write16(va, (int) v);
            case 4 -> write32(va, (int) v);
            default -> write64(va, v);
        }
    }

    // ---- slow paths ----

    private long slowRead(long va, int size) {
        if ((va & PAGE_MASK) + size > PAGE_SIZE) {
            long v = 0;
            for (int k = 0; k < size; k++) v |= (long) read8(va + k) << (8 * k);
            return v;
        }
        long t = backend.translate(va, READ) & ~PAGE_MASK;
        if ((t & Backend.IO) != 0) {
            return backend.ioRead((t & ~(Backend.IO | Backend.NOCACHE)) + (va & PAGE_MASK), size);
        }
        long add = (t & ~Backend.NOCACHE) - (va & ~PAGE_MASK);
        if ((t & Backend.NOCACHE) == 0) {
            int i = (int) (va >>> 12) & MASK;
            rTag[i] = va & ~PAGE_MASK;
            rAdd[i] = add;
            filled(i);
        }
        return load(add + va, size);
    }

    private void slowWrite(long va, int size, long v) {
        if ((va & PAGE_MASK) + size > PAGE_SIZE) {
            // Check both pages before writing anything so a fault leaves memory untouched.
            long second = (va + size - 1) & ~PAGE_MASK;
            backend.translate(va, WRITE);
            backend.translate(second, WRITE);
            for (int k = 0; k < size; k++) write8(va + k, (int) (v >>> (8 * k)));
            return;
        }
        long t = backend.translate(va, WRITE) & ~PAGE_MASK;
        if ((t & Backend.IO) != 0) {
            backend.ioWrite((t & ~(Backend.IO | Backend.NOCACHE)) + (va & PAGE_MASK), size, v);
            return;
        }
        long add = (t & ~Backend.NOCACHE) - (va & ~PAGE_MASK);
        if ((t & Backend.NOCACHE) == 0) {
            int i = (int) (va >>> 12) & MASK;
            wTag[i] = va & ~PAGE_MASK;
            wAdd[i] = add;
            filled(i);
        }
        store(add + va, size, v);
    }

    private long load(long off, int size) {
        return switch (size) {
            case 1 -> ram.get(B, off) & 0xff;
            case 2 -> ram.get(S, off) & 0xffff;
            case 4 -> ram.get(I, off) & 0xffffffffL;
            default -> ram.get(L, off);
        };
    }

    private void store(long off, int size, long v) {
        switch (size) {
            case 1 -> ram.set(B, off, (byte) v);
            case 2 -> ram.set(S, off, (short) v);
            case 4 -> ram.set(I, off, (int) v);
            default -> ram.set(L, off, v);
        }
    }

    /**
     * Checks that {@code size} bytes at {@code va} may be written, raising the backend's fault (with a write
     * error code) if not, without writing anything: for stores that must not half-complete (page-crossing
     * vectors, FXSAVE, MASKMOV).
     */
    public void probeWrite(long va, int size) {
        long last = va + size - 1;
        for (long p = va & ~PAGE_MASK; ; p += PAGE_SIZE) {
            int i = (int) (p >>> 12) & MASK;
            if (wTag[i] != p) backend.translate(Math.max(p, va), WRITE);
            if (p == (last & ~PAGE_MASK)) break;
        }
    }

    /** Host RAM offset of {@code va} for writing, or -1 if it is not plain RAM within one page. */
    private long hostForWrite(long va, int size) {
        if ((va & PAGE_MASK) + size > PAGE_SIZE) return -1;
        int i = (int) (va >>> 12) & MASK;
        if (wTag[i] == (va & ~PAGE_MASK)) return wAdd[i] + va;
        long t = backend.translate(va, WRITE) & ~PAGE_MASK;
        if ((t & Backend.IO) != 0) return -1;
        return (t & ~Backend.NOCACHE) + (va & PAGE_MASK);
    }

    /**
     * Atomic compare-and-exchange of a {@code size}-byte value (LOCK CMPXCHG, LOCK-prefixed read-modify-write
     * and XCHG). Returns the value found in memory (zero-extended); memory was updated iff it equals expected.
     * Sub-word values are exchanged through their aligned containing word, so they stay atomic with respect to
     * other locked accesses to the same bytes.
     */
    public long cmpxchg(long va, int size, long expected, long update) {
        long mask = size == 8 ? -1L : (1L << (8 * size)) - 1;
        expected &= mask;
        update &= mask;
        long off = hostForWrite(va, size);
        if (off < 0) return lockedFallback(va, size, expected, update);
        if (size == 8 && (off & 7) == 0) {
            return (long) CAS64.compareAndExchange(ram, off, expected, update);
        }
        if (size == 4 && (off & 3) == 0) {
            return (int) CAS32.compareAndExchange(ram, off, (int) expected, (int) update) & 0xffffffffL;
        }
        long word = off & ~7L;
        int shift = (int) (off - word) * 8;
        if (shift + 8 * size <= 64 && word + 8 <= ram.byteSize()) {
            for (;;) {
                long cur = (long) CAS64.getVolatile(ram, word);
                long found = (cur >>> shift) & mask;
                if (found != expected) return found;
                long next = (cur & ~(mask << shift)) | (update << shift);
                if ((long) CAS64.compareAndExchange(ram, word, cur, next) == cur) return found;
            }
        }
        return lockedFallback(va, size, expected, update);
    }

    private long lockedFallback(long va, int size, long expected, long update) {
        synchronized (UNALIGNED_LOCK) {
            long found = read(va, size);
            if (found == expected) write(va, size, update);
            return found;
        }
    }
}
