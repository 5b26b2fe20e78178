package dev.jemu.user.linux;

/**
 * Signal, timer and futex calls of the i386 ABI. The shared implementations (SignalCalls, Timers, Futex) take
 * x86-64 structures; these convert the i386 ones (struct sigaction with 32-bit handler/flags/restorer, stack_t,
 * itimerval, sigevent, siginfo, 32-bit timespecs) to x86-64 copies in guest memory below the stack pointer,
 * where a signal frame would go (the i386 ABI has no red zone, so nothing of the guest's lives there during a
 * system call), call the shared implementation and convert what it returns. The old one-word-mask calls
 * (sigaction, sigprocmask, sigpending, sigsuspend) have their own shared entry points.
 */
final class Signal32 {
    private Signal32() {}

    static final long SA_NODEFER = 0x40000000L, SA_RESETHAND = 0x80000000L;

    /**
     * rt_sigaction with the i386 struct sigaction {handler, flags, restorer, mask[2]} (20 bytes), or
     * ({@code old}) the old sigaction's struct old_sigaction {handler, mask (32 bits), flags, restorer}.
     */
    static long sigaction(LinuxThread t, long sig, long act, long oact, long sigsetsize, boolean old) {
        if (!old && sigsetsize != 8) return -Errno.EINVAL;
        GuestMemory m = t.proc.mem;
        long k = Structs32.belowStack(t, 64), a64 = act == 0 ? 0 : k, o64 = oact == 0 ? 0 : k + 32;
        if (act != 0) {
            long h = m.readInt(act) & 0xffffffffL, f, r, mask;
            if (old) {
                mask = m.readInt(act + 4) & 0xffffffffL;
                f = m.readInt(act + 8) & 0xffffffffL;
                r = m.readInt(act + 12) & 0xffffffffL;
            } else {
                f = m.readInt(act + 4) & 0xffffffffL;
                r = m.readInt(act + 8) & 0xffffffffL;
                mask = m.readLong(act + 12);
            }
            m.writeLong(a64, h);
            m.writeLong(a64 + 8, f);
            m.writeLong(a64 + 16, r);
            m.writeLong(a64 + 24, mask);
        }
        long res = Sys64.dispatch(t, Nr.RT_SIGACTION, (int) sig, a64, o64, 8, 0, 0);
        if (res < 0 || oact == 0) return res;
        long h = m.readLong(o64), f = m.readLong(o64 + 8), r = m.readLong(o64 + 16), mask = m.readLong(o64 + 24);
        if (old) {
            m.buffer(oact, 16, true);
            m.writeInt(oact, (int) h);
            m.writeInt(oact + 4, (int) mask);
            m.writeInt(oact + 8, (int) f);
            m.writeInt(oact + 12, (int) r);
        } else {
            m.buffer(oact, 20, true);
            m.writeInt(oact, (int) h);
            m.writeInt(oact + 4, (int) f);
            m.writeInt(oact + 8, (int) r);
            m.writeLong(oact + 12, mask);
        }
        return res;
    }

    /** signal(sig, handler): a one-shot, non-deferring handler; returns the previous handler. */
    static long signal(LinuxThread t, long sig, long handler) {
        long[] old = new long[4];
        long r = SignalCalls.setAction(t, (int) sig,
                new long[] {handler & 0xffffffffL, SA_RESETHAND | SA_NODEFER, 0, 0}, old);
        return r < 0 ? r : old[0] & 0xffffffffL;
    }

    static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

    /** The thread's whole blocked mask, through the shared rt_sigprocmask. */
    private static long blocked(LinuxThread t, long k) {
        long r = Sys64.dispatch(t, Nr.RT_SIGPROCMASK, SIG_BLOCK, 0, k, 8, 0, 0);
        if (r < 0) throw GuestMemory.Fault.INSTANCE;
        return t.proc.mem.readLong(k);
    }

    private static long setBlocked(LinuxThread t, long k, long mask) {
        t.proc.mem.writeLong(k, mask);
        return Sys64.dispatch(t, Nr.RT_SIGPROCMASK, SIG_SETMASK, k, 0, 8, 0, 0);
    }

