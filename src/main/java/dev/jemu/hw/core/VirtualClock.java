package dev.jemu.hw.core;

import java.util.function.LongSupplier;

/**
 * The guest's time base (QEMU's QEMU_CLOCK_VIRTUAL): nanoseconds that run at host speed while the guest runs
 * and stand still while it is paused (stopped VM, monitor 'stop', snapshot). Devices read it instead of the
 * host clock and arm their timers on its {@link TimerQueue}; the vCPU loop runs due timers between blocks and,
 * on HLT, sleeps {@link #hostNanosUntil} the {@linkplain TimerQueue#nextDeadline() next deadline}.
 *
 * <p>The host time source is a parameter so tests drive time by hand. Not thread-safe: the machine thread owns
 * it (host threads that produce input hand their work to that thread).
 */
public final class VirtualClock {
    public static final long NS_PER_SEC = 1_000_000_000L;

    private final LongSupplier host;
    private final TimerQueue timers;
    /** virtual = host + offset while running. */
    private long offset;
    private long pausedAt;
    private boolean running;

    /** A clock on the host's monotonic time, paused at 0 until {@link #resume()}. */
    public VirtualClock() {
        this(System::nanoTime);
    }

    /** A clock on the given host time source (nanoseconds, monotonic), paused at 0 until {@link #resume()}. */
    public VirtualClock(LongSupplier hostNanos) {
        this.host = hostNanos;
        this.timers = new TimerQueue(this);
    }

    public TimerQueue timers() {
        return timers;
    }

    /** Current virtual time in nanoseconds. */
    public long now() {
        return running ? host.getAsLong() + offset : pausedAt;
    }

    public boolean running() {
        return running;
    }

    /** Stops virtual time; it resumes where it stood. */
    public void pause() {
        if (!running) return;
        pausedAt = now();
        running = false;
    }

    public void resume() {
        if (running) return;
        offset = pausedAt - host.getAsLong();
        running = true;
    }

    /** Sets the virtual time (restoring a snapshot); keeps the running state. */
    public void set(long ns) {
        if (running) offset = ns - host.getAsLong();
        else pausedAt = ns;
    }

    /**
     * How long the host must wait for virtual time to reach {@code deadline}: 0 if it already has,
     * {@link Long#MAX_VALUE} if there is no deadline or the clock is paused.
     */
    public long hostNanosUntil(long deadline) {
        if (deadline == Long.MAX_VALUE || !running) return Long.MAX_VALUE;
        return Math.max(0, deadline - now());
    }

    /**
     * {@code a * b / c} rounded down, without overflow for {@code 0 <= a < 2^62} and {@code 0 < b, c < 2^32}
     * (QEMU's muldiv64): converts between nanoseconds and device clock ticks.
     */
    public static long muldiv64(long a, long b, long c) {
        long lo = (a & 0xffffffffL) * b;       // < 2^64, unsigned
        long hi = (a >>> 32) * b + (lo >>> 32); // < 2^63 for the documented ranges
        long qHi = hi / c;
        long rest = ((hi % c) << 32) | (lo & 0xffffffffL);
        return (qHi << 32) + Long.divideUnsigned(rest, c);
    }

    /** {@code a * b / c} rounded up; same ranges as {@link #muldiv64}. */
    public static long muldiv64Ceil(long a, long b, long c) {
        long q = muldiv64(a, b, c);
        // a*b - q*c < c tells whether the division was exact; compare in the low 64 bits, which suffice
        return a * b - q * c == 0 ? q : q + 1;
    }
}
