package dev.jemu.user.linux;

import java.util.ArrayList;
import java.util.List;

/**
 * The signal system calls. Structures passed as arguments have the x86-64 layout, also for i386 processes:
 * the i386 table converts its structures before calling the shared implementations (see Syscalls32), as for
 * every call reached through {@link Sys64#dispatch}. Structures the kernel itself lays out in guest memory
 * (signal frames) follow the process's ABI.
 */
public final class SignalCalls {
    private SignalCalls() {}

    public static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    public static final int SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 1 << 31;
    static final long MINSIGSTKSZ = 2048;
    static final long UNBLOCKABLE = Signals.UNBLOCKABLE;

    // ---------------------------------------------------------------- dispositions

    /** rt_sigaction: {@code struct sigaction} is handler, flags, restorer, mask (pointer-sized words, 8-byte mask). */
    public static long rtSigaction(LinuxThread t, int sig, long act, long oact, long sigsetsize) {
        if (sigsetsize != 8) return -Errno.EINVAL;
        boolean is64 = true;
        int ps = is64 ? 8 : 4;
        GuestMemory m = t.proc.mem;
        long[] nw = null;
        if (act != 0) nw = new long[] {m.readPtr(act, is64), m.readPtr(act + ps, is64), m.readPtr(act + 2L * ps, is64), m.readLong(act + 3L * ps)};
        long[] old = new long[4];
        long r = setAction(t, sig, nw, old);
        if (r < 0) return r;
        if (oact != 0) {
            m.writePtr(oact, old[0], is64);
            m.writePtr(oact + ps, old[1], is64);
            m.writePtr(oact + 2L * ps, old[2], is64);
            m.writeLong(oact + 3L * ps, old[3]);
        }
        return 0;
    }

    /** The old i386 sigaction (67): handler, one-word mask, flags, restorer. */
    public static long sigactionOld(LinuxThread t, int sig, long act, long oact) {
        GuestMemory m = t.proc.mem;
        long[] nw = null;
        if (act != 0) {
            nw = new long[] {m.readInt(act) & 0xffffffffL, m.readInt(act + 8) & 0xffffffffL,
                m.readInt(act + 12) & 0xffffffffL, m.readInt(act + 4) & 0xffffffffL};
        }
        long[] old = new long[4];
        long r = setAction(t, sig, nw, old);
        if (r < 0) return r;
        if (oact != 0) {
            m.writeInt(oact, (int) old[0]);
            m.writeInt(oact + 4, (int) old[3]);
            m.writeInt(oact + 8, (int) old[1]);
            m.writeInt(oact + 12, (int) old[2]);
        }
        return 0;
    }

