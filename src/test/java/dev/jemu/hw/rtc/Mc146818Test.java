package dev.jemu.hw.rtc;

import dev.jemu.hw.IrqRecorder;
import dev.jemu.hw.TestClock;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import static dev.jemu.hw.rtc.Mc146818.*;
import static org.junit.jupiter.api.Assertions.*;

class Mc146818Test {
    static final long MS = 1_000_000L, S = 1_000_000_000L;
    final TestClock t = new TestClock();
    final IrqRecorder irq8 = new IrqRecorder("irq8", t);

    static long epochNs(String iso) {
        return LocalDateTime.parse(iso).toEpochSecond(ZoneOffset.UTC) * S;
    }

    Mc146818 rtc(String iso, long fractionNs) {
        return new Mc146818(t.clock, irq8.line, epochNs(iso) + fractionNs);
    }

    static int cmosRead(Mc146818 rtc, int idx) {
        rtc.write(0, 1, idx);
        return (int) rtc.read(1, 1);
    }

    static void cmosWrite(Mc146818 rtc, int idx, int v) {
        rtc.write(0, 1, idx);
        rtc.write(1, 1, v);
    }

    static int bcd(int v) {
        return (v >> 4) * 10 + (v & 15);
    }

    /** Linux drivers/rtc/lib mc146818_get_time: wait out UIP, read, check UIP did not rise meanwhile. */
    String linuxGetTime(Mc146818 rtc) {
        int spins = 0;
        while ((cmosRead(rtc, REG_A) & A_UIP) != 0) {
            t.advance(100_000); // mdelay-style wait
            spins++;
            assertTrue(spins < 100);
        }
        int sec = cmosRead(rtc, SECONDS), min = cmosRead(rtc, MINUTES), hour = cmosRead(rtc, HOURS);
        int day = cmosRead(rtc, DAY_OF_MONTH), mon = cmosRead(rtc, MONTH), year = cmosRead(rtc, YEAR);
        int century = cmosRead(rtc, CENTURY);
        int ctrl = cmosRead(rtc, REG_B);
        assertEquals(0, cmosRead(rtc, REG_A) & A_UIP);
        if ((ctrl & B_DM) == 0) {
            sec = bcd(sec);
            min = bcd(min);
            hour = bcd(hour);
            day = bcd(day);
            mon = bcd(mon);
            year = bcd(year);
            century = bcd(century);
        }
        return String.format("%02d%02d-%02d-%02dT%02d:%02d:%02d", century, year, mon, day, hour, min, sec);
    }

    @Test
    void readsHostTimeInBcdAndTicksOverALeapDay() {
        Mc146818 rtc = rtc("2024-02-29T23:59:58", 500 * MS);
        assertEquals(0x26, cmosRead(rtc, REG_A));
        assertEquals(0x02, cmosRead(rtc, REG_B), "24-hour BCD");
        assertEquals(D_VRT, cmosRead(rtc, REG_D));
        assertEquals("2024-02-29T23:59:58", linuxGetTime(rtc));
        assertEquals(5, cmosRead(rtc, DAY_OF_WEEK), "Thursday = 5 (Sunday = 1)");
        t.advance(1500 * MS);
        assertEquals("2024-03-01T00:00:00", linuxGetTime(rtc));
        assertEquals(6, cmosRead(rtc, DAY_OF_WEEK));
    }

    @Test
    void updateInProgressCoversThe244MicrosecondsBeforeEachUpdate() {
        Mc146818 rtc = rtc("2023-06-15T12:00:00", 0);
        t.advance(S - UIP_HOLD_NS - 1);
        assertEquals(0, cmosRead(rtc, REG_A) & A_UIP);
        assertEquals(0x00, cmosRead(rtc, SECONDS));
        t.advance(1);
        assertEquals(A_UIP, cmosRead(rtc, REG_A) & A_UIP);
        assertEquals(0x00, cmosRead(rtc, SECONDS), "not yet updated");
        t.advance(UIP_HOLD_NS - 1);
        assertEquals(A_UIP, cmosRead(rtc, REG_A) & A_UIP);
        t.advance(1);
        assertEquals(0, cmosRead(rtc, REG_A) & A_UIP);
        assertEquals(0x01, cmosRead(rtc, SECONDS));
        // a driver hitting UIP waits and reads a consistent time
        t.advance(S - UIP_HOLD_NS / 2);
        assertEquals(A_UIP, cmosRead(rtc, REG_A) & A_UIP);
        assertEquals("2023-06-15T12:00:02", linuxGetTime(rtc));
    }

