package dev.jemu.hw.acpi;

import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.core.IrqLine;
import dev.jemu.hw.core.TimerQueue;
import dev.jemu.hw.core.VirtualClock;
import dev.jemu.util.Log;

/**
 * The ACPI fixed hardware of the PIIX4 power management function (QEMU's piix4-pm on the pc machine), as an I/O
 * block at PMBA (0x600 on QEMU's pc, {@link #pm()}, 64 ports) and the GPE0 block ({@link #gpe()}, 0xafe0, 4 ports):
 * PM1a status/enable at +0/+2, PM1a control at +4, the 24-bit PM timer at +8 counting at 3.579545 MHz off the
 * virtual clock. Writing SLP_EN to PM1a control with SLP_TYP 0 (QEMU's \_S5, so a 16-bit write of 0x2000 to
 * 0x604) powers off; SLP_TYP 1 (S3) asks for suspend; SLP_TYP 2 (S4) powers off like QEMU. Status bits are
 * write-one-to-clear; the SCI (ISA IRQ 9, level) is high while an enabled status bit is set. The timer's
 * overflow status (bit 23 toggling) is derived on read; a timer is armed only while TMR_EN waits for it.
 * ACPI mode (SCI_EN) is entered through the APM port's ACPI_ENABLE command ({@link #apmCommand}).
 */
public final class PiixPm {
    public static final int PM1_STS = 0x00, PM1_EN = 0x02, PM1_CNT = 0x04, PM_TMR = 0x08;
    public static final int PM_BLOCK_SIZE = 0x40, GPE_BLOCK_SIZE = 4;

    public static final int TMR_STS = 0x0001, BM_STS = 0x0010, GBL_STS = 0x0020, PWRBTN_STS = 0x0100,
            SLPBTN_STS = 0x0200, RTC_STS = 0x0400, WAK_STS = 0x8000;
    public static final int TMR_EN = 0x0001, GBL_EN = 0x0020, PWRBTN_EN = 0x0100, RTC_EN = 0x0400;
    public static final int SCI_EN = 0x0001, SLP_TYP_SHIFT = 10, SLP_TYP_MASK = 0x1c00, SLP_EN = 0x2000;
    public static final int ACPI_ENABLE = 0xf1, ACPI_DISABLE = 0xf0;
    public static final long TIMER_FREQ = 3_579_545;
    /** SLP_TYP values of QEMU's DSDT: \_S3 = 1, \_S4 = 2, \_S5 = 0. */
    public static final int SLP_TYP_S5 = 0, SLP_TYP_S3 = 1, SLP_TYP_S4 = 2;

    public record State(int sts, int en, int cnt, long overflowTicks, int gpeSts, int gpeEn) {
    }

    private final VirtualClock clock;
    private final IrqLine sci;
    private final Runnable powerOff, suspend;
    private final Log log;
    private final TimerQueue.Timer overflowTimer;
    private int sts, en, cnt;
    private long overflowTicks; // PM timer count at which TMR_STS next sets
    private int gpeSts, gpeEn;

    /**
     * @param sci      the SCI output (ISA IRQ 9 on QEMU's pc, level-triggered)
     * @param powerOff the guest asked for S5 (or S4)
     * @param suspend  the guest asked for S3; null if unsupported
     */
    public PiixPm(VirtualClock clock, IrqLine sci, Runnable powerOff, Runnable suspend, Log log) {
        this.clock = clock;
        this.sci = sci;
        this.powerOff = powerOff;
        this.suspend = suspend;
        this.log = log;
        this.overflowTimer = clock.timers().newTimer(this::updateSci);
        reset();
    }

    public void reset() {
        sts = en = cnt = 0;
        gpeSts = gpeEn = 0;
        overflowTicks = 0;
        updateSci();
    }

    /** The PM timer's free-running count (all 32 bits; the register shows 24). */
    private long ticks() {
        return VirtualClock.muldiv64(clock.now(), TIMER_FREQ, VirtualClock.NS_PER_SEC);
    }

    private int status() {
        if (ticks() >= overflowTicks) sts |= TMR_STS;
        return sts;
    }

    private void updateSci() {
        int s = status();
        boolean level = (s & en & (RTC_EN | PWRBTN_EN | GBL_EN | TMR_EN)) != 0 || (gpeSts & gpeEn) != 0;
        sci.set(level);
        if ((en & TMR_EN) != 0 && (s & TMR_STS) == 0) {
            overflowTimer.mod(VirtualClock.muldiv64Ceil(overflowTicks, VirtualClock.NS_PER_SEC, TIMER_FREQ));
        } else {
            overflowTimer.cancel();
        }
    }

    /** PMBA block. */
    public IoDevice pm() {
        return pmBlock;
    }

    /** GPE0 block: status (write-one-to-clear) at +0, enable at +2. */
    public IoDevice gpe() {
        return gpeBlock;
    }