    static final long UNBLOCKABLE = (1L << (Signals.SIGKILL - 1)) | (1L << (Signals.SIGSTOP - 1));

    static long sgetmask(LinuxThread t) {
        return blocked(t, Structs32.belowStack(t, 16)) & 0xffffffffL;
    }

    static long ssetmask(LinuxThread t, long mask) {
        long k = Structs32.belowStack(t, 16);
        long old = blocked(t, k);
        long r = setBlocked(t, k, (long) (int) mask & ~UNBLOCKABLE);
        return r < 0 ? r : old & 0xffffffffL;
    }

    /** sigaltstack with the i386 stack_t {void *ss_sp; int ss_flags; size_t ss_size} (12 bytes). */
    static long sigaltstack(LinuxThread t, long ss, long oss) {
        GuestMemory m = t.proc.mem;
        long k = Structs32.belowStack(t, 48), s64 = ss == 0 ? 0 : k, o64 = oss == 0 ? 0 : k + 24;
        if (ss != 0) {
            m.writeLong(s64, m.readInt(ss) & 0xffffffffL);
            m.writeLong(s64 + 8, m.readInt(ss + 4) & 0xffffffffL);
            m.writeLong(s64 + 16, m.readInt(ss + 8) & 0xffffffffL);
        }
        long r = Sys64.dispatch(t, Nr.SIGALTSTACK, s64, o64, 0, 0, 0, 0);
        if (r < 0 || oss == 0) return r;
        m.buffer(oss, 12, true);
        m.writeInt(oss, (int) m.readLong(o64));
        m.writeInt(oss + 4, m.readInt(o64 + 8));
        m.writeInt(oss + 8, (int) m.readLong(o64 + 16));
        return r;
    }

    /** rt_sigtimedwait with a 32- or 64-bit timeout; the siginfo comes back in the i386 layout. */
    static long sigtimedwait(LinuxThread t, long set, long info, long timeout, long sigsetsize, boolean t64) {
        GuestMemory m = t.proc.mem;
        long ts = timeout;
        if (timeout != 0) {
            if (t64) {
                Structs32.clearNsecPadding(m, timeout, 1);
            } else {
                ts = Structs32.belowStack(t, 16);
                m.writeLong(ts, m.readInt(timeout));
                m.writeLong(ts + 8, m.readInt(timeout + 4));
            }
        }
        if (info != 0) m.buffer(info, Siginfo32.SIZE, true);
        long r = Sys64.dispatch(t, Nr.RT_SIGTIMEDWAIT, set, info, ts, sigsetsize, 0, 0);
        if (r > 0) Siginfo32.fixInPlace(m, info);
        return r;
    }

    /** rt_sigqueueinfo / rt_tgsigqueueinfo: the caller's i386 siginfo goes to the shared code as x86-64's. */
    static long sigqueueinfo(LinuxThread t, int nr64, long a, long b, long c, long info) {
        GuestMemory m = t.proc.mem;
        long k = Structs32.belowStack(t, Siginfo32.SIZE);
        m.write(k, Siginfo32.toX86_64(m.read(info, Siginfo32.SIZE)));
        return nr64 == Nr.RT_SIGQUEUEINFO ? Sys64.dispatch(t, nr64, a, b, k, 0, 0, 0)
                : Sys64.dispatch(t, nr64, a, b, c, k, 0, 0);
    }

    // ---- interval timers and POSIX timers ----

