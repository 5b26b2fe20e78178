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

    private static final long SYS_MMAP = 9, SYS_MUNMAP = 11, SYS_MADVISE = 28;

    /**
     * libc's {@code syscall(2)}, the one downcall every mode needs: memory calls go through it too, because each
     * distinct downcall shape costs the JVM a generated stub at startup.
     */
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(LIBC.find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO);
    private static final ThreadLocal<MemorySegment> SYSCALL_CAPTURE =
            ThreadLocal.withInitial(() -> newCapture(Arena.global()));

    /** A raw host system call (x86-64 numbers): its result, or {@code -errno} on failure, as the kernel returns it. */
    public static long syscall(long nr, long a, long b, long c, long d, long e, long f) {
        MemorySegment cap = SYSCALL_CAPTURE.get();
        try {
            long r = (long) SYSCALL.invokeExact(cap, nr, a, b, c, d, e, f);
            return r == -1 ? -errno(cap) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

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
        long p = syscall(SYS_MMAP, 0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p < 0 && p > -4096) {
            throw new OutOfMemoryError("cannot reserve " + size + " bytes of host memory (errno " + -p + ")");
        }
        return MemorySegment.ofAddress(p).reinterpret(size);
    }

    /** Returns a mapping made by {@link #mmapAnonymous} to the host. */
    public static void munmap(MemorySegment seg) {
        long r = syscall(SYS_MUNMAP, seg.address(), seg.byteSize(), 0, 0, 0, 0);
        if (r != 0) throw new IllegalStateException("munmap failed: errno " + -r);
    }

    public static void madviseDontNeed(MemorySegment seg, long offset, long length) {
        long r = syscall(SYS_MADVISE, seg.address() + offset, length, MADV_DONTNEED, 0, 0, 0);
        if (r != 0) seg.asSlice(offset, length).fill((byte) 0);
    }

    private static final long SYS_RT_SIGACTION = 13, SIGSEGV = 11;
    private static final long SA_RESTART = 0x10000000L, SA_RESTORER = 0x04000000L;

    /**
     * Gives host signal {@code sig} a handler that does nothing (libc's getpid), so that sending it to a thread
     * only breaks a blocking system call (EINTR, or KVM_RUN's exit) instead of being ignored or killing us.
     * With the raw rt_sigaction where possible: a libc downcall of a new shape costs a cold JVM tens of
     * milliseconds to link. x86-64 requires a restorer; libc's (the one it gave the JVM's own SIGSEGV handler)
     * serves every signal. Without one, libc's sigaction installs it.
     */
    public static void installNoopHandler(int sig, boolean restart) {
        long handler = LIBC.find("getpid").orElseThrow().address();
        long flags = restart ? SA_RESTART : 0;
        try (Arena a = Arena.ofConfined()) {
            // the kernel's struct sigaction: handler, flags, restorer, mask (8 bytes)
            MemorySegment act = a.allocate(32, 8), old = a.allocate(32, 8);
            long r = syscall(SYS_RT_SIGACTION, SIGSEGV, 0, old.address(), 8, 0, 0);
            if (r == 0 && (old.get(JAVA_LONG, 8) & SA_RESTORER) != 0) {
                act.set(JAVA_LONG, 0, handler);
                act.set(JAVA_LONG, 8, flags | SA_RESTORER);
                act.set(JAVA_LONG, 16, old.get(JAVA_LONG, 16));
                act.set(JAVA_LONG, 24, 0);
                if (syscall(SYS_RT_SIGACTION, sig, act.address(), 0, 8, 0, 0) == 0) return;
            }
            // glibc's struct sigaction: handler, sa_mask[128], sa_flags, sa_restorer
            MemorySegment gact = a.allocate(152, 8);
            gact.set(JAVA_LONG, 0, handler);
            gact.set(ValueLayout.JAVA_INT, 136, (int) flags);
            MethodHandle sigaction = downcall("sigaction", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), false);
            if ((int) sigaction.invokeExact(sig, gact, MemorySegment.NULL) != 0) {
                throw new IllegalStateException("sigaction(" + sig + ") failed");
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
