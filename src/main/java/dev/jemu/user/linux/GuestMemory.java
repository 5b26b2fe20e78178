package dev.jemu.user.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * System-call access to a process's guest memory: checked against the guest's own permissions, failing with
 * {@link Fault} (the call returns -EFAULT) instead of touching anything it may not.
 */
public final class GuestMemory {
    /** A bad guest pointer in a system call. */
    public static final class Fault extends RuntimeException {
        public static final Fault INSTANCE = new Fault();

        private Fault() {
            super("EFAULT", null, false, false);
        }
    }

    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final AddressSpace as;
    private final MemorySegment seg;

    public GuestMemory(AddressSpace as) {
        this.as = as;
        this.seg = as.segment();
    }

    public AddressSpace space() {
        return as;
    }

    /** Host address of a guest buffer the host kernel will read ({@code write} = false) or fill. */
    public long buffer(long va, long len, boolean write) {
        if (!as.accessible(va, len, write ? AddressSpace.PROT_WRITE : AddressSpace.PROT_READ)) throw Fault.INSTANCE;
        return as.hostAddress(va);
    }

    public MemorySegment slice(long va, long len, boolean write) {
        buffer(va, len, write);
        return seg.asSlice(va, len);
    }

    public int readInt(long va) {
        buffer(va, 4, false);
        return seg.get(I, va);
    }

    public long readLong(long va) {
        buffer(va, 8, false);
        return seg.get(L, va);
    }

    public int readShort(long va) {
        buffer(va, 2, false);
        return seg.get(S, va) & 0xffff;
    }

    public int readByte(long va) {
        buffer(va, 1, false);
        return seg.get(ValueLayout.JAVA_BYTE, va) & 0xff;
    }

    /** A pointer-sized value: 8 bytes for 64-bit guests, 4 (zero-extended) for 32-bit ones. */
    public long readPtr(long va, boolean is64) {
        return is64 ? readLong(va) : readInt(va) & 0xffffffffL;
    }

    public void writeInt(long va, int v) {
        buffer(va, 4, true);
        seg.set(I, va, v);
    }

    public void writeLong(long va, long v) {
        buffer(va, 8, true);
        seg.set(L, va, v);
    }

    public void writeShort(long va, int v) {
        buffer(va, 2, true);
        seg.set(S, va, (short) v);
    }

    public void writePtr(long va, long v, boolean is64) {
        if (is64) writeLong(va, v);
        else writeInt(va, (int) v);
    }

    public void write(long va, byte[] b) {
        write(va, b, 0, b.length);
    }

    public void write(long va, byte[] b, int off, int len) {
        buffer(va, len, true);
        MemorySegment.copy(b, off, seg, ValueLayout.JAVA_BYTE, va, len);
    }

    public byte[] read(long va, int len) {
        buffer(va, len, false);
        byte[] b = new byte[len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, va, b, 0, len);
        return b;
    }

    /** A NUL-terminated string's bytes (without the NUL); at most {@code max} bytes. */
    public byte[] cstringBytes(long va, int max) {
        if (va == 0) throw Fault.INSTANCE;
        int n = 0;
        long page = -1;
        while (true) {
            long a = va + n;
            if ((a & ~0xfffL) != page) {
                page = a & ~0xfffL;
                if (!as.accessible(a, 1, AddressSpace.PROT_READ)) throw Fault.INSTANCE;
            }
            if (seg.get(ValueLayout.JAVA_BYTE, a) == 0) break;
            if (++n >= max) throw Fault.INSTANCE;
        }
        byte[] b = new byte[n];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, va, b, 0, n);
        return b;
    }

    public String cstring(long va) {
        return new String(cstringBytes(va, 1 << 20), StandardCharsets.UTF_8);
    }
}
