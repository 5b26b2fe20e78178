package dev.jemu.user.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A process's timers that raise signals: the interval timers (alarm, setitimer) and POSIX timers
 * (timer_create). They run on the kernel's timer thread. ITIMER_VIRTUAL and ITIMER_PROF, and timers on the
 * CPU-time clocks, are approximated with elapsed real time (jemu does not account guest CPU time per process).
 */
final class Timers {
    static final int ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
    static final int SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD_ID = 4;
    static final int TIMER_ABSTIME = 1;

    private final LinuxProcess proc;
    private final Timer[] itimers = new Timer[3];
    private final Map<Integer, PosixTimer> posix = new HashMap<>();
    private int nextId;

    Timers(LinuxProcess proc) {
        this.proc = proc;
    }

    /** One timer: an expiry (System.nanoTime), an interval, and the scheduled firing. */
    class Timer {
        long intervalNs, deadline;
        ScheduledFuture<?> future;

        /** {interval, remaining} in ns; remaining 0 when disarmed. */
        long[] get() {
            synchronized (Timers.this) {
                long left = future == null ? 0 : Math.max(1, deadline - System.nanoTime());
                return new long[] {intervalNs, left};
            }
        }

        void set(long intervalNs, long valueNs) {
            synchronized (Timers.this) {
                if (future != null) future.cancel(false);
                future = null;
                this.intervalNs = intervalNs;
                if (valueNs > 0) {
                    deadline = System.nanoTime() + valueNs;
                    schedule(valueNs);
                }
            }
        }

        private void schedule(long delay) {
            ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
            self[0] = proc.kernel.timers().schedule(() -> fire(self[0]), delay, TimeUnit.NANOSECONDS);
            future = self[0];
        }

        private void fire(ScheduledFuture<?> which) {
            synchronized (Timers.this) {
                if (which != future || proc.dead()) return;
                if (intervalNs > 0) {
                    long now = System.nanoTime();
                    deadline += intervalNs;
                    if (deadline < now) {
                        overrun((now - deadline) / intervalNs);
                        deadline = now + intervalNs - (now - deadline) % intervalNs;
                    }
                    schedule(deadline - now);
                } else {
                    future = null;
                }
            }
            expired();
        }

        void overrun(long n) {
        }

        void expired() {
        }

        void cancel() {
            synchronized (Timers.this) {
                if (future != null) future.cancel(false);
                future = null;
            }
        }
    }

    /** An interval timer: raises its signal (SI_KERNEL, as the kernel's it_real_fn does). */
    final class ITimer extends Timer {
        final int sig;

        ITimer(int sig) {
            this.sig = sig;
        }

        @Override
        void expired() {
            Signals.sendToProcess(proc, SigInfo.kernel(sig));
        }
    }

    /** A POSIX timer: its signal carries the timer id and value; expiries while it is pending count as overruns. */
    final class PosixTimer extends Timer {
        final int id, clock, notify, sig, tid;
        final long value;
        int overrun, lastOverrun;
        boolean queued;

        PosixTimer(int id, int clock, int notify, int sig, long value, int tid) {
            this.id = id;
            this.clock = clock;
            this.notify = notify;
            this.sig = sig;
            this.value = value;
            this.tid = tid;
        }

        @Override
        void overrun(long n) {
            synchronized (Timers.this) {
                overrun = (int) Math.min(Integer.MAX_VALUE, (long) overrun + n);
            }
        }

        @Override
        void expired() {
            if (notify == SIGEV_NONE) return;
            SigInfo si;
            synchronized (Timers.this) {
                if (queued) {
                    if (overrun < Integer.MAX_VALUE) overrun++;
                    return;
                }
                queued = true;
                si = new SigInfo(sig, SigInfo.SI_TIMER, SigInfo.TIMER);
                si.timerId = id;
                si.value = value;
                si.timer = this;
            }
            if (notify == SIGEV_THREAD_ID) {
                LinuxThread t = proc.kernel.thread(tid);
                if (t != null && t.proc == proc) Signals.sendToThread(t, si);
            } else {
                Signals.sendToProcess(proc, si);
            }
        }

        /** The signal was taken (or discarded): later expiries queue again. Called under the signal lock. */
        void dequeued() {
            synchronized (Timers.this) {
                queued = false;
                lastOverrun = overrun;
                overrun = 0;
            }
        }
    }

    synchronized Timer itimer(int which) {
        if (itimers[which] == null) {
            itimers[which] = new ITimer(which == ITIMER_REAL ? Signals.SIGALRM
                    : which == ITIMER_VIRTUAL ? Signals.SIGVTALRM : Signals.SIGPROF);
        }
        return itimers[which];
    }

    /** At exit: nothing fires any more. At exec only POSIX timers go (interval timers survive execve). */
    synchronized void cancelAll(boolean alsoInterval) {
        for (PosixTimer t : posix.values()) t.cancel();
        posix.clear();
        if (alsoInterval) for (Timer t : itimers) if (t != null) t.cancel();
    }

    // ---------------------------------------------------------------- system calls

