package dev.jemu.user.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Waiting for descriptors: poll/ppoll, select/pselect6 (done with the host's ppoll, so host descriptor
 * numbers are never limited by FD_SETSIZE), and epoll (the host's epoll over host descriptors: the guest's
 * event data passes through unchanged, and struct epoll_event is packed and the same for both ABIs).
 * Timeouts left are written back as Linux does, so a restarted call waits only for the rest.
 */
final class PollCalls {
    private PollCalls() {}

    static final short POLLIN = 1, POLLPRI = 2, POLLOUT = 4, POLLERR = 8, POLLHUP = 16, POLLNVAL = 32;
    private static final int POLLIN_SET = 0x1 | 0x40 | 0x80 | 0x10 | 0x8; // IN RDNORM RDBAND HUP ERR
    private static final int POLLOUT_SET = 0x4 | 0x100 | 0x200 | 0x8;     // OUT WRNORM WRBAND ERR
    private static final int POLLEX_SET = 0x2;                            // PRI

    // ---------------------------------------------------------------- poll

    static long poll(LinuxThread t, long fdsVa, int n, int timeoutMs) {
        long deadline = timeoutMs < 0 ? -1 : Timers.clockNow(Timers.CLOCK_MONOTONIC) + timeoutMs * 1_000_000L;
        return pollUntil(t, fdsVa, n, deadline, true);
    }

    static long ppoll(LinuxThread t, long fdsVa, int n, long tsVa, long maskVa, long maskSize) {
        long deadline = -1;
        boolean is64 = true;
        if (tsVa != 0) {
            long ns = Timers.readTimespecNanos(t.proc.mem, tsVa, is64);
            if (ns < 0) return -Errno.EINVAL;
            deadline = Timers.clockNow(Timers.CLOCK_MONOTONIC) + ns;
        }
        if (maskVa != 0) {
            if (maskSize != 8) return -Errno.EINVAL;
            setTemporaryMask(t, t.proc.mem.readLong(maskVa));
        }
        long r = pollUntil(t, fdsVa, n, deadline, false);
        if (tsVa != 0 && (r >= 0 || r == -Blocking.ERESTARTNOHAND)) {
            writeLeft(t, tsVa, deadline, true);
        }
        return r;
    }

    /** sigsuspend-like: the mask applies during the wait and is restored after (or after the handler). */
    static void setTemporaryMask(LinuxThread t, long mask) {
        synchronized (t.proc.sigLock) {
            t.savedMask = t.sigMask;
            t.restoreMask = true;
            t.sigMask = mask & ~Signals.UNBLOCKABLE;
        }
    }

    /** {@code deadline}: CLOCK_MONOTONIC ns, or -1 for none. */
    private static long pollUntil(LinuxThread t, long fdsVa, int n, long deadline, boolean restartBlock) {
        if (n < 0 || n > t.proc.fds.limit()) return -Errno.EINVAL;
        GuestMemory m = t.proc.mem;
        byte[] guest = m.read(fdsVa, 8 * n);
        MemorySegment host = Arena.ofAuto().allocate(8L * Math.max(n, 1), 4);
        int nval = 0;
        for (int k = 0; k < n; k++) {
            int gfd = get32(guest, 8 * k);
            int ev = (guest[8 * k + 4] & 0xff) | (guest[8 * k + 5] & 0xff) << 8;
            int h = gfd < 0 ? -1 : t.proc.fds.host(gfd);
            if (gfd >= 0 && h < 0) nval++;
            host.set(ValueLayout.JAVA_INT, 8L * k, h);
            host.set(ValueLayout.JAVA_SHORT, 8L * k + 4, (short) ev);
            host.set(ValueLayout.JAVA_SHORT, 8L * k + 6, (short) 0);
        }
        // An unknown guest descriptor gets POLLNVAL at once, as Linux reports it.
        long r = Blocking.call(t, Blocking.ERESTARTNOHAND, Nr.PPOLL, host.address(), n,
                nval > 0 ? zeroTimespec() : timespecUntil(deadline), 0, 8, 0);
        if (r == -Blocking.ERESTARTNOHAND && restartBlock) {
            t.restartBlock = () -> pollUntil(t, fdsVa, n, deadline, true);
            return -Blocking.ERESTART_RESTARTBLOCK;
        }
        if (r < 0) return r;
        for (int k = 0; k < n; k++) {
            int gfd = get32(guest, 8 * k);
            short rev = host.get(ValueLayout.JAVA_SHORT, 8L * k + 6);
            if (gfd >= 0 && host.get(ValueLayout.JAVA_INT, 8L * k) < 0) rev = POLLNVAL;
            m.writeShort(fdsVa + 8L * k + 6, rev);
        }
        return r + nval;
    }

