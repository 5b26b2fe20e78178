package dev.jemu.user.linux;

/** Memory-management system calls: brk, mmap, munmap, mprotect, mremap, madvise, mincore. */
final class MemCalls {
    private MemCalls() {}

    static final int MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
            MAP_FIXED_NOREPLACE = 0x100000;
    private static final long PAGE = 4096;

    static long brk(LinuxThread t, long addr) {
        AddressSpace as = t.proc.mm;
        synchronized (as) {
            long cur = as.brk;
            if (addr < as.brkStart) return cur;
            long oldTop = AddressSpace.pageUp(cur), newTop = AddressSpace.pageUp(addr);
            if (newTop > oldTop) {
                if (!as.isFree(oldTop, newTop - oldTop)) return cur;
                as.map(oldTop, newTop - oldTop, AddressSpace.PROT_READ | AddressSpace.PROT_WRITE, "[heap]", 0);
            } else if (newTop < oldTop) {
                as.unmap(newTop, oldTop - newTop);
            }
            // Bytes freed below the page top must read as zero when the break grows again.
            if (addr < cur && addr < oldTop) {
                long end = Math.min(cur, newTop);
                if (end > addr) as.segment().asSlice(addr, end - addr).fill((byte) 0);
            }
            as.brk = addr;
            return addr;
        }
    }