    @Test
    void binaryAnd12HourFormats() {
        Mc146818 rtc = rtc("2031-12-31T13:05:09", 0);
        cmosWrite(rtc, REG_B, B_DM); // binary, 12-hour
        assertEquals(9, cmosRead(rtc, SECONDS));
        assertEquals(0x80 | 1, cmosRead(rtc, HOURS), "1 PM");
        assertEquals(31, cmosRead(rtc, YEAR));
        assertEquals(20, cmosRead(rtc, CENTURY));
        cmosWrite(rtc, REG_B, 0); // BCD, 12-hour
        assertEquals(0x81, cmosRead(rtc, HOURS));
        t.advance(11 * 3600 * S - 5 * 60 * S);
        assertEquals(0x12, cmosRead(rtc, HOURS), "midnight is 12 AM");
        assertEquals(0x32, cmosRead(rtc, YEAR), "into 2032");
    }

    /** Linux mc146818_set_time: SET and divider reset around the writes, release starts half a second later. */
    @Test
    void linuxSetTimeStartsTheFirstUpdateHalfASecondAfterRelease() {
        Mc146818 rtc = rtc("2024-01-01T00:00:00", 300 * MS);
        int saveControl = cmosRead(rtc, REG_B);
        cmosWrite(rtc, REG_B, saveControl | B_SET);
        int saveFreq = cmosRead(rtc, REG_A);
        cmosWrite(rtc, REG_A, saveFreq | 0x60);
        cmosWrite(rtc, YEAR, 0x99);
        cmosWrite(rtc, CENTURY, 0x19);
        cmosWrite(rtc, MONTH, 0x12);
        cmosWrite(rtc, DAY_OF_MONTH, 0x31);
        cmosWrite(rtc, HOURS, 0x23);
        cmosWrite(rtc, MINUTES, 0x59);
        cmosWrite(rtc, SECONDS, 0x59);
        t.advance(5 * S);
        assertEquals(0x59, cmosRead(rtc, SECONDS), "stopped while SET");
        cmosWrite(rtc, REG_B, saveControl);
        cmosWrite(rtc, REG_A, saveFreq);
        assertEquals("1999-12-31T23:59:59", linuxGetTime(rtc));
        t.advance(499 * MS);
        assertEquals(0x59, cmosRead(rtc, SECONDS));
        t.advance(1 * MS);
        assertEquals("2000-01-01T00:00:00", linuxGetTime(rtc));
        assertEquals(7, cmosRead(rtc, DAY_OF_WEEK), "a Saturday");
    }

    @Test
    void writingATimeRegisterWhileRunningKeepsThePhase() {
        Mc146818 rtc = rtc("2024-05-05T10:20:30", 700 * MS);
        cmosWrite(rtc, MINUTES, 0x45);
        assertEquals("2024-05-05T10:45:30", linuxGetTime(rtc));
        t.advance(300 * MS);
        assertEquals(0x31, cmosRead(rtc, SECONDS), "the second still ends on the old boundary");
    }

    @Test
    void periodicInterruptAt1024Hz() {
        Mc146818 rtc = rtc("2024-01-01T00:00:00", 0);
        assertEquals(0, cmosRead(rtc, REG_C));
        cmosWrite(rtc, REG_B, cmosRead(rtc, REG_B) | B_PIE);
        int irqs = 0;
        for (int i = 0; i < 10_000; i++) { // 1 s in 100 us steps, the handler reads C
            t.advance(100_000);
            if (irq8.level()) {
                assertEquals(C_IRQF | C_PF, cmosRead(rtc, REG_C) & (C_IRQF | C_PF));
                assertFalse(irq8.level());
                irqs++;
            }
        }
        assertEquals(1024, irqs);
        assertEquals(1024, irq8.riseTimes.size());
        assertEquals(976_563, irq8.riseTimes.get(0), "1/1024 s, rounded up to the ns");
        cmosWrite(rtc, REG_A, 0x2f); // 2 Hz
        cmosRead(rtc, REG_C);
        irq8.riseTimes.clear();
        t.advance(S);
        cmosRead(rtc, REG_C);
        t.advance(S);
        assertEquals(2, irq8.riseTimes.size(), "an unread C keeps IRQ8 high: one edge per C read");
    }

    @Test
    void updateEndedAndAlarmInterrupts() {
        Mc146818 rtc = rtc("2024-07-01T08:00:00", 250 * MS);
        cmosWrite(rtc, SECONDS_ALARM, 0x03);
        cmosWrite(rtc, MINUTES_ALARM, 0x00);
        cmosWrite(rtc, HOURS_ALARM, 0x08);
        cmosWrite(rtc, REG_B, B_24H | B_AIE);
        t.advance(2 * S);
        assertFalse(irq8.level());
        t.advance(750 * MS - 1);
        assertFalse(irq8.level());
        t.advance(1);
        assertTrue(irq8.level(), "alarm at 08:00:03");
        assertEquals(C_IRQF | C_AF | C_UF | C_PF, cmosRead(rtc, REG_C),
                "UF and PF (1024 Hz selected) are set whether enabled or not");
        cmosWrite(rtc, REG_B, B_24H | B_UIE);
        t.advance(1 * S);
        assertEquals(1, irq8.riseTimes.size() - 1);
        assertEquals(C_IRQF | C_UF | C_PF, cmosRead(rtc, REG_C));
        // "don't care" alarm bytes match every second
        cmosWrite(rtc, SECONDS_ALARM, 0xff);
        cmosWrite(rtc, MINUTES_ALARM, 0xc0);
        cmosWrite(rtc, HOURS_ALARM, 0xff);
        cmosWrite(rtc, REG_B, B_24H | B_AIE);
        t.advance(1 * S);
        assertEquals(C_IRQF | C_AF | C_UF | C_PF, cmosRead(rtc, REG_C));
    }

