package dev.jemu.user.linux;

import java.lang.foreign.MemorySegment;

import static dev.jemu.user.linux.Structs32.L;

/**
 * Time system calls of the i386 ABI with 32-bit {@code time_t}: time, gettimeofday, clock_gettime/getres,
 * nanosleep, clock_nanosleep, times, getrusage, the utime family and timerfd; the {@code *_time64} calls whose
 * inputs need their padding cleared. Each goes to the host with x86-64 structures and back.
 */
final class Time32 {
    private Time32() {}

    static long time(LinuxThread t, long tloc) {
        long r = HostSyscall.call(Nr.TIME, 0);
        if (tloc != 0) t.proc.mem.writeInt(tloc, (int) r);
        return r & 0xffffffffL;
    }

    static long gettimeofday(LinuxThread t, long tv, long tz) {
        MemorySegment h = Structs32.scratch();
        long r = HostSyscall.call(Nr.GETTIMEOFDAY, tv == 0 ? 0 : h.address(), tz == 0 ? 0 : h.address() + 16);
        if (r < 0) return r;
        if (tv != 0) Structs32.timevalOut(t.proc.mem, tv, h, 0);
        if (tz != 0) t.proc.mem.write(tz, h.asSlice(16, 8).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        return 0;
    }

    /**
     * clock_gettime and clock_getres with a 32-bit timespec: the shared call (which knows the guest's CPU-time
     * clocks) fills an x86-64 one below the stack, narrowed here.
     */
    static long clockGet(LinuxThread t, int nr, long clock, long ts) {
        long k = ts == 0 ? 0 : Structs32.belowStack(t, 16);
        long r = Sys64.dispatch(t, nr, (int) clock, k, 0, 0, 0, 0);
        if (r < 0 || ts == 0) return r;
        GuestMemory m = t.proc.mem;
        m.buffer(ts, 8, true);
        m.writeInt(ts, (int) m.readLong(k));
        m.writeInt(ts + 4, (int) m.readLong(k + 8));
        return r;
    }

    /** nanosleep with 32-bit timespecs, through the shared (interruptible, restartable) sleep. */
    static long nanosleep(LinuxThread t, long req, long rem) {
        return sleep(t, Nr.NANOSLEEP, 0, 0, req, rem);
    }

    static long clockNanosleep(LinuxThread t, long clock, long flags, long req, long rem) {
        return sleep(t, Nr.CLOCK_NANOSLEEP, clock, flags, req, rem);
    }

    private static long sleep(LinuxThread t, int nr, long clock, long flags, long req, long rem) {
        GuestMemory m = t.proc.mem;
        long k = Structs32.belowStack(t, 32);
        m.writeLong(k, m.readInt(req));
        m.writeLong(k + 8, m.readInt(req + 4));
        long rem64 = rem == 0 ? 0 : k + 16;
        long r = nr == Nr.NANOSLEEP ? Sys64.dispatch(t, nr, k, rem64, 0, 0, 0, 0)
                : Sys64.dispatch(t, nr, (int) clock, (int) flags, k, rem64, 0, 0);
        if (rem != 0 && (r == -Errno.EINTR || Blocking.isRestart(r))) {
            m.buffer(rem, 8, true);
            m.writeInt(rem, (int) m.readLong(k + 16));
            m.writeInt(rem + 4, (int) m.readLong(k + 24));
        }
        return r;
    }

    /** times: four 32-bit clock_t; the result is the tick count truncated to 32 bits, as compat Linux returns it. */
    static long times(LinuxThread t, long buf) {
        long k = buf == 0 ? 0 : Structs32.belowStack(t, 32);
        long r = Sys64.dispatch(t, Nr.TIMES, k, 0, 0, 0, 0, 0);
        if (r < 0 && r > -4096) return r;
        if (buf != 0) {
            GuestMemory m = t.proc.mem;
            m.buffer(buf, 16, true);
            for (int i = 0; i < 4; i++) m.writeInt(buf + 4L * i, (int) m.readLong(k + 8L * i));
        }
        return r & 0xffffffffL;
    }

    /** Writes an x86-64 struct rusage (144 bytes, in guest memory at {@code src}) as the i386 one (72 bytes). */
    static void rusageOut(GuestMemory m, long dst, long src) {
        m.buffer(dst, 72, true);
        for (int i = 0; i < 4; i++) m.writeInt(dst + 4L * i, (int) m.readLong(src + 8L * i));
        for (int i = 0; i < 14; i++) m.writeInt(dst + 16 + 4L * i, (int) m.readLong(src + 32 + 8L * i));
    }

    static long getrusage(LinuxThread t, long who, long ru) {
        long k = Structs32.belowStack(t, 144);
        long r = Sys64.dispatch(t, Nr.GETRUSAGE, (int) who, k, 0, 0, 0, 0);
        if (r < 0) return r;
        rusageOut(t.proc.mem, ru, k);
        return 0;
    }

    static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;

    /** The common end of the utime family: host utimensat with {@code times} (a host pointer or 0). */
    private static long setTimes(LinuxThread t, int dirfd, long pathVa, long times, int flags) {
        if (pathVa == 0) {
            int hfd = dirfd == FileCalls.AT_FDCWD ? t.proc.cwdFd : t.proc.fds.host(dirfd);
            if (hfd < 0) return -Errno.EBADF;
            return HostSyscall.call(Nr.UTIMENSAT, hfd, 0, times, flags);
        }
        return HostSyscall.call(Nr.UTIMENSAT, FileCalls.hostDir(t, dirfd), FileCalls.path(t, pathVa), times, flags);
    }

    /** utime(path, struct utimbuf {time_t actime, modtime}). */
    static long utime(LinuxThread t, long pathVa, long buf) {
        if (buf == 0) return setTimes(t, FileCalls.AT_FDCWD, pathVa, 0, 0);
        MemorySegment h = Structs32.scratch();
        GuestMemory m = t.proc.mem;
        h.set(L, 0, m.readInt(buf));
        h.set(L, 8, 0);
        h.set(L, 16, m.readInt(buf + 4));
        h.set(L, 24, 0);
        return setTimes(t, FileCalls.AT_FDCWD, pathVa, h.address(), 0);
    }

    /** utimes and futimesat: two struct timeval (microseconds). */
    static long futimesat(LinuxThread t, int dirfd, long pathVa, long tv) {
        if (tv == 0) return setTimes(t, dirfd, pathVa, 0, 0);
        MemorySegment h = Structs32.scratch();
        GuestMemory m = t.proc.mem;
        for (int k = 0; k < 2; k++) {
            long sec = m.readInt(tv + 8L * k), usec = m.readInt(tv + 8L * k + 4);
            if (usec < 0 || usec >= 1_000_000) return -Errno.EINVAL;
            h.set(L, 16L * k, sec);
            h.set(L, 16L * k + 8, usec * 1000);
        }
        return setTimes(t, dirfd, pathVa, h.address(), 0);
    }

    static long utimensat(LinuxThread t, int dirfd, long pathVa, long ts, int flags, boolean t64) {
        long hp = 0;
        if (ts != 0) {
            MemorySegment h = Structs32.scratch();
            Structs32.timespecIn(t.proc.mem, ts, t64, h, 0);
            Structs32.timespecIn(t.proc.mem, ts + Structs32.timespecSize(t64), t64, h, 16);
            hp = h.address();
        }
        return setTimes(t, dirfd, pathVa, hp, flags);
    }

    // ---- timerfd (host timer descriptors) ----

    static long timerfdSettime(LinuxThread t, int fd, int flags, long newVa, long oldVa, boolean t64) {
        int hfd = t.proc.fds.host(fd);
        if (hfd < 0) return -Errno.EBADF;
        MemorySegment h = Structs32.scratch();
        GuestMemory m = t.proc.mem;
        int ts = Structs32.timespecSize(t64);
        Structs32.timespecIn(m, newVa, t64, h, 0);
        Structs32.timespecIn(m, newVa + ts, t64, h, 16);
        long r = HostSyscall.call(Nr.TIMERFD_SETTIME, hfd, flags, h.address(), oldVa == 0 ? 0 : h.address() + 32);
        if (r < 0 || oldVa == 0) return r;
        Structs32.timespecOut(m, oldVa, t64, h, 32);
        Structs32.timespecOut(m, oldVa + ts, t64, h, 48);
        return r;
    }

    static long timerfdGettime(LinuxThread t, int fd, long curVa, boolean t64) {
        int hfd = t.proc.fds.host(fd);
        if (hfd < 0) return -Errno.EBADF;
        MemorySegment h = Structs32.scratch();
        long r = HostSyscall.call(Nr.TIMERFD_GETTIME, hfd, h.address());
        if (r < 0) return r;
        Structs32.timespecOut(t.proc.mem, curVa, t64, h, 0);
        Structs32.timespecOut(t.proc.mem, curVa + Structs32.timespecSize(t64), t64, h, 16);
        return r;
    }

    /** sched_rr_get_interval with a 32-bit timespec. */
    static long rrInterval(LinuxThread t, long pid, long ts) {
        MemorySegment h = Structs32.scratch();
        long r = HostSyscall.call(148 /* sched_rr_get_interval */, 0, h.address());
        if (r < 0) return r;
        Structs32.timespecOut(t.proc.mem, ts, false, h, 0);
        return r;
    }
}
