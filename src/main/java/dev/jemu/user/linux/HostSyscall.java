package dev.jemu.user.linux;

import dev.jemu.util.Native;

/**
 * Raw host system calls through libc's {@code syscall(2)}: the result, or {@code -errno} on failure, as the
 * kernel itself returns them. The host is x86-64 Linux, so numbers are x86-64 ones ({@link Nr}).
 */
public final class HostSyscall {
    private HostSyscall() {}

    public static long call(long nr, long a, long b, long c, long d, long e, long f) {
        return Native.syscall(nr, a, b, c, d, e, f);
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
