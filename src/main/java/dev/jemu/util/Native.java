package dev.jemu.util;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls the core needs (mmap and friends), through the Foreign Function & Memory API.
 * System-call wrappers for user mode live in user/linux; this class is only what memory/ needs.
 */
public final class Native {
    private Native() {}

    public static final Linker LINKER = Linker.nativeLinker();
    public static final SymbolLookup LIBC = LINKER.defaultLookup();
    /** Captures errno right after a downcall. */
    public static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    public static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final int PROT_READ = 1, PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;
    private static final int MADV_DONTNEED = 4;

    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), true);
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), true);
    private static final MethodHandle MADVISE = downcall("madvise",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), true);

    /** Looks up a libc function; with {@code errno} the first argument of the handle is the capture segment. */
    public static MethodHandle downcall(String name, FunctionDescriptor fd, boolean errno) {
        MemorySegment sym = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError(name));
        return errno ? LINKER.downcallHandle(sym, fd, CAPTURE_ERRNO) : LINKER.downcallHandle(sym, fd);
    }

    /** errno as captured into a capture segment by a call made with {@link #CAPTURE_ERRNO}. */
    public static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    public static MemorySegment newCapture(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    public static MemorySegment mmapAnonymous(long size) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = newCapture(a);
            MemorySegment p = (MemorySegment) MMAP.invokeExact(cap, MemorySegment.NULL, size,
                    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
            if (p.address() == -1L) {
                throw new OutOfMemoryError("cannot reserve " + size + " bytes of host memory (errno "
                        + errno(cap) + ")");
            }
            return p.reinterpret(size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Returns a mapping made by {@link #mmapAnonymous} to the host. */
    public static void munmap(MemorySegment seg) {
        try (Arena a = Arena.ofConfined()) {
            int r = (int) MUNMAP.invokeExact(newCapture(a), seg, seg.byteSize());
            if (r != 0) throw new IllegalStateException("munmap failed: errno " + errno(newCapture(a)));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void madviseDontNeed(MemorySegment seg, long offset, long length) {
        try (Arena a = Arena.ofConfined()) {
            int r = (int) MADVISE.invokeExact(newCapture(a), seg.asSlice(offset, length), length, MADV_DONTNEED);
            if (r != 0) {
                seg.asSlice(offset, length).fill((byte) 0);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

}
