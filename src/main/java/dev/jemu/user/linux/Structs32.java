package dev.jemu.user.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Helpers for the i386 ABI's data: 64-bit values split over two registers, sign extension of 32-bit
 * {@code long}/{@code off_t} arguments, the 32-bit {@code timespec}/{@code timeval}, and a per-thread host
 * scratch buffer that converted structures pass through on their way to and from the host kernel.
 */
final class Structs32 {
    private Structs32() {}

    static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;
    static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED;

    static final int SCRATCH = 4096;
    private static final ThreadLocal<MemorySegment> SCRATCH_SEG =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SCRATCH, 16));

    /**
     * This thread's host scratch buffer ({@value #SCRATCH} bytes, 16-aligned, contents undefined). A system call
     * uses it for host copies of small structures; system calls do not nest, so one per thread is enough.
     */
    static MemorySegment scratch() {
        return SCRATCH_SEG.get();
    }

    /** A host buffer of {@code size} bytes: the scratch buffer when it fits, else a fresh one. */
    static MemorySegment hostBuffer(long size) {
        return size <= SCRATCH ? scratch() : Arena.ofAuto().allocate(size, 16);
    }

    /** A 32-bit register value as the signed C {@code long}/{@code off_t}/{@code int} it carries. */
    static long s32(long v) {
        return (int) v;
    }

    /** A 64-bit argument passed as two registers, low word first. */
    static long lohi(long lo, long hi) {
        return (hi << 32) | (lo & 0xffffffffL);
    }

    static final long NSEC = 1_000_000_000L;

    // ---- struct timespec / timeval, i386 ({int32, int32}) and 64-bit ({int64, int64}) ----

    /** Copies a guest timespec (32- or 64-bit) into a host struct timespec at {@code host}. */
    static void timespecIn(GuestMemory m, long va, boolean t64, MemorySegment host, long off) {
        long sec, nsec;
        if (t64) {
            sec = m.readLong(va);
            nsec = m.readLong(va + 8);
            // A 32-bit caller's tv_nsec is a 32-bit long padded to 64 bits: the kernel ignores the upper half.
            nsec = (int) nsec;
        } else {
            sec = m.readInt(va);
            nsec = m.readInt(va + 4);
        }
        host.set(L, off, sec);
        host.set(L, off + 8, nsec);
    }

    /** Writes a host struct timespec at {@code host}+{@code off} to guest memory (32- or 64-bit layout). */
    static void timespecOut(GuestMemory m, long va, boolean t64, MemorySegment host, long off) {
        long sec = host.get(L, off), nsec = host.get(L, off + 8);
        if (t64) {
            m.writeLong(va, sec);
            m.writeLong(va + 8, nsec);
        } else {
            m.writeInt(va, (int) sec);
            m.writeInt(va + 4, (int) nsec);
        }
    }

    /** A guest struct timeval of i386 into a host one. */
    static void timevalIn(GuestMemory m, long va, MemorySegment host, long off) {
        host.set(L, off, m.readInt(va));
        host.set(L, off + 8, m.readInt(va + 4));
    }

    static void timevalOut(GuestMemory m, long va, MemorySegment host, long off) {
        m.writeInt(va, (int) host.get(L, off));
        m.writeInt(va + 4, (int) host.get(L, off + 8));
    }

    static int timespecSize(boolean t64) {
        return t64 ? 16 : 8;
    }

    /**
     * A 32-bit caller's 64-bit timespec has a 32-bit tv_nsec and 32 bits of padding that glibc does not clear;
     * the kernel ignores that padding for compat tasks. Before such a structure goes to code that reads it as an
     * x86-64 timespec, the padding is cleared (only if set: read-only constants have it zero already).
     */
    static void clearNsecPadding(GuestMemory m, long va, int count) {
        if (va == 0) return;
        for (int k = 0; k < count; k++) {
            long pad = va + 16L * k + 12;
            if (m.readInt(pad) != 0) m.writeInt(pad, 0);
        }
    }

    /**
     * Guest memory for a converted copy of a small structure handed to a shared implementation that reads
     * guest memory: below the thread's stack pointer, where the kernel would put a signal frame (the i386 ABI
     * has no red zone, so nothing of the guest's lives there while it is in a system call).
     */
    static long belowStack(LinuxThread t, int size) {
        long sp = t.cpu.regs[dev.jemu.target.x86.X86Cpu.RSP] & 0xffffffffL;
        long va = (sp - 256 - size) & ~15L;
        t.proc.mem.buffer(va, size, true);
        return va;
    }
}
