package dev.jemu.user.linux;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of guest processes: each guest thread is one host thread, so its user and system time are that
 * thread's (the JVM's own threads — JIT, GC — are not counted). getrusage, times and the CPU-time clocks
 * report them; children's times are added to their parent when reaped, as Linux does.
 */
final class Usage {
    private Usage() {}

    private static final ThreadMXBean TMX = ManagementFactory.getThreadMXBean();
    static final int RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;

    /** {user, system} ns of one live thread. */
    static long[] thread(LinuxThread t) {
        Thread h = t.host;
        if (h == null || t.finished) return new long[2];
        long total = TMX.getThreadCpuTime(h.threadId()), user = TMX.getThreadUserTime(h.threadId());
        if (total < 0 || user < 0) return new long[2];
        return new long[] {user, Math.max(0, total - user)};
    }

    /** {user, system} ns of a process: its live threads plus those that ended. */
    static long[] process(LinuxProcess p) {
        long u, s;
        synchronized (p.sigLock) {
            u = p.deadUser;
            s = p.deadSys;
        }
        for (LinuxThread t : p.threads) {
            long[] v = thread(t);
            u += v[0];
            s += v[1];
        }
        return new long[] {u, s};
    }

    /** A thread ends: its time stays with the process. Called on the thread itself. */
    static void threadEnded(LinuxThread t) {
        long total = TMX.getCurrentThreadCpuTime(), user = TMX.getCurrentThreadUserTime();
        if (total < 0 || user < 0) return;
        synchronized (t.proc.sigLock) {
            t.proc.deadUser += user;
            t.proc.deadSys += Math.max(0, total - user);
        }
    }

    /** A child was reaped: its own and its children's times count as the parent's children's. */
    static void reaped(LinuxProcess parent, LinuxProcess child) {
        synchronized (parent.sigLock) {
            parent.childUser += child.deadUser + child.childUser;
            parent.childSys += child.deadSys + child.childSys;
        }
    }

    static long getrusage(LinuxThread t, int who, long va) {
        long[] v;
        switch (who) {
            case RUSAGE_SELF -> v = process(t.proc);
            case RUSAGE_THREAD -> v = thread(t);
            case RUSAGE_CHILDREN -> {
                synchronized (t.proc.sigLock) {
                    v = new long[] {t.proc.childUser, t.proc.childSys};
                }
            }
            default -> {
                return -Errno.EINVAL;
            }
        }
        // The rest (maxrss, faults, context switches...) from the host's view of jemu, which is close enough.
        boolean is64 = true;
        java.lang.foreign.MemorySegment host = java.lang.foreign.Arena.ofAuto().allocate(144, 8);
        HostSyscall.call(Nr.GETRUSAGE, who == RUSAGE_THREAD ? RUSAGE_THREAD : RUSAGE_SELF, host.address());
        GuestMemory m = t.proc.mem;
        int ps = is64 ? 8 : 4;
        m.write(va, new byte[is64 ? 144 : 72]);
        writeTimeval(m, va, v[0], is64);
        writeTimeval(m, va + 2L * ps, v[1], is64);
        long maxrss = host.get(java.lang.foreign.ValueLayout.JAVA_LONG, 32);
        m.writePtr(va + 4L * ps, who == RUSAGE_CHILDREN ? 0 : maxrss, is64);
        return 0;
    }

    private static void writeTimeval(GuestMemory m, long va, long ns, boolean is64) {
        long us = ns / 1000;
        m.writePtr(va, us / 1_000_000L, is64);
        m.writePtr(va + (is64 ? 8 : 4), us % 1_000_000L, is64);
    }

    /** times(): clock ticks (100 Hz); the result is the host's elapsed ticks. */
    static long times(LinuxThread t, long va) {
        if (va != 0) {
            long[] self = process(t.proc);
            long cu, cs;
            synchronized (t.proc.sigLock) {
                cu = t.proc.childUser;
                cs = t.proc.childSys;
            }
            boolean is64 = true;
            int ps = is64 ? 8 : 4;
            GuestMemory m = t.proc.mem;
            m.writePtr(va, self[0] / 10_000_000L, is64);
            m.writePtr(va + ps, self[1] / 10_000_000L, is64);
            m.writePtr(va + 2L * ps, cu / 10_000_000L, is64);
            m.writePtr(va + 3L * ps, cs / 10_000_000L, is64);
        }
        return HostSyscall.call(Nr.TIMES, 0);
    }

    static final int CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;

    /** clock_gettime: the CPU-time clocks are the guest's, the others the host's. */
    static long clockGettime(LinuxThread t, int clock, long va) {
        if (clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID) {
            long[] v = clock == CLOCK_THREAD_CPUTIME_ID ? thread(t) : process(t.proc);
            Timers.writeTimespec(t.proc.mem, va, v[0] + v[1], true);
            return 0;
        }
        return HostSyscall.call(Nr.CLOCK_GETTIME, clock, t.proc.mem.buffer(va, 16, true));
    }
}
