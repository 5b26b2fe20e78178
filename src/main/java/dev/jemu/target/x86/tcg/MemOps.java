package dev.jemu.target.x86.tcg;

import dev.jemu.memory.SoftMmu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Guest memory accesses of translated code: the soft-TLB hit path in a few bytecodes (small enough for C2 to
 * inline where the access is hot, while cold ones stay calls and keep generated methods cheap to compile),
 * else SoftMmu's own path (TLB refill, page crossing, I/O, faults). One compare decides a hit: the tag of the
 * entry for the first byte against the page of the last byte (a page-crossing access can never match, its
 * last page having another entry). Values are zero-extended longs, as X86Cpu's accessors return them.
 * The TLB arrays and the RAM segment are passed in (generated code loads them once per entry), so that the
 * JIT can keep them in registers across a loop. Stores return true when they took the slow path: only then
 * can they have written code (code pages are never in the write TLB), which generated code then checks.
 */
final class MemOps {
    private MemOps() {}

    private static final long PAGE = ~SoftMmu.PAGE_MASK;

    static long ld8(long va, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == (va & PAGE)) return ram.get(ValueLayout.JAVA_BYTE, a[i] + va) & 0xffL;
        return m.read8(va);
    }

    static long ld16(long va, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == ((va + 1) & PAGE)) return ram.get(ValueLayout.JAVA_SHORT_UNALIGNED, a[i] + va) & 0xffffL;
        return m.read16(va);
    }

    static long ld32(long va, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == ((va + 3) & PAGE)) return ram.get(ValueLayout.JAVA_INT_UNALIGNED, a[i] + va) & 0xffffffffL;
        return m.read32(va) & 0xffffffffL;
    }

    static long ld64(long va, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == ((va + 7) & PAGE)) return ram.get(ValueLayout.JAVA_LONG_UNALIGNED, a[i] + va);
        return m.read64(va);
    }

    static boolean st8(long va, long v, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == (va & PAGE)) {
            ram.set(ValueLayout.JAVA_BYTE, a[i] + va, (byte) v);
            return false;
        }
        m.write8(va, (int) v);
        return true;
    }

    static boolean st16(long va, long v, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == ((va + 1) & PAGE)) {
            ram.set(ValueLayout.JAVA_SHORT_UNALIGNED, a[i] + va, (short) v);
            return false;
        }
        m.write16(va, (int) v);
        return true;
    }

    static boolean st32(long va, long v, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == ((va + 3) & PAGE)) {
            ram.set(ValueLayout.JAVA_INT_UNALIGNED, a[i] + va, (int) v);
            return false;
        }
        m.write32(va, (int) v);
        return true;
    }

    static boolean st64(long va, long v, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == ((va + 7) & PAGE)) {
            ram.set(ValueLayout.JAVA_LONG_UNALIGNED, a[i] + va, v);
            return false;
        }
        m.write64(va, v);
        return true;
    }

    /** A 16-byte store (Sse.store128: a page-crossing one probes its last byte first, so that it faults whole). */
    static boolean st128(long va, long lo, long hi, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == ((va + 15) & PAGE)) {
            ram.set(ValueLayout.JAVA_LONG_UNALIGNED, a[i] + va, lo);
            ram.set(ValueLayout.JAVA_LONG_UNALIGNED, a[i] + va + 8, hi);
            return false;
        }
        if ((va & 0xfff) > 0xff0) m.write8(va + 15, m.read8(va + 15));
        m.write64(va, lo);
        m.write64(va + 8, hi);
        return true;
    }
}
