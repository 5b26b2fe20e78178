package dev.jemu.memory;

import dev.jemu.util.Native;

import java.lang.foreign.MemorySegment;

/**
 * Host memory that backs guest RAM: one native segment, reserved with mmap(MAP_NORESERVE) so that only
 * touched pages cost host memory. System mode uses it as guest-physical RAM (offset = physical address);
 * user mode hands out pages of it to guest mappings. KVM can map the very same memory.
 */
public final class HostRam {
    private final MemorySegment segment;

    private HostRam(MemorySegment segment) {
        this.segment = segment;
    }

    /** Reserves {@code size} bytes of zeroed, lazily committed memory. */
    public static HostRam reserve(long size) {
        return new HostRam(Native.mmapAnonymous(size));
    }

    public MemorySegment segment() {
        return segment;
    }

    public long size() {
        return segment.byteSize();
    }

    /**
     * Unmaps the whole window. Nothing may touch the memory afterwards: callers release it only when no vCPU,
     * device or system call can still reach it (a guest process that has exited).
     */
    public void release() {
        Native.munmap(segment);
    }

    /** Gives the pages back to the host (they read as zero afterwards). */
    public void discard(long offset, long length) {
        Native.madviseDontNeed(segment, offset, length);
    }
}
