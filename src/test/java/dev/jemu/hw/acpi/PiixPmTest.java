package dev.jemu.hw.acpi;

import dev.jemu.hw.IrqRecorder;
import dev.jemu.hw.TestClock;
import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.core.VirtualClock;
import dev.jemu.hw.isa.Apm;
import org.junit.jupiter.api.Test;

import static dev.jemu.hw.acpi.PiixPm.*;
import static org.junit.jupiter.api.Assertions.*;

class PiixPmTest {
    final TestClock t = new TestClock();
    final IrqRecorder sci = new IrqRecorder("sci", t);
    int powerOffs, suspends;
    final PiixPm pm = new PiixPm(t.clock, sci.line, () -> powerOffs++, () -> suspends++, null);
    final IoBus io = new IoBus(null);

    PiixPmTest() {
        io.map(0x600, PM_BLOCK_SIZE, 4, pm.pm(), "piix4-pm");
        io.map(0xafe0, GPE_BLOCK_SIZE, 4, pm.gpe(), "gpe0");
        io.map(0xb2, 2, 1, new Apm(pm::apmCommand), "apm");
    }

    @Test
    void qemuPcPowerOffIsAWordWriteOf0x2000To0x604() {
        io.write(0x604, 2, 0x2000);
        assertEquals(1, powerOffs);
        assertEquals(0, io.read(0x604, 2) & SLP_EN, "SLP_EN reads as 0");
    }

    /** Linux acpi_enable then acpi_hw_legacy_sleep for S5 with QEMU's \_S5 = 0. */
    @Test
    void linuxAcpiEnableThenSleepS5() {
        assertEquals(0, io.read(0x604, 2) & SCI_EN);
        io.write(0xb2, 1, ACPI_ENABLE);
        assertEquals(SCI_EN, io.read(0x604, 2) & SCI_EN);
        int cnt = io.read(0x604, 2) & ~(SLP_TYP_MASK | SLP_EN);
        io.write(0x604, 2, cnt | SLP_TYP_S5 << SLP_TYP_SHIFT);
        assertEquals(0, powerOffs, "SLP_TYP alone does nothing");
        io.write(0x604, 2, cnt | SLP_TYP_S5 << SLP_TYP_SHIFT | SLP_EN);
        assertEquals(1, powerOffs);
        io.write(0x605, 1, (SLP_TYP_S3 << SLP_TYP_SHIFT | SLP_EN) >> 8); // byte write of the high half
        assertEquals(1, suspends);
        assertEquals(SCI_EN, io.read(0x604, 2) & SCI_EN, "the low byte survives a high-byte write");
        io.write(0xb2, 1, ACPI_DISABLE);
        assertEquals(0, io.read(0x604, 2) & SCI_EN);
    }

    @Test
    void pmTimerRunsAt3579545HzFromTheVirtualClock() {
        t.advance(123_456_789);
        int a = io.read(0x608, 4);
        assertEquals(VirtualClock.muldiv64(123_456_789, TIMER_FREQ, VirtualClock.NS_PER_SEC), a);
        t.advance(VirtualClock.NS_PER_SEC);
        int b = io.read(0x608, 4);
        assertEquals(TIMER_FREQ % (1 << 24), (b - a) & 0xffffff);
        assertEquals(0, b >>> 24, "24-bit timer");
        t.clock.pause();
        int c = io.read(0x608, 4);
        t.jump(VirtualClock.NS_PER_SEC);
        assertEquals(c, io.read(0x608, 4), "stands still while the VM is paused");
    }

    @Test
    void timerOverflowStatusRaisesSciWhenEnabled() {
        t.advance(1000);
        io.write(0x600, 2, TMR_STS); // clear the status QEMU leaves set at reset
        assertEquals(0, io.read(0x600, 2) & TMR_STS);
        io.write(0x602, 2, TMR_EN);
        assertFalse(sci.level());
        long overflowNs = VirtualClock.muldiv64Ceil(0x800000, VirtualClock.NS_PER_SEC, TIMER_FREQ);
        t.advance(overflowNs - t.now() - 1);
        assertFalse(sci.level());
        t.advance(1);
        assertTrue(sci.level(), "bit 23 toggled");
        assertEquals(TMR_STS, io.read(0x600, 2) & TMR_STS);
        io.write(0x600, 2, TMR_STS);
        assertFalse(sci.level());
        long next = VirtualClock.muldiv64Ceil(0x1000000, VirtualClock.NS_PER_SEC, TIMER_FREQ);
        t.advance(next - t.now());
        assertTrue(sci.level());
        assertEquals(next, sci.riseTimes.get(sci.riseTimes.size() - 1));
    }

    @Test
    void powerButtonAndGpeRaiseTheSciWhenEnabled() {
        pm.powerButton();
        assertFalse(sci.level(), "not enabled");
        io.write(0x602, 2, PWRBTN_EN);
        assertTrue(sci.level());
        io.write(0x601, 1, PWRBTN_STS >> 8); // write-one-to-clear, byte-wide
        assertFalse(sci.level());
        pm.raiseGpe(1);
        assertEquals(0x02, io.read(0xafe0, 1));
        io.write(0xafe2, 1, 0x02);
        assertTrue(sci.level());
        io.write(0xafe0, 1, 0x02);
        assertFalse(sci.level());
    }

    /** Consecutive 32-bit reads of the PM timer never go backwards, even with the clock moving during a read. */
    @Test
    void timerReadsAreMonotonicWhileTimeMoves() {
        long[] host = {0};
        VirtualClock moving = new VirtualClock(() -> host[0] += 97); // every clock reading is ~1/3 tick later
        moving.resume();
        PiixPm p = new PiixPm(moving, sci.line, () -> { }, () -> { }, null);
        IoBus bus = new IoBus(null);
        bus.map(0x600, PM_BLOCK_SIZE, 4, p.pm(), "piix4-pm");
        int last = bus.read(0x608, 4);
        for (int i = 0; i < 20000; i++) {
            int v = bus.read(0x608, 4);
            assertTrue(v >= last, "PM timer went back from " + Integer.toHexString(last) + " to " + Integer.toHexString(v));
            last = v;
        }
        assertTrue(last > 0x100, "the timer moved through byte carries: " + Integer.toHexString(last));
    }
}
