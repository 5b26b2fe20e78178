package dev.jemu.user.linux;

import java.nio.charset.StandardCharsets;

/**
 * Extended attributes (getxattr, listxattr, setxattr, removexattr and their l/f variants), passed to the host.
 * These calls have no *at form: a relative path is resolved against the guest's working directory through
 * /proc/self/fd, as {@link FileCalls#pathOnlyCall} does. Value buffers may be NULL with size 0 (size queries).
 */
final class XattrCalls {
    private XattrCalls() {}

    /** Attribute names and lists are at most 64 KiB (XATTR_SIZE_MAX / XATTR_LIST_MAX). */
    private static final long MAX = 65536;

    private static long path(LinuxThread t, long va) {
        byte[] p = t.proc.mem.cstringBytes(va, 4096);
        if (p.length > 0 && p[0] != '/') {
            return FileCalls.cstr(("/proc/self/fd/" + t.proc.cwdFd + "/" + new String(p, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
        }
        return FileCalls.path(t, va);
    }

    private static long name(LinuxThread t, long va) {
        return FileCalls.cstr(t.proc.mem.cstringBytes(va, 256));
    }

    private static long out(LinuxThread t, long va, long size) {
        return size == 0 ? 0 : FileCalls.buf(t, va, Math.min(size, MAX), true);
    }

    private static long in(LinuxThread t, long va, long size) {
        return size == 0 ? 0 : FileCalls.buf(t, va, Math.min(size, MAX), false);
    }

    static long get(LinuxThread t, int nr, long pathVa, long nameVa, long valueVa, long size) {
        return HostSyscall.call(nr, path(t, pathVa), name(t, nameVa), out(t, valueVa, size), size);
    }

    static long fget(LinuxThread t, int fd, long nameVa, long valueVa, long size) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return HostSyscall.call(Nr.FGETXATTR, h, name(t, nameVa), out(t, valueVa, size), size);
    }

    static long list(LinuxThread t, int nr, long pathVa, long listVa, long size) {
        return HostSyscall.call(nr, path(t, pathVa), out(t, listVa, size), size);
    }

    static long flist(LinuxThread t, int fd, long listVa, long size) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return HostSyscall.call(Nr.FLISTXATTR, h, out(t, listVa, size), size);
    }

    static long set(LinuxThread t, int nr, long pathVa, long nameVa, long valueVa, long size, int flags) {
        return HostSyscall.call(nr, path(t, pathVa), name(t, nameVa), in(t, valueVa, size), size, flags);
    }

    static long fset(LinuxThread t, int fd, long nameVa, long valueVa, long size, int flags) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return HostSyscall.call(Nr.FSETXATTR, h, name(t, nameVa), in(t, valueVa, size), size, flags);
    }

    static long remove(LinuxThread t, int nr, long pathVa, long nameVa) {
        return HostSyscall.call(nr, path(t, pathVa), name(t, nameVa));
    }

    static long fremove(LinuxThread t, int fd, long nameVa) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return HostSyscall.call(Nr.FREMOVEXATTR, h, name(t, nameVa));
    }
}
