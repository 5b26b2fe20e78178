package dev.jemu.target.x86.ops;

import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.X86Cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The bulk paths of REP MOVS and REP STOS (forwards, DF = 0): whole runs of elements copied or filled in host
 * RAM, at most up to the end of the current source and destination pages, so that one translation per page
 * checks every access of the run before anything is written (a fault leaves the run undone and the
 * registers at its start; the backend is asked with the exact address so that a fault reports it). Declines (returns 0) whenever the element-by-element loop must decide: I/O
 * pages, write-tracked pages, an overlap that makes a forward copy differ from a block move, a run that would
 * wrap the address size, or fewer than two elements.
 */
final class StringCopy {
    private StringCopy() {}

    private static final long PAGE = SoftMmu.PAGE_SIZE, MASK = SoftMmu.PAGE_MASK;
    private static final long IO = SoftMmu.Backend.IO, NOCACHE = SoftMmu.Backend.NOCACHE;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    /** How many elements of {@code size} fit from offset {@code off} before the count or the address-size wrap. */
    private static long run(long count, int size, int asize, long off) {
        long n = asize == 8 ? Long.MAX_VALUE : (StringOps.addressMask(asize) + 1 - off) / size;
        return Long.compareUnsigned(count, n) < 0 ? count : n;
    }

    /**
     * Copies up to {@code count} elements of {@code size} bytes from seg:si to ES:di (offsets of address size
     * {@code asize}); returns how many were copied (0: take the slow path for the next element).
     */
    static long copy(X86Cpu c, int seg, long si, long di, long count, int size, int asize) {
        long src = c.linear(seg, si, asize), dst = c.linear(X86Cpu.ES, di, asize);
        long room = Math.min(PAGE - (src & MASK), PAGE - (dst & MASK));
        long n = Math.min(Math.min(run(count, size, asize, si), run(count, size, asize, di)), room / size);
        if (n < 2) return 0;
        SoftMmu.Backend b = c.mem.backend();
        long ts = b.translate(src, SoftMmu.READ);
        if ((ts & IO) != 0) return 0;
        long td = b.translate(dst, SoftMmu.WRITE);
        if ((td & (IO | NOCACHE)) != 0) return 0;
        long from = (ts & ~(NOCACHE | MASK)) + (src & MASK), to = (td & ~MASK) + (dst & MASK);
        long bytes = n * size;
        long distance = to - from;
        if (distance > 0 && distance < bytes) {
            // A forward copy onto itself repeats the first bytes; a block move would not: copy only up to the
            // distance, which does not overlap.
            n = distance / size;
            if (n < 1) return 0;
            bytes = n * size;
        }
        MemorySegment ram = c.mem.ram();
        MemorySegment.copy(ram, from, ram, to, bytes);
        return n;
    }

    /** Stores {@code v} ({@code size} bytes) into up to {@code count} elements at ES:di; returns how many. */
    static long fill(X86Cpu c, long di, long count, int size, int asize, long v) {
        long dst = c.linear(X86Cpu.ES, di, asize);
        long n = Math.min(run(count, size, asize, di), (PAGE - (dst & MASK)) / size);
        if (n < 2) return 0;
        long td = c.mem.backend().translate(dst, SoftMmu.WRITE);
        if ((td & (IO | NOCACHE)) != 0) return 0;
        long to = (td & ~MASK) + (dst & MASK);
        long bytes = n * size;
        MemorySegment ram = c.mem.ram();
        long pattern = switch (size) {
            case 1 -> (v & 0xff) * 0x0101010101010101L;
            case 2 -> (v & 0xffff) * 0x0001000100010001L;
            case 4 -> (v & 0xffffffffL) * 0x0000000100000001L;
            default -> v;
        };
        long k = 0;
        for (; k + 8 <= bytes; k += 8) ram.set(LONG, to + k, pattern);
        for (; k < bytes; k++) ram.set(ValueLayout.JAVA_BYTE, to + k, (byte) (pattern >>> (8 * (k & 7))));
        return n;
    }
}
