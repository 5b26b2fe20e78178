package dev.jemu.user.linux;

import java.lang.foreign.MemorySegment;

import static dev.jemu.user.linux.Structs32.I;
import static dev.jemu.user.linux.Structs32.L;
import static dev.jemu.user.linux.Structs32.NSEC;
import static dev.jemu.user.linux.Structs32.S;

/**
 * select, _newselect, pselect6(_time64) and ppoll(_time64) of the i386 ABI. The guest's fd_sets (arrays of
 * 32-bit words over guest descriptors) become a host pollfd array over the host descriptors; results map back
 * the way Linux's select does (readable = POLLIN|POLLHUP|POLLERR, ...), and the timeout is updated with the
 * time left, as Linux does. The wait goes through {@link Blocking}, so guest signals interrupt it (and, without
 * a handler, restart it with the time left); pselect6 and ppoll apply their signal mask for the wait.
 */
final class Select32 {
    private Select32() {}

    /** How the timeout is given. */
    static final int TIMEVAL = 0, TIMESPEC32 = 1, TIMESPEC64 = 2;

    private static final int POLLIN = 1, POLLPRI = 2, POLLOUT = 4, POLLERR = 8, POLLHUP = 0x10, POLLNVAL = 0x20,
            POLLRDNORM = 0x40, POLLRDBAND = 0x80, POLLWRNORM = 0x100, POLLWRBAND = 0x200;
    private static final int IN_SET = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR,
            OUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR, EX_SET = POLLPRI;

    /** Reads a timeout: -1 for none (wait forever), else nanoseconds; throws EINVAL as a negative errno. */
    private static long timeoutNs(GuestMemory m, long va, int kind) {
        if (va == 0) return -1;
        long sec, frac;
        switch (kind) {
            case TIMEVAL -> {
                // Linux carries whole seconds out of tv_usec before checking (fs/select.c).
                sec = m.readInt(va) + (long) m.readInt(va + 4) / 1_000_000;
                frac = ((long) m.readInt(va + 4) % 1_000_000) * 1000;
            }
            case TIMESPEC32 -> {
                sec = m.readInt(va);
                frac = m.readInt(va + 4);
            }
            default -> {
                sec = m.readLong(va);
                frac = m.readInt(va + 8);
            }
        }
        if (sec < 0 || frac < 0 || frac >= NSEC) return -2;
        if (sec > Long.MAX_VALUE / NSEC - 1) return Long.MAX_VALUE;
        return sec * NSEC + frac;
    }

    /** Writes the time left back into the guest's timeout, in its own format (a zero timeout stays as it was). */
    private static void timeoutOut(GuestMemory m, long va, int kind, long total, long ns) {
        if (va == 0 || total <= 0) return;
        if (ns < 0) ns = 0;
        long sec = ns / NSEC, frac = ns % NSEC;
        switch (kind) {
            case TIMEVAL -> {
                m.writeInt(va, (int) sec);
                m.writeInt(va + 4, (int) (frac / 1000));
            }
            case TIMESPEC32 -> {
                m.writeInt(va, (int) sec);
                m.writeInt(va + 4, (int) frac);
            }
            default -> {
                m.writeLong(va, sec);
                m.writeLong(va + 8, frac);
            }
        }
    }

    /** A host buffer for {@code count} pollfds and, after them, the timespec of {@link #hostPoll}. */
    private static MemorySegment pollBuffer(int count) {
        return Structs32.hostBuffer(8L * count + 16);
    }

    /** Host ppoll on {@code fds} (from {@link #pollBuffer}); {@code ns} < 0 waits forever. */
    private static long hostPoll(LinuxThread t, MemorySegment fds, int count, long ns) {
        long tp = 0;
        if (ns >= 0) {
            fds.set(L, 8L * count, ns / NSEC);
            fds.set(L, 8L * count + 8, ns % NSEC);
            tp = fds.address() + 8L * count;
        }
        return Blocking.call(t, Blocking.ERESTARTNOHAND, Nr.PPOLL, count == 0 ? 0 : fds.address(), count, tp, 0, 8, 0);
    }

    /** old select(struct sel_arg_struct *): {n, inp, outp, exp, tvp}. */
    static long oldSelect(LinuxThread t, long args) {
        GuestMemory m = t.proc.mem;
        long[] a = new long[5];
        for (int k = 0; k < 5; k++) a[k] = m.readInt(args + 4L * k) & 0xffffffffL;
        return select(t, a[0], a[1], a[2], a[3], a[4], TIMEVAL, 0);
    }

