package dev.jemu.user.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * CPU time of guest processes: each guest thread is one host thread, so its user and system time are that
 * thread's (the JVM's own threads — JIT, GC — are not counted). getrusage, times and the CPU-time clocks
 * report them; children's times are added to their parent when reaped, as Linux does.
 */
final class Usage {
    private Usage() {}

    static final int RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;

    /** {user, system} ns of one live thread. */
    static long[] thread(LinuxThread t) {
        int tid = t.hostTid;
        if (t.host == null || t.finished || tid <= 0) return new long[2];
        return hostThreadTimes(tid);
    }

    /**
     * {user, system} ns of a host thread, from the kernel's per-thread CPU clocks (clockid
     * {@code (~tid << 3) | 4 | which}: 1 = user time, 2 = total). Asking the kernel directly spares every
     * guest thread's exit the JVM's management library, which costs a short program a noticeable part of
     * its startup.
     */
    private static long[] hostThreadTimes(int tid) {
        MemorySegment ts = TIMESPEC.get();
        long total = cpuClock((~tid << 3) | 6, ts), user = cpuClock((~tid << 3) | 5, ts);
        if (total < 0 || user < 0) return new long[2];
        return new long[] {user, Math.max(0, total - user)};
    }

    /** A timespec per host thread: programs may read their CPU clock in a loop. */
    private static final ThreadLocal<MemorySegment> TIMESPEC = ThreadLocal.withInitial(() -> Arena.global().allocate(16, 8));

    private static long cpuClock(int clockId, MemorySegment ts) {
        if (HostSyscall.call(Nr.CLOCK_GETTIME, clockId, ts.address()) < 0) return -1;
        return ts.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + ts.get(ValueLayout.JAVA_LONG, 8);
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
        if (t.hostTid <= 0) return;
        long[] v = hostThreadTimes(t.hostTid);
        synchronized (t.proc.sigLock) {
            t.proc.deadUser += v[0];
            t.proc.deadSys += v[1];
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
        // maxrss from the host's view of jemu, which is close enough; faults and switches stay 0.
        java.lang.foreign.MemorySegment host = java.lang.foreign.Arena.ofAuto().allocate(144, 8);
        HostSyscall.call(Nr.GETRUSAGE, who == RUSAGE_THREAD ? RUSAGE_THREAD : RUSAGE_SELF, host.address());
        long maxrss = host.get(java.lang.foreign.ValueLayout.JAVA_LONG, 32);
        writeRusage(t.proc.mem, va, v[0], v[1], who == RUSAGE_CHILDREN ? 0 : maxrss, true);
        return 0;
    }

    /** A struct rusage: user and system time (ns) and maxrss (KiB), the rest zero. */
    static void writeRusage(GuestMemory m, long va, long userNs, long sysNs, long maxrss, boolean is64) {
        int ps = is64 ? 8 : 4;
        m.write(va, new byte[is64 ? 144 : 72]);
        writeTimeval(m, va, userNs, is64);
        writeTimeval(m, va + 2L * ps, sysNs, is64);
        m.writePtr(va + 4L * ps, maxrss, is64);
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
