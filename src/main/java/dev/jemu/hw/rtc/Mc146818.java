package dev.jemu.hw.rtc;

import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.core.IrqLine;
import dev.jemu.hw.core.TimerQueue;
import dev.jemu.hw.core.VirtualClock;

/**
 * Motorola MC146818A real-time clock with 128 bytes of CMOS RAM, at ports 0x70 (index; bit 7 masks NMI) and
 * 0x71 (data), interrupting on ISA IRQ 8.
 *
 * <p>The clock is not stepped: while it runs, the time registers are computed on read from the time at a base
 * instant plus the virtual time since, so a read costs nothing when nobody looks. Flags in register C (update
 * ended, alarm, periodic) are likewise derived from the time that passed since register C was last brought up
 * to date; one timer is armed only for the next event whose interrupt is enabled. The time starts from the host
 * clock (QEMU's -rtc base=utc), keeping the host's phase within the second. Update-in-progress reads as set
 * during the 244 us before each update, as in QEMU. With SET (register B bit 7) or the divider in reset the time
 * registers hold what the guest writes; leaving SET keeps the phase within the second, releasing the divider
 * reset puts the first update half a second later (datasheet).
 */
public final class Mc146818 implements IoDevice {
    // time and alarm registers
    public static final int SECONDS = 0x00, SECONDS_ALARM = 0x01, MINUTES = 0x02, MINUTES_ALARM = 0x03,
            HOURS = 0x04, HOURS_ALARM = 0x05, DAY_OF_WEEK = 0x06, DAY_OF_MONTH = 0x07, MONTH = 0x08, YEAR = 0x09;
    public static final int REG_A = 0x0a, REG_B = 0x0b, REG_C = 0x0c, REG_D = 0x0d;
    /** Where PCs keep the century (the ACPI FADT's CENTURY field points here). */
    public static final int CENTURY = 0x32;

    public static final int A_UIP = 0x80, A_DV = 0x70, A_RS = 0x0f;
    public static final int B_SET = 0x80, B_PIE = 0x40, B_AIE = 0x20, B_UIE = 0x10, B_SQWE = 0x08, B_DM = 0x04,
            B_24H = 0x02, B_DSE = 0x01;
    public static final int C_IRQF = 0x80, C_PF = 0x40, C_AF = 0x20, C_UF = 0x10;
    public static final int D_VRT = 0x80;

    /** UIP is set this long before each update: 8 cycles of the 32.768 kHz clock. */
    public static final long UIP_HOLD_NS = 8 * VirtualClock.NS_PER_SEC / 32768;
    private static final long NS = VirtualClock.NS_PER_SEC;

    public record State(byte[] cmos, int index, boolean nmiMasked, long baseSec, long baseNs, long lastCheckNs) {
    }

    private final VirtualClock clock;
    private final IrqLine irq;
    private final TimerQueue.Timer timer;
    private final byte[] cmos = new byte[128];
    private int index;
    private boolean nmiMasked;
    /** While running: the RTC's time, in seconds since 1970 of its own calendar, at virtual time baseNs. */
    private long baseSec, baseNs;
    /** Register C's event flags are up to date as of this virtual time. */
    private long lastCheckNs;

    /**
     * @param startEpochNs the time to start from, in ns since 1970-01-01 00:00 of the RTC's calendar (host UTC
     *                     for -rtc base=utc, or local time)
     */
    public Mc146818(VirtualClock clock, IrqLine irq, long startEpochNs) {
        this.clock = clock;
        this.irq = irq;
        this.timer = clock.timers().newTimer(this::timerExpired);
        long now = clock.now();
        cmos[REG_A] = 0x26; // 32.768 kHz time base, 1024 Hz periodic rate selected
        cmos[REG_B] = B_24H;
        cmos[REG_C] = 0;
        cmos[REG_D] = (byte) D_VRT;
        baseSec = Math.floorDiv(startEpochNs, NS);
        baseNs = now - Math.floorMod(startEpochNs, NS);
        lastCheckNs = now;
    }

    /** A system reset: interrupt enables and flags clear, the clock keeps time (QEMU's rtc_reset). */
    public void reset() {
        long now = clock.now();
        updateFlags(now);
        cmos[REG_B] &= (byte) ~(B_PIE | B_AIE | B_UIE | B_SQWE);
        cmos[REG_C] = 0;
        irq.lower();
        rearm(now);
    }

    @Override
    public long read(long offset, int size) {
        if ((offset & 1) == 0) return 0xff; // the index register is write-only
        return readRegister(index);
    }