    /** Sets (if {@code nw} != null) the action {handler, flags, restorer, mask}; the old one goes into {@code old}. */
    static long setAction(LinuxThread t, int sig, long[] nw, long[] old) {
        if (sig < 1 || sig > SignalActions.NSIG) return -Errno.EINVAL;
        LinuxProcess p = t.proc;
        SignalActions a = p.sigactions;
        synchronized (p.sigLock) {
            old[0] = a.handler[sig];
            old[1] = a.flags[sig];
            old[2] = a.restorer[sig];
            old[3] = a.mask[sig];
            if (nw != null) {
                if (sig == Signals.SIGKILL || sig == Signals.SIGSTOP) return -Errno.EINVAL;
                a.handler[sig] = nw[0];
                a.flags[sig] = nw[1];
                a.restorer[sig] = nw[2];
                a.mask[sig] = nw[3] & ~UNBLOCKABLE;
                // POSIX: setting SIG_IGN (or a default that ignores) discards the pending signal.
                if (nw[0] == SignalActions.SIG_IGN
                        || (nw[0] == SignalActions.SIG_DFL && Signals.defaultAction(sig) == Signals.ACT_IGNORE)) {
                    Signals.discard(p, Signals.bit(sig));
                }
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------- masks

    public static long rtSigprocmask(LinuxThread t, int how, long set, long oset, long sigsetsize) {
        if (sigsetsize != 8) return -Errno.EINVAL;
        GuestMemory m = t.proc.mem;
        long old = t.sigMask;
        if (set != 0) {
            long r = changeMask(t, how, m.readLong(set));
            if (r < 0) return r;
        }
        if (oset != 0) m.writeLong(oset, old);
        return 0;
    }

    /** The old i386 sigprocmask (126): one 32-bit word; the upper signals keep their state. */
    public static long sigprocmaskOld(LinuxThread t, int how, long set, long oset) {
        GuestMemory m = t.proc.mem;
        long old = t.sigMask;
        if (set != 0) {
            long s = m.readInt(set) & 0xffffffffL;
            if (how == SIG_SETMASK) s |= t.sigMask & 0xffffffff00000000L;
            long r = changeMask(t, how, s);
            if (r < 0) return r;
        }
        if (oset != 0) m.writeInt(oset, (int) old);
        return 0;
    }

    private static long changeMask(LinuxThread t, int how, long s) {
        synchronized (t.proc.sigLock) {
            long nm = switch (how) {
                case SIG_BLOCK -> t.sigMask | s;
                case SIG_UNBLOCK -> t.sigMask & ~s;
                case SIG_SETMASK -> s;
                default -> -1;
            };
            if (how < 0 || how > 2) return -Errno.EINVAL;
            t.sigMask = nm & ~UNBLOCKABLE;
        }
        return 0;
    }

    static void setMaskFromSigreturn(LinuxThread t, long mask) {
        synchronized (t.proc.sigLock) {
            t.sigMask = mask & ~UNBLOCKABLE;
        }
    }

    public static long rtSigpending(LinuxThread t, long set, long size) {
        if (size > 8) return -Errno.EINVAL;
        long p = (t.pending | t.proc.sharedPending) & t.sigMask;
        GuestMemory m = t.proc.mem;
        if (size == 8) m.writeLong(set, p);
        else m.writeInt(set, (int) p);
        return 0;
    }

    /** rt_sigsuspend: waits with a temporary mask until a signal is delivered (always "fails" with EINTR). */
    public static long rtSigsuspend(LinuxThread t, long maskVa, long size) {
        if (size != 8) return -Errno.EINVAL;
        return suspend(t, t.proc.mem.readLong(maskVa));
    }

    /** The old i386 sigsuspend (72): the mask is the third argument itself. */
    public static long sigsuspendOld(LinuxThread t, long mask) {
        return suspend(t, (t.sigMask & 0xffffffff00000000L) | (mask & 0xffffffffL));
    }

    private static long suspend(LinuxThread t, long mask) {
        synchronized (t.proc.sigLock) {
            t.savedMask = t.sigMask;
            t.restoreMask = true;
            t.sigMask = mask & ~UNBLOCKABLE;
        }
        // Returns when something needs the thread; without a handler to run (a stop, say) it is restarted.
        return Blocking.park(t, Blocking.ERESTARTNOHAND, Long.MAX_VALUE, () -> false);
    }

    public static long pause(LinuxThread t) {
        return Blocking.park(t, Blocking.ERESTARTNOHAND, Long.MAX_VALUE, () -> false);
    }

    /** rt_sigtimedwait: takes a signal of {@code set} (blocked ones included) or waits for one. */
    public static long rtSigtimedwait(LinuxThread t, long setVa, long infoVa, long tsVa, long size) {
        if (size != 8) return -Errno.EINVAL;
        GuestMemory m = t.proc.mem;
        long set = m.readLong(setVa) & ~UNBLOCKABLE;
        long deadline = Long.MAX_VALUE;
        if (tsVa != 0) {
            long ns = Timers.readTimespecNanos(m, tsVa, true);
            if (ns < 0) return -Errno.EINVAL;
            deadline = System.nanoTime() + ns;
        }
        LinuxProcess p = t.proc;
        SigInfo si;
        long realBlocked;
        synchronized (p.sigLock) {
            si = Signals.dequeue(t, set);
            realBlocked = t.sigMask;
            // While waiting the set counts as unblocked, so senders choose (and wake) this thread.
            if (si == null) t.sigMask = realBlocked & ~set;
        }
        if (si == null) {
            long r = Blocking.park(t, Blocking.ERESTARTNOHAND, deadline,
                    () -> ((t.pending | p.sharedPending) & set) != 0);
            synchronized (p.sigLock) {
                t.sigMask = realBlocked;
                si = Signals.dequeue(t, set);
            }
            if (si == null) return r == -Errno.ETIMEDOUT ? -Errno.EAGAIN : -Errno.EINTR;
        }
        if (infoVa != 0) si.write(m, infoVa, true);
        return si.signo;
    }

    // ---------------------------------------------------------------- alternate stack

    static int stackFlags(LinuxThread t, long sp) {
        if (t.altSize == 0) return SS_DISABLE;
        return (t.onAltStack(sp) ? SS_ONSTACK : 0) | (t.altFlags & SS_AUTODISARM);
    }

    /** sigaltstack: {@code stack_t} is ss_sp, ss_flags, ss_size (pointer-sized, int, size_t). */
    public static long sigaltstack(LinuxThread t, long ss, long oss) {
        boolean is64 = true;
        GuestMemory m = t.proc.mem;
        long sp = t.cpu.regs[dev.jemu.target.x86.X86Cpu.RSP];
        if (!t.proc.is64()) sp &= 0xffffffffL;
        long oldSp = t.altSp, oldSize = t.altSize;
        int oldFlags = stackFlags(t, sp);
        if (ss != 0) {
            long nsp = m.readPtr(ss, is64);
            int nflags = m.readInt(ss + (is64 ? 8 : 4));
            long nsize = m.readPtr(ss + (is64 ? 16 : 8), is64);
            if (t.onAltStack(sp)) return -Errno.EPERM;
            long r = setAltStack(t, nsp, nflags, nsize);
            if (r < 0) return r;
        }
        if (oss != 0) {
            m.writePtr(oss, oldSp, is64);
            m.writeInt(oss + (is64 ? 8 : 4), oldFlags);
            m.writePtr(oss + (is64 ? 16 : 8), oldSize, is64);
        }
        return 0;
    }

    private static long setAltStack(LinuxThread t, long sp, int flags, long size) {
        int mode = flags & ~SS_AUTODISARM;
        if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0) return -Errno.EINVAL;
        if (mode == SS_DISABLE) {
            t.altSp = 0;
            t.altSize = 0;
            t.altFlags = SS_DISABLE;
        } else {
            if (size < MINSIGSTKSZ) return -Errno.ENOMEM;
            t.altSp = sp;
            t.altSize = size;
            t.altFlags = flags & SS_AUTODISARM;
        }
        return 0;
    }

    /** rt_sigreturn restores the alternate stack saved in uc_stack (errors are ignored, as the kernel does). */
    static void restoreAltStack(LinuxThread t, long sp, int flags, long size) {
        long cur = t.cpu.regs[dev.jemu.target.x86.X86Cpu.RSP];
        if (!t.proc.is64()) cur &= 0xffffffffL;
        if (t.onAltStack(cur)) return;
        setAltStack(t, sp, flags, size);
    }

    // ---------------------------------------------------------------- sending

    /** kill(pid, sig): a process, this process group (0), a group (-pgid), or everyone we may (-1). */
    public static long kill(LinuxThread t, int pid, int sig) {
        if (sig < 0 || sig > Signals.NSIG) return -Errno.EINVAL;
        Kernel k = t.proc.kernel;
        SigInfo si = SigInfo.user(sig, SigInfo.SI_USER, t.proc.pid, uid());
        if (pid > 0) {
            LinuxProcess p = processOf(k, pid);
            if (p == null) return hostKill(k, pid, sig);
            if (sig != 0) Signals.sendToProcess(p, si);
            return 0;
        }
        List<LinuxProcess> targets = new ArrayList<>();
        if (pid == -1) {
            for (LinuxProcess p : k.processes()) if (p != t.proc && !p.dead()) targets.add(p);
        } else {
            int pg = pid == 0 ? t.proc.pgid : -pid;
            for (LinuxProcess p : k.processes()) if (p.pgid == pg && !p.dead()) targets.add(p);
            if (targets.isEmpty() && pid != 0) return hostKill(k, pid, sig);
        }
        if (targets.isEmpty()) return -Errno.ESRCH;
        if (sig != 0) for (LinuxProcess p : targets) Signals.sendToProcess(p, si.copy());
        return 0;
    }

    /** A running guest process with this pid (or a thread id within it), or null. */
    static LinuxProcess processOf(Kernel k, int pid) {
        LinuxProcess p = k.process(pid);
        if (p == null) {
            LinuxThread th = k.thread(pid);
            if (th != null) p = th.proc;
        }
        return p == null || p.dead() ? null : p;
    }

    /** Pids that are not ours belong to host processes (a guest may signal its real parent shell). */
    private static long hostKill(Kernel k, int pid, int sig) {
        if (pid == k.hostPid || pid == -k.hostPid) return -Errno.ESRCH; // our own pid is the initial guest's
        return HostSyscall.call(Nr.KILL, pid, sig);
    }

    public static long tkill(LinuxThread t, int tid, int sig) {
        return tgkill(t, -1, tid, sig);
    }

    public static long tgkill(LinuxThread t, int tgid, int tid, int sig) {
        if (sig < 0 || sig > Signals.NSIG || tid <= 0 || (tgid <= 0 && tgid != -1)) return -Errno.EINVAL;
        LinuxThread target = t.proc.kernel.thread(tid);
        if (target == null || target.finished || (tgid != -1 && target.proc.pid != tgid)) return -Errno.ESRCH;
        if (sig != 0) Signals.sendToThread(target, SigInfo.user(sig, SigInfo.SI_TKILL, t.proc.pid, uid()));
        return 0;
    }

    public static long rtSigqueueinfo(LinuxThread t, int pid, int sig, long infoVa) {
        SigInfo si = SigInfo.read(t.proc.mem, infoVa, true);
        LinuxProcess p = processOf(t.proc.kernel, pid);
        if (p == null) return -Errno.ESRCH;
        // Only the kernel may pretend to be the kernel or kill(): user codes must be negative.
        if ((si.code >= 0 || si.code == SigInfo.SI_TKILL) && p != t.proc) return -Errno.EPERM;
        si.signo = sig;
        if (sig < 0 || sig > Signals.NSIG) return -Errno.EINVAL;
        if (sig != 0) Signals.sendToProcess(p, si);
        return 0;
    }

    public static long rtTgsigqueueinfo(LinuxThread t, int tgid, int tid, int sig, long infoVa) {
        SigInfo si = SigInfo.read(t.proc.mem, infoVa, true);
        LinuxThread target = t.proc.kernel.thread(tid);
        if (target == null || target.finished || target.proc.pid != tgid) return -Errno.ESRCH;
        if ((si.code >= 0 || si.code == SigInfo.SI_TKILL) && target.proc != t.proc) return -Errno.EPERM;
        if (sig < 0 || sig > Signals.NSIG) return -Errno.EINVAL;
        si.signo = sig;
        if (sig != 0) Signals.sendToThread(target, si);
        return 0;
    }

    /** restart_syscall: continues the call a signal interrupted (ERESTART_RESTARTBLOCK), else EINTR. */
    public static long restartSyscall(LinuxThread t) {
        java.util.function.LongSupplier b = t.restartBlock;
        t.restartBlock = null;
        return b == null ? -Errno.EINTR : b.getAsLong();
    }

    /** rt_sigreturn for the process's ABI (x86-64: 15; i386: 173). */
    public static long rtSigreturn(LinuxThread t) {
        return t.proc.is64() ? SigFrame64.sigreturn(t) : SigFrameI386.rtSigreturn(t);
    }

    /** i386 sigreturn (119). */
    public static long sigreturn(LinuxThread t) {
        return SigFrameI386.sigreturn(t);
    }

    private static int uid() {
        return (int) HostSyscall.call(Nr.GETUID);
    }
}
