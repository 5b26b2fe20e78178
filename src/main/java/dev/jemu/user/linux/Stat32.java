package dev.jemu.user.linux;

import java.lang.foreign.MemorySegment;

import static dev.jemu.user.linux.Structs32.I;
import static dev.jemu.user.linux.Structs32.L;
import static dev.jemu.user.linux.Structs32.S;

/**
 * File status in the i386 layouts: struct stat (the old 32-bit one), struct stat64, struct statfs and statfs64. The host fills its x86-64 structures; these copy the fields over
 * with the overflow checks compat Linux makes (fs/stat.c cp_compat_stat, arch/x86 cp_stat64, fs/statfs.c).
 */
final class Stat32 {
    private Stat32() {}

    /** Flavours of the *stat calls by which struct they fill. */
    static final int OLD = 0, STAT64 = 1;

    // Offsets in the host's (x86-64) struct stat.
    private static final int H_DEV = 0, H_INO = 8, H_NLINK = 16, H_MODE = 24, H_UID = 28, H_GID = 32, H_RDEV = 40,
            H_SIZE = 48, H_BLKSIZE = 56, H_BLOCKS = 64, H_ATIME = 72, H_MTIME = 88, H_CTIME = 104;

    /** stat/lstat/fstatat64 by path (flags as fstatat's). */
    static long statAt(LinuxThread t, int dirfd, long pathVa, long buf, int flags, int kind) {
        MemorySegment h = Structs32.scratch();
        long r;
        if ((flags & FileCalls.AT_EMPTY_PATH) != 0 && t.proc.mem.readByte(pathVa) == 0) {
            int hfd = dirfd == FileCalls.AT_FDCWD ? t.proc.cwdFd : t.proc.fds.host(dirfd);
            if (hfd < 0) return -Errno.EBADF;
            r = HostSyscall.call(Nr.FSTAT, hfd, h.address());
        } else {
            r = HostSyscall.call(Nr.NEWFSTATAT, FileCalls.hostDir(t, dirfd), FileCalls.path(t, pathVa), h.address(), flags);
        }
        return r < 0 ? r : out(t.proc.mem, buf, h, kind);
    }

    static long fstat(LinuxThread t, int fd, long buf, int kind) {
        int hfd = t.proc.fds.host(fd);
        if (hfd < 0) return -Errno.EBADF;
        MemorySegment h = Structs32.scratch();
        long r = HostSyscall.call(Nr.FSTAT, hfd, h.address());
        return r < 0 ? r : out(t.proc.mem, buf, h, kind);
    }

    private static long out(GuestMemory m, long buf, MemorySegment h, int kind) {
        return kind == OLD ? outOld(m, buf, h) : out64(m, buf, h);
    }

    /** 16-bit ids: ids that do not fit become the overflow id 65534, as Linux's high2lowuid does. */
    static int low16(long id) {
        return (id & 0xffffffffL) > 0xffff ? 65534 : (int) id;
    }

    /** struct stat of i386 (64 bytes): 32-bit dev/ino/size, 16-bit mode/nlink/uid/gid. */
    private static long outOld(GuestMemory m, long buf, MemorySegment h) {
        long ino = h.get(L, H_INO), nlink = h.get(L, H_NLINK), size = h.get(L, H_SIZE);
        if ((ino >>> 32) != 0 || (nlink >>> 16) != 0 || size > 0x7fffffffL || size < 0) return -Errno.EOVERFLOW;
        m.buffer(buf, 64, true);
        MemorySegment g = m.slice(buf, 64, true);
        g.fill((byte) 0);
        g.set(I, 0, (int) h.get(L, H_DEV));
        g.set(I, 4, (int) ino);
        g.set(S, 8, (short) h.get(I, H_MODE));
        g.set(S, 10, (short) nlink);
        g.set(S, 12, (short) low16(h.get(I, H_UID)));
        g.set(S, 14, (short) low16(h.get(I, H_GID)));
        g.set(I, 16, (int) h.get(L, H_RDEV));
        g.set(I, 20, (int) size);
        g.set(I, 24, (int) h.get(L, H_BLKSIZE));
        g.set(I, 28, (int) h.get(L, H_BLOCKS));
        for (int k = 0; k < 3; k++) {
            g.set(I, 32 + 8 * k, (int) h.get(L, H_ATIME + 16 * k));
            g.set(I, 36 + 8 * k, (int) h.get(L, H_ATIME + 16 * k + 8));
        }
        return 0;
    }