    @Test
    void flagsAreSetForPollingWithoutInterrupts() {
        Mc146818 rtc = rtc("2024-07-01T08:00:00", 0);
        t.advance(3 * S);
        assertFalse(irq8.level());
        assertEquals(0, t.clock.timers().pendingCount(), "nothing armed while no interrupt is enabled");
        assertEquals(C_UF | C_PF, cmosRead(rtc, REG_C), "updates and periodic ticks happened");
        assertEquals(0, cmosRead(rtc, REG_C), "reading C clears it");
        // enabling an interrupt whose flag is already up raises IRQ8 at once
        t.advance(S);
        cmosWrite(rtc, REG_B, B_24H | B_UIE);
        assertTrue(irq8.level());
    }

    @Test
    void setClearsUieAndResetClearsEnables() {
        Mc146818 rtc = rtc("2024-07-01T08:00:00", 0);
        cmosWrite(rtc, REG_B, B_24H | B_UIE | B_SET);
        assertEquals(B_24H | B_SET, cmosRead(rtc, REG_B));
        cmosWrite(rtc, REG_B, B_24H | B_PIE | B_AIE);
        rtc.reset();
        assertEquals(B_24H, cmosRead(rtc, REG_B));
    }

    @Test
    void nmiMaskBitAndIndexPort() {
        Mc146818 rtc = rtc("2024-07-01T08:00:00", 0);
        rtc.write(0, 1, 0x80 | 0x0f);
        assertTrue(rtc.nmiMasked());
        rtc.write(1, 1, 0x0a); // shutdown status byte
        rtc.write(0, 1, 0x0f);
        assertFalse(rtc.nmiMasked());
        assertEquals(0x0a, rtc.read(1, 1));
        assertEquals(0xff, rtc.read(0, 1));
    }

    @Test
    void memorySizeBytesAsQemusPcMachine() {
        Mc146818 rtc = rtc("2024-07-01T08:00:00", 0);
        rtc.setMemorySize(32L << 20, 0);
        assertEquals(640, rtc.getByte(0x15) | rtc.getByte(0x16) << 8);
        assertEquals(31 * 1024, rtc.getByte(0x17) | rtc.getByte(0x18) << 8);
        assertEquals(31 * 1024, rtc.getByte(0x30) | rtc.getByte(0x31) << 8);
        assertEquals((32 - 16) * 16, rtc.getByte(0x34) | rtc.getByte(0x35) << 8);
        assertEquals(0, rtc.getByte(0x5b) | rtc.getByte(0x5c) << 8 | rtc.getByte(0x5d) << 16);
        rtc.setMemorySize(3L << 30, 2L << 30); // -m 5G: 3G below the PCI hole, 2G above 4G
        assertEquals(65535, rtc.getByte(0x17) | rtc.getByte(0x18) << 8, "capped");
        assertEquals((3072 - 16) * 16, rtc.getByte(0x34) | rtc.getByte(0x35) << 8);
        assertEquals(2 * 16384, rtc.getByte(0x5b) | rtc.getByte(0x5c) << 8 | rtc.getByte(0x5d) << 16);
    }

    @Test
    void calendarMatchesJavaTime() {
        for (long d = -800_000; d <= 800_000; d += 97) {
            LocalDate ref = LocalDate.ofEpochDay(d);
            long[] ymd = civilFromDays(d);
            assertEquals(ref.getYear(), ymd[0]);
            assertEquals(ref.getMonthValue(), ymd[1]);
            assertEquals(ref.getDayOfMonth(), ymd[2]);
            assertEquals(d, daysFromCivil(ref.getYear(), ref.getMonthValue(), ref.getDayOfMonth()));
        }
    }

    @Test
    void saveRestoreKeepsTimeAndPendingInterrupt() {
        Mc146818 rtc = rtc("2024-07-01T08:00:00", 0);
        cmosWrite(rtc, REG_B, B_24H | B_UIE);
        t.advance(S);
        assertTrue(irq8.level());
        Mc146818.State s = rtc.save();
        IrqRecorder other = new IrqRecorder("irq8'");
        Mc146818 r2 = new Mc146818(t.clock, other.line, 0);
        r2.restore(s);
        assertTrue(other.level());
        assertEquals("2024-07-01T08:00:01", linuxGetTime(r2));
        assertEquals(C_IRQF | C_UF | C_PF, cmosRead(r2, REG_C));
    }
}