    static long mmap(LinuxThread t, long addr, long len, int prot, int flags, int fd, long off) {
        AddressSpace as = t.proc.mm;
        if (len == 0 || (off & (PAGE - 1)) != 0) return -Errno.EINVAL;
        long size = AddressSpace.pageUp(len);
        if (size <= 0 || size > as.limit()) return -Errno.ENOMEM;
        int type = flags & 3;
        if (type != MAP_SHARED && type != MAP_PRIVATE && type != 3) return -Errno.EINVAL;
        boolean anon = (flags & MAP_ANONYMOUS) != 0;
        int hfd = -1;
        String name = "";
        if (!anon) {
            FdTable.HostFile f = t.proc.fds.get(fd);
            if (f == null) return -Errno.EBADF;
            hfd = f.hostFd;
            name = f.name;
        }
        if (type == MAP_SHARED || type == 3) return mmapShared(t, addr, size, prot, flags, anon ? -1 : hfd, off, name);
        long start;
        synchronized (as) {
            if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) {
                if ((addr & (PAGE - 1)) != 0) return -Errno.EINVAL;
                if (addr + size > as.limit() || addr + size < addr) return -Errno.ENOMEM;
                if ((flags & MAP_FIXED_NOREPLACE) != 0 && (flags & MAP_FIXED) == 0 && !as.isFree(addr, size)) {
                    return -Errno.EEXIST;
                }
                start = addr;
            } else {
                start = as.findFree(size, AddressSpace.pageDown(addr));
                if (start < 0) return -Errno.ENOMEM;
            }
            as.map(start, size, prot, name, off);
        }
        if (!anon) {
            // Private file mapping: a copy of the file's bytes (beyond the end of file the pages stay zero).
            long done = 0;
            while (done < len) {
                long r = HostSyscall.call(Nr.PREAD64, hfd, as.hostAddress(start + done), len - done, off + done);
                if (r == -Errno.EINTR) continue;
                if (r < 0) {
                    as.unmap(start, size);
                    return r == -Errno.EISDIR ? -Errno.ENODEV : r;
                }
                if (r == 0) break;
                done += r;
            }
        }
        return start;
    }

    /**
     * MAP_SHARED: the host maps the file (or, for anonymous memory, a memfd) shared into our window, so
     * writes reach the file and a forked child shares the pages with its parent.
     */
    private static long mmapShared(LinuxThread t, long addr, long size, int prot, int flags, int hfd, long off,
                                   String name) {
        AddressSpace as = t.proc.mm;
        long fd;
        if (hfd < 0) {
            fd = HostSyscall.call(Nr.MEMFD_CREATE, FileCalls.cstr("jemu-shared"), 1 /* MFD_CLOEXEC */);
            if (fd < 0) return fd;
            long r = HostSyscall.call(Nr.FTRUNCATE, fd, size);
            if (r < 0) {
                HostSyscall.call(Nr.CLOSE, fd);
                return r;
            }
            name = "/dev/zero (deleted)";
            off = 0;
        } else {
            fd = HostSyscall.call(Nr.FCNTL, hfd, FileCalls.F_DUPFD_CLOEXEC, 0);
            if (fd < 0) return fd;
        }
        synchronized (as) {
            long start;
            if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) {
                if ((addr & (PAGE - 1)) != 0 || addr + size > as.limit() || addr + size < addr) {
                    HostSyscall.call(Nr.CLOSE, fd);
                    return (addr & (PAGE - 1)) != 0 ? -Errno.EINVAL : -Errno.ENOMEM;
                }
                if ((flags & MAP_FIXED) == 0 && !as.isFree(addr, size)) {
                    HostSyscall.call(Nr.CLOSE, fd);
                    return -Errno.EEXIST;
                }
                start = addr;
            } else {
                start = as.findFree(size, AddressSpace.pageDown(addr));
                if (start < 0) {
                    HostSyscall.call(Nr.CLOSE, fd);
                    return -Errno.ENOMEM;
                }
            }
            long r = as.mapShared(start, size, prot, name, off, (int) fd);
            if (r < 0) return r;
            if (hfd >= 0) {
                // Whole pages past the end of the file: the guest gets SIGBUS there (the host would
                // raise it inside the JVM). A file that grows later is not followed.
                java.lang.foreign.MemorySegment st = java.lang.foreign.Arena.ofAuto().allocate(144, 8);
                if (HostSyscall.call(Nr.FSTAT, hfd, st.address()) == 0
                        && (st.get(java.lang.foreign.ValueLayout.JAVA_INT, 24) & 0170000) == 0100000) {
                    long fsize = st.get(java.lang.foreign.ValueLayout.JAVA_LONG, 48);
                    long valid = Math.max(0, AddressSpace.pageUp(fsize) - off);
                    if (valid < size) as.markBeyondEof(start + valid, size - valid);
                }
            }
            return start;
        }
    }

    static long munmap(LinuxThread t, long addr, long len) {
        if ((addr & (PAGE - 1)) != 0 || len == 0) return -Errno.EINVAL;
        t.proc.mm.unmap(addr, len);
        return 0;
    }

    static long mprotect(LinuxThread t, long addr, long len, int prot) {
        if ((addr & (PAGE - 1)) != 0) return -Errno.EINVAL;
        if (len == 0) return 0;
        return t.proc.mm.mprotect(addr, len, prot);
    }

    static final int MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;

    static long mremap(LinuxThread t, long old, long oldLen, long newLen, int flags, long newAddr) {
        AddressSpace as = t.proc.mm;
        if ((old & (PAGE - 1)) != 0 || newLen == 0) return -Errno.EINVAL;
        oldLen = AddressSpace.pageUp(oldLen);
        newLen = AddressSpace.pageUp(newLen);
        synchronized (as) {
            AddressSpace.Vma v = as.vmaAt(old);
            if (v == null || old + oldLen > v.end) return -Errno.EFAULT;
            if ((flags & MREMAP_FIXED) != 0) {
                if ((flags & MREMAP_MAYMOVE) == 0 || (newAddr & (PAGE - 1)) != 0) return -Errno.EINVAL;
                return move(as, v, old, oldLen, newLen, newAddr);
            }
            if (newLen <= oldLen) {
                if (newLen < oldLen) as.unmap(old + newLen, oldLen - newLen);
                return old;
            }
            long fo = v.fileOffset + (old - v.start);
            if (as.isFree(old + oldLen, newLen - oldLen)) {
                long r = extend(as, v, old + oldLen, newLen - oldLen, fo + oldLen);
                return r < 0 ? r : old;
            }
            if ((flags & MREMAP_MAYMOVE) == 0) return -Errno.ENOMEM;
            long dst = as.findFree(newLen, 0);
            if (dst < 0) return -Errno.ENOMEM;
            return move(as, v, old, oldLen, newLen, dst);
        }
    }

    /** Maps [at, at+len) as the continuation of {@code v} (offset {@code fo} into its file or shared object). */
    private static long extend(AddressSpace as, AddressSpace.Vma v, long at, long len, long fo) {
        if (v.backing == null) {
            as.map(at, len, v.prot, v.name, fo);
            return 0;
        }
        long fd = HostSyscall.call(Nr.FCNTL, v.backing.fd, FileCalls.F_DUPFD_CLOEXEC, 0);
        if (fd < 0) return fd;
        if (v.name.startsWith("/dev/zero")) growTo((int) fd, fo + len);
        return as.mapShared(at, len, v.prot, v.name, fo, (int) fd);
    }

    /** A shared anonymous object (memfd) grows to at least {@code size} bytes. */
    private static void growTo(int fd, long size) {
        java.lang.foreign.MemorySegment st = java.lang.foreign.Arena.ofAuto().allocate(144, 8);
        if (HostSyscall.call(Nr.FSTAT, fd, st.address()) == 0
                && st.get(java.lang.foreign.ValueLayout.JAVA_LONG, 48) < size) {
            HostSyscall.call(Nr.FTRUNCATE, fd, size);
        }
    }

    private static long move(AddressSpace as, AddressSpace.Vma v, long old, long oldLen, long newLen, long dst) {
        int prot = v.prot;
        String name = v.name;
        long fo = v.fileOffset + (old - v.start);
        long keep = Math.min(oldLen, newLen);
        if (v.backing != null) {
            // The shared object is mapped again at its new place; its contents move with it.
            long fd = HostSyscall.call(Nr.FCNTL, v.backing.fd, FileCalls.F_DUPFD_CLOEXEC, 0);
            if (fd < 0) return fd;
            if (name.startsWith("/dev/zero")) {
                growTo((int) fd, fo + newLen);
            }
            long r = as.mapShared(dst, newLen, prot, name, fo, (int) fd);
            if (r < 0) return r;
            as.unmap(old, oldLen);
            return dst;
        }
        as.map(dst, newLen, prot | AddressSpace.PROT_WRITE, name, fo);
        java.lang.foreign.MemorySegment.copy(as.segment(), old, as.segment(), dst, keep);
        as.unmap(old, oldLen);
        if ((prot & AddressSpace.PROT_WRITE) == 0) as.protect(dst, newLen, prot);
        return dst;
    }

    static final int MADV_DONTNEED = 4, MADV_FREE = 8, MADV_REMOVE = 9;

    static long madvise(LinuxThread t, long addr, long len, int advice) {
        if ((addr & (PAGE - 1)) != 0) return -Errno.EINVAL;
        if (advice == MADV_DONTNEED) {
            AddressSpace as = t.proc.mm;
            long l = AddressSpace.pageUp(len);
            if (!as.accessible(addr, l, 0)) return -Errno.ENOMEM;
            // Private anonymous memory reads as zero afterwards.
            as.ram().discard(addr, l);
        }
        return 0;
    }

    static long mincore(LinuxThread t, long addr, long len, long vec) {
        long pages = AddressSpace.pageUp(len) / PAGE;
        if (!t.proc.mm.accessible(addr, len, 0)) return -Errno.ENOMEM;
        byte[] ones = new byte[(int) pages];
        java.util.Arrays.fill(ones, (byte) 1);
        t.proc.mem.write(vec, ones);
        return 0;
    }
}
