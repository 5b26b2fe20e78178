package dev.jemu.user.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * File and descriptor system calls. Guest descriptors are translated to host ones, relative paths resolve
 * against the process's own working directory (a host directory descriptor), and guest buffers are passed to
 * the host kernel in place once their guest permissions are checked.
 */
public final class FileCalls {
    private FileCalls() {}

    public static final int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000;
    public static final int O_CLOEXEC = 0x80000, O_PATH = 0x200000, O_DIRECTORY = 0x10000;

    /** Host address of a guest buffer, checked: for the host to fill ({@code write}) or to read. */
    static long buf(LinuxThread t, long va, long len, boolean write) {
        return t.proc.mem.buffer(va, len, write);
    }

    /** Host directory descriptor for a guest dirfd argument. */
    static int hostDir(LinuxThread t, int dirfd) {
        if (dirfd == AT_FDCWD) return t.proc.cwdFd;
        int h = t.proc.fds.host(dirfd);
        return h < 0 ? -1 : h;
    }

    /** A guest path as a host pointer; /proc/self paths are redirected to what the guest should see. */
    static long path(LinuxThread t, long va) {
        byte[] p = t.proc.mem.cstringBytes(va, 4096);
        byte[] r = ProcFs.rewrite(t, p);
        if (r == null) return t.proc.mm.hostAddress(va);
        return cstr(r);
    }

    static long cstr(byte[] s) {
        MemorySegment m = Arena.ofAuto().allocate(s.length + 1L);
        MemorySegment.copy(s, 0, m, ValueLayout.JAVA_BYTE, 0, s.length);
        m.set(ValueLayout.JAVA_BYTE, s.length, (byte) 0);
        return m.address();
    }

    static long cstr(String s) {
        return cstr(s.getBytes(StandardCharsets.UTF_8));
    }

    static long read(LinuxThread t, int fd, long va, long n) {
        FdTable.HostFile f = t.proc.fds.get(fd);
        if (f == null) return -Errno.EBADF;
        if (f.special instanceof SignalFd s) return s.read(t, va, n);
        return Blocking.call(t, Nr.READ, f.hostFd, buf(t, va, n, true), n);
    }