    static long alarm(LinuxThread t, long seconds) {
        Timer tm = t.proc.timers.itimer(ITIMER_REAL);
        long[] old = tm.get();
        tm.set(0, Math.min(seconds, Integer.MAX_VALUE) * 1_000_000_000L);
        long s = old[1] / 1_000_000_000L, frac = old[1] % 1_000_000_000L;
        if ((s == 0 && frac != 0) || frac >= 500_000_000L) s++;
        return s;
    }

    static long getitimer(LinuxThread t, int which, long va) {
        if (which < 0 || which > 2) return -Errno.EINVAL;
        long[] v = t.proc.timers.itimer(which).get();
        writeTimeval(t, va, v[0]);
        writeTimeval(t, va + tvSize(t), v[1]);
        return 0;
    }

    static long setitimer(LinuxThread t, int which, long nva, long ova) {
        if (which < 0 || which > 2) return -Errno.EINVAL;
        Timer tm = t.proc.timers.itimer(which);
        long iv = 0, val = 0;
        if (nva != 0) {
            iv = readTimevalNanos(t, nva);
            val = readTimevalNanos(t, nva + tvSize(t));
            if (iv < 0 || val < 0) return -Errno.EINVAL;
        }
        long[] old = tm.get();
        if (nva != 0) tm.set(iv, val);
        if (ova != 0) {
            writeTimeval(t, ova, old[0]);
            writeTimeval(t, ova + tvSize(t), old[1]);
        }
        return 0;
    }

    static long timerCreate(LinuxThread t, int clock, long sevVa, long idVa) {
        if (clock < 0 || clock > 11 || clock == 4 || clock == 5 || clock == 6) return -Errno.EINVAL;
        boolean is64 = true;
        GuestMemory m = t.proc.mem;
        int notify = SIGEV_SIGNAL, sig = Signals.SIGALRM, tid = 0;
        long value;
        Timers ts = t.proc.timers;
        int id;
        synchronized (ts) {
            id = ts.nextId;
        }
        value = id;
        if (sevVa != 0) {
            value = m.readPtr(sevVa, is64);
            sig = m.readInt(sevVa + (is64 ? 8 : 4));
            notify = m.readInt(sevVa + (is64 ? 12 : 8));
            tid = m.readInt(sevVa + (is64 ? 16 : 12));
            if (notify != SIGEV_SIGNAL && notify != SIGEV_NONE && notify != SIGEV_THREAD_ID) return -Errno.EINVAL;
            if (notify != SIGEV_NONE && (sig <= 0 || sig > Signals.NSIG)) return -Errno.EINVAL;
            if (notify == SIGEV_THREAD_ID) {
                LinuxThread target = t.proc.kernel.thread(tid);
                if (target == null || target.proc != t.proc) return -Errno.EINVAL;
            }
        }
        m.writeInt(idVa, id);
        synchronized (ts) {
            ts.nextId++;
            ts.posix.put(id, ts.new PosixTimer(id, clock, notify, sig, value, tid));
        }
        return 0;
    }

    private PosixTimer posix(int id) {
        synchronized (this) {
            return posix.get(id);
        }
    }

    static long timerSettime(LinuxThread t, int id, int flags, long nva, long ova) {
        PosixTimer pt = t.proc.timers.posix(id);
        if (pt == null) return -Errno.EINVAL;
        GuestMemory m = t.proc.mem;
        boolean is64 = true;
        int ts = is64 ? 16 : 8;
        long iv = readTimespecNanos(m, nva, is64), val = readTimespecNanos(m, nva + ts, is64);
        if (iv < 0 || val < 0) return -Errno.EINVAL;
        if ((flags & TIMER_ABSTIME) != 0 && val != 0) {
            val = Math.max(1, val - clockNow(pt.clock));
        }
        long[] old = pt.get();
        pt.set(iv, val);
        if (ova != 0) {
            writeTimespec(m, ova, old[0], is64);
            writeTimespec(m, ova + ts, old[1], is64);
        }
        return 0;
    }

    static long timerGettime(LinuxThread t, int id, long va) {
        PosixTimer pt = t.proc.timers.posix(id);
        if (pt == null) return -Errno.EINVAL;
        boolean is64 = true;
        long[] v = pt.get();
        writeTimespec(t.proc.mem, va, v[0], is64);
        writeTimespec(t.proc.mem, va + (is64 ? 16 : 8), v[1], is64);
        return 0;
    }

    static long timerGetoverrun(LinuxThread t, int id) {
        PosixTimer pt = t.proc.timers.posix(id);
        if (pt == null) return -Errno.EINVAL;
        synchronized (t.proc.timers) {
            return pt.lastOverrun;
        }
    }

    static long timerDelete(LinuxThread t, int id) {
        Timers ts = t.proc.timers;
        PosixTimer pt;
        synchronized (ts) {
            pt = ts.posix.remove(id);
        }
        if (pt == null) return -Errno.EINVAL;
        pt.cancel();
        return 0;
    }

    // ---------------------------------------------------------------- sleeping

    static final int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1;

