package dev.jemu.user.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Descriptor-making and descriptor-to-descriptor calls that map onto the host's: eventfd, timerfd, inotify,
 * memfd, plus close_range, copy_file_range, splice, tee, vmsplice. Host descriptors are always close-on-exec
 * (jemu never execs host programs); the guest's close-on-exec flag lives in its descriptor table.
 */
final class FdCalls {
    private FdCalls() {}

    static final int O_CLOEXEC = 0x80000, O_NONBLOCK = 0x800;

    /** Installs a new host descriptor as the lowest free guest one (closing it if the table is full). */
    static long installNew(LinuxThread t, long hostFd, String name, boolean cloexec) {
        if (hostFd < 0) return hostFd;
        int g = t.proc.fds.install(new FdTable.HostFile((int) hostFd, name), 0, cloexec);
        if (g < 0) HostSyscall.call(Nr.CLOSE, hostFd);
        return g;
    }

    static long eventfd2(LinuxThread t, long initval, int flags) {
        if ((flags & ~(O_CLOEXEC | O_NONBLOCK | 1 /* EFD_SEMAPHORE */)) != 0) return -Errno.EINVAL;
        return installNew(t, HostSyscall.call(Nr.EVENTFD2, initval & 0xffffffffL, flags | O_CLOEXEC),
                "anon_inode:[eventfd]", (flags & O_CLOEXEC) != 0);
    }

    static long timerfdCreate(LinuxThread t, int clock, int flags) {
        if ((flags & ~(O_CLOEXEC | O_NONBLOCK)) != 0) return -Errno.EINVAL;
        return installNew(t, HostSyscall.call(Nr.TIMERFD_CREATE, clock, flags | O_CLOEXEC),
                "anon_inode:[timerfd]", (flags & O_CLOEXEC) != 0);
    }

    /** timerfd_settime/gettime: struct itimerspec is the host's (x86-64 layout). */
    static long timerfdSettime(LinuxThread t, int fd, int flags, long nva, long ova) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return HostSyscall.call(Nr.TIMERFD_SETTIME, h, flags, t.proc.mem.buffer(nva, 32, false),
                ova == 0 ? 0 : t.proc.mem.buffer(ova, 32, true));
    }

    static long timerfdGettime(LinuxThread t, int fd, long va) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return HostSyscall.call(Nr.TIMERFD_GETTIME, h, t.proc.mem.buffer(va, 32, true));
    }

    static long inotifyInit1(LinuxThread t, int flags) {
        if ((flags & ~(O_CLOEXEC | O_NONBLOCK)) != 0) return -Errno.EINVAL;
        return installNew(t, HostSyscall.call(Nr.INOTIFY_INIT1, flags | O_CLOEXEC), "anon_inode:inotify",
                (flags & O_CLOEXEC) != 0);
    }

    static long inotifyAddWatch(LinuxThread t, int fd, long pathVa, int mask) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        byte[] p = t.proc.mem.cstringBytes(pathVa, 4096);
        String path = new String(p, java.nio.charset.StandardCharsets.UTF_8);
        if (!path.startsWith("/")) path = "/proc/self/fd/" + t.proc.cwdFd + "/" + path;
        return HostSyscall.call(Nr.INOTIFY_ADD_WATCH, h, FileCalls.cstr(path), mask & 0xffffffffL);
    }

    static long inotifyRmWatch(LinuxThread t, int fd, int wd) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return HostSyscall.call(Nr.INOTIFY_RM_WATCH, h, wd);
    }

    static final int MFD_CLOEXEC = 1;

    static long memfdCreate(LinuxThread t, long nameVa, int flags) {
        byte[] name = t.proc.mem.cstringBytes(nameVa, 250);
        long h = HostSyscall.call(Nr.MEMFD_CREATE, FileCalls.cstr(name), flags | MFD_CLOEXEC);
        return installNew(t, h, "/memfd:" + new String(name, java.nio.charset.StandardCharsets.UTF_8) + " (deleted)",
                (flags & MFD_CLOEXEC) != 0);
    }

    static final int CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;

    static long closeRange(LinuxThread t, long first, long last, int flags) {
        if ((flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) != 0 || first > (last & 0xffffffffL)) {
            return -Errno.EINVAL;
        }
        long hi = Math.min(last & 0xffffffffL, FdTable.MAX_FDS - 1);
        for (int fd : t.proc.fds.open()) {
            if (fd < first || fd > hi) continue;
            if ((flags & CLOSE_RANGE_CLOEXEC) != 0) t.proc.fds.setCloexec(fd, true);
            else t.proc.fds.close(fd);
        }
        return 0;
    }

    private static long offPtr(LinuxThread t, long va) {
        return va == 0 ? 0 : t.proc.mem.buffer(va, 8, true);
    }

    static long copyFileRange(LinuxThread t, int in, long offIn, int out, long offOut, long len, int flags) {
        int hi = t.proc.fds.host(in), ho = t.proc.fds.host(out);
        if (hi < 0 || ho < 0) return -Errno.EBADF;
        return Blocking.call(t, Blocking.ERESTARTSYS, Nr.COPY_FILE_RANGE, hi, offPtr(t, offIn), ho, offPtr(t, offOut),
                len, flags);
    }

    static long splice(LinuxThread t, int in, long offIn, int out, long offOut, long len, int flags) {
        int hi = t.proc.fds.host(in), ho = t.proc.fds.host(out);
        if (hi < 0 || ho < 0) return -Errno.EBADF;
        return FileCalls.sigpipe(t, Blocking.call(t, Blocking.ERESTARTSYS, Nr.SPLICE, hi, offPtr(t, offIn), ho,
                offPtr(t, offOut), len, flags));
    }

    static long tee(LinuxThread t, int in, int out, long len, int flags) {
        int hi = t.proc.fds.host(in), ho = t.proc.fds.host(out);
        if (hi < 0 || ho < 0) return -Errno.EBADF;
        return FileCalls.sigpipe(t, Blocking.call(t, Blocking.ERESTARTSYS, Nr.TEE, hi, ho, len, flags, 0, 0));
    }

    /** vmsplice: the iovec rebuilt with host pointers (as readv/writev). */
    static long vmsplice(LinuxThread t, int fd, long iov, long cnt, int flags) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        if (cnt < 0 || cnt > 1024) return -Errno.EINVAL;
        boolean is64 = true;
        int ps = is64 ? 8 : 4;
        MemorySegment host = Arena.ofAuto().allocate(16L * Math.max(cnt, 1), 8);
        for (int k = 0; k < cnt; k++) {
            long base = t.proc.mem.readPtr(iov + (long) k * 2 * ps, is64);
            long len = t.proc.mem.readPtr(iov + (long) k * 2 * ps + ps, is64);
            host.set(ValueLayout.JAVA_LONG, 16L * k, len == 0 ? 0 : t.proc.mem.buffer(base, len, false));
            host.set(ValueLayout.JAVA_LONG, 16L * k + 8, len);
        }
        return FileCalls.sigpipe(t, Blocking.call(t, Blocking.ERESTARTSYS, Nr.VMSPLICE, h, host.address(), cnt,
                flags, 0, 0));
    }
}
