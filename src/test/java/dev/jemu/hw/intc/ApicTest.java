package dev.jemu.hw.intc;

import dev.jemu.hw.core.VirtualClock;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ApicTest {
    final long[] now = {0};
    final VirtualClock clock = new VirtualClock(() -> now[0]);
    int wakes;
    final LocalApic apic = new LocalApic(clock, () -> wakes++);
    final IoApic io = new IoApic(apic::deliver);

    {
        apic.setEoiListener(io::eoi);
        clock.resume();
    }

    void enableApic() {
        apic.write(0xf0, 4, 0x1ff); // SVR: enabled, spurious 0xff
    }

    void route(int pin, long entry) {
        io.write(0, 4, 0x10 + 2 * pin);
        io.write(0x10, 4, entry & 0xffffffffL);
        io.write(0, 4, 0x11 + 2 * pin);
        io.write(0x10, 4, entry >>> 32);
    }

    @Test
    void resetValuesAsQemu() {
        assertEquals(0x00050014, apic.read(0x30, 4), "version 0x14, max LVT 5");
        assertEquals(0xff, apic.read(0xf0, 4));
        assertEquals(0x700, apic.read(0x350, 4), "LINT0 ExtINT unmasked on the BSP");
        assertEquals(0x10000, apic.read(0x360, 4));
        assertEquals(0xffffffffL, apic.read(0xe0, 4));
        assertTrue(apic.acceptsPic());
        io.write(0, 4, 1);
        assertEquals(0x00170020, io.read(0x10, 4), "24 pins, version 0x20");
        io.write(0, 4, 0x10);
        assertEquals(0x10000, io.read(0x10, 4), "entries masked");
    }

    @Test
    void fixedEdgeInterruptThroughIoApicAndEoi() {
        enableApic();
        route(4, 0x31); // vector 0x31, fixed, physical dest 0, edge
        io.input(4).irqChanged(true);
        assertEquals(0x31, apic.pendingVector());
        assertEquals(1 << 17, apic.read(0x210, 4), "IRR bit 0x31");
        assertEquals(0x31, apic.acknowledge());
        assertEquals(-1, apic.pendingVector());
        assertEquals(1 << 17, apic.read(0x110, 4), "ISR bit 0x31");
        apic.write(0xb0, 4, 0);
        assertEquals(0, apic.read(0x110, 4));
    }

    @Test
    void tprAndInServiceBlockLowerPriorities() {
        enableApic();
        route(1, 0x41);
        route(3, 0x35);
        io.input(1).irqChanged(true);
        assertEquals(0x41, apic.acknowledge());
        io.input(3).irqChanged(true);
        assertEquals(-1, apic.pendingVector(), "class 3 below in-service class 4");
        assertEquals(0x40, apic.read(0xa0, 4), "PPR");
        apic.write(0xb0, 4, 0);
        assertEquals(0x35, apic.pendingVector());
        apic.setCr8(3);
        assertEquals(0x30, apic.read(0x80, 4));
        assertEquals(-1, apic.pendingVector(), "TPR class 3 masks vector 0x35");
        apic.setCr8(0);
        assertEquals(0x35, apic.pendingVector());
    }

    @Test
    void levelTriggeredRemoteIrrAndEoiBroadcast() {
        enableApic();
        route(11, 0x8000 | 0x59); // level
        io.input(11).irqChanged(true);
        assertEquals(0x59, apic.acknowledge());
        io.write(0, 4, 0x10 + 22);
        assertNotEquals(0, io.read(0x10, 4) & (1 << 14), "Remote IRR set");
        assertNotEquals(0, apic.read(0x180 + 0x20, 4) & (1 << (0x59 - 0x40)), "TMR bit set");
        apic.write(0xb0, 4, 0); // EOI while the line is still high: delivered again
        assertEquals(0x59, apic.pendingVector());
        assertEquals(0x59, apic.acknowledge());
        io.input(11).irqChanged(false);
        apic.write(0xb0, 4, 0);
        assertEquals(-1, apic.pendingVector());
        assertEquals(0, io.read(0x10, 4) & (1 << 14));
    }

    @Test
    void isaIrq0ArrivesOnPin2() {
        enableApic();
        route(2, 0x30);
        io.input(0).irqChanged(true);
        assertEquals(0x30, apic.pendingVector());
    }

    @Test
    void maskedEntryHoldsEdgeUntilUnmasked() {
        enableApic();
        route(5, 0x10000 | 0x45);
        io.input(5).irqChanged(true);
        assertEquals(-1, apic.pendingVector());
        route(5, 0x45);
        assertEquals(0x45, apic.pendingVector());
    }

    @Test
    void logicalFlatDestination() {
        enableApic();
        apic.write(0xd0, 4, 0x01000000); // LDR: logical id 1
        route(6, 0x800 | 0x66 | 0x01L << 56);
        io.input(6).irqChanged(true);
        assertEquals(0x66, apic.pendingVector());
        route(7, 0x800 | 0x67 | 0x02L << 56);
        apic.acknowledge();
        io.input(7).irqChanged(true);
        assertEquals(-1, apic.pendingVector(), "logical id 2 is not this CPU");
    }

    @Test
    void oneShotAndPeriodicTimerOnTheVirtualClock() {
        enableApic();
        apic.write(0x3e0, 4, 0xb); // divide by 1
        apic.write(0x320, 4, 0x40); // one-shot, vector 0x40
        apic.write(0x380, 4, 1000);
        now[0] = 400;
        assertEquals(600, apic.read(0x390, 4));
        assertEquals(1001, clock.timers().nextDeadline(), "fires one tick after the count reaches 0, as QEMU");
        now[0] = 1001;
        clock.timers().runDue();
        assertEquals(0x40, apic.acknowledge());
        assertEquals(0, apic.read(0x390, 4));
        apic.write(0xb0, 4, 0);
        // periodic, divide by 2: period (99 + 1) * 2 ns
        apic.write(0x3e0, 4, 0x0);
        apic.write(0x320, 4, 0x20000 | 0x41);
        apic.write(0x380, 4, 99);
        assertEquals(1001 + 200, clock.timers().nextDeadline());
        now[0] = 1201;
        clock.timers().runDue();
        assertEquals(0x41, apic.acknowledge());
        assertEquals(1401, clock.timers().nextDeadline(), "re-armed");
    }

    @Test
    void shortOneShotFiresEvenWhenTimePassesDuringTheWrite() {
        // a host clock that moves 500 ns at every read: a 100 ns count has run out before a second read
        long[] host = {0};
        VirtualClock moving = new VirtualClock(() -> host[0] += 500);
        moving.resume();
        LocalApic a = new LocalApic(moving, () -> { });
        a.write(0xf0, 4, 0x1ff);
        a.write(0x3e0, 4, 0xb); // divide by 1
        a.write(0x320, 4, 0xec); // one-shot, vector 0xec (Linux's local timer)
        a.write(0x380, 4, 100);
        assertEquals(1, moving.timers().pendingCount(), "the one-shot is armed, not dropped");
        moving.timers().runDue();
        assertEquals(0xec, a.acknowledge(), "and it fires");
    }

    @Test
    void selfIpiAndNmi() {
        enableApic();
        apic.write(0x300, 4, 0x40000 | 0x50); // shorthand self, fixed
        assertEquals(0x50, apic.pendingVector());
        apic.write(0x300, 4, 0x40000 | 0x400); // self NMI
        assertTrue(apic.takeNmi());
        assertFalse(apic.takeNmi());
    }

    @Test
    void softwareDisabledApicMasksLvtsAndDeliversNothing() {
        apic.write(0x320, 4, 0x40);
        assertEquals(0x10040, apic.read(0x320, 4), "LVT writes are masked while SVR is disabled");
        route(4, 0x31);
        io.input(4).irqChanged(true);
        assertEquals(-1, apic.pendingVector());
    }
}
