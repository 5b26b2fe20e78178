package dev.jemu.user.linux;

import java.util.concurrent.locks.LockSupport;

/**
 * Blocking system calls, made interruptible by guest signals. A host call that may block runs through
 * {@link #call}: it is not started while the thread has something to attend to (a deliverable signal, a stop,
 * an exit), and when {@link HostInterrupt} breaks it with EINTR the guest sees the kernel's restart code
 * (ERESTARTSYS and friends), which signal delivery turns into EINTR or a restart as Linux does. An EINTR with
 * nothing to attend to (a late interrupt meant for an earlier call) simply retries.
 */
final class Blocking {
    private Blocking() {}

    // The kernel's internal restart codes (never seen by the guest).
    static final int ERESTARTSYS = 512, ERESTARTNOINTR = 513, ERESTARTNOHAND = 514, ERESTART_RESTARTBLOCK = 516;

    static boolean isRestart(long r) {
        return r == -ERESTARTSYS || r == -ERESTARTNOINTR || r == -ERESTARTNOHAND || r == -ERESTART_RESTARTBLOCK;
    }

    /** A host call that may block; {@code restart} is the code to return when interrupted. */
    static long call(LinuxThread t, int restart, long nr, long a, long b, long c, long d, long e, long f) {
        for (;;) {
            t.inHostCall = true;
            if (t.needsAttention()) {
                t.inHostCall = false;
                return -restart;
            }
            long r = HostSyscall.call(nr, a, b, c, d, e, f);
            t.inHostCall = false;
            if (r != -Errno.EINTR) return r;
            if (t.needsAttention()) return -restart;
        }
    }

    static long call(LinuxThread t, long nr, long a, long b, long c) {
        return call(t, ERESTARTSYS, nr, a, b, c, 0, 0, 0);
    }

    static long call(LinuxThread t, long nr, long a, long b, long c, long d) {
        return call(t, ERESTARTSYS, nr, a, b, c, d, 0, 0);
    }

    /**
     * Waits (in Java) until {@code cond} holds, the deadline passes (System.nanoTime; Long.MAX_VALUE for none)
     * or the thread must attend to something. Returns 0, -ETIMEDOUT or -restart. Whoever makes {@code cond}
     * true must {@link LockSupport#unpark} the thread ({@link LinuxThread#wake} does).
     */
    static long park(LinuxThread t, int restart, long deadline, java.util.function.BooleanSupplier cond) {
        for (;;) {
            if (cond.getAsBoolean()) return 0;
            if (t.needsAttention()) return -restart;
            if (deadline == Long.MAX_VALUE) {
                t.parked = true;
                if (!cond.getAsBoolean() && !t.needsAttention()) LockSupport.park(t);
                t.parked = false;
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) return cond.getAsBoolean() ? 0 : -Errno.ETIMEDOUT;
                t.parked = true;
                if (!cond.getAsBoolean() && !t.needsAttention()) LockSupport.parkNanos(t, left);
                t.parked = false;
            }
        }
    }
}
