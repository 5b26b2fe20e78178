package dev.jemu.user.linux;

import dev.jemu.util.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Getting a guest thread out of a blocking host system call (read on a pipe, futex wait, nanosleep...) when a
 * guest signal, stop or exit needs it.
 *
 * <p>One host real-time signal ({@link #SIGNAL}, unused by the JVM) gets a handler installed without
 * SA_RESTART that does nothing ({@link Native#installNoopHandler}). Sending it with tgkill to the
 * host thread makes the blocked call fail with EINTR, and {@link Blocking} then looks at what the guest
 * thread must do. The signal can land just before the thread enters the host call (after it last checked):
 * then it is lost, so it is sent again every few milliseconds until the thread has left the call or no longer
 * needs attention.
 */
final class HostInterrupt {
    private HostInterrupt() {}

    /** SIGRTMIN+11 in glibc's numbering (34 + 11): free in HotSpot and in glibc. */
    static final int SIGNAL = 45;
    private static final long RESEND_NANOS = 2_000_000;

    private static final Set<LinuxThread> waiting = ConcurrentHashMap.newKeySet();
    private static volatile Thread resender;
    private static long hostPid;

    /** Installs the host handler (once per JVM). */
    static synchronized void install() {
        if (resender != null) return;
        hostPid = HostSyscall.call(Nr.GETPID);
        Native.installNoopHandler(SIGNAL, false); // no SA_RESTART: blocked calls return EINTR
        Thread r = new Thread(HostInterrupt::resendLoop, "jemu-interrupt");
        r.setDaemon(true);
        resender = r;
        r.start();
    }

    /** Lets the current host thread receive the interrupt signal (called by each guest thread at start). */
    static void unblockHere() {
        MemorySegment set = Arena.ofAuto().allocate(8, 8);
        set.set(ValueLayout.JAVA_LONG, 0, 1L << (SIGNAL - 1));
        HostSyscall.call(Nr.RT_SIGPROCMASK, 1 /* SIG_UNBLOCK */, set.address(), 0, 8);
    }

    /** Makes {@code t} leave a blocking host call soon, if it is in one. */
    static void interrupt(LinuxThread t) {
        // A thread being killed may sit in a host call that did not go through Blocking: interrupt it anyway.
        if (!t.inHostCall && !t.killed) return; // it will check before its next blocking call
        send(t);
        waiting.add(t);
        Thread r = resender;
        if (r != null) LockSupport.unpark(r);
    }

    private static void send(LinuxThread t) {
        int tid = t.hostTid;
        if (tid > 0) HostSyscall.call(Nr.TGKILL, hostPid, tid, SIGNAL);
    }

    private static void resendLoop() {
        for (;;) {
            if (waiting.isEmpty()) {
                LockSupport.park();
                continue;
            }
            LockSupport.parkNanos(RESEND_NANOS);
            for (LinuxThread t : waiting) {
                if (t.finished || !t.needsAttention()) {
                    waiting.remove(t);
                } else if (t.inHostCall || t.killed) {
                    send(t);
                }
            }
        }
    }
}
