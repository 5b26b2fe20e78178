package dev.jemu.user.linux;

import dev.jemu.target.x86.X86Cpu;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Process life cycle: the first process, fork/vfork/clone without CLONE_THREAD (a new {@link LinuxProcess}
 * in this JVM), exit (group exit, zombie, SIGCHLD, reaping), and the process tree. execve is in
 * {@link Execve}, wait4/waitid in {@link Wait}.
 *
 * <p>Orphans are not reparented to the initial process: like children of init they get ppid 1 and are reaped
 * automatically when they end. When the initial process ends, jemu exits with its status; guest processes
 * still running then end with it (qemu-user's children are host processes and would survive).
 */
public final class Processes {
    private Processes() {}

    /** Loads {@code program} into a new process with the given arguments and environment. */
    static LinuxProcess createInitial(Kernel k, Path program, String name, List<byte[]> argv, List<byte[]> envp)
            throws LoadError {
        AddressSpace as = new AddressSpace(k.addressLimit);
        as.mmapTop = k.mmapTop();
        FdTable fds = new FdTable();
        for (int fd = 0; fd < 3; fd++) {
            long h = HostSyscall.call(Nr.FCNTL, fd, FileCalls.F_DUPFD_CLOEXEC, 3);
            if (h >= 0) fds.installAt(new FdTable.HostFile((int) h, "/dev/std" + fd), fd, false);
        }
        LinuxProcess p = new LinuxProcess(k, k.allocatePid(), as, fds, new SignalActions());
        p.ppid = (int) ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L).longValue();
        p.pgid = (int) HostSyscall.call(Nr.GETPGID, 0);
        p.sid = (int) HostSyscall.call(Nr.GETSID, 0);
        p.cwdFd = (int) HostSyscall.call(Nr.OPENAT, FileCalls.AT_FDCWD, FileCalls.cstr("."),
                FileCalls.O_PATH | FileCalls.O_DIRECTORY | FileCalls.O_CLOEXEC, 0);
        String cwd = FileCalls.hostFdPath(p.cwdFd);
        p.cwd = cwd != null ? cwd : System.getProperty("user.dir");
        // Signals the JVM was started with blocked stay blocked for the guest, as exec keeps the mask.
        X86Cpu cpu = UserMain.newCpu(k, as);
        LinuxThread t = new LinuxThread(p, cpu, p.pid);
        t.sigMask = hostBlockedSignals();
        p.threads.add(t);
        Path abs = program.toAbsolutePath().normalize(); // maps and /proc/self/exe show absolute paths
        ElfLoader.Image img = k.loader.load(as, abs, k.pieBase());
        startImage(p, t, img, abs.toString(), name, argv, envp);
        inheritIgnoredSignals(p);
        k.register(p);
        k.registerThread(t);
        k.initial = p;
        return p;
    }

    /** SIG_IGN dispositions jemu inherited (e.g. SIGINT under nohup-like launchers) are the guest's too. */
    private static void inheritIgnoredSignals(LinuxProcess p) {
        java.lang.foreign.MemorySegment old = java.lang.foreign.Arena.ofAuto().allocate(32, 8);
        for (int s : new int[] {Signals.SIGHUP, Signals.SIGINT, Signals.SIGQUIT, Signals.SIGPIPE, Signals.SIGTSTP,
            Signals.SIGTTIN, Signals.SIGTTOU}) {
            if (s == Signals.SIGPIPE) continue; // the JVM ignores SIGPIPE itself; the guest must not inherit that
            if (HostSyscall.call(Nr.RT_SIGACTION, s, 0, old.address(), 8) == 0
                    && old.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0) == SignalActions.SIG_IGN) {
                p.sigactions.handler[s] = SignalActions.SIG_IGN;
            }
        }
    }

    private static long hostBlockedSignals() {
        java.lang.foreign.MemorySegment set = java.lang.foreign.Arena.ofAuto().allocate(8, 8);
        if (HostSyscall.call(Nr.RT_SIGPROCMASK, 0, 0, set.address(), 8) < 0) return 0;
        // Only the classic signals a parent may have blocked on purpose; the JVM's own are not the guest's.
        return set.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0) & 0x7fffffffL & ~Signals.UNBLOCKABLE
                & ~Signals.bit(Signals.SIGQUIT) & ~Signals.bit(Signals.SIGUSR2) & ~Signals.SYNC_MASK;
    }

    /** Sets up a freshly loaded image: stack with arguments, environment and auxv; registers at the entry. */
    static void startImage(LinuxProcess p, LinuxThread t, ElfLoader.Image img, String exe, String execfn,
                           List<byte[]> argv, List<byte[]> envp) {
        Kernel k = p.kernel;
        AddressSpace as = p.mm;
        long top = k.stackTop();
        as.map(top - k.stackSize(), k.stackSize(), AddressSpace.PROT_READ | AddressSpace.PROT_WRITE
                | (img.execStack ? AddressSpace.PROT_EXEC : 0), "[stack]", 0);
        as.brkStart = as.brk = AddressSpace.pageUp(img.end);
        p.exe = exe;
        t.comm = LinuxProcess.commOf(execfn);
        p.argv = argv;
        p.envp = envp;
        long uid = HostSyscall.call(Nr.GETUID), gid = HostSyscall.call(Nr.GETGID);
        long sp = InitialStack.build(p.mem, k.is64, top, argv, envp, execfn, img,
                k.cpuModel.features1Edx, uid, gid, new java.util.Random(p.pid));
        // The auxiliary vector follows argc, argv[] and envp[] (for /proc/self/auxv).
        int ps = k.is64 ? 8 : 4;
        long aux = sp + (long) ps * (argv.size() + envp.size() + 3);
        long end = aux;
        while (p.mem.readPtr(end, k.is64) != 0) end += 2L * ps;
        p.auxvAddr = aux;
        p.auxvLen = end + 2L * ps - aux;
        X86Cpu c = t.cpu;
        java.util.Arrays.fill(c.regs, 0);
        c.regs[X86Cpu.RSP] = sp;
        c.rip = img.entry;
        c.setEflags(0x202, -1);
        c.eflags = 0x202;
    }

    // ---------------------------------------------------------------- fork

    /**
     * clone without CLONE_THREAD: fork (own copy of memory), vfork (CLONE_VM|CLONE_VFORK: shares memory, the
     * parent waits until the child execs or exits), or clone with CLONE_VM (posix_spawn's shared-memory child).
     */
    static long clone(LinuxThread t, long flags, long newsp, long ptid, long ctid, long tls) {
        LinuxProcess parent = t.proc;
        Kernel k = parent.kernel;
        if ((flags & Threads.NAMESPACES) != 0) return -Errno.EPERM;
        if ((flags & Threads.CLONE_THREAD) != 0) {
            if ((flags & Threads.CLONE_SIGHAND) == 0 || (flags & Threads.CLONE_VM) == 0) return -Errno.EINVAL;
            return Threads.createThread(t, flags, newsp, ptid, ctid, tls);
        }
        if ((flags & Threads.CLONE_SIGHAND) != 0 && (flags & Threads.CLONE_VM) == 0) return -Errno.EINVAL;
        if (parent.exitStatus >= 0) return -Errno.EAGAIN;
        boolean shareVm = (flags & Threads.CLONE_VM) != 0;
        AddressSpace mm;
        if (shareVm) {
            mm = parent.mm;
            mm.retain();
        } else {
            mm = parent.mm.fork();
        }
        FdTable fds = (flags & Threads.CLONE_FILES) != 0 ? parent.fds.share() : parent.fds.copy();
        SignalActions acts = (flags & Threads.CLONE_SIGHAND) != 0 ? parent.sigactions.share() : parent.sigactions.copy();
        if ((flags & Threads.CLONE_CLEAR_SIGHAND) != 0) acts.clearHandlers();
        int pid = k.allocatePid();
        LinuxProcess child = new LinuxProcess(k, pid, mm, fds, acts);
        child.exitSignal = (int) (flags & 0xff);
        child.pgid = parent.pgid;
        child.sid = parent.sid;
        child.umask = parent.umask;
        child.exe = parent.exe;
        child.argv = parent.argv;
        child.envp = parent.envp;
        child.auxvAddr = parent.auxvAddr;
        child.auxvLen = parent.auxvLen;
        child.cwd = parent.cwd;
        child.cwdFd = (int) HostSyscall.call(Nr.FCNTL, parent.cwdFd, FileCalls.F_DUPFD_CLOEXEC, 0);
        X86Cpu c = Threads.copyCpu(t.cpu, mm);
        c.regs[X86Cpu.RAX] = 0;
        if (newsp != 0) c.regs[X86Cpu.RSP] = newsp;
        LinuxThread ct = new LinuxThread(child, c, pid);
        ct.sigMask = t.sigMask;
        ct.comm = t.comm;
        if (!shareVm || (flags & Threads.CLONE_VFORK) != 0) {
            ct.altSp = t.altSp;
            ct.altSize = t.altSize;
            ct.altFlags = t.altFlags;
        }
        if ((flags & Threads.CLONE_SETTLS) != 0) {
            long r = Threads.setTls(ct, parent.mem, tls);
            if (r < 0) {
                mm.release();
                fds.closeAll();
                return r;
            }
        }
        if ((flags & Threads.CLONE_CHILD_SETTID) != 0) child.mem.writeInt(ctid, pid);
        if ((flags & Threads.CLONE_CHILD_CLEARTID) != 0) ct.clearChildTid = ctid;
        if ((flags & Threads.CLONE_PARENT_SETTID) != 0) parent.mem.writeInt(ptid, pid);
        if ((flags & Threads.CLONE_PIDFD) != 0) return -Errno.EINVAL; // pidfds are not supported
        child.threads.add(ct);
        boolean vfork = (flags & Threads.CLONE_VFORK) != 0;
        if (vfork) {
            child.vforkDone = false;
            child.vforkParent = t;
        }
        synchronized (k.tree) {
            LinuxProcess pp = (flags & Threads.CLONE_PARENT) != 0 ? parent.parent : parent;
            child.parent = pp;
            child.ppid = pp != null ? pp.pid : parent.ppid;
            if (pp != null) pp.children.add(child);
            k.register(child);
        }
        k.registerThread(ct);
        Threads.start(ct);
        if (vfork) {
            // Not interruptible by signals (as in Linux, where only a fatal signal ends the wait).
            while (!child.vforkDone && !t.killed) {
                t.parked = true;
                if (!child.vforkDone && !t.killed) LockSupport.park(child);
                t.parked = false;
            }
        }
        return pid;
    }

    /** clone3: the {@code struct clone_args} form. */
    static long clone3(LinuxThread t, long argsVa, long size) {
        if (size < 64 || size > 4096) return -Errno.EINVAL;
        GuestMemory m = t.proc.mem;
        long flags = m.readLong(argsVa), childTid = m.readLong(argsVa + 16), parentTid = m.readLong(argsVa + 24);
        long exitSignal = m.readLong(argsVa + 32), stack = m.readLong(argsVa + 40), stackSize = m.readLong(argsVa + 48);
        long tls = m.readLong(argsVa + 56);
        if (size >= 80 && m.readLong(argsVa + 72) != 0) return -Errno.EINVAL; // set_tid
        if ((flags & 0xff) != 0 || exitSignal > Signals.NSIG) return -Errno.EINVAL;
        if ((stack == 0) != (stackSize == 0)) return -Errno.EINVAL;
        long sp = stack == 0 ? 0 : stack + stackSize;
        return clone(t, flags | exitSignal, sp, parentTid, childTid, tls);
    }

    // ---------------------------------------------------------------- exit

    /**
     * Ends process {@code p} with the wait status {@code status} (exit code << 8, or the terminating signal):
     * its threads stop, and the current thread unwinds.
     */
    public static void exitProcess(LinuxProcess p, int status) {
        kill(p, status == Signals.SIGKILL ? Signals.SIGKILL : status);
        throw new LinuxThread.Exit();
    }

    /** Makes every thread of {@code p} end; the process finishes with {@code status} when the last is gone. */
    static void kill(LinuxProcess p, int status) {
        synchronized (p.sigLock) {
            if (p.exitStatus >= 0) return;
            p.exitStatus = status;
            p.stopped = false;
            for (LinuxThread t : p.threads) {
                t.killed = true;
                t.wake();
            }
        }
    }

    /** The last thread of {@code p} is gone: release everything, become a zombie (or vanish), tell the parent. */
    static void finish(LinuxProcess p) {
        Kernel k = p.kernel;
        int status = p.exitStatus >= 0 ? p.exitStatus : 0;
        p.timers.cancelAll(true);
        p.fds.release();
        p.sigactions.release();
        HostSyscall.call(Nr.CLOSE, p.cwdFd);
        releaseVfork(p);
        p.mm.release();
        boolean notify;
        synchronized (k.tree) {
            for (LinuxProcess c : p.children) {
                c.parent = null;
                c.ppid = 1;
                if (c.dead() && !c.reaped) {
                    c.reaped = true;
                    k.unregister(c);
                }
            }
            p.children.clear();
            p.waitStatus = status;
            LinuxProcess pp = p.parent;
            notify = pp != null && !pp.dead() && pp.exitStatus < 0;
            if (notify && p.exitSignal == Signals.SIGCHLD && ignoresChildren(pp)) {
                // SIGCHLD ignored or SA_NOCLDWAIT: no zombie.
                pp.children.remove(p);
                p.reaped = true;
                k.unregister(p);
            } else if (!notify && p != k.initial) {
                p.reaped = true;
                k.unregister(p);
            }
        }
        if (notify) {
            int sig = status & 0x7f;
            int code = sig == 0 ? SigInfo.CLD_EXITED : (status & 0x80) != 0 ? SigInfo.CLD_DUMPED : SigInfo.CLD_KILLED;
            notifyParentOfExit(p, code, sig == 0 ? (status >> 8) & 0xff : sig);
        }
        synchronized (p) {
            p.notifyAll(); // UserMain waits for the initial process this way
        }
    }

    private static boolean ignoresChildren(LinuxProcess pp) {
        SignalActions a = pp.sigactions;
        return a.handler[Signals.SIGCHLD] == SignalActions.SIG_IGN || (a.flags[Signals.SIGCHLD] & Signals.SA_NOCLDWAIT) != 0;
    }

    /** The vfork parent may go on: the child exec'd or ended. */
    static void releaseVfork(LinuxProcess p) {
        if (p.vforkDone) return;
        p.vforkDone = true;
        LinuxThread parent = p.vforkParent;
        p.vforkParent = null;
        if (parent != null && parent.host != null) LockSupport.unpark(parent.host);
    }

    private static void notifyParentOfExit(LinuxProcess p, int code, int status) {
        LinuxProcess pp;
        synchronized (p.kernel.tree) {
            pp = p.parent;
        }
        if (pp == null) return;
        // Signal first, as Linux does: the parent sees it when its wait returns. (wait4 looks for the
        // zombie before it lets a pending signal interrupt it.)
        if (p.exitSignal != 0) {
            Signals.sendToProcess(pp, SigInfo.child(code, p.pid, uid(), status));
        }
        wakeWaiters(pp);
    }

    /** A child stopped or continued: SIGCHLD unless the parent asked for SA_NOCLDSTOP, and wake its wait. */
    static void notifyParent(LinuxProcess p, int code, int sig) {
        LinuxProcess pp;
        synchronized (p.kernel.tree) {
            pp = p.parent;
        }
        if (pp == null || pp.dead()) return;
        if ((pp.sigactions.flags[Signals.SIGCHLD] & Signals.SA_NOCLDSTOP) == 0) {
            Signals.sendToProcess(pp, SigInfo.child(code, p.pid, uid(), sig));
        }
        wakeWaiters(pp);
    }

    /** Wakes the threads of {@code p} parked in wait4/waitid. */
    static void wakeWaiters(LinuxProcess p) {
        p.childEvents.incrementAndGet();
        for (LinuxThread t : p.threads) {
            Thread h = t.host;
            if (h != null) LockSupport.unpark(h);
        }
    }

    static int uid() {
        return (int) HostSyscall.call(Nr.GETUID);
    }
}
