package dev.jemu.user.linux;

/**
 * The process-wide signal dispositions (rt_sigaction): handler address, flags, restorer and the mask to add
 * while the handler runs, for signals 1..64.
 */
public final class SignalActions {
    public static final int NSIG = 64;
    public static final long SIG_DFL = 0, SIG_IGN = 1;

    public final long[] handler = new long[NSIG + 1];
    public final long[] flags = new long[NSIG + 1];
    public final long[] restorer = new long[NSIG + 1];
    public final long[] mask = new long[NSIG + 1];

    /** Processes sharing these dispositions (clone with CLONE_SIGHAND but not CLONE_THREAD). */
    private int users = 1;

    public synchronized SignalActions share() {
        users++;
        return this;
    }

    public synchronized void release() {
        users--;
    }

    /** True if another process uses these dispositions too (execve must then make its own copy). */
    public synchronized boolean sharedWithOthers(LinuxProcess p) {
        if (users <= 1) return false;
        users--;
        return true;
    }

    public synchronized SignalActions copy() {
        SignalActions c = new SignalActions();
        System.arraycopy(handler, 0, c.handler, 0, handler.length);
        System.arraycopy(flags, 0, c.flags, 0, flags.length);
        System.arraycopy(restorer, 0, c.restorer, 0, restorer.length);
        System.arraycopy(mask, 0, c.mask, 0, mask.length);
        return c;
    }

    /** clone(CLONE_CLEAR_SIGHAND): handled signals go back to the default, ignored ones stay ignored. */
    public synchronized void clearHandlers() {
        for (int s = 1; s <= NSIG; s++) {
            if (handler[s] != SIG_IGN) {
                handler[s] = SIG_DFL;
                flags[s] = 0;
                restorer[s] = 0;
                mask[s] = 0;
            }
        }
    }

    /** execve keeps ignored signals ignored and resets handled ones to the default. */
    public synchronized void resetForExec() {
        for (int s = 1; s <= NSIG; s++) {
            if (handler[s] != SIG_IGN) handler[s] = SIG_DFL;
            flags[s] = 0;
            restorer[s] = 0;
            mask[s] = 0;
        }
    }
}