    /** struct stat64 of i386 (96 bytes, 4-byte aligned 64-bit fields); the padding is left as it was. */
    private static long out64(GuestMemory m, long buf, MemorySegment h) {
        MemorySegment g = m.slice(buf, 96, true);
        long ino = h.get(L, H_INO);
        g.set(L, 0, h.get(L, H_DEV));
        g.set(I, 12, (int) ino);
        g.set(I, 16, h.get(I, H_MODE));
        g.set(I, 20, (int) h.get(L, H_NLINK));
        g.set(I, 24, h.get(I, H_UID));
        g.set(I, 28, h.get(I, H_GID));
        g.set(L, 32, h.get(L, H_RDEV));
        g.set(L, 44, h.get(L, H_SIZE));
        g.set(I, 52, (int) h.get(L, H_BLKSIZE));
        g.set(L, 56, h.get(L, H_BLOCKS));
        for (int k = 0; k < 3; k++) {
            g.set(I, 64 + 8 * k, (int) h.get(L, H_ATIME + 16 * k));
            g.set(I, 68 + 8 * k, (int) h.get(L, H_ATIME + 16 * k + 8));
        }
        g.set(L, 88, ino);
        return 0;
    }

    // ---- statfs ----

    /** statfs/fstatfs (struct statfs, 64 bytes) and statfs64/fstatfs64 (struct statfs64, 84 bytes). */
    static long statfs(LinuxThread t, long pathVa, int fd, long buf, boolean is64, long size) {
        if (is64 && size != 84) return -Errno.EINVAL;
        MemorySegment h = Structs32.scratch();
        long r;
        if (pathVa != 0) {
            r = FileCalls.pathOnlyCall(t, Nr.STATFS, pathVa, h.address());
        } else {
            int hfd = t.proc.fds.host(fd);
            if (hfd < 0) return -Errno.EBADF;
            r = HostSyscall.call(Nr.FSTATFS, hfd, h.address());
        }
        if (r < 0) return r;
        long type = h.get(L, 0), bsize = h.get(L, 8), blocks = h.get(L, 16), bfree = h.get(L, 24),
                bavail = h.get(L, 32), files = h.get(L, 40), ffree = h.get(L, 48), fsid = h.get(L, 56),
                namelen = h.get(L, 64), frsize = h.get(L, 72), flags = h.get(L, 80);
        GuestMemory m = t.proc.mem;
        if (!is64) {
            if (((blocks | bfree | bavail | bsize | frsize) >>> 32) != 0) return -Errno.EOVERFLOW;
            if (files != -1 && (files >>> 32) != 0) return -Errno.EOVERFLOW;
            if (ffree != -1 && (ffree >>> 32) != 0) return -Errno.EOVERFLOW;
            MemorySegment g = m.slice(buf, 64, true);
            g.fill((byte) 0);
            long[] v = {type, bsize, blocks, bfree, bavail, files, ffree};
            for (int k = 0; k < v.length; k++) g.set(I, 4L * k, (int) v[k]);
            g.set(L, 28, fsid);
            g.set(I, 36, (int) namelen);
            g.set(I, 40, (int) frsize);
            g.set(I, 44, (int) flags);
        } else {
            if (((bsize | frsize) >>> 32) != 0) return -Errno.EOVERFLOW;
            MemorySegment g = m.slice(buf, 84, true);
            g.fill((byte) 0);
            g.set(I, 0, (int) type);
            g.set(I, 4, (int) bsize);
            g.set(L, 8, blocks);
            g.set(L, 16, bfree);
            g.set(L, 24, bavail);
            g.set(L, 32, files);
            g.set(L, 40, ffree);
            g.set(L, 48, fsid);
            g.set(I, 56, (int) namelen);
            g.set(I, 60, (int) frsize);
            g.set(I, 64, (int) flags);
        }
        return 0;
    }
}