    /** setitimer/getitimer with the i386 struct itimerval (two 32-bit timevals). */
    static long itimer(LinuxThread t, boolean set, long which, long value, long ovalue) {
        GuestMemory m = t.proc.mem;
        long k = Structs32.belowStack(t, 64), v64 = value == 0 ? 0 : k, o64 = ovalue == 0 ? 0 : k + 32;
        if (set && value != 0) {
            for (int i = 0; i < 4; i++) m.writeLong(v64 + 8L * i, m.readInt(value + 4L * i));
        }
        long r = set ? Sys64.dispatch(t, Nr.SETITIMER, (int) which, v64, o64, 0, 0, 0)
                : Sys64.dispatch(t, Nr.GETITIMER, (int) which, k, 0, 0, 0, 0);
        long out = set ? ovalue : value, src = set ? o64 : k;
        if (r < 0 || out == 0) return r;
        m.buffer(out, 16, true);
        for (int i = 0; i < 4; i++) m.writeInt(out + 4L * i, (int) m.readLong(src + 8L * i));
        return r;
    }

    static final int TIMER_CREATE = 222, TIMER_SETTIME = 223, TIMER_GETTIME = 224;

    /** timer_create with the i386 struct sigevent {sigval (4), signo, notify, union (tid...)}. */
    static long timerCreate(LinuxThread t, long clock, long sev, long timerid) {
        GuestMemory m = t.proc.mem;
        long e = 0;
        if (sev != 0) {
            e = Structs32.belowStack(t, 64);
            byte[] z = new byte[64];
            m.write(e, z);
            m.writeLong(e, m.readInt(sev) & 0xffffffffL);
            m.writeInt(e + 8, m.readInt(sev + 4));
            m.writeInt(e + 12, m.readInt(sev + 8));
            m.writeInt(e + 16, m.readInt(sev + 12)); // sigev_notify_thread_id (or the function pointer)
            m.writeLong(e + 24, m.readInt(sev + 16) & 0xffffffffL);
        }
        return Sys64.dispatch(t, TIMER_CREATE, (int) clock, e, timerid, 0, 0, 0);
    }

    /** timer_settime / timer_gettime with a 32-bit struct itimerspec. */
    static long timerTime(LinuxThread t, boolean set, long id, long flags, long value, long ovalue) {
        GuestMemory m = t.proc.mem;
        long k = Structs32.belowStack(t, 64), v64 = value == 0 ? 0 : k, o64 = ovalue == 0 ? 0 : k + 32;
        if (set && value != 0) {
            for (int i = 0; i < 4; i++) m.writeLong(v64 + 8L * i, m.readInt(value + 4L * i));
        }
        long r = set ? Sys64.dispatch(t, TIMER_SETTIME, (int) id, (int) flags, v64, o64, 0, 0)
                : Sys64.dispatch(t, TIMER_GETTIME, (int) id, k, 0, 0, 0, 0);
        long out = set ? ovalue : value, src = set ? o64 : k;
        if (r < 0 || out == 0) return r;
        m.buffer(out, 16, true);
        for (int i = 0; i < 4; i++) m.writeInt(out + 4L * i, (int) m.readLong(src + 8L * i));
        return r;
    }

    // ---- futex ----

    static final int FUTEX_WAIT = 0, FUTEX_LOCK_PI = 6, FUTEX_WAIT_BITSET = 9, FUTEX_WAIT_REQUEUE_PI = 11,
            FUTEX_LOCK_PI2 = 13;

    static boolean futexHasTimeout(long op) {
        int cmd = (int) op & 0x7f;
        return cmd == FUTEX_WAIT || cmd == FUTEX_LOCK_PI || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAIT_REQUEUE_PI
                || cmd == FUTEX_LOCK_PI2;
    }

    /** futex (32-bit timespec) and futex_time64: only the timeout of the waiting operations differs. */
    static long futex(LinuxThread t, long uaddr, long op, long val, long timeout, long uaddr2, long val3, boolean t64) {
        long ts = timeout;
        if (timeout != 0 && futexHasTimeout(op)) {
            GuestMemory m = t.proc.mem;
            if (t64) {
                Structs32.clearNsecPadding(m, timeout, 1);
            } else {
                ts = Structs32.belowStack(t, 16);
                m.writeLong(ts, m.readInt(timeout));
                m.writeLong(ts + 8, m.readInt(timeout + 4));
            }
        }
        return Sys64.dispatch(t, Nr.FUTEX, uaddr, op, val, ts, uaddr2, val3);
    }
}
