package dev.jemu.user.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import static dev.jemu.user.linux.Structs32.I;
import static dev.jemu.user.linux.Structs32.L;
import static dev.jemu.user.linux.Structs32.S;

/**
 * Directory reading for i386 guests. The old getdents has its own struct linux_dirent; both it and getdents64
 * give 32-bit tasks directory offsets that fit 32 bits: file systems with hashed directories (ext4's htree)
 * hand a 32-bit caller the major hash where a 64-bit one gets major << 32 | minor, and glibc's 32-bit readdir
 * fails with EOVERFLOW on anything larger. The host (a 64-bit process) gets the 64-bit form, so offsets are
 * narrowed here (the upper word is the 32-bit form) and seeks on such directories widened back.
 */
final class Dir32 {
    private Dir32() {}

    /** Open directories whose offsets were narrowed: their seeks take the 32-bit form. */
    private static final Map<FdTable.HostFile, Boolean> HASHED = Collections.synchronizedMap(new WeakHashMap<>());

    /** A host directory offset as a 32-bit task sees it. */
    static long narrow(long off) {
        return (off >>> 32) != 0 ? off >>> 32 : off;
    }

    /** getdents64 into the guest's buffer, then each record's d_off narrowed in place. */
    static long getdents64(LinuxThread t, int fd, long dirp, long count) {
        FdTable.HostFile f = t.proc.fds.get(fd);
        if (f == null) return -Errno.EBADF;
        long n = HostSyscall.call(Nr.GETDENTS64, f.hostFd, FileCalls.buf(t, dirp, count, true), count);
        if (n <= 0) return n;
        MemorySegment g = t.proc.mem.slice(dirp, n, true);
        boolean hashed = false;
        for (long p = 0; p < n; p += g.get(S, p + 16) & 0xffff) {
            long off = g.get(L, p + 8);
            if ((off >>> 32) != 0) {
                hashed = true;
                g.set(L, p + 8, narrow(off));
            }
        }
        if (hashed) HASHED.put(f, Boolean.TRUE);
        return n;
    }

    /**
     * The old getdents: struct linux_dirent {u32 d_ino; u32 d_off; u16 d_reclen; char d_name[]; ...; u8 d_type}
     * with records 4-byte aligned. The host's linux_dirent64 records are never smaller than these, so what the
     * host returns for {@code count} bytes always fits.
     */
    static long getdents(LinuxThread t, int fd, long dirp, long count) {
        FdTable.HostFile f = t.proc.fds.get(fd);
        if (f == null) return -Errno.EBADF;
        GuestMemory m = t.proc.mem;
        m.buffer(dirp, count, true);
        MemorySegment h = Structs32.hostBuffer(count);
        long n = HostSyscall.call(Nr.GETDENTS64, f.hostFd, h.address(), count);
        if (n <= 0) return n;
        MemorySegment g = m.slice(dirp, count, true);
        long in = 0, out = 0;
        boolean hashed = false;
        while (in < n) {
            long ino = h.get(L, in), off = h.get(L, in + 8);
            int reclen = h.get(S, in + 16) & 0xffff;
            int type = h.get(ValueLayout.JAVA_BYTE, in + 18) & 0xff;
            int nameLen = 0;
            while (h.get(ValueLayout.JAVA_BYTE, in + 19 + nameLen) != 0) nameLen++;
            if ((ino >>> 32) != 0) return -Errno.EOVERFLOW;
            hashed |= (off >>> 32) != 0;
            int rl = (10 + nameLen + 2 + 3) & ~3;
            g.set(I, out, (int) ino);
            g.set(I, out + 4, (int) narrow(off));
            g.set(S, out + 8, (short) rl);
            MemorySegment.copy(h, in + 19, g, out + 10, nameLen);
            g.asSlice(out + 10 + nameLen, rl - 11 - nameLen).fill((byte) 0);
            g.set(ValueLayout.JAVA_BYTE, out + rl - 1, (byte) type);
            in += reclen;
            out += rl;
        }
        if (hashed) HASHED.put(f, Boolean.TRUE);
        return out;
    }

    static final int SEEK_SET = 0;

    /**
     * lseek/_llseek for i386: on a directory whose offsets were narrowed, an absolute position is widened back
     * to the host's form and the result narrowed. Other descriptors seek as they are.
     */
    static long seek(LinuxThread t, int fd, long off, int whence) {
        FdTable.HostFile f = t.proc.fds.get(fd);
        if (f == null) return -Errno.EBADF;
        boolean hashed = HASHED.containsKey(f);
        if (hashed && whence == SEEK_SET && off > 0) off = off == 0x7fffffffL ? Long.MAX_VALUE : off << 32;
        long r = HostSyscall.call(Nr.LSEEK, f.hostFd, off, whence);
        return hashed && r > 0 ? narrow(r) : r;
    }
}
