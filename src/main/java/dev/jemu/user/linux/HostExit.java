package dev.jemu.user.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Ends jemu the way the guest ended: with its exit code, or killed by the same signal (so a shell reports
 * 139 for a guest segfault, as it would natively).
 */
final class HostExit {
    private HostExit() {}

    private static final int RLIMIT_CORE = 4;

    static void exitLike(int waitStatus) {
        System.out.flush();
        System.err.flush();
        int sig = waitStatus & 0x7f;
        if (sig == 0) {
            System.exit((waitStatus >> 8) & 0xff);
        }
        // No host core dump of the emulator itself (qemu-user does the same).
        MemorySegment lim = Arena.global().allocate(16, 8);
        HostSyscall.call(Nr.PRLIMIT64, 0, RLIMIT_CORE, lim.address(), 0);
        // Default disposition, unblocked, then the signal to this thread.
        MemorySegment act = Arena.global().allocate(32, 8);
        HostSyscall.call(Nr.RT_SIGACTION, sig, act.address(), 0, 8);
        MemorySegment set = Arena.global().allocate(8, 8);
        set.set(ValueLayout.JAVA_LONG, 0, 1L << (sig - 1));
        HostSyscall.call(Nr.RT_SIGPROCMASK, 1 /* SIG_UNBLOCK */, set.address(), 0, 8);
        long pid = HostSyscall.call(Nr.GETPID), tid = HostSyscall.call(Nr.GETTID);
        HostSyscall.call(Nr.TGKILL, pid, tid, sig);
        // Signals that do not terminate by default (or could not be delivered): exit as a shell would show it.
        Runtime.getRuntime().halt(128 + sig);
    }
}