    /** nanosleep: interrupted by a handler it fails with EINTR and the time left; otherwise it sleeps on. */
    static long nanosleep(LinuxThread t, long reqVa, long remVa) {
        long ns = readTimespecNanos(t.proc.mem, reqVa, true);
        if (ns < 0) return -Errno.EINVAL;
        return sleepUntil(t, CLOCK_MONOTONIC, clockNow(CLOCK_MONOTONIC) + ns, remVa);
    }

    static long clockNanosleep(LinuxThread t, int clock, int flags, long reqVa, long remVa) {
        if (clock == 2 || clock == 3) clock = CLOCK_MONOTONIC; // CPU-time clocks: see the class comment
        if (clock < 0 || clock > 11) return -Errno.EINVAL;
        long ns = readTimespecNanos(t.proc.mem, reqVa, true);
        if (ns < 0) return -Errno.EINVAL;
        if ((flags & TIMER_ABSTIME) != 0) {
            MemorySegment ts = hostTimespec(ns);
            return Blocking.call(t, Blocking.ERESTARTNOHAND, Nr.CLOCK_NANOSLEEP, clock, TIMER_ABSTIME, ts.address(), 0, 0, 0);
        }
        return sleepUntil(t, clock, clockNow(clock) + ns, remVa);
    }

    private static long sleepUntil(LinuxThread t, int clock, long deadline, long remVa) {
        MemorySegment ts = hostTimespec(deadline);
        long r = Blocking.call(t, Blocking.ERESTART_RESTARTBLOCK, Nr.CLOCK_NANOSLEEP, clock, TIMER_ABSTIME,
                ts.address(), 0, 0, 0);
        if (r == -Blocking.ERESTART_RESTARTBLOCK) {
            if (remVa != 0) writeTimespec(t.proc.mem, remVa, Math.max(0, deadline - clockNow(clock)), true);
            t.restartBlock = () -> sleepUntil(t, clock, deadline, remVa);
        }
        return r;
    }

    private static MemorySegment hostTimespec(long ns) {
        MemorySegment ts = Arena.ofAuto().allocate(16, 8);
        ts.set(ValueLayout.JAVA_LONG, 0, ns / 1_000_000_000L);
        ts.set(ValueLayout.JAVA_LONG, 8, ns % 1_000_000_000L);
        return ts;
    }

    // ---------------------------------------------------------------- time values

    /** The host's current time on {@code clock}, in ns. */
    static long clockNow(int clock) {
        MemorySegment ts = Arena.ofAuto().allocate(16, 8);
        HostSyscall.call(Nr.CLOCK_GETTIME, clock, ts.address());
        return ts.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + ts.get(ValueLayout.JAVA_LONG, 8);
    }

    /** The host's time on {@code clock} in ns, or -errno for a clock it does not have. */
    static long clockNowChecked(int clock) {
        MemorySegment ts = Arena.ofAuto().allocate(16, 8);
        long r = HostSyscall.call(Nr.CLOCK_GETTIME, clock, ts.address());
        if (r < 0) return r;
        return ts.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + ts.get(ValueLayout.JAVA_LONG, 8);
    }

    /** A timespec as nanoseconds, or -1 if invalid (negative, or tv_nsec out of range). */
    static long readTimespecNanos(GuestMemory m, long va, boolean is64) {
        long s = is64 ? m.readLong(va) : m.readInt(va);
        long ns = is64 ? m.readLong(va + 8) : m.readInt(va + 4);
        if (s < 0 || ns < 0 || ns >= 1_000_000_000L) return -1;
        if (s > Long.MAX_VALUE / 1_000_000_000L - 1) return Long.MAX_VALUE / 2;
        return s * 1_000_000_000L + ns;
    }

    static void writeTimespec(GuestMemory m, long va, long ns, boolean is64) {
        if (is64) {
            m.writeLong(va, ns / 1_000_000_000L);
            m.writeLong(va + 8, ns % 1_000_000_000L);
        } else {
            m.writeInt(va, (int) (ns / 1_000_000_000L));
            m.writeInt(va + 4, (int) (ns % 1_000_000_000L));
        }
    }

    private static int tvSize(LinuxThread t) {
        return 16;
    }

    private static long readTimevalNanos(LinuxThread t, long va) {
        boolean is64 = true;
        GuestMemory m = t.proc.mem;
        long s = is64 ? m.readLong(va) : m.readInt(va);
        long us = is64 ? m.readLong(va + 8) : m.readInt(va + 4);
        if (s < 0 || us < 0 || us >= 1_000_000L) return -1;
        return s * 1_000_000_000L + us * 1000;
    }

    /** Writes a timeval, rounding up to whole microseconds (a running timer never reads as 0). */
    private static void writeTimeval(LinuxThread t, long va, long ns) {
        boolean is64 = true;
        long us = (ns + 999) / 1000;
        if (is64) {
            t.proc.mem.writeLong(va, us / 1_000_000L);
            t.proc.mem.writeLong(va + 8, us % 1_000_000L);
        } else {
            t.proc.mem.writeInt(va, (int) (us / 1_000_000L));
            t.proc.mem.writeInt(va + 4, (int) (us % 1_000_000L));
        }
    }
}