    static long write(LinuxThread t, int fd, long va, long n) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return sigpipe(t, Blocking.call(t, Nr.WRITE, h, buf(t, va, n, false), n));
    }

    static long pread(LinuxThread t, int fd, long va, long n, long off) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return Blocking.call(t, Nr.PREAD64, h, buf(t, va, n, true), n, off);
    }

    static long pwrite(LinuxThread t, int fd, long va, long n, long off) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return sigpipe(t, Blocking.call(t, Nr.PWRITE64, h, buf(t, va, n, false), n, off));
    }

    /**
     * A write that found no reader also raises SIGPIPE in Linux. The JVM ignores SIGPIPE on the host, so the
     * host call just fails with EPIPE, and the guest signal is sent here.
     */
    static long sigpipe(LinuxThread t, long r) {
        if (r == -Errno.EPIPE) {
            Signals.sendToThread(t, SigInfo.user(Signals.SIGPIPE, SigInfo.SI_USER, t.proc.pid, Processes.uid()));
        }
        return r;
    }

    /** readv/writev/preadv/pwritev: the iovec array is rebuilt with host pointers. */
    static long rwv(LinuxThread t, int nr, int fd, long iov, int cnt, long off, boolean is64) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        if (cnt < 0 || cnt > 1024) return -Errno.EINVAL;
        GuestMemory m = t.proc.mem;
        int ps = is64 ? 8 : 4;
        MemorySegment host = Arena.ofAuto().allocate(16L * Math.max(cnt, 1), 8);
        boolean reading = nr == Nr.READV || nr == Nr.PREADV;
        for (int k = 0; k < cnt; k++) {
            long base = m.readPtr(iov + (long) k * 2 * ps, is64);
            long len = m.readPtr(iov + (long) k * 2 * ps + ps, is64);
            host.set(ValueLayout.JAVA_LONG, 16L * k, len == 0 ? 0 : buf(t, base, len, reading));
            host.set(ValueLayout.JAVA_LONG, 16L * k + 8, len);
        }
        long r = Blocking.call(t, Blocking.ERESTARTSYS, nr, h, host.address(), cnt, off, 0, 0);
        return reading ? r : sigpipe(t, r);
    }

    static long openat(LinuxThread t, int dirfd, long pathVa, int flags, int mode) {
        byte[] p = t.proc.mem.cstringBytes(pathVa, 4096);
        int special = ProcFs.open(t, p);
        long r;
        if (special != Integer.MIN_VALUE) {
            r = special;
        } else {
            byte[] rw = ProcFs.rewrite(t, p);
            long hp = rw == null ? t.proc.mm.hostAddress(pathVa) : cstr(rw);
            r = Blocking.call(t, Nr.OPENAT, hostDir(t, dirfd), hp, flags | O_CLOEXEC, mode & ~t.proc.umask);
        }
        if (r < 0) return r;
        String name = new String(p, StandardCharsets.UTF_8);
        ProcDir dir = special == Integer.MIN_VALUE ? ProcFs.directory(t, p) : null;
        int fd = t.proc.fds.install(new FdTable.HostFile((int) r, name, dir), 0, (flags & O_CLOEXEC) != 0);
        if (fd < 0) HostSyscall.call(Nr.CLOSE, r);
        return fd;
    }

    static long fstat(LinuxThread t, int fd, long st) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return HostSyscall.call(Nr.FSTAT, h, buf(t, st, 144, true));
    }

    static long fstatat(LinuxThread t, int dirfd, long pathVa, long st, int flags) {
        if ((flags & AT_EMPTY_PATH) != 0 && t.proc.mem.readByte(pathVa) == 0) {
            return dirfd == AT_FDCWD ? HostSyscall.call(Nr.FSTAT, t.proc.cwdFd, buf(t, st, 144, true)) : fstat(t, dirfd, st);
        }
        return HostSyscall.call(Nr.NEWFSTATAT, hostDir(t, dirfd), path(t, pathVa), buf(t, st, 144, true), flags);
    }

    static long statx(LinuxThread t, int dirfd, long pathVa, int flags, int mask, long st) {
        int dir = hostDir(t, dirfd);
        long p = (flags & AT_EMPTY_PATH) != 0 && t.proc.mem.readByte(pathVa) == 0 ? cstr("") : path(t, pathVa);
        return HostSyscall.call(Nr.STATX, dir, p, flags, mask, buf(t, st, 256, true));
    }

    /** A call whose first argument is a descriptor and the rest plain values. */
    static long fdCall(LinuxThread t, int nr, int fd, long a, long b) {
        return fdCall(t, nr, fd, a, b, 0);
    }

    static long fdCall(LinuxThread t, int nr, int fd, long a, long b, long c) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return HostSyscall.call(nr, h, a, b, c);
    }

    /** getdents/getdents64: generated /proc directories list the guest's entries. */
    static long getdents(LinuxThread t, int nr, int fd, long va, long len) {
        FdTable.HostFile f = t.proc.fds.get(fd);
        if (f == null) return -Errno.EBADF;
        if (f.special instanceof ProcDir d) return d.getdents(t, va, len, nr == Nr.GETDENTS64);
        return HostSyscall.call(nr, f.hostFd, buf(t, va, len, true), len);
    }

    static long lseek(LinuxThread t, int fd, long off, int whence) {
        FdTable.HostFile f = t.proc.fds.get(fd);
        if (f == null) return -Errno.EBADF;
        if (f.special instanceof ProcDir d && off == 0 && whence == 0) d.rewind();
        return HostSyscall.call(Nr.LSEEK, f.hostFd, off, whence);
    }

    static long flock(LinuxThread t, int fd, int op) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return Blocking.call(t, Nr.FLOCK, h, op, 0);
    }

    /** An *at call: (dirfd, path, b, c[, d]). */
    static long pathCall(LinuxThread t, int nr, int dirfd, long pathVa, long b, long c) {
        return HostSyscall.call(nr, hostDir(t, dirfd), path(t, pathVa), b, c);
    }

    static long pathCall(LinuxThread t, int nr, int dirfd, long pathVa, long b, long c, long d) {
        return HostSyscall.call(nr, hostDir(t, dirfd), path(t, pathVa), b, c, d);
    }

    /** A call taking only a path (truncate, statfs): resolved against the working directory. */
    static long pathOnlyCall(LinuxThread t, int nr, long pathVa, long b) {
        byte[] p = t.proc.mem.cstringBytes(pathVa, 4096);
        if (p.length > 0 && p[0] != '/') {
            // no *at variant: go through /proc/self/fd of the working directory
            byte[] full = (("/proc/self/fd/" + t.proc.cwdFd + "/") + new String(p, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
            return HostSyscall.call(nr, cstr(full), b);
        }
        return HostSyscall.call(nr, path(t, pathVa), b);
    }

    static long twoPathCall(LinuxThread t, int nr, int d1, long p1, int d2, long p2, long flags) {
        return HostSyscall.call(nr, hostDir(t, d1), path(t, p1), hostDir(t, d2), path(t, p2), flags);
    }

    static long symlinkat(LinuxThread t, long target, int dirfd, long linkpath) {
        t.proc.mem.cstringBytes(target, 4096);
        return HostSyscall.call(Nr.SYMLINKAT, t.proc.mm.hostAddress(target), hostDir(t, dirfd), path(t, linkpath));
    }

    static long utimensat(LinuxThread t, int dirfd, long pathVa, long times, int flags) {
        long tp = times == 0 ? 0 : buf(t, times, 32, false);
        if (pathVa == 0) {
            int h = dirfd == AT_FDCWD ? t.proc.cwdFd : t.proc.fds.host(dirfd);
            if (h < 0) return -Errno.EBADF;
            return HostSyscall.call(Nr.UTIMENSAT, h, 0, tp, flags);
        }
        return HostSyscall.call(Nr.UTIMENSAT, hostDir(t, dirfd), path(t, pathVa), tp, flags);
    }

    static long faccessat(LinuxThread t, int dirfd, long pathVa, int mode, int flags) {
        return HostSyscall.call(Nr.FACCESSAT2, hostDir(t, dirfd), path(t, pathVa), mode, flags);
    }

    static long readlinkat(LinuxThread t, int dirfd, long pathVa, long bufVa, long size) {
        byte[] p = t.proc.mem.cstringBytes(pathVa, 4096);
        byte[] link = ProcFs.readlink(t, p);
        if (link != null) {
            int n = (int) Math.min(link.length, size);
            t.proc.mem.write(bufVa, link, 0, n);
            return n;
        }
        return HostSyscall.call(Nr.READLINKAT, hostDir(t, dirfd), path(t, pathVa), buf(t, bufVa, size, true), size);
    }

    static long getcwd(LinuxThread t, long bufVa, long size) {
        byte[] c = t.proc.cwd.getBytes(StandardCharsets.UTF_8);
        if (size < c.length + 1) return -Errno.ERANGE;
        t.proc.mem.write(bufVa, c);
        t.proc.mem.write(bufVa + c.length, new byte[1]);
        return c.length + 1;
    }

    static long chdir(LinuxThread t, long pathVa) {
        long fd = HostSyscall.call(Nr.OPENAT, t.proc.cwdFd, path(t, pathVa), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0) return fd;
        return setCwd(t, (int) fd);
    }

    static long fchdir(LinuxThread t, int gfd) {
        int h = t.proc.fds.host(gfd);
        if (h < 0) return -Errno.EBADF;
        long fd = HostSyscall.call(Nr.OPENAT, h, cstr("."), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0) return fd;
        return setCwd(t, (int) fd);
    }

    /** Makes host descriptor {@code fd} the working directory; its path comes from /proc/self/fd. */
    static long setCwd(LinuxThread t, int fd) {
        String p = hostFdPath(fd);
        int old = t.proc.cwdFd;
        t.proc.cwdFd = fd;
        if (p != null) t.proc.cwd = p;
        HostSyscall.call(Nr.CLOSE, old);
        return 0;
    }

    static String hostFdPath(int fd) {
        MemorySegment b = Arena.ofAuto().allocate(4096);
        long n = HostSyscall.call(Nr.READLINKAT, AT_FDCWD, cstr("/proc/self/fd/" + fd), b.address(), 4096);
        if (n < 0) return null;
        byte[] out = new byte[(int) n];
        MemorySegment.copy(b, ValueLayout.JAVA_BYTE, 0, out, 0, (int) n);
        return new String(out, StandardCharsets.UTF_8);
    }

    static long dup2(LinuxThread t, int oldfd, int newfd) {
        if (t.proc.fds.get(oldfd) == null) return -Errno.EBADF;
        return t.proc.fds.dup2(oldfd, newfd, false);
    }

    static long dup3(LinuxThread t, int oldfd, int newfd, int flags) {
        if (oldfd == newfd) return -Errno.EINVAL;
        if ((flags & ~O_CLOEXEC) != 0) return -Errno.EINVAL;
        return t.proc.fds.dup2(oldfd, newfd, (flags & O_CLOEXEC) != 0);
    }

    static long pipe2(LinuxThread t, long fdsVa, int flags) {
        MemorySegment two = Arena.ofAuto().allocate(8, 4);
        long r = HostSyscall.call(Nr.PIPE2, two.address(), flags | O_CLOEXEC);
        if (r < 0) return r;
        int rd = two.get(ValueLayout.JAVA_INT, 0), wr = two.get(ValueLayout.JAVA_INT, 4);
        boolean ce = (flags & O_CLOEXEC) != 0;
        int g0 = t.proc.fds.install(new FdTable.HostFile(rd, "pipe:[" + rd + "]"), 0, ce);
        int g1 = g0 < 0 ? g0 : t.proc.fds.install(new FdTable.HostFile(wr, "pipe:[" + rd + "]"), 0, ce);
        if (g0 < 0 || g1 < 0) {
            if (g0 >= 0) t.proc.fds.close(g0);
            else HostSyscall.call(Nr.CLOSE, rd);
            HostSyscall.call(Nr.CLOSE, wr);
            return -Errno.EMFILE;
        }
        try {
            t.proc.mem.writeInt(fdsVa, g0);
            t.proc.mem.writeInt(fdsVa + 4, g1);
        } catch (GuestMemory.Fault f) {
            t.proc.fds.close(g0);
            t.proc.fds.close(g1);
            throw f;
        }
        return 0;
    }

    static final int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6,
            F_SETLKW = 7, F_DUPFD_CLOEXEC = 1030;

    static long fcntl(LinuxThread t, int fd, int cmd, long arg) {
        FdTable fds = t.proc.fds;
        int h = fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return switch (cmd) {
            case F_DUPFD -> fds.dup(fd, (int) arg, false);
            case F_DUPFD_CLOEXEC -> fds.dup(fd, (int) arg, true);
            case F_GETFD -> fds.cloexec(fd) ? 1 : 0;
            case F_SETFD -> {
                fds.setCloexec(fd, (arg & 1) != 0);
                yield 0;
            }
            case F_GETLK, F_SETLK, F_SETLKW, 36, 37, 38 -> Blocking.call(t, Nr.FCNTL, h, cmd, buf(t, arg, 32, cmd == F_GETLK || cmd == 36));
            default -> HostSyscall.call(Nr.FCNTL, h, cmd, arg);
        };
    }

    static final int TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TIOCGPGRP = 0x540f,
            TIOCSPGRP = 0x5410, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b, FIONBIO = 0x5421,
            TIOCSCTTY = 0x540e, TIOCNOTTY = 0x5422, FIOCLEX = 0x5451, FIONCLEX = 0x5450, TIOCGSID = 0x5429;

    static long ioctl(LinuxThread t, int fd, long req, long arg) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        int r = (int) req;
        return switch (r) {
            case TCGETS -> HostSyscall.call(Nr.IOCTL, h, r, buf(t, arg, 60, true));
            case TCSETS, TCSETSW, TCSETSF -> HostSyscall.call(Nr.IOCTL, h, r, buf(t, arg, 60, false));
            case TIOCGWINSZ -> HostSyscall.call(Nr.IOCTL, h, r, buf(t, arg, 8, true));
            case TIOCSWINSZ -> HostSyscall.call(Nr.IOCTL, h, r, buf(t, arg, 8, false));
            case FIONREAD -> HostSyscall.call(Nr.IOCTL, h, r, buf(t, arg, 4, true));
            case FIONBIO -> HostSyscall.call(Nr.IOCTL, h, r, buf(t, arg, 4, false));
            case FIOCLEX, FIONCLEX -> {
                t.proc.fds.setCloexec(fd, r == FIOCLEX);
                yield 0;
            }
            case TIOCGPGRP, TIOCSPGRP, TIOCGSID -> {
                // Guest process groups are jemu's own: the terminal's foreground group is kept by Terminal.
                long chk = HostSyscall.call(Nr.IOCTL, h, TCGETS, Arena.ofAuto().allocate(64).address());
                if (chk < 0) yield chk;
                yield r == TIOCGPGRP ? Terminal.getForeground(t, arg)
                        : r == TIOCSPGRP ? Terminal.setForeground(t, arg) : Terminal.getSession(t, arg);
            }
            case TIOCSCTTY, TIOCNOTTY -> 0;
            // Terminal controls with a plain value or no argument.
            case TCSBRK, TCXONC, TCFLSH, TIOCEXCL, TIOCNXCL, TIOCSBRK, TIOCCBRK ->
                    Blocking.call(t, Nr.IOCTL, h, r, arg);
            // An int in or out.
            case TIOCOUTQ, TIOCMGET, TIOCGETD, SIOCATMARK -> HostSyscall.call(Nr.IOCTL, h, r, buf(t, arg, 4, true));
            case TIOCMSET, TIOCMBIS, TIOCMBIC, TIOCSETD, FIOASYNC ->
                    HostSyscall.call(Nr.IOCTL, h, r, buf(t, arg, 4, false));
            case TIOCGPTPEER -> FdCalls.installNew(t, HostSyscall.call(Nr.IOCTL, h, r, (arg & ~O_CLOEXEC) | O_CLOEXEC),
                    "/dev/pts", (arg & O_CLOEXEC) != 0);
            case SIOCGIFCONF -> ifconf(t, h, arg);
            default -> {
                long g = encodedIoctl(t, h, r, arg);
                if (g != Long.MIN_VALUE) yield g;
                if (t.proc.kernel.log.on(dev.jemu.util.Log.Item.UNIMP)) {
                    t.proc.kernel.log.printf("Unsupported ioctl: cmd=%#x%n", req);
                }
                yield -Errno.ENOTTY;
            }
        };
    }

    static final int TCSBRK = 0x5409, TCXONC = 0x540a, TCFLSH = 0x540b, TIOCEXCL = 0x540c, TIOCNXCL = 0x540d,
            TIOCOUTQ = 0x5411, TIOCMGET = 0x5415, TIOCMBIS = 0x5416, TIOCMBIC = 0x5417, TIOCMSET = 0x5418,
            TIOCGETD = 0x5424, TIOCSETD = 0x5423, TIOCSBRK = 0x5427, TIOCCBRK = 0x5428, TIOCGPTPEER = 0x5441,
            FIOASYNC = 0x5452, SIOCATMARK = 0x8905, SIOCGIFCONF = 0x8912;

    /**
     * ioctls that encode their argument's direction and size (_IOR/_IOW/_IOWR), and the socket interface
     * requests (struct ifreq): the argument is a buffer of that size, passed in place.
     */
    private static long encodedIoctl(LinuxThread t, int h, int r, long arg) {
        int dir = (r >>> 30) & 3, size = (r >>> 16) & 0x3fff, type = (r >>> 8) & 0xff;
        if ((r & 0xffff0000) == 0 && r >= 0x8910 && r <= 0x8938) {
            dir = 3;
            size = 40; // struct ifreq (the SIOCGIF*/SIOCSIF* requests, none with pointers inside)
        } else if (type != 'T' && type != 'f' && type != 0x12 && type != 'X') {
            // Only families whose structures hold no pointers: a guest pointer inside one would be taken
            // by the host kernel as an address in jemu's own memory.
            return Long.MIN_VALUE;
        }
        if (dir == 0 || size == 0) return Long.MIN_VALUE;
        // dir bit 1 (_IOC_READ): the kernel writes the buffer; bit 0 (_IOC_WRITE): it reads it.
        long hb = buf(t, arg, size, (dir & 2) != 0);
        return Blocking.call(t, Nr.IOCTL, h, r, hb);
    }

    /** SIOCGIFCONF: struct ifconf {int len; char *buf} with the buffer passed in place. */
    private static long ifconf(LinuxThread t, int h, long arg) {
        GuestMemory m = t.proc.mem;
        int len = m.readInt(arg);
        long gbuf = m.readLong(arg + 8);
        MemorySegment ic = Arena.ofAuto().allocate(16, 8);
        ic.set(ValueLayout.JAVA_INT, 0, len);
        ic.set(ValueLayout.JAVA_LONG, 8, gbuf == 0 ? 0 : buf(t, gbuf, len, true));
        long r = HostSyscall.call(Nr.IOCTL, h, SIOCGIFCONF, ic.address());
        if (r >= 0) m.writeInt(arg, ic.get(ValueLayout.JAVA_INT, 0));
        return r;
    }

    static long sendfile(LinuxThread t, int out, int in, long offVa, long count) {
        int ho = t.proc.fds.host(out), hi = t.proc.fds.host(in);
        if (ho < 0 || hi < 0) return -Errno.EBADF;
        return sigpipe(t, Blocking.call(t, Nr.SENDFILE, ho, hi, offVa == 0 ? 0 : buf(t, offVa, 8, true), count));
    }
}
