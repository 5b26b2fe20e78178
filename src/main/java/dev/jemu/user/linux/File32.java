package dev.jemu.user.linux;

import java.lang.foreign.MemorySegment;

import static dev.jemu.user.linux.Structs32.I;
import static dev.jemu.user.linux.Structs32.L;
import static dev.jemu.user.linux.Structs32.S;
import static dev.jemu.user.linux.Structs32.lohi;
import static dev.jemu.user.linux.Structs32.s32;

/**
 * File calls whose i386 arguments differ from x86-64's: 32-bit signed offsets (lseek, truncate), 64-bit
 * offsets split over two registers (_llseek, pread64, ftruncate64, fadvise64_64, fallocate...), struct flock
 * in its two i386 layouts (fcntl/fcntl64), and the 32-bit off_t pointer of sendfile.
 */
final class File32 {
    private File32() {}

    static long lseek(LinuxThread t, int fd, long off, int whence) {
        // Like compat Linux (a 64-bit off_t inside), a position past 4 GiB comes back truncated, not EOVERFLOW.
        return Dir32.seek(t, fd, s32(off), whence);
    }

    /** _llseek(fd, offset_high, offset_low, loff_t *result, whence). */
    static long llseek(LinuxThread t, int fd, long hi, long lo, long result, int whence) {
        long r = Dir32.seek(t, fd, lohi(lo, hi), whence);
        if (r < 0) return r;
        t.proc.mem.writeLong(result, r);
        return 0;
    }

    static long truncate(LinuxThread t, long pathVa, long len) {
        return FileCalls.pathOnlyCall(t, Nr.TRUNCATE, pathVa, len);
    }

    static long ftruncate(LinuxThread t, int fd, long len) {
        return FileCalls.fdCall(t, Nr.FTRUNCATE, fd, len, 0);
    }

    static long fadvise(LinuxThread t, int fd, long off, long len, long advice) {
        return FileCalls.fdCall(t, Nr.FADVISE64, fd, off, len, (int) advice);
    }

    static long fallocate(LinuxThread t, int fd, long mode, long off, long len) {
        return FileCalls.fdCall(t, Nr.FALLOCATE, fd, (int) mode, off, len);
    }

    static long readahead(LinuxThread t, int fd, long off, long count) {
        return FileCalls.fdCall(t, 187 /* readahead */, fd, off, count);
    }

    static long syncFileRange(LinuxThread t, int fd, long off, long n, long flags) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return HostSyscall.call(277 /* sync_file_range */, h, off, n, (int) flags);
    }

    /** sendfile with a 32-bit off_t pointer (sendfile64 has the x86-64 loff_t one). */
    static long sendfile(LinuxThread t, int out, int in, long offVa, long count) {
        if (offVa == 0) return FileCalls.sendfile(t, out, in, 0, count);
        int ho = t.proc.fds.host(out), hi = t.proc.fds.host(in);
        if (ho < 0 || hi < 0) return -Errno.EBADF;
        MemorySegment h = Structs32.scratch();
        h.set(L, 0, t.proc.mem.readInt(offVa));
        long r = HostSyscall.call(Nr.SENDFILE, ho, hi, h.address(), count);
        if (r >= 0) t.proc.mem.writeInt(offVa, (int) h.get(L, 0));
        return r;
    }

    static long preadv(LinuxThread t, int nr, int fd, long iov, long cnt, long off, long flags) {
        if (flags != 0) return -Errno.EOPNOTSUPP;
        if (off == -1) return FileCalls.rwv(t, nr == Nr.PREADV ? Nr.READV : Nr.WRITEV, fd, iov, (int) cnt, 0, false);
        return FileCalls.rwv(t, nr, fd, iov, (int) cnt, off, false);
    }

    // ---- fcntl ----

    static final int F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7, F_GETLK64 = 12, F_SETLK64 = 13, F_SETLKW64 = 14,
            F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;

    /**
     * fcntl and fcntl64 (the same on a 64-bit kernel): the lock commands read and write struct flock (i386: {short type,
     * whence; long start, len; int pid}, 16 bytes) or struct flock64 ({short, short; long long start, len; int
     * pid}, packed to 24 bytes); the host takes its own struct flock (32 bytes). Other commands are shared.
     */
    static long fcntl(LinuxThread t, int fd, int cmd, long arg) {
        boolean lk32, get;
        int hostCmd;
        switch (cmd) {
            case F_GETLK, F_SETLK, F_SETLKW -> {
                lk32 = true;
                get = cmd == F_GETLK;
                hostCmd = cmd;
            }
            case F_GETLK64, F_SETLK64, F_SETLKW64, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW -> {
                // Plain fcntl takes these too (Linux 6.x's compat fcntl no longer refuses them).
                lk32 = false;
                get = cmd == F_GETLK64 || cmd == F_OFD_GETLK;
                hostCmd = cmd >= F_OFD_GETLK ? cmd : cmd - F_GETLK64 + F_GETLK;
            }
            default -> {
                return FileCalls.fcntl(t, fd, cmd, arg);
            }
        }
        int hfd = t.proc.fds.host(fd);
        if (hfd < 0) return -Errno.EBADF;
        GuestMemory m = t.proc.mem;
        MemorySegment h = Structs32.scratch();
        h.asSlice(0, 32).fill((byte) 0);
        h.set(S, 0, (short) m.readShort(arg));
        h.set(S, 2, (short) m.readShort(arg + 2));
        if (lk32) {
            h.set(L, 8, m.readInt(arg + 4));
            h.set(L, 16, m.readInt(arg + 8));
            h.set(I, 24, m.readInt(arg + 12));
        } else {
            h.set(L, 8, m.readLong(arg + 4));
            h.set(L, 16, m.readLong(arg + 12));
            h.set(I, 24, m.readInt(arg + 20));
        }
        long r = HostSyscall.call(Nr.FCNTL, hfd, hostCmd, h.address());
        if (r < 0 || !get) return r;
        long start = h.get(L, 8), len = h.get(L, 16);
        if (lk32) {
            // F_GETLK of a lock that a 32-bit off_t cannot describe.
            if (start != (int) start || len != (int) len) return -Errno.EOVERFLOW;
            m.buffer(arg, 16, true);
            m.writeShort(arg, h.get(S, 0));
            m.writeShort(arg + 2, h.get(S, 2));
            m.writeInt(arg + 4, (int) start);
            m.writeInt(arg + 8, (int) len);
            m.writeInt(arg + 12, h.get(I, 24));
        } else {
            m.buffer(arg, 24, true);
            m.writeShort(arg, h.get(S, 0));
            m.writeShort(arg + 2, h.get(S, 2));
            m.writeLong(arg + 4, start);
            m.writeLong(arg + 12, len);
            m.writeInt(arg + 20, h.get(I, 24));
        }
        return r;
    }
}
