package dev.jemu.hw.timer;

import dev.jemu.hw.IrqRecorder;
import dev.jemu.hw.TestClock;
import dev.jemu.hw.audio.PcSpeaker;
import dev.jemu.hw.core.VirtualClock;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class I8254Test {
    final TestClock t = new TestClock();
    final IrqRecorder irq0 = new IrqRecorder("irq0", t);
    final I8254 pit = new I8254(t.clock, irq0.line);
    final PcSpeaker port61 = new PcSpeaker(pit);

    void outb(int port, int v) {
        if (port == 0x61) port61.write(0, 1, v);
        else pit.write(port - 0x40, 1, v);
    }

    int inb(int port) {
        return port == 0x61 ? (int) port61.read(0, 1) : (int) pit.read(port - 0x40, 1);
    }

    /** Virtual ns at which {@code ticks} PIT clocks have passed since {@code start}. */
    static long at(long start, long ticks) {
        return start + VirtualClock.muldiv64Ceil(ticks, VirtualClock.NS_PER_SEC, I8254.FREQ);
    }

    void advanceTo(long ns) {
        t.advance(ns - t.now());
    }

    @Test
    void linuxPeriodicMode2GivesOneRisingEdgePerPeriod() {
        t.advance(12345);
        irq0.rises = 0;
        irq0.riseTimes.clear();
        long start = t.now();
        outb(0x43, 0x34); // channel 0, lo/hi, mode 2, binary
        outb(0x40, 1193 & 0xff);
        outb(0x40, 1193 >> 8);
        assertTrue(irq0.level(), "mode 2 OUT idles high");
        advanceTo(at(start, 1192) - 1);
        assertTrue(irq0.level());
        advanceTo(at(start, 1192));
        assertFalse(irq0.level(), "OUT low during the last clock of the period");
        advanceTo(at(start, 1193));
        assertTrue(irq0.level());
        t.advance(10_000_000 - (t.now() - start));
        assertEquals(10, irq0.rises, "1000 Hz for 10 ms");
        for (int k = 1; k <= 10; k++) assertEquals(at(start, 1193L * k), irq0.riseTimes.get(k - 1));
        assertEquals(1, t.clock.timers().pendingCount(), "one timer armed, for the next edge");
    }

    @Test
    void seabiosTimerSetupCountsDownFrom65536() {
        long start = t.now();
        outb(0x43, 0x34);
        outb(0x40, 0);
        outb(0x40, 0);
        advanceTo(at(start, 100));
        outb(0x43, 0x00); // latch channel 0
        advanceTo(at(start, 5000)); // the latch holds while time passes
        int lo = inb(0x40), hi = inb(0x40);
        assertEquals(65536 - 100, lo | hi << 8);
        int lo2 = inb(0x40), hi2 = inb(0x40);
        assertEquals(65536 - 5000, lo2 | hi2 << 8, "unlatched read follows the counter");
        advanceTo(at(start, 65536) + 1);
        assertEquals(1, irq0.rises - 1, "one IRQ0 per 65536 clocks (the initial OUT high counts as the first)");
    }

    @Test
    void mode3SquareWaveCountsByTwoAndHalvesThePeriod() {
        long start = t.now();
        irq0.riseTimes.clear();
        outb(0x43, 0x36); // channel 0, lo/hi, mode 3
        outb(0x40, 10);
        outb(0x40, 0);
        advanceTo(at(start, 2));
        outb(0x43, 0x00);
        assertEquals(6, inb(0x40) | inb(0x40) << 8, "mode 3 decrements by two");
        advanceTo(at(start, 4));
        assertTrue(irq0.level(), "high for the first half");
        advanceTo(at(start, 5));
        assertFalse(irq0.level(), "low for the second half");
        advanceTo(at(start, 10));
        assertTrue(irq0.level());
        advanceTo(at(start, 30));
        assertEquals(java.util.List.of(at(start, 10), at(start, 20), at(start, 30)), irq0.riseTimes);
    }

    /** arch/x86/kernel/tsc.c pit_calibrate_tsc(): channel 2, mode 0, polled through port 0x61 bit 5. */
    @Test
    void linuxChannel2CalibrationLoopTerminatesAfterTheCount() {
        int latch = 1193182 / (1000 / 50); // CAL_MS = 50
        outb(0x61, (inb(0x61) & ~0x02) | 0x01); // gate high, speaker off
        outb(0x43, 0xb0); // channel 2, lo/hi, mode 0, binary
        long start = t.now();
        outb(0x42, latch & 0xff);
        outb(0x42, latch >> 8);
        int polls = 0;
        while ((inb(0x61) & 0x20) == 0) {
            t.advance(1_000_000);
            polls++;
        }
        assertEquals(50, polls, "OUT2 rises after 50 ms");
        assertTrue(t.now() - start >= VirtualClock.muldiv64(latch, VirtualClock.NS_PER_SEC, I8254.FREQ));
        assertEquals(0x01, inb(0x61) & 0x03);
    }

    @Test
    void port61RefreshBitTogglesAndControlBitsReadBack() {
        int a = inb(0x61), b = inb(0x61);
        assertEquals(0x10, (a ^ b) & 0x10);
        outb(0x61, 0x0e);
        assertEquals(0x0e, inb(0x61) & 0x0f);
        assertFalse(pit.gate(2));
        assertTrue(port61.speakerOn() == false);
    }

    @Test
    void gateLowSuspendsMode0AndTriggersMode1() {
        outb(0x61, 0x01);
        outb(0x43, 0xb0); // ch2 mode 0
        long start = t.now();
        outb(0x42, 100);
        outb(0x42, 0);
        advanceTo(at(start, 40));
        outb(0x61, 0x00); // gate off: counting suspended
        t.advance(1_000_000);
        outb(0x43, 0x80);
        assertEquals(60, inb(0x42) | inb(0x42) << 8);
        outb(0x61, 0x01);
        long resumed = t.now();
        advanceTo(at(resumed, 59));
        assertFalse(pit.out(2));
        advanceTo(at(resumed, 60) + 1);
        assertTrue(pit.out(2));

        // mode 1: hardware-retriggerable one-shot
        outb(0x61, 0x00);
        outb(0x43, 0xb2);
        outb(0x42, 50);
        outb(0x42, 0);
        t.advance(1_000_000);
        assertTrue(pit.out(2), "no trigger yet: OUT high");
        outb(0x61, 0x01); // rising edge triggers
        long trig = t.now();
        assertFalse(pit.out(2), "OUT low during the one-shot");
        advanceTo(at(trig, 50));
        assertTrue(pit.out(2));
    }

    @Test
    void readBackLatchesStatusThenCount() {
        outb(0x43, 0x34);
        assertEquals(0x80 | 0x40 | 0x34, statusOf(0), "OUT high (mode 2), null count until the count is written");
        outb(0x40, 0x00);
        outb(0x40, 0x10);
        long start = t.now();
        advanceTo(at(start, 0x100));
        outb(0x43, 0xc2); // read-back: count and status of channel 0
        assertEquals(0x80 | 0x34, inb(0x40), "status first: OUT high, lo/hi, mode 2");
        assertEquals(0x00, inb(0x40));
        assertEquals(0x0f, inb(0x40));
        outb(0x43, 0xe2); // status only
        assertEquals(0xb4, inb(0x40));
    }

    int statusOf(int channel) {
        outb(0x43, 0xe0 | (2 << channel));
        return inb(0x40 + channel);
    }

    @Test
    void lsbOnlyMsbOnlyAndBcdCounting() {
        outb(0x43, 0x14); // ch0 LSB only, mode 2
        long start = t.now();
        outb(0x40, 200);
        advanceTo(at(start, 50));
        assertEquals(150, inb(0x40));
        assertEquals(150, inb(0x40), "LSB-only reads do not toggle");
        outb(0x43, 0x24); // MSB only
        start = t.now();
        outb(0x40, 0x02); // count 0x200
        advanceTo(at(start, 0x100));
        assertEquals(0x01, inb(0x40));
        outb(0x43, 0x35); // lo/hi, mode 2, BCD
        start = t.now();
        outb(0x40, 0x00);
        outb(0x40, 0x10); // 1000 decimal
        irq0.riseTimes.clear();
        advanceTo(at(start, 1));
        outb(0x43, 0x00);
        assertEquals(0x0999, inb(0x40) | inb(0x40) << 8, "BCD digits");
        advanceTo(at(start, 2000));
        assertEquals(java.util.List.of(at(start, 1000), at(start, 2000)), irq0.riseTimes);
    }

    @Test
    void controlWordStopsTheCounterUntilACountArrives() {
        outb(0x43, 0x34);
        outb(0x40, 100);
        outb(0x40, 0);
        outb(0x43, 0x30); // mode 0: OUT low at once, nothing scheduled
        assertFalse(irq0.level());
        assertEquals(0, t.clock.timers().pendingCount());
        long start = t.now();
        outb(0x40, 10);
        outb(0x40, 0);
        advanceTo(at(start, 10));
        assertTrue(irq0.level(), "terminal count");
        assertEquals(0, t.clock.timers().pendingCount(), "mode 0 fires once");
    }

    @Test
    void saveRestoreContinuesThePeriodicTimer() {
        outb(0x43, 0x34);
        long start = t.now();
        outb(0x40, 100);
        outb(0x40, 0);
        advanceTo(at(start, 150));
        I8254.State s = pit.save();
        TestClock t2 = new TestClock();
        t2.clock.set(t.now());
        IrqRecorder r = new IrqRecorder("irq0'", t2);
        I8254 other = new I8254(t2.clock, r.line);
        other.restore(s);
        assertTrue(r.level(), "the restored PIT drives IRQ0 to its saved level");
        r.riseTimes.clear();
        t2.advance(at(start, 300) - t2.now());
        assertEquals(java.util.List.of(at(start, 200), at(start, 300)), r.riseTimes);
    }
}
