package dev.jemu.hw;

import dev.jemu.hw.core.VirtualClock;

/** A virtual clock on hand-driven host time, as a vCPU loop would drive it: timers run as time reaches them. */
public final class TestClock {
    private long host;
    public final VirtualClock clock = new VirtualClock(() -> host);

    public TestClock() {
        clock.resume();
    }

    public long now() {
        return clock.now();
    }

    /** Advances time by {@code ns}, stopping at each deadline on the way to run its timers at their time. */
    public void advance(long ns) {
        long target = clock.now() + ns;
        for (;;) {
            long next = clock.timers().nextDeadline();
            if (next > target) break;
            if (next > clock.now()) host += next - clock.now();
            clock.timers().runDue();
        }
        host += target - clock.now();
    }

    /** Moves time without running timers (a vCPU that has not yet reached its timer check). */
    public void jump(long ns) {
        host += ns;
    }
}