    @Override
    public void write(long offset, int size, long value) {
        int v = (int) value & 0xff;
        if ((offset & 1) == 0) {
            index = v & 0x7f;
            nmiMasked = (v & 0x80) != 0;
        } else {
            writeRegister(index, v);
        }
    }

    /** Bit 7 of the last index written to port 0x70: the board keeps NMIs from the CPU while it is set. */
    public boolean nmiMasked() {
        return nmiMasked;
    }

    /** Raw CMOS RAM, for the board's configuration bytes (0x0e-0x7f); does not touch the clock. */
    public void setByte(int index, int value) {
        cmos[index & 0x7f] = (byte) value;
    }

    public int getByte(int index) {
        return cmos[index & 0x7f] & 0xff;
    }

    /** Fills the memory-size bytes the way QEMU's pc machine does (pc_cmos_init), for SeaBIOS and old OSes. */
    public void setMemorySize(long belowFourG, long aboveFourG) {
        long base = Math.min(belowFourG / 1024, 640);
        setByte(0x15, (int) base);
        setByte(0x16, (int) (base >> 8));
        long ext = Math.min(belowFourG > 1 << 20 ? (belowFourG - (1 << 20)) / 1024 : 0, 65535);
        setByte(0x17, (int) ext);
        setByte(0x18, (int) (ext >> 8));
        setByte(0x30, (int) ext);
        setByte(0x31, (int) (ext >> 8));
        long above16 = Math.min(belowFourG > 16 << 20 ? (belowFourG - (16 << 20)) / 65536 : 0, 65535);
        setByte(0x34, (int) above16);
        setByte(0x35, (int) (above16 >> 8));
        long high = aboveFourG / 65536;
        setByte(0x5b, (int) high);
        setByte(0x5c, (int) (high >> 8));
        setByte(0x5d, (int) (high >> 16));
    }

    // ---- register access

