package dev.jemu.user.linux;

import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.locks.LockSupport;

/**
 * Signal generation and delivery, after the kernel's kernel/signal.c. A signal is queued on a thread (tkill,
 * faults) or on its process (kill); one thread that does not block it is woken; that thread takes it at its
 * next instruction boundary ({@link #deliverPending}) and runs the default action or builds a signal frame
 * ({@link SigFrame64}, {@link SigFrameI386}). CPU exceptions become the signals Linux sends for them.
 * Job control: the stop signals stop every thread of the process until SIGCONT, and the parent hears of both.
 */
public final class Signals {
    private Signals() {}

    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
            SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
            SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21,
            SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28,
            SIGIO = 29, SIGPWR = 30, SIGSYS = 31, SIGRTMIN = 32, NSIG = 64;
    // si_code values for faults.
    public static final int SI_KERNEL = 0x80, SEGV_MAPERR = 1, SEGV_ACCERR = 2, ILL_ILLOPN = 2, ILL_PRVOPC = 5,
            FPE_INTDIV = 1, FPE_INTOVF = 2, FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6,
            FPE_FLTINV = 7, TRAP_BRKPT = 1, BUS_ADRALN = 1, BUS_ADRERR = 2;

    // sa_flags.
    public static final long SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4, SA_RESTORER = 0x04000000L,
            SA_ONSTACK = 0x08000000L, SA_RESTART = 0x10000000L, SA_NODEFER = 0x40000000L,
            SA_RESETHAND = 0x80000000L;

    static final int ACT_IGNORE = 0, ACT_TERM = 1, ACT_CORE = 2, ACT_STOP = 3;

    static long bit(int sig) {
        return 1L << (sig - 1);
    }

