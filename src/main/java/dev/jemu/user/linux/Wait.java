package dev.jemu.user.linux;

/**
 * wait4 and waitid: children are selected by pid, process group or any; "clone" children (whose exit signal
 * is not SIGCHLD) only with __WCLONE or __WALL. A zombie is reaped, a stop (WUNTRACED) or continue
 * (WCONTINUED) is reported once. Statuses are encoded as Linux does. Resource usage is reported as zero.
 */
final class Wait {
    private Wait() {}

    static final int WNOHANG = 1, WUNTRACED = 2, WSTOPPED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x01000000,
            WNOTHREAD = 0x20000000, WALL = 0x40000000, WCLONE = 0x80000000;
    static final int P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;

    /** What a wait found: the child, its status word and the waitid code/status. */
    private record Found(int pid, int status, int code, int cstatus, long user, long sys) {
        Found(int pid, int status, int code, int cstatus) {
            this(pid, status, code, cstatus, 0, 0);
        }
    }

    static long wait4(LinuxThread t, int pid, long statusVa, int options, long rusageVa) {
        if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE)) != 0) return -Errno.EINVAL;
        if (pid == Integer.MIN_VALUE) return -Errno.ESRCH;
        int type = pid < -1 ? P_PGID : pid == -1 ? P_ALL : pid == 0 ? P_PGID : P_PID;
        int id = pid < -1 ? -pid : pid == 0 ? t.proc.pgid : pid;
        Object r = doWait(t, type, id, options | WEXITED);
        if (r instanceof Long err) return err;
        Found f = (Found) r;
        if (f == null) return 0;
        GuestMemory m = t.proc.mem;
        if (statusVa != 0) m.writeInt(statusVa, f.status);
        if (rusageVa != 0) Usage.writeRusage(m, rusageVa, f.user, f.sys, 0, true);
        return f.pid;
    }

    static long waitid(LinuxThread t, int type, int id, long infoVa, int options, long rusageVa) {
        if ((options & ~(WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT | WNOTHREAD | WALL | WCLONE)) != 0
                || (options & (WEXITED | WSTOPPED | WCONTINUED)) == 0) {
            return -Errno.EINVAL;
        }
        if (type == P_PGID && id == 0) id = t.proc.pgid;
        if (type != P_ALL && type != P_PID && type != P_PGID) return -Errno.EINVAL;
        if ((type == P_PID || type == P_PGID) && id <= 0) return -Errno.EINVAL;
        Object r = doWait(t, type, id, options);
        if (r instanceof Long err) return err;
        Found f = (Found) r;
        GuestMemory m = t.proc.mem;
        boolean is64 = true;
        if (infoVa != 0) {
            if (f == null) {
                m.write(infoVa, new byte[128]); // WNOHANG, nothing ready: si_pid = 0
            } else {
                SigInfo si = SigInfo.child(f.code, f.pid, Processes.uid(), f.cstatus);
                si.write(m, infoVa, is64);
            }
        }
        if (rusageVa != 0) Usage.writeRusage(m, rusageVa, f == null ? 0 : f.user, f == null ? 0 : f.sys, 0, is64);
        return 0;
    }

    /** Returns a {@link Found}, null (WNOHANG and nothing yet) or a Long error. */
    private static Object doWait(LinuxThread t, int type, int id, int options) {
        LinuxProcess p = t.proc;
        Kernel k = p.kernel;
        for (;;) {
            int seen = p.childEvents.get();
            synchronized (k.tree) {
                boolean any = false;
                for (LinuxProcess c : p.children) {
                    if (!selected(c, type, id, options)) continue;
                    any = true;
                    Found f = check(p, c, options);
                    if (f != null) return f;
                }
                if (!any) return (long) -Errno.ECHILD;
            }
            if ((options & WNOHANG) != 0) return null;
            // As in Linux, a child that ended is found before a pending signal interrupts the wait.
            if (t.needsAttention()) return (long) -Blocking.ERESTARTSYS;
            Blocking.park(t, Blocking.ERESTARTSYS, Long.MAX_VALUE, () -> p.childEvents.get() != seen);
        }
    }

    private static boolean selected(LinuxProcess c, int type, int id, int options) {
        if (c.reaped) return false;
        switch (type) {
            case P_PID -> {
                if (c.pid != id) return false;
            }
            case P_PGID -> {
                if (c.pgid != id) return false;
            }
            default -> { }
        }
        if ((options & WALL) != 0) return true;
        boolean cloneChild = c.exitSignal != Signals.SIGCHLD;
        return cloneChild == ((options & WCLONE) != 0);
    }

    /** Under kernel.tree: a reportable state change of child {@code c}, consumed unless WNOWAIT. */
    private static Found check(LinuxProcess p, LinuxProcess c, int options) {
        boolean consume = (options & WNOWAIT) == 0;
        if (c.dead()) {
            if ((options & WEXITED) == 0) return null;
            int st = c.waitStatus;
            // wait4's rusage: what the child used, itself and through the children it reaped
            long user, sys;
            synchronized (c.sigLock) {
                user = c.deadUser + c.childUser;
                sys = c.deadSys + c.childSys;
            }
            if (consume) {
                Usage.reaped(p, c);
                c.reaped = true;
                p.children.remove(c);
                p.kernel.unregister(c);
            }
            int sig = st & 0x7f;
            int code = sig == 0 ? SigInfo.CLD_EXITED : (st & 0x80) != 0 ? SigInfo.CLD_DUMPED : SigInfo.CLD_KILLED;
            return new Found(c.pid, st, code, sig == 0 ? (st >> 8) & 0xff : sig, user, sys);
        }
        synchronized (c.sigLock) {
            if ((options & WSTOPPED) != 0 && c.stopped && c.stopReport) {
                if (consume) c.stopReport = false;
                return new Found(c.pid, (c.stopSig << 8) | 0x7f, SigInfo.CLD_STOPPED, c.stopSig);
            }
            if ((options & WCONTINUED) != 0 && c.contReport) {
                if (consume) c.contReport = false;
                return new Found(c.pid, 0xffff, SigInfo.CLD_CONTINUED, Signals.SIGCONT);
            }
        }
        return null;
    }
}
