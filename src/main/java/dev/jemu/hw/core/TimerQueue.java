package dev.jemu.hw.core;

import java.util.Arrays;

/**
 * The virtual clock's timers (QEMU's timer_new/timer_mod/timer_del on QEMU_CLOCK_VIRTUAL). A device makes its
 * {@link Timer}s once and re-arms them, so a periodic device allocates nothing per tick. The vCPU loop calls
 * {@link #runDue()} between blocks and asks {@link #nextDeadline()} before sleeping in HLT: nothing polls.
 *
 * <p>Pending timers are kept sorted by deadline in a small array (a PC has a handful of timers).
 * Not thread-safe: the machine thread owns it.
 */
public final class TimerQueue {
    /** A re-armable one-shot timer. */
    public final class Timer {
        private final Runnable callback;
        private long deadline;
        private boolean pending;

        private Timer(Runnable callback) {
            this.callback = callback;
        }

        /** Arms (or re-arms) the timer to fire when virtual time reaches {@code deadlineNs}. */
        public void mod(long deadlineNs) {
            if (pending) remove(this);
            deadline = deadlineNs;
            insert(this);
        }

        /** Disarms the timer; harmless if it is not armed. */
        public void cancel() {
            if (pending) remove(this);
        }

        public boolean pending() {
            return pending;
        }

        /** The deadline last armed (meaningful while {@link #pending()}). */
        public long deadline() {
            return deadline;
        }
    }

    private final VirtualClock clock;
    private Timer[] queue = new Timer[8];
    private int count;

    TimerQueue(VirtualClock clock) {
        this.clock = clock;
    }

    public VirtualClock clock() {
        return clock;
    }

    public Timer newTimer(Runnable callback) {
        return new Timer(callback);
    }

    /** A new timer armed at {@code deadlineNs}. */
    public Timer schedule(long deadlineNs, Runnable callback) {
        Timer t = new Timer(callback);
        t.mod(deadlineNs);
        return t;
    }

    /** The earliest pending deadline, or {@link Long#MAX_VALUE} if no timer is armed. */
    public long nextDeadline() {
        return count == 0 ? Long.MAX_VALUE : queue[0].deadline;
    }

    /** Runs the timers due at the clock's current time; returns how many ran. */
    public int runDue() {
        return runDue(clock.now());
    }

    /**
     * Runs, in deadline order, every timer whose deadline is at or before {@code now}. A callback may re-arm
     * its timer (also to a time that is already due: it then runs again in this call, so a device that
     * catches up on missed periods must move its deadline forward each time).
     */
    public int runDue(long now) {
        int ran = 0;
        while (count > 0 && queue[0].deadline <= now) {
            Timer t = queue[0];
            remove(t);
            t.callback.run();
            ran++;
        }
        return ran;
    }

    /** Number of armed timers. */
    public int pendingCount() {
        return count;
    }

    private void insert(Timer t) {
        if (count == queue.length) queue = Arrays.copyOf(queue, count * 2);
        int i = count;
        // equal deadlines keep arming order
        while (i > 0 && queue[i - 1].deadline > t.deadline) {
            queue[i] = queue[i - 1];
            i--;
        }
        queue[i] = t;
        count++;
        t.pending = true;
    }

    private void remove(Timer t) {
        int i = 0;
        while (queue[i] != t) i++;
        System.arraycopy(queue, i + 1, queue, i, count - i - 1);
        queue[--count] = null;
        t.pending = false;
    }
}