    /** Signals raised by the CPU for the instruction itself: taken before any other pending signal. */
    static final long SYNC_MASK = bit(SIGSEGV) | bit(SIGBUS) | bit(SIGILL) | bit(SIGTRAP) | bit(SIGFPE) | bit(SIGSYS);
    static final long STOP_MASK = bit(SIGSTOP) | bit(SIGTSTP) | bit(SIGTTIN) | bit(SIGTTOU);
    static final long UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);

    static int defaultAction(int sig) {
        return switch (sig) {
            case SIGCHLD, SIGCONT, SIGURG, SIGWINCH -> ACT_IGNORE;
            case SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU -> ACT_STOP;
            case SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS -> ACT_CORE;
            default -> ACT_TERM;
        };
    }

    // ---------------------------------------------------------------- generation

    /** kill(): a process-directed signal. */
    public static void sendToProcess(LinuxProcess p, SigInfo si) {
        send(p, null, si);
    }

    /** tkill()/tgkill(), faults: a signal for one thread. */
    public static void sendToThread(LinuxThread t, SigInfo si) {
        send(t.proc, t, si);
    }

    private static void send(LinuxProcess p, LinuxThread target, SigInfo si) {
        int sig = si.signo;
        if (sig <= 0 || sig > NSIG || p.exitStatus >= 0 || p.dead()) return;
        if (sig == SIGKILL) {
            Processes.kill(p, SIGKILL);
            return;
        }
        boolean continued = false;
        synchronized (p.sigLock) {
            if ((STOP_MASK & bit(sig)) != 0) {
                discard(p, bit(SIGCONT));
            } else if (sig == SIGCONT) {
                discard(p, STOP_MASK);
                if (p.stopped) {
                    p.stopped = false;
                    p.contReport = true;
                    p.stopReport = false;
                    continued = true;
                    for (LinuxThread t : p.threads) {
                        Thread h = t.host;
                        if (h != null) LockSupport.unpark(h);
                    }
                }
            }
            if (!ignored(p, sig, target)) {
                long b = bit(sig);
                boolean rt = sig >= SIGRTMIN;
                if (target != null) {
                    if (rt || (target.pending & b) == 0) {
                        target.queue.add(si);
                        target.pending |= b;
                    }
                } else if (rt || (p.sharedPending & b) == 0) {
                    p.sharedQueue.add(si);
                    p.sharedPending |= b;
                }
                LinuxThread w = target != null ? target : chooseThread(p, b);
                if (w != null && (w.sigMask & b) == 0) w.wake();
                SignalFd.notifyAll(p);
            }
        }
        if (continued) Processes.notifyParent(p, SigInfo.CLD_CONTINUED, SIGCONT);
    }

    /** A thread to take a process-directed signal: the main thread if it may, else any that may. */
    private static LinuxThread chooseThread(LinuxProcess p, long b) {
        LinuxThread main = p.mainThread();
        if (main != null && (main.sigMask & b) == 0 && !main.finished) return main;
        for (LinuxThread t : p.threads) if ((t.sigMask & b) == 0 && !t.finished) return t;
        return null;
    }

    /** Would the signal be thrown away at once (ignored and not blocked)? */
    private static boolean ignored(LinuxProcess p, int sig, LinuxThread target) {
        LinuxThread t = target != null ? target : p.mainThread();
        if (t != null && (t.sigMask & bit(sig)) != 0) return false;
        long h = p.sigactions.handler[sig];
        if (h == SignalActions.SIG_IGN) return true;
        return h == SignalActions.SIG_DFL && defaultAction(sig) == ACT_IGNORE;
    }

    /** Removes the signals in {@code mask} from every pending set of the process. */
    static void discard(LinuxProcess p, long mask) {
        p.sharedPending = removeQueued(p.sharedQueue, p.sharedPending, mask);
        for (LinuxThread t : p.threads) t.pending = removeQueued(t.queue, t.pending, mask);
    }

    private static long removeQueued(ArrayDeque<SigInfo> q, long pending, long mask) {
        if ((pending & mask) == 0) return pending;
        for (Iterator<SigInfo> it = q.iterator(); it.hasNext(); ) {
            SigInfo s = it.next();
            if ((bit(s.signo) & mask) != 0) {
                it.remove();
                if (s.timer != null) s.timer.dequeued();
            }
        }
        return pending & ~mask;
    }

    /** Takes the next pending signal among {@code allowed}: synchronous ones first, then the lowest number. */
    static SigInfo dequeue(LinuxThread t, long allowed) {
        LinuxProcess p = t.proc;
        long avail = (t.pending | p.sharedPending) & allowed;
        if (avail == 0) return null;
        long pick = (avail & SYNC_MASK) != 0 ? avail & SYNC_MASK : avail;
        int sig = Long.numberOfTrailingZeros(pick) + 1;
        long b = bit(sig);
        SigInfo si;
        if ((t.pending & b) != 0) {
            si = take(t.queue, sig);
            if (!has(t.queue, sig)) t.pending &= ~b;
        } else {
            si = take(p.sharedQueue, sig);
            if (!has(p.sharedQueue, sig)) p.sharedPending &= ~b;
        }
        if (si == null) si = SigInfo.kernel(sig);
        if (si.timer != null) si.timer.dequeued();
        return si;
    }

    private static SigInfo take(ArrayDeque<SigInfo> q, int sig) {
        for (Iterator<SigInfo> it = q.iterator(); it.hasNext(); ) {
            SigInfo s = it.next();
            if (s.signo == sig) {
                it.remove();
                return s;
            }
        }
        return null;
    }

    private static boolean has(ArrayDeque<SigInfo> q, int sig) {
        for (SigInfo s : q) if (s.signo == sig) return true;
        return false;
    }

    // ---------------------------------------------------------------- synchronous signals

    /** The signal Linux raises for a CPU exception, delivered synchronously to the thread. */
    public static void fromException(LinuxThread t, X86Exception e) {
        X86Cpu c = t.cpu;
        long ip = c.rip;
        SigInfo si = switch (e.vector) {
            case X86Exception.PF -> (e.errorCode & AddressSpace.ERR_BUS) != 0
                    ? SigInfo.fault(SIGBUS, BUS_ADRERR, e.address, e.vector, e.errorCode & ~AddressSpace.ERR_BUS)
                    : SigInfo.fault(SIGSEGV, t.proc.mm.vmaAt(e.address) != null ? SEGV_ACCERR : SEGV_MAPERR,
                            e.address, e.vector, e.errorCode);
            case X86Exception.UD, X86Exception.EXIT_SYSCALL -> SigInfo.fault(SIGILL, ILL_ILLOPN, ip, X86Exception.UD, 0);
            case X86Exception.DE -> SigInfo.fault(SIGFPE, FPE_INTDIV, ip, e.vector, 0);
            case X86Exception.MF -> SigInfo.fault(SIGFPE, fpeCode(~c.fpu.fcw & c.fpu.statusWord()), ip, e.vector, 0);
            case X86Exception.XM -> SigInfo.fault(SIGFPE, fpeCode(~(c.mxcsr >> 7) & c.mxcsr), ip, e.vector, 0);
            case X86Exception.BP, X86Exception.DB -> SigInfo.fault(SIGTRAP, SI_KERNEL, 0, e.vector, 0);
            case X86Exception.AC -> SigInfo.fault(SIGBUS, BUS_ADRALN, 0, e.vector, e.errorCode);
            case X86Exception.SS, X86Exception.NP -> SigInfo.fault(SIGBUS, SI_KERNEL, 0, e.vector, e.errorCode);
            case X86Exception.EXIT_HLT -> SigInfo.fault(SIGSEGV, SI_KERNEL, 0, X86Exception.GP, 0); // HLT is privileged
            default -> SigInfo.fault(SIGSEGV, SI_KERNEL, 0, e.vector < 32 ? e.vector : X86Exception.GP,
                    e.hasErrorCode ? e.errorCode : 0); // #GP, INT n, INTO, BOUND
        };
        force(t, si);
    }

    /** The si_code of a floating-point exception from its unmasked flags (the kernel's fpu__exception_code). */
    static int fpeCode(int err) {
        if ((err & 0x01) != 0) return FPE_FLTINV;
        if ((err & 0x04) != 0) return FPE_FLTDIV;
        if ((err & 0x08) != 0) return FPE_FLTOVF;
        if ((err & 0x12) != 0) return FPE_FLTUND;
        if ((err & 0x20) != 0) return FPE_FLTRES;
        return 0;
    }

    /**
     * Queues a synchronous signal on the thread, to be taken before anything else. When it is blocked or
     * ignored it cannot be, so its default action (terminate with a core dump) happens, as Linux forces it.
     */
    public static void force(LinuxThread t, int sig, int code, long addr) {
        force(t, SigInfo.fault(sig, code, addr, 0, 0));
    }

    static void force(LinuxThread t, SigInfo si) {
        LinuxProcess p = t.proc;
        int sig = si.signo;
        synchronized (p.sigLock) {
            long b = bit(sig);
            boolean blocked = (t.sigMask & b) != 0;
            if (blocked || p.sigactions.handler[sig] == SignalActions.SIG_IGN) {
                p.sigactions.handler[sig] = SignalActions.SIG_DFL;
                if (blocked) t.sigMask &= ~b;
            }
            t.queue.addFirst(si);
            t.pending |= b;
        }
    }

    // ---------------------------------------------------------------- delivery

    /**
     * Runs at every return to guest code: ends the thread if it must, waits while the process is stopped,
     * takes pending signals (default action or handler frame), and settles an interrupted system call
     * (EINTR or restart, by SA_RESTART and the call's restart code).
     */
    public static void deliverPending(LinuxThread t) {
        if (t.killed) throw new LinuxThread.Exit();
        LinuxProcess p = t.proc;
        for (;;) {
            if (p.stopped) {
                waitWhileStopped(t);
                continue;
            }
            if (((t.pending | p.sharedPending) & ~t.sigMask) == 0) break;
            SigInfo si;
            long handler, flags, restorer, mask;
            synchronized (p.sigLock) {
                si = dequeue(t, ~t.sigMask);
                if (si == null) break;
                SignalActions a = p.sigactions;
                int s = si.signo;
                handler = a.handler[s];
                flags = a.flags[s];
                restorer = a.restorer[s];
                mask = a.mask[s];
                if (handler > SignalActions.SIG_IGN && (flags & SA_RESETHAND) != 0) {
                    a.handler[s] = SignalActions.SIG_DFL;
                    a.flags[s] &= ~SA_SIGINFO;
                }
            }
            int sig = si.signo;
            if (handler == SignalActions.SIG_IGN) continue;
            if (handler == SignalActions.SIG_DFL) {
                switch (defaultAction(sig)) {
                    case ACT_IGNORE -> {
                        continue;
                    }
                    case ACT_STOP -> {
                        stop(p, sig);
                        continue;
                    }
                    default -> terminate(p, sig);
                }
            }
            settleInterruptedCall(t, flags);
            long old = t.restoreMask ? t.savedMask : t.sigMask;
            t.restoreMask = false;
            boolean ok = p.is64() ? SigFrame64.setup(t, si, handler, flags, restorer, old)
                    : SigFrameI386.setup(t, si, handler, flags, restorer, old);
            if (!ok) {
                // The frame could not be written (bad stack): SIGSEGV, uncatchable now.
                if (p.kernel.log.on(dev.jemu.util.Log.Item.GUEST_ERRORS)) {
                    p.kernel.log.printf("%d: cannot build the frame for signal %d (stack %#x)%n", t.tid, sig,
                            t.cpu.regs[X86Cpu.RSP]);
                }
                terminate(p, SIGSEGV);
            }
            synchronized (p.sigLock) {
                t.sigMask = (t.sigMask | mask | ((flags & SA_NODEFER) != 0 ? 0 : bit(sig))) & ~UNBLOCKABLE;
            }
        }
        if (t.restartCode != 0) restart(t);
        if (t.restoreMask) {
            t.restoreMask = false;
            t.sigMask = t.savedMask;
        }
    }

    /** A handler is about to run after a system call was interrupted: EINTR, or restart if it asked for it. */
    private static void settleInterruptedCall(LinuxThread t, long flags) {
        int code = t.restartCode;
        if (code == 0) return;
        switch (code) {
            case Blocking.ERESTARTSYS -> {
                if ((flags & SA_RESTART) != 0) rewind(t);
                else t.cpu.regs[X86Cpu.RAX] = result(t, -Errno.EINTR);
            }
            case Blocking.ERESTARTNOINTR -> rewind(t);
            default -> t.cpu.regs[X86Cpu.RAX] = result(t, -Errno.EINTR);
        }
        t.restartCode = 0;
    }

    /** No handler ran: an interrupted call is restarted (stop/continue, ignored signals are invisible). */
    private static void restart(LinuxThread t) {
        rewind(t);
    }

    private static void rewind(LinuxThread t) {
        int code = t.restartCode;
        t.restartCode = 0;
        t.cpu.rip -= 2; // SYSCALL and INT 0x80 are both two bytes
        // A restart block continues through restart_syscall (219 on x86-64, 0 on i386), as in Linux.
        t.cpu.regs[X86Cpu.RAX] = code == Blocking.ERESTART_RESTARTBLOCK && t.restartBlock != null
                ? (t.proc.is64() ? Nr.RESTART_SYSCALL : 0) : t.restartNr;
    }

    private static long result(LinuxThread t, long v) {
        return t.proc.is64() ? v : v & 0xffffffffL;
    }

    private static void waitWhileStopped(LinuxThread t) {
        LinuxProcess p = t.proc;
        while (p.stopped && !t.killed) {
            t.parked = true;
            if (p.stopped && !t.killed) LockSupport.park(t);
            t.parked = false;
        }
        if (t.killed) throw new LinuxThread.Exit();
    }

    /** The default action of a stop signal: every thread stops; the parent is told. */
    static void stop(LinuxProcess p, int sig) {
        synchronized (p.sigLock) {
            if (p.stopped || p.exitStatus >= 0) return;
            p.stopped = true;
            p.stopSig = sig;
            p.stopReport = true;
            p.contReport = false;
            for (LinuxThread t : p.threads) t.wake();
        }
        Processes.notifyParent(p, SigInfo.CLD_STOPPED, sig);
        if (p == p.kernel.initial) {
            // The initial process's parent is outside jemu (a shell): stop jemu itself, as qemu-user does, so
            // that the shell sees its job stopped. When the shell continues us, continue the guest.
            HostSignals.stopHost();
            sendToProcess(p, SigInfo.user(SIGCONT, SigInfo.SI_USER, 0, 0));
        }
    }

    /** Ends the whole process as killed by {@code sig} (with a core dump flag if the host would write one). */
    public static void terminate(LinuxProcess p, int sig) {
        boolean core = defaultAction(sig) == ACT_CORE && HostSignals.coreDumpsEnabled();
        Processes.exitProcess(p, (sig & 0x7f) | (core ? 0x80 : 0));
    }
}