    private static int get32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }

    private static long zeroTimespec() {
        return Arena.ofAuto().allocate(16, 8).address();
    }

    /** A host relative timespec for the time left until {@code deadline} (0 for "no timeout"). */
    private static long timespecUntil(long deadline) {
        if (deadline < 0) return 0;
        long left = Math.max(0, deadline - Timers.clockNow(Timers.CLOCK_MONOTONIC));
        MemorySegment ts = Arena.ofAuto().allocate(16, 8);
        ts.set(ValueLayout.JAVA_LONG, 0, left / 1_000_000_000L);
        ts.set(ValueLayout.JAVA_LONG, 8, left % 1_000_000_000L);
        return ts.address();
    }

    private static void writeLeft(LinuxThread t, long va, long deadline, boolean timespec) {
        long left = Math.max(0, deadline - Timers.clockNow(Timers.CLOCK_MONOTONIC));
        boolean is64 = true;
        try {
            if (timespec) {
                Timers.writeTimespec(t.proc.mem, va, left, is64);
            } else {
                long us = left / 1000;
                t.proc.mem.writePtr(va, us / 1_000_000L, is64);
                t.proc.mem.writePtr(va + (is64 ? 8 : 4), us % 1_000_000L, is64);
            }
        } catch (GuestMemory.Fault ignored) {
            // a read-only timeout: Linux leaves it too
        }
    }

    // ---------------------------------------------------------------- select

    static long select(LinuxThread t, int nfds, long rVa, long wVa, long eVa, long tvVa) {
        long deadline = -1;
        boolean is64 = true;
        if (tvVa != 0) {
            GuestMemory m = t.proc.mem;
            long s = is64 ? m.readLong(tvVa) : m.readInt(tvVa);
            long us = is64 ? m.readLong(tvVa + 8) : m.readInt(tvVa + 4);
            if (s < 0 || us < 0) return -Errno.EINVAL; // tv_usec beyond a second is normalized, as Linux does
            deadline = Timers.clockNow(Timers.CLOCK_MONOTONIC) + s * 1_000_000_000L + us * 1000;
        }
        long r = selectUntil(t, nfds, rVa, wVa, eVa, deadline);
        if (tvVa != 0 && (r >= 0 || r == -Blocking.ERESTARTNOHAND)) writeLeft(t, tvVa, deadline, false);
        return r;
    }

    /** pselect6: the sixth argument points to {sigset pointer, sigset size}. */
    static long pselect6(LinuxThread t, int nfds, long rVa, long wVa, long eVa, long tsVa, long sigVa) {
        long deadline = -1;
        boolean is64 = true;
        GuestMemory m = t.proc.mem;
        if (tsVa != 0) {
            long ns = Timers.readTimespecNanos(m, tsVa, is64);
            if (ns < 0) return -Errno.EINVAL;
            deadline = Timers.clockNow(Timers.CLOCK_MONOTONIC) + ns;
        }
        if (sigVa != 0) {
            long ss = m.readPtr(sigVa, is64);
            long len = m.readPtr(sigVa + (is64 ? 8 : 4), is64);
            if (ss != 0) {
                if (len != 8) return -Errno.EINVAL;
                setTemporaryMask(t, m.readLong(ss));
            }
        }
        long r = selectUntil(t, nfds, rVa, wVa, eVa, deadline);
        if (tsVa != 0 && (r >= 0 || r == -Blocking.ERESTARTNOHAND)) writeLeft(t, tsVa, deadline, true);
        return r;
    }

    private static long selectUntil(LinuxThread t, int nfds, long rVa, long wVa, long eVa, long deadline) {
        if (nfds < 0) return -Errno.EINVAL;
        // Like Linux, descriptors beyond the table's current size are ignored (not EBADF).
        nfds = Math.min(nfds, t.proc.fds.capacity());
        GuestMemory m = t.proc.mem;
        int unit = 8; // fd_set words are longs
        int bytes = (nfds + unit * 8 - 1) / (unit * 8) * unit;
        byte[] rs = rVa == 0 ? null : m.read(rVa, bytes);
        byte[] ws = wVa == 0 ? null : m.read(wVa, bytes);
        byte[] es = eVa == 0 ? null : m.read(eVa, bytes);
        int count = 0;
        int[] fds = new int[nfds];
        short[] evs = new short[nfds];
        for (int fd = 0; fd < nfds; fd++) {
            short ev = 0;
            if (isSet(rs, fd)) ev |= POLLIN;
            if (isSet(ws, fd)) ev |= POLLOUT;
            if (isSet(es, fd)) ev |= POLLPRI;
            if (ev == 0) continue;
            if (t.proc.fds.host(fd) < 0) return -Errno.EBADF;
            fds[count] = fd;
            evs[count++] = ev;
        }
        MemorySegment host = Arena.ofAuto().allocate(8L * Math.max(count, 1), 4);
        for (int k = 0; k < count; k++) {
            host.set(ValueLayout.JAVA_INT, 8L * k, t.proc.fds.host(fds[k]));
            host.set(ValueLayout.JAVA_SHORT, 8L * k + 4, evs[k]);
        }
        long r = Blocking.call(t, Blocking.ERESTARTNOHAND, Nr.PPOLL, host.address(), count,
                timespecUntil(deadline), 0, 8, 0);
        if (r < 0) return r;
        byte[] ro = rs == null ? null : new byte[bytes], wo = ws == null ? null : new byte[bytes],
                eo = es == null ? null : new byte[bytes];
        int n = 0;
        for (int k = 0; k < count; k++) {
            int rev = host.get(ValueLayout.JAVA_SHORT, 8L * k + 6) & 0xffff;
            int fd = fds[k];
            if ((evs[k] & POLLIN) != 0 && (rev & POLLIN_SET) != 0) n += set(ro, fd);
            if ((evs[k] & POLLOUT) != 0 && (rev & POLLOUT_SET) != 0) n += set(wo, fd);
            if ((evs[k] & POLLPRI) != 0 && (rev & POLLEX_SET) != 0) n += set(eo, fd);
        }
        if (ro != null) m.write(rVa, ro);
        if (wo != null) m.write(wVa, wo);
        if (eo != null) m.write(eVa, eo);
        return n;
    }

    private static boolean isSet(byte[] set, int fd) {
        return set != null && (set[fd >> 3] & (1 << (fd & 7))) != 0;
    }

    private static int set(byte[] set, int fd) {
        set[fd >> 3] |= (byte) (1 << (fd & 7));
        return 1;
    }

    // ---------------------------------------------------------------- epoll

    static final int EPOLL_CLOEXEC = 0x80000;

    static long epollCreate1(LinuxThread t, int flags) {
        if ((flags & ~EPOLL_CLOEXEC) != 0) return -Errno.EINVAL;
        long h = HostSyscall.call(Nr.EPOLL_CREATE1, EPOLL_CLOEXEC);
        if (h < 0) return h;
        return FdCalls.installNew(t, h, "anon_inode:[eventpoll]", (flags & EPOLL_CLOEXEC) != 0);
    }

    static long epollCtl(LinuxThread t, int epfd, int op, int fd, long evVa) {
        int he = t.proc.fds.host(epfd), hf = t.proc.fds.host(fd);
        if (he < 0 || hf < 0) return -Errno.EBADF;
        if (epfd == fd) return -Errno.EINVAL;
        long ev = evVa == 0 || op == 2 /* EPOLL_CTL_DEL */ ? 0 : t.proc.mem.buffer(evVa, 12, false);
        return HostSyscall.call(Nr.EPOLL_CTL, he, op, hf, ev);
    }

    static long epollWait(LinuxThread t, int epfd, long evVa, int max, int timeoutMs) {
        return epollPwait(t, epfd, evVa, max, timeoutMs, 0, 8);
    }

    /** epoll_wait is never restarted: an interruption is EINTR even without a handler (man 7 signal). */
    static long epollPwait(LinuxThread t, int epfd, long evVa, int max, int timeoutMs, long maskVa, long size) {
        int he = t.proc.fds.host(epfd);
        if (he < 0) return -Errno.EBADF;
        if (max <= 0 || max > (Integer.MAX_VALUE / 12)) return -Errno.EINVAL;
        long buf = t.proc.mem.buffer(evVa, 12L * max, true);
        if (maskVa != 0) {
            if (size != 8) return -Errno.EINVAL;
            setTemporaryMask(t, t.proc.mem.readLong(maskVa));
        }
        return Blocking.call(t, Errno.EINTR, Nr.EPOLL_WAIT, he, buf, max, timeoutMs, 0, 0);
    }

    static long epollPwait2(LinuxThread t, int epfd, long evVa, int max, long tsVa, long maskVa, long size) {
        int timeoutMs = -1;
        if (tsVa != 0) {
            long ns = Timers.readTimespecNanos(t.proc.mem, tsVa, true);
            if (ns < 0) return -Errno.EINVAL;
            timeoutMs = (int) Math.min(Integer.MAX_VALUE, (ns + 999_999) / 1_000_000);
        }
        return epollPwait(t, epfd, evVa, max, timeoutMs, maskVa, size);
    }
}
