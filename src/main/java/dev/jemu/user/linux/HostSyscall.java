package dev.jemu.user.linux;

import dev.jemu.util.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Raw host system calls through libc's {@code syscall(2)}: the result, or {@code -errno} on failure, as the
 * kernel itself returns them. The host is x86-64 Linux, so numbers are x86-64 ones ({@link Nr}).
 */
public final class HostSyscall {
    private HostSyscall() {}

    private static final MethodHandle SYSCALL = Native.LINKER.downcallHandle(
            Native.LIBC.find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), Native.CAPTURE_ERRNO);

    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Native.newCapture(Arena.global()));

    public static long call(long nr, long a, long b, long c, long d, long e, long f) {
        MemorySegment cap = CAPTURE.get();
        try {
            long r = (long) SYSCALL.invokeExact(cap, nr, a, b, c, d, e, f);
            return r == -1 ? -Native.errno(cap) : r;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long call(long nr) {
        return call(nr, 0, 0, 0, 0, 0, 0);
    }

    public static long call(long nr, long a) {
        return call(nr, a, 0, 0, 0, 0, 0);
    }

    public static long call(long nr, long a, long b) {
        return call(nr, a, b, 0, 0, 0, 0);
    }

    public static long call(long nr, long a, long b, long c) {
        return call(nr, a, b, c, 0, 0, 0);
    }

    public static long call(long nr, long a, long b, long c, long d) {
        return call(nr, a, b, c, d, 0, 0);
    }

    public static long call(long nr, long a, long b, long c, long d, long e) {
        return call(nr, a, b, c, d, e, 0);
    }
}
