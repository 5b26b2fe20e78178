package dev.jemu.hw.timer;

import dev.jemu.hw.core.IrqLine;
import dev.jemu.hw.core.VirtualClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class HpetTest {
    final long[] now = {0};
    final VirtualClock clock = new VirtualClock(() -> now[0]);
    final IrqLine[] gsi = new IrqLine[24];
    final List<String> events = new ArrayList<>();
    final boolean[] legacy = new boolean[1];
    final Hpet hpet;

    {
        clock.resume();
        for (int i = 0; i < 24; i++) {
            int n = i;
            gsi[i] = new IrqLine("gsi" + i, level -> events.add(n + (level ? "+" : "-")));
        }
        hpet = new Hpet(clock, gsi, on -> legacy[0] = on);
    }

    void advance(long ns) {
        now[0] += ns;
        clock.timers().runDue(clock.now());
    }

    @Test
    void capabilitiesAsQemu() {
        assertEquals(0x8086a201L, hpet.read(0, 4));
        assertEquals(10_000_000L, hpet.read(4, 4), "10 ns period in femtoseconds");
        assertEquals(0x00000004_00000030L, hpet.read(0x100, 8), "periodic and 64-bit capable, route cap IRQ2");
    }

    @Test
    void counterRunsAt100MHzOnlyWhileEnabled() {
        advance(1000);
        assertEquals(0, hpet.read(0xf0, 8));
        hpet.write(0x10, 4, 1);
        advance(1000);
        assertEquals(100, hpet.read(0xf0, 8));
        hpet.write(0x10, 4, 0);
        advance(1000);
        assertEquals(100, hpet.read(0xf0, 4));
        hpet.write(0xf0, 4, 5000);
        hpet.write(0x10, 4, 1);
        advance(100);
        assertEquals(5010, hpet.read(0xf0, 4));
    }

    @Test
    void legacyPeriodicTimer0InterruptsOnIrq0() {
        // Linux's hpet_set_periodic: counter stopped while the timer is programmed
        hpet.write(0x10, 4, 2); // legacy replacement
        assertTrue(legacy[0], "PIT IRQ0 turned off");
        hpet.write(0x100, 4, Hpet.TN_INT_ENB | Hpet.TN_PERIODIC | Hpet.TN_SETVAL | Hpet.TN_32BIT);
        hpet.write(0x108, 4, 1000); // first match at tick 1000 (10 us)
        hpet.write(0x108, 4, 1000); // period 1000
        hpet.write(0x10, 4, 3);
        advance(9_990);
        assertEquals(List.of(), events);
        advance(10);
        assertEquals(List.of("0+", "0-"), events);
        assertEquals(2000, hpet.read(0x108, 4), "comparator advanced by the period");
        advance(10_000);
        assertEquals(4, events.size());
        hpet.write(0x10, 4, 1);
        assertFalse(legacy[0]);
    }

    @Test
    void levelOneShotSetsStatusUntilCleared() {
        hpet.write(0x10, 4, 1);
        hpet.write(0x100, 4, Hpet.TN_INT_ENB | Hpet.TN_LEVEL | 2 << 9); // route to IRQ 2
        hpet.write(0x108, 4, 50);
        advance(500);
        assertEquals(List.of("2+"), events);
        assertEquals(1, hpet.read(0x20, 4));
        hpet.write(0x20, 4, 1);
        assertEquals(0, hpet.read(0x20, 4));
        assertEquals(List.of("2+", "2-"), events);
        advance(100_000);
        assertEquals(2, events.size(), "one-shot");
    }

    @Test
    void thirtyTwoBitModeTruncatesTheComparator() {
        hpet.write(0x100, 4, Hpet.TN_32BIT);
        hpet.write(0x108, 8, 0x1_0000_0040L);
        assertEquals(0x40, hpet.read(0x108, 8));
    }
}