    /**
     * select/_newselect and pselect6(_time64); {@code sigVa} (pselect6 only, or 0) points to {u32 sigset pointer,
     * u32 sigset size}.
     */
    static long select(LinuxThread t, long nArg, long inp, long outp, long exp, long tvp, int kind, long sigVa) {
        GuestMemory m = t.proc.mem;
        int n = (int) nArg;
        if (n < 0) return -Errno.EINVAL;
        n = Math.min(n, FdTable.MAX_FDS);
        long ns = timeoutNs(m, tvp, kind);
        if (ns == -2) return -Errno.EINVAL;
        int bytes = ((n + 31) >>> 5) << 2;
        long[] vas = {inp, outp, exp};
        byte[][] sets = new byte[3][];
        for (int s = 0; s < 3; s++) sets[s] = vas[s] == 0 ? new byte[bytes] : m.read(vas[s], bytes);
        int count = 0;
        for (int fd = 0; fd < n; fd++) if (any(sets, fd)) count++;
        MemorySegment fds = pollBuffer(count);
        int[] guestFd = new int[count];
        int k = 0;
        for (int fd = 0; fd < n; fd++) {
            if (!any(sets, fd)) continue;
            int h = t.proc.fds.host(fd);
            if (h < 0) return -Errno.EBADF;
            int ev = (bit(sets[0], fd) ? POLLIN : 0) | (bit(sets[1], fd) ? POLLOUT : 0) | (bit(sets[2], fd) ? POLLPRI : 0);
            fds.set(I, 8L * k, h);
            fds.set(S, 8L * k + 4, (short) ev);
            fds.set(S, 8L * k + 6, (short) 0);
            guestFd[k++] = fd;
        }
        if (sigVa != 0) {
            long ss = m.readInt(sigVa) & 0xffffffffL, size = m.readInt(sigVa + 4) & 0xffffffffL;
            if (ss != 0) {
                if (size != 8) return -Errno.EINVAL;
                PollCalls.setTemporaryMask(t, m.readLong(ss));
            }
        }
        long start = System.nanoTime();
        long r = hostPoll(t, fds, count, ns);
        if (r >= 0 || r == -Blocking.ERESTARTNOHAND) timeoutOut(m, tvp, kind, ns, ns - (System.nanoTime() - start));
        if (r < 0) return r;
        byte[][] out = new byte[3][bytes];
        int ready = 0;
        for (int j = 0; j < count; j++) {
            int rev = fds.get(S, 8L * j + 6) & 0xffff;
            int fd = guestFd[j];
            if (bit(sets[0], fd) && (rev & IN_SET) != 0) ready += set(out[0], fd);
            if (bit(sets[1], fd) && (rev & OUT_SET) != 0) ready += set(out[1], fd);
            if (bit(sets[2], fd) && (rev & EX_SET) != 0) ready += set(out[2], fd);
        }
        for (int s = 0; s < 3; s++) if (vas[s] != 0 && bytes > 0) m.write(vas[s], out[s]);
        return ready;
    }

    private static boolean bit(byte[] set, int fd) {
        return (set[fd >>> 3] & (1 << (fd & 7))) != 0;
    }

    private static int set(byte[] set, int fd) {
        set[fd >>> 3] |= (byte) (1 << (fd & 7));
        return 1;
    }

    private static boolean any(byte[][] sets, int fd) {
        return bit(sets[0], fd) || bit(sets[1], fd) || bit(sets[2], fd);
    }

    /** ppoll / ppoll_time64 (sigmask: a sigset pointer, or 0). */
    static long ppoll(LinuxThread t, long fdsVa, long nArg, long tsp, boolean t64, long sigmask, long sigsetsize) {
        GuestMemory m = t.proc.mem;
        int n = (int) nArg;
        if (n < 0 || n > FdTable.MAX_FDS) return -Errno.EINVAL;
        int kind = t64 ? TIMESPEC64 : TIMESPEC32;
        long ns = timeoutNs(m, tsp, kind);
        if (ns == -2) return -Errno.EINVAL;
        MemorySegment fds = pollBuffer(n);
        boolean[] nval = new boolean[n];
        int bad = 0;
        for (int k = 0; k < n; k++) {
            int gfd = m.readInt(fdsVa + 8L * k);
            int ev = m.readShort(fdsVa + 8L * k + 4);
            int h = gfd < 0 ? -1 : t.proc.fds.host(gfd);
            if (gfd >= 0 && h < 0) {
                nval[k] = true;
                bad++;
            }
            fds.set(I, 8L * k, h);
            fds.set(S, 8L * k + 4, (short) ev);
            fds.set(S, 8L * k + 6, (short) 0);
        }
        if (sigmask != 0) {
            if (sigsetsize != 8) return -Errno.EINVAL;
            PollCalls.setTemporaryMask(t, m.readLong(sigmask));
        }
        long start = System.nanoTime();
        long r = hostPoll(t, fds, n, bad > 0 ? 0 : ns);
        if (r >= 0 || r == -Blocking.ERESTARTNOHAND) timeoutOut(m, tsp, kind, ns, ns - (System.nanoTime() - start));
        if (r < 0) return r;
        for (int k = 0; k < n; k++) {
            int rev = nval[k] ? POLLNVAL : fds.get(S, 8L * k + 6) & 0xffff;
            m.writeShort(fdsVa + 8L * k + 6, rev);
        }
        return r + bad;
    }
}
