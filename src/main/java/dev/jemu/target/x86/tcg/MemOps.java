package dev.jemu.target.x86.tcg;

import dev.jemu.memory.SoftMmu;

import jdk.internal.access.SharedSecrets;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Guest memory accesses of translated code: the soft-TLB hit path in a few bytecodes (small enough for C2 to
 * inline where the access is hot, while cold ones stay calls and keep generated methods cheap to compile),
 * else SoftMmu's own path (TLB refill, page crossing, I/O, faults). Host memory is accessed raw where possible
 * (see {@link #RAW}). One compare decides a hit: the tag of the
 * entry for the first byte against the page of the last byte (a page-crossing access can never match, its
 * last page having another entry). Values are zero-extended longs, as X86Cpu's accessors return them.
 * The TLB arrays and the RAM segment are passed in (generated code loads them once per entry), so that the
 * JIT can keep them in registers across a loop. Stores return true when they took the slow path: only then
 * can they have written code (code pages are never in the write TLB), which generated code then checks.
 */
final class MemOps {
    private MemOps() {}

    private static final long PAGE = ~SoftMmu.PAGE_MASK;

    // The hit path reads and writes host memory with the JDK's internal Unsafe (through constant method
    // handles, which C2 inlines to one move) when it can be had: a MemorySegment access adds bounds and
    // liveness checks that cost about a tenth of memory-bound guest code, and C2 time for its VarHandle
    // chain. The TLB's tags guarantee the address is inside the RAM segment. Without the JDK-internal
    // exports the jar's manifest asks for (jdk.internal.access), accesses go through the segment.
    static final boolean RAW;
    /**
     * The JDK-internal Unsafe (typed Object here: javac does not see the package), with which generated code
     * accesses host memory on its inline hit path (Emitter.load/store), when {@link #RAW}.
     */
    static final Object UNSAFE;
    private static final MethodHandle GET8, GET16, GET32, GET64, PUT8, PUT16, PUT32, PUT64;

    static {
        MethodHandle[] h = new MethodHandle[8];
        boolean raw = false;
        Object theUnsafe = null;
        try {
            SharedSecrets.getJavaLangAccess().addExports(Object.class.getModule(), "jdk.internal.misc",
                    MemOps.class.getModule());
            Class<?> u = Class.forName("jdk.internal.misc.Unsafe");
            Object unsafe = u.getMethod("getUnsafe").invoke(null);
            theUnsafe = unsafe;
            MethodHandles.Lookup l = MethodHandles.lookup();
            Class<?>[] types = {byte.class, short.class, int.class, long.class};
            String[] names = {"Byte", "ShortUnaligned", "IntUnaligned", "LongUnaligned"};
            for (int k = 0; k < 4; k++) {
                MethodHandle get = l.findVirtual(u, "get" + names[k], MethodType.methodType(types[k], Object.class, long.class));
                MethodHandle put = l.findVirtual(u, "put" + names[k], MethodType.methodType(void.class, Object.class, long.class, types[k]));
                h[k] = MethodHandles.insertArguments(get, 0, unsafe, null);
                h[4 + k] = MethodHandles.insertArguments(put, 0, unsafe, null);
            }
            raw = true;
        } catch (Throwable e) {
            // not exported to us (a JVM started without the manifest's flags): the segment path
        }
        RAW = raw;
        UNSAFE = raw ? theUnsafe : null;
        GET8 = h[0];
        GET16 = h[1];
        GET32 = h[2];
        GET64 = h[3];
        PUT8 = h[4];
        PUT16 = h[5];
        PUT32 = h[6];
        PUT64 = h[7];
    }

    // Host accesses at offset {@code off} of {@code ram} (native byte order, unaligned allowed).

    private static long get8(MemorySegment ram, long off) {
        if (!RAW) return ram.get(ValueLayout.JAVA_BYTE, off) & 0xffL;
        try {
            return (byte) GET8.invokeExact(ram.address() + off) & 0xffL;
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static long get16(MemorySegment ram, long off) {
        if (!RAW) return ram.get(ValueLayout.JAVA_SHORT_UNALIGNED, off) & 0xffffL;
        try {
            return (short) GET16.invokeExact(ram.address() + off) & 0xffffL;
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static long get32(MemorySegment ram, long off) {
        if (!RAW) return ram.get(ValueLayout.JAVA_INT_UNALIGNED, off) & 0xffffffffL;
        try {
            return (int) GET32.invokeExact(ram.address() + off) & 0xffffffffL;
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static long get64(MemorySegment ram, long off) {
        if (!RAW) return ram.get(ValueLayout.JAVA_LONG_UNALIGNED, off);
        try {
            return (long) GET64.invokeExact(ram.address() + off);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static void put8(MemorySegment ram, long off, long v) {
        if (!RAW) {
            ram.set(ValueLayout.JAVA_BYTE, off, (byte) v);
            return;
        }
        try {
            PUT8.invokeExact(ram.address() + off, (byte) v);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static void put16(MemorySegment ram, long off, long v) {
        if (!RAW) {
            ram.set(ValueLayout.JAVA_SHORT_UNALIGNED, off, (short) v);
            return;
        }
        try {
            PUT16.invokeExact(ram.address() + off, (short) v);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static void put32(MemorySegment ram, long off, long v) {
        if (!RAW) {
            ram.set(ValueLayout.JAVA_INT_UNALIGNED, off, (int) v);
            return;
        }
        try {
            PUT32.invokeExact(ram.address() + off, (int) v);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static void put64(MemorySegment ram, long off, long v) {
        if (!RAW) {
            ram.set(ValueLayout.JAVA_LONG_UNALIGNED, off, v);
            return;
        }
        try {
            PUT64.invokeExact(ram.address() + off, v);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    static long ld8(long va, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == (va & PAGE)) return get8(ram, a[i] + va);
        return m.read8(va);
    }

    static long ld16(long va, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == ((va + 1) & PAGE)) return get16(ram, a[i] + va);
        return m.read16(va);
    }

    static long ld32(long va, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == ((va + 3) & PAGE)) return get32(ram, a[i] + va);
        return m.read32(va) & 0xffffffffL;
    }

    static long ld64(long va, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == ((va + 7) & PAGE)) return get64(ram, a[i] + va);
        return m.read64(va);
    }

    static boolean st8(long va, long v, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == (va & PAGE)) {
            put8(ram, a[i] + va, v);
            return false;
        }
        m.write8(va, (int) v);
        return true;
    }

    static boolean st16(long va, long v, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == ((va + 1) & PAGE)) {
            put16(ram, a[i] + va, v);
            return false;
        }
        m.write16(va, (int) v);
        return true;
    }

    static boolean st32(long va, long v, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == ((va + 3) & PAGE)) {
            put32(ram, a[i] + va, v);
            return false;
        }
        m.write32(va, (int) v);
        return true;
    }

    static boolean st64(long va, long v, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == ((va + 7) & PAGE)) {
            put64(ram, a[i] + va, v);
            return false;
        }
        m.write64(va, v);
        return true;
    }

    /** A 16-byte store (Sse.store128: a page-crossing one probes its last byte first, so that it faults whole). */
    static boolean st128(long va, long lo, long hi, long[] t, long[] a, MemorySegment ram, SoftMmu m) {
        int i = (int) (va >>> 12) & (t.length - 1);
        if (t[i] == ((va + 15) & PAGE)) {
            put64(ram, a[i] + va, lo);
            put64(ram, a[i] + va + 8, hi);
            return false;
        }
        if ((va & 0xfff) > 0xff0) m.write8(va + 15, m.read8(va + 15));
        m.write64(va, lo);
        m.write64(va + 8, hi);
        return true;
    }
}
