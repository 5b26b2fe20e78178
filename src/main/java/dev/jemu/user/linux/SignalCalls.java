package dev.jemu.user.linux;

/** rt_sigaction, rt_sigprocmask, sigaltstack (x86-64 layouts). */
final class SignalCalls {
    private SignalCalls() {}

    static long rtSigaction(LinuxThread t, int sig, long act, long oact, long sigsetsize) {
        if (sig < 1 || sig > SignalActions.NSIG || sigsetsize != 8) return -Errno.EINVAL;
        SignalActions a = t.proc.sigactions;
        GuestMemory m = t.proc.mem;
        synchronized (a) {
            if (oact != 0) {
                m.writeLong(oact, a.handler[sig]);
                m.writeLong(oact + 8, a.flags[sig]);
                m.writeLong(oact + 16, a.restorer[sig]);
                m.writeLong(oact + 24, a.mask[sig]);
            }
            if (act != 0) {
                if (sig == Signals.SIGKILL || sig == Signals.SIGSTOP) return -Errno.EINVAL;
                long h = m.readLong(act), f = m.readLong(act + 8), r = m.readLong(act + 16), mk = m.readLong(act + 24);
                a.handler[sig] = h;
                a.flags[sig] = f;
                a.restorer[sig] = r;
                a.mask[sig] = mk;
            }
        }
        return 0;
    }

    static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    static final long UNBLOCKABLE = (1L << (Signals.SIGKILL - 1)) | (1L << (Signals.SIGSTOP - 1));

    static long rtSigprocmask(LinuxThread t, int how, long set, long oset, long sigsetsize) {
        if (sigsetsize != 8) return -Errno.EINVAL;
        GuestMemory m = t.proc.mem;
        long old = t.sigMask;
        if (set != 0) {
            long s = m.readLong(set);
            switch (how) {
                case SIG_BLOCK -> t.sigMask |= s;
                case SIG_UNBLOCK -> t.sigMask &= ~s;
                case SIG_SETMASK -> t.sigMask = s;
                default -> {
                    return -Errno.EINVAL;
                }
            }
            t.sigMask &= ~UNBLOCKABLE;
        }
        if (oset != 0) m.writeLong(oset, old);
        return 0;
    }

    static long sigaltstack(LinuxThread t, long ss, long oss) {
        if (oss != 0) {
            t.proc.mem.writeLong(oss, 0);
            t.proc.mem.writeInt(oss + 8, 2); // SS_DISABLE
            t.proc.mem.writeLong(oss + 16, 0);
        }
        return 0;
    }
}