    private final IoDevice pmBlock = new IoDevice() {
        @Override
        public long read(long offset, int size) {
            // one clock reading per access: a 32-bit read of the PM timer must not see a carry between its bytes
            // (a value going backwards makes Linux reject the PM-timer clocksource)
            int t = (int) (ticks() & 0xffffff);
            long v = 0;
            for (int i = 0; i < size; i++) v |= (long) readByte((int) offset + i, t) << (8 * i);
            return v;
        }

        private int readByte(int off, int timer) {
            int reg;
            switch (off & ~1) {
                case PM1_STS -> reg = status();
                case PM1_EN -> reg = en;
                case PM1_CNT -> reg = cnt;
                case PM_TMR, PM_TMR + 2 -> {
                    return (timer >>> (8 * (off - PM_TMR))) & 0xff;
                }
                default -> {
                    return 0;
                }
            }
            return (reg >>> (8 * (off & 1))) & 0xff;
        }

        @Override
        public void write(long offset, int size, long value) {
            for (int i = 0; i < size; ) {
                int off = (int) offset + i;
                int reg = off & ~1;
                // a 16-bit register takes both of its bytes at once when the access covers them
                boolean word = (off & 1) == 0 && i + 1 < size;
                int v = (int) (value >>> (8 * i)) & (word ? 0xffff : 0xff);
                int mask = word ? 0xffff : 0xff << (8 * (off & 1));
                if (!word) v <<= 8 * (off & 1);
                writeReg(reg, v, mask);
                i += word ? 2 : 1;
            }
        }
    };

    private void writeReg(int reg, int v, int mask) {
        switch (reg) {
            case PM1_STS -> {
                int s = status();
                if ((s & v & TMR_STS) != 0) {
                    // clearing the overflow status arms the next one: when bit 23 next toggles
                    overflowTicks = (ticks() + 0x800000L) & ~0x7fffffL;
                }
                sts = s & ~(v & mask);
                updateSci();
            }
            case PM1_EN -> {
                en = (en & ~mask) | (v & mask);
                updateSci();
            }
            case PM1_CNT -> {
                int val = (cnt & ~mask) | (v & mask);
                cnt = val & ~SLP_EN;
                if ((v & mask & SLP_EN) != 0) sleep((val & SLP_TYP_MASK) >> SLP_TYP_SHIFT);
            }
            default -> {
            } // the timer is read-only
        }
    }

    private void sleep(int type) {
        switch (type) {
            case SLP_TYP_S5, SLP_TYP_S4 -> powerOff.run();
            case SLP_TYP_S3 -> {
                if (suspend != null) suspend.run();
                else if (log != null && log.on(Log.Item.UNIMP)) log.printf("piix4-pm: S3 suspend not supported%n");
            }
            default -> {
                if (log != null && log.on(Log.Item.GUEST_ERRORS))
                    log.printf("piix4-pm: sleep type %d ignored%n", type);
            }
        }
    }

    private final IoDevice gpeBlock = new IoDevice() {
        @Override
        public long read(long offset, int size) {
            long v = 0;
            for (int i = 0; i < size; i++) {
                int off = (int) offset + i;
                int reg = off < 2 ? gpeSts : gpeEn;
                v |= (long) ((reg >>> (8 * (off & 1))) & 0xff) << (8 * i);
            }
            return v;
        }

        @Override
        public void write(long offset, int size, long value) {
            for (int i = 0; i < size; i++) {
                int off = (int) offset + i;
                int b = (int) (value >>> (8 * i)) & 0xff;
                int shift = 8 * (off & 1);
                if (off < 2) gpeSts &= ~(b << shift);
                else gpeEn = (gpeEn & ~(0xff << shift)) | (b << shift);
            }
            updateSci();
        }
    };

    /** SMI_CMD (APM control port) written: ACPI_ENABLE / ACPI_DISABLE switch SCI_EN, as on QEMU's PIIX4. */
    public void apmCommand(int v) {
        if (v == ACPI_ENABLE) cnt |= SCI_EN;
        else if (v == ACPI_DISABLE) cnt &= ~SCI_EN;
    }

    /** The power button was pressed (QMP system_powerdown): PWRBTN_STS, SCI if enabled. */
    public void powerButton() {
        sts |= PWRBTN_STS;
        updateSci();
    }

    /** Raises general-purpose event {@code bit} (hotplug and the like). */
    public void raiseGpe(int bit) {
        gpeSts |= 1 << bit;
        updateSci();
    }

    /** The PM timer register's value now (24 bits). */
    public int timerValue() {
        return (int) (ticks() & 0xffffff);
    }

    public State save() {
        return new State(sts, en, cnt, overflowTicks, gpeSts, gpeEn);
    }

    public void restore(State s) {
        sts = s.sts();
        en = s.en();
        cnt = s.cnt();
        overflowTicks = s.overflowTicks();
        gpeSts = s.gpeSts();
        gpeEn = s.gpeEn();
        updateSci();
    }
}