    private int readRegister(int idx) {
        long now = clock.now();
        switch (idx) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY:
                if (running()) materialize(now);
                return cmos[idx] & 0xff;
            case REG_A: {
                int a = cmos[REG_A] & ~A_UIP;
                if (running() && Math.floorMod(guestNs(now), NS) >= NS - UIP_HOLD_NS) a |= A_UIP;
                return a & 0xff;
            }
            case REG_C: {
                updateFlags(now);
                int c = cmos[REG_C] & 0xff;
                cmos[REG_C] = 0;
                irq.lower();
                rearm(now);
                return c;
            }
            default:
                return cmos[idx] & 0xff;
        }
    }

    private void writeRegister(int idx, int v) {
        long now = clock.now();
        switch (idx) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY -> {
                if (running()) {
                    updateFlags(now);
                    materialize(now);
                    cmos[idx] = (byte) v;
                    setBaseFromRegisters(now, Math.floorMod(guestNs(now), NS));
                    rearm(now);
                } else {
                    cmos[idx] = (byte) v;
                }
            }
            case SECONDS_ALARM, MINUTES_ALARM, HOURS_ALARM -> {
                updateFlags(now);
                cmos[idx] = (byte) v;
                rearm(now);
            }
            case REG_A -> {
                updateFlags(now);
                int old = cmos[REG_A] & 0xff;
                if ((v & 0x60) == 0x60) {
                    // divider chain held in reset: the time stops
                    if (running()) materialize(now);
                } else if ((old & 0x60) == 0x60 && (v & A_DV) <= 0x20) {
                    // leaving reset: the first update comes half a second later (under SET only the phase)
                    if ((cmos[REG_B] & B_SET) == 0) setBaseFromRegisters(now, NS / 2);
                    else baseNs = now - NS / 2;
                } else if (running() && (v & A_DV) > 0x20) {
                    materialize(now); // oscillator stopped
                } else if (!running() && (old & A_DV) > 0x20 && (v & A_DV) <= 0x20
                        && (cmos[REG_B] & B_SET) == 0) {
                    setBaseFromRegisters(now, 0);
                }
                cmos[REG_A] = (byte) (v & ~A_UIP);
                rearm(now);
            }
            case REG_B -> {
                updateFlags(now);
                int old = cmos[REG_B] & 0xff;
                if ((v & B_SET) != 0) {
                    if (running()) materialize(now);
                    v &= ~B_UIE; // setting SET clears UIE (datasheet, QEMU)
                } else if ((old & B_SET) != 0 && (cmos[REG_A] & A_DV) <= 0x20 && (cmos[REG_A] & 0x60) != 0x60) {
                    // leaving SET: the new time counts on with the divider's phase within the second
                    setBaseFromRegisters(now, Math.floorMod(now - baseNs, NS));
                }
                cmos[REG_B] = (byte) v;
                if ((cmos[REG_C] & v & (C_PF | C_AF | C_UF)) != 0 && (cmos[REG_C] & C_IRQF) == 0) {
                    cmos[REG_C] |= (byte) C_IRQF;
                    irq.raise();
                }
                rearm(now);
            }
            case REG_C, REG_D -> {
            } // read-only
            default -> cmos[idx] = (byte) v;
        }
    }

    // ---- time keeping

    private boolean running() {
        return (cmos[REG_B] & B_SET) == 0 && (cmos[REG_A] & A_DV) <= 0x20;
    }

    private boolean dividerRunning() {
        return (cmos[REG_A] & 0x60) != 0x60 && (cmos[REG_A] & A_DV) <= 0x20;
    }

    /** The running clock's time in ns since 1970 of its calendar. */
    private long guestNs(long now) {
        return baseSec * NS + (now - baseNs);
    }

    private long guestSec(long now) {
        return Math.floorDiv(guestNs(now), NS);
    }

    /** Starts the clock from the time registers, {@code phaseNs} into the current second. */
    private void setBaseFromRegisters(long now, long phaseNs) {
        baseSec = registersToEpoch();
        baseNs = now - phaseNs;
        lastCheckNs = now;
    }

    /** Writes the running time into the time registers in the current format. */
    private void materialize(long now) {
        long t = guestSec(now);
        long days = Math.floorDiv(t, 86400);
        int tod = (int) Math.floorMod(t, 86400);
        long[] ymd = civilFromDays(days);
        int year = (int) ymd[0];
        cmos[SECONDS] = (byte) enc(tod % 60);
        cmos[MINUTES] = (byte) enc(tod / 60 % 60);
        cmos[HOURS] = (byte) encHour(tod / 3600);
        cmos[DAY_OF_WEEK] = (byte) enc((int) Math.floorMod(days + 4, 7) + 1); // 1970-01-01 was a Thursday
        cmos[DAY_OF_MONTH] = (byte) enc((int) ymd[2]);
        cmos[MONTH] = (byte) enc((int) ymd[1]);
        cmos[YEAR] = (byte) enc(Math.floorMod(year, 100));
        cmos[CENTURY] = (byte) enc(Math.floorDiv(year, 100));
    }

    private long registersToEpoch() {
        int sec = dec(cmos[SECONDS]), min = dec(cmos[MINUTES]), hour = decHour(cmos[HOURS]);
        int day = dec(cmos[DAY_OF_MONTH]), month = dec(cmos[MONTH]);
        int year = dec(cmos[YEAR]) + 100 * dec(cmos[CENTURY]);
        // normalise an out-of-range month the way mktime does; days and times just add up
        year += Math.floorDiv(month - 1, 12);
        month = Math.floorMod(month - 1, 12) + 1;
        long days = daysFromCivil(year, month, 1) + day - 1;
        return days * 86400 + hour * 3600L + min * 60L + sec;
    }

    private boolean binary() {
        return (cmos[REG_B] & B_DM) != 0;
    }

    private int enc(int v) {
        return binary() ? v : (v / 10) << 4 | v % 10;
    }

    private int dec(byte r) {
        int v = r & 0xff;
        return binary() ? v : (v >> 4) * 10 + (v & 0x0f);
    }

    private int encHour(int h) {
        if ((cmos[REG_B] & B_24H) != 0) return enc(h);
        int h12 = h % 12 == 0 ? 12 : h % 12;
        return enc(h12) | (h >= 12 ? 0x80 : 0);
    }

    private int decHour(byte r) {
        if ((cmos[REG_B] & B_24H) != 0) return dec(r);
        int h = dec((byte) (r & 0x7f)) % 12;
        return (r & 0x80) != 0 ? h + 12 : h;
    }

    // ---- interrupts

    /** Brings register C's flags up to date with the events between the last check and {@code now}. */
    private void updateFlags(long now) {
        if (now <= lastCheckNs) return;
        int flags = 0;
        if (running()) {
            long s0 = Math.floorDiv(guestNs(lastCheckNs), NS), s1 = guestSec(now);
            if (s1 > s0) {
                flags |= C_UF;
                if (nextAlarm(s0) <= s1) flags |= C_AF;
            }
        }
        int period = periodTicks();
        if (period > 0 && dividerRunning()) {
            if (Math.floorDiv(ticks32k(now), period) > Math.floorDiv(ticks32k(lastCheckNs), period)) flags |= C_PF;
        }
        lastCheckNs = now;
        if (flags == 0) return;
        cmos[REG_C] |= (byte) flags;
        if ((cmos[REG_C] & cmos[REG_B] & (C_PF | C_AF | C_UF)) != 0 && (cmos[REG_C] & C_IRQF) == 0) {
            cmos[REG_C] |= (byte) C_IRQF;
            irq.raise();
        }
    }

    private void timerExpired() {
        long now = clock.now();
        updateFlags(now);
        rearm(now);
    }

    /** Arms the timer for the next event whose interrupt is enabled and whose flag is not already up. */
    private void rearm(long now) {
        int b = cmos[REG_B], c = cmos[REG_C];
        long next = Long.MAX_VALUE;
        if (running()) {
            long s = guestSec(now);
            if ((b & B_UIE) != 0 && (c & C_UF) == 0) next = Math.min(next, baseNs + (s + 1 - baseSec) * NS);
            if ((b & B_AIE) != 0 && (c & C_AF) == 0) {
                long a = nextAlarm(s);
                if (a != Long.MAX_VALUE) next = Math.min(next, baseNs + (a - baseSec) * NS);
            }
        }
        int period = periodTicks();
        if ((b & B_PIE) != 0 && (c & C_PF) == 0 && period > 0 && dividerRunning()) {
            long p = Math.floorDiv(ticks32k(now), period) + 1;
            next = Math.min(next, baseNs + VirtualClock.muldiv64Ceil(p * period, NS, 32768));
        }
        if (next == Long.MAX_VALUE) timer.cancel();
        else timer.mod(next);
    }

    /** 32.768 kHz divider cycles since baseNs (a second boundary). */
    private long ticks32k(long t) {
        long d = t - baseNs;
        return d >= 0 ? VirtualClock.muldiv64(d, 32768, NS) : -VirtualClock.muldiv64Ceil(-d, 32768, NS);
    }

    /** The periodic interrupt's period in 32.768 kHz cycles, 0 if off (rates 1 and 2 repeat 8 and 9). */
    private int periodTicks() {
        int rs = cmos[REG_A] & A_RS;
        if (rs == 0) return 0;
        if (rs <= 2) rs += 7;
        return 1 << (rs - 1);
    }

    /** The first second after {@code t} whose time matches the alarm registers (0xc0-0xff: don't care). */
    private long nextAlarm(long t) {
        int as = cmos[SECONDS_ALARM] & 0xff, am = cmos[MINUTES_ALARM] & 0xff, ah = cmos[HOURS_ALARM] & 0xff;
        int sec = (as & 0xc0) == 0xc0 ? -1 : dec((byte) as);
        int min = (am & 0xc0) == 0xc0 ? -1 : dec((byte) am);
        int hour = (ah & 0xc0) == 0xc0 ? -1 : decHour((byte) ah);
        long limit = t + 2 * 86400;
        for (long c = t + 1; c <= limit; ) {
            int tod = (int) Math.floorMod(c, 86400);
            if (hour >= 0 && tod / 3600 != hour) {
                c += 3600 - tod % 3600;
            } else if (min >= 0 && tod / 60 % 60 != min) {
                c += 60 - tod % 60;
            } else if (sec >= 0 && tod % 60 != sec) {
                c++;
            } else {
                return c;
            }
        }
        return Long.MAX_VALUE;
    }

    // ---- calendar (proleptic Gregorian, after Howard Hinnant's days_from_civil)

    static long daysFromCivil(long y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    static long[] civilFromDays(long z) {
        z += 719468;
        long era = Math.floorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        return new long[]{yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
    }

    // ---- snapshots

    public State save() {
        return new State(cmos.clone(), index, nmiMasked, baseSec, baseNs, lastCheckNs);
    }

    public void restore(State s) {
        System.arraycopy(s.cmos(), 0, cmos, 0, 128);
        index = s.index();
        nmiMasked = s.nmiMasked();
        baseSec = s.baseSec();
        baseNs = s.baseNs();
        lastCheckNs = s.lastCheckNs();
        irq.set((cmos[REG_C] & C_IRQF) != 0);
        rearm(clock.now());
    }
}
