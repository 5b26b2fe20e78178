package dev.jemu.hw.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TimerQueueTest {
    private long host;

    @Test
    void clockRunsWithHostTimeOnlyWhileResumed() {
        VirtualClock c = new VirtualClock(() -> host);
        host = 1000;
        assertEquals(0, c.now(), "starts paused at 0");
        c.resume();
        host = 1500;
        assertEquals(500, c.now());
        c.pause();
        host = 9000;
        assertEquals(500, c.now(), "paused time stands still");
        c.resume();
        host = 9100;
        assertEquals(600, c.now());
        c.set(5000);
        assertEquals(5000, c.now());
        host = 9200;
        assertEquals(5100, c.now());
    }

    @Test
    void timersRunInDeadlineOrderAndCanBeRearmedOrCancelled() {
        VirtualClock c = new VirtualClock(() -> host);
        c.resume();
        TimerQueue q = c.timers();
        List<String> ran = new ArrayList<>();
        TimerQueue.Timer a = q.newTimer(() -> ran.add("a"));
        TimerQueue.Timer b = q.newTimer(() -> ran.add("b"));
        TimerQueue.Timer x = q.newTimer(() -> ran.add("x"));
        a.mod(300);
        b.mod(100);
        x.mod(200);
        assertEquals(100, q.nextDeadline());
        x.cancel();
        assertFalse(x.pending());
        a.mod(50); // re-arm earlier
        assertEquals(50, q.nextDeadline());
        host = 99;
        assertEquals(1, q.runDue());
        assertEquals(List.of("a"), ran);
        host = 100;
        q.runDue();
        assertEquals(List.of("a", "b"), ran);
        assertEquals(Long.MAX_VALUE, q.nextDeadline());
        assertEquals(0, q.pendingCount());
    }

    @Test
    void periodicCallbackCatchesUpWithoutRunningAway() {
        VirtualClock c = new VirtualClock(() -> host);
        c.resume();
        int[] n = {0};
        TimerQueue.Timer[] t = new TimerQueue.Timer[1];
        t[0] = c.timers().newTimer(() -> {
            n[0]++;
            t[0].mod(t[0].deadline() + 10);
        });
        t[0].mod(10);
        host = 55;
        assertEquals(5, c.timers().runDue()); // 10, 20, 30, 40, 50
        assertEquals(60, c.timers().nextDeadline());
    }

    @Test
    void hostNanosUntilTellsHltHowLongToSleep() {
        VirtualClock c = new VirtualClock(() -> host);
        assertEquals(Long.MAX_VALUE, c.hostNanosUntil(100), "paused: no wakeup from the clock");
        c.resume();
        assertEquals(100, c.hostNanosUntil(100));
        host = 150;
        assertEquals(0, c.hostNanosUntil(100));
        assertEquals(Long.MAX_VALUE, c.hostNanosUntil(c.timers().nextDeadline()));
    }

    @Test
    void muldivIsExactBeyond64BitProducts() {
        // a day of nanoseconds in PIT ticks: 86400e9 * 1193182 overflows a long
        long ns = 86_400L * VirtualClock.NS_PER_SEC;
        assertEquals(86_400L * 1_193_182L, VirtualClock.muldiv64(ns, 1_193_182, VirtualClock.NS_PER_SEC));
        assertEquals(java.math.BigInteger.valueOf(123456789012345L).multiply(java.math.BigInteger.valueOf(3579545))
                        .divide(java.math.BigInteger.valueOf(1_000_000_000L)).longValueExact(),
                VirtualClock.muldiv64(123456789012345L, 3579545, 1_000_000_000L));
        assertEquals(838, VirtualClock.muldiv64(1, 1_000_000_000L, 1_193_182));
        assertEquals(839, VirtualClock.muldiv64Ceil(1, 1_000_000_000L, 1_193_182));
        assertEquals(1000, VirtualClock.muldiv64Ceil(1, 1000, 1));
    }
}
