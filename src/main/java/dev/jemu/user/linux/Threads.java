package dev.jemu.user.linux;

import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X87;

/**
 * Guest threads (clone with CLONE_VM|CLONE_THREAD, as pthread_create does) and their end. Each guest thread
 * gets its own vCPU (a copy of the creator's registers, its own soft TLB over the shared address space) and
 * its own host platform thread.
 */
final class Threads {
    private Threads() {}

    static final long CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
            CLONE_PIDFD = 0x1000, CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000,
            CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000,
            CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000,
            CLONE_UNTRACED = 0x800000, CLONE_CHILD_SETTID = 0x1000000, CLONE_NEWCGROUP = 0x02000000L,
            CLONE_NEWUTS = 0x04000000L, CLONE_NEWIPC = 0x08000000L, CLONE_NEWUSER = 0x10000000L,
            CLONE_NEWPID = 0x20000000L, CLONE_NEWNET = 0x40000000L, CLONE_IO = 0x80000000L,
            CLONE_CLEAR_SIGHAND = 0x100000000L, CLONE_INTO_CGROUP = 0x200000000L;
    static final long NAMESPACES = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER
            | CLONE_NEWPID | CLONE_NEWNET;

    /** A new vCPU in the same state as {@code src}, over {@code as}. */
    static X86Cpu copyCpu(X86Cpu src, AddressSpace as) {
        X86Cpu c = new X86Cpu(src.model, new SoftMmu(as.ram(), as));
        System.arraycopy(src.regs, 0, c.regs, 0, src.regs.length);
        c.rip = src.rip;
        c.ccOp = src.ccOp;
        c.ccDst = src.ccDst;
        c.ccSrc = src.ccSrc;
        c.ccSrc1 = src.ccSrc1;
        c.ccAux = src.ccAux;
        c.eflags = src.eflags;
        System.arraycopy(src.segSel, 0, c.segSel, 0, 6);
        System.arraycopy(src.segBase, 0, c.segBase, 0, 6);
        System.arraycopy(src.segLimit, 0, c.segLimit, 0, 6);
        System.arraycopy(src.segAttr, 0, c.segAttr, 0, 6);
        c.codeBits = src.codeBits;
        c.stackSize = src.stackSize;
        c.longMode = src.longMode;
        c.userMode = src.userMode;
        System.arraycopy(src.xmm, 0, c.xmm, 0, src.xmm.length);
        c.mxcsr = src.mxcsr;
        X87 f = src.fpu, g = c.fpu;
        g.fcw = f.fcw;
        g.fsw = f.fsw;
        g.top = f.top;
        g.ftw = f.ftw;
        System.arraycopy(f.se, 0, g.se, 0, 8);
        System.arraycopy(f.sig, 0, g.sig, 0, 8);
        g.fip = f.fip;
        g.fdp = f.fdp;
        g.fop = f.fop;
        g.fcs = f.fcs;
        g.fds = f.fds;
        c.segments = src.segments instanceof UserSegments u ? u.copy() : src.segments;
        return c;
    }

    /**
     * The new thread's TLS (CLONE_SETTLS): the FS base on x86-64; on i386 a {@code struct user_desc} for a
     * TLS GDT entry, installed as set_thread_area would, and loaded into GS if GS uses that entry.
     */
    static long setTls(LinuxThread child, GuestMemory parentMem, long tls) {
        return UserSegments.cloneTls(child.cpu, parentMem, child.proc.is64(), tls);
    }

    /** clone(CLONE_VM|CLONE_THREAD|...): a new thread of the caller's process. */
    static long createThread(LinuxThread t, long flags, long newsp, long ptid, long ctid, long tls) {
        LinuxProcess p = t.proc;
        if (p.exitStatus >= 0) return -Errno.EAGAIN;
        int tid = p.kernel.allocatePid();
        X86Cpu c = copyCpu(t.cpu, p.mm);
        c.regs[X86Cpu.RAX] = 0;
        if (newsp != 0) c.regs[X86Cpu.RSP] = newsp;
        LinuxThread child = new LinuxThread(p, c, tid);
        child.comm = t.comm;
        child.sigMask = t.sigMask; // the alternate stack is not inherited by CLONE_VM children
        child.comm = t.comm;
        if ((flags & CLONE_SETTLS) != 0) {
            long r = setTls(child, p.mem, tls);
            if (r < 0) return r;
        }
        GuestMemory m = p.mem;
        if ((flags & CLONE_PARENT_SETTID) != 0) m.writeInt(ptid, tid);
        if ((flags & CLONE_CHILD_SETTID) != 0) m.writeInt(ctid, tid);
        if ((flags & CLONE_CHILD_CLEARTID) != 0) child.clearChildTid = ctid;
        synchronized (p.sigLock) {
            if (p.exitStatus >= 0) return -Errno.EAGAIN;
            p.threads.add(child);
        }
        p.kernel.registerThread(child);
        start(child);
        return tid;
    }

    /** Starts the host thread that runs {@code t}. */
    static void start(LinuxThread t) {
        Thread h = Thread.ofPlatform().name("guest-" + t.tid).daemon(true).stackSize(16L << 20).unstarted(t::run);
        t.host = h;
        h.start();
    }

    /**
     * A thread ended (any reason): clear and wake its child-tid word (pthread_join), release robust futexes,
     * and when it was the last one, finish the process.
     */
    static void exited(LinuxThread t) {
        LinuxProcess p = t.proc;
        Usage.threadEnded(t);
        t.finished = true;
        Futex.exitRobustList(t);
        if (t.clearChildTid != 0) {
            try {
                p.mem.writeInt(t.clearChildTid, 0);
                Futex.wake(p, t.clearChildTid, 1);
            } catch (GuestMemory.Fault ignored) {
                // the guest unmapped it; nothing to wake
            }
        }
        boolean last;
        synchronized (p.sigLock) {
            p.threads.remove(t);
            last = p.threads.isEmpty();
            if (last && p.exitStatus < 0) p.exitStatus = t.exitCode;
            // Signals queued for this thread alone die with it; shared ones go to a thread that can take them.
            t.queue.clear();
            t.pending = 0;
            if (!last && p.sharedPending != 0) {
                for (LinuxThread o : p.threads) if ((p.sharedPending & ~o.sigMask) != 0) o.wake();
            }
        }
        p.kernel.unregisterThread(t);
        if (last) Processes.finish(p);
    }
}
