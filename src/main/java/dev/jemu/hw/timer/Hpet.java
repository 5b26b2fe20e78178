package dev.jemu.hw.timer;

import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.core.IrqLine;
import dev.jemu.hw.core.TimerQueue;
import dev.jemu.hw.core.VirtualClock;

/**
 * The HPET at 0xfed00000 as QEMU 7.2 models it: a 64-bit main counter at 100 MHz (period 10 ns), three
 * comparators with 64-bit and 32-bit modes, one-shot and periodic (all three periodic-capable, as QEMU), edge
 * or level interrupts with status bits in GEN_INT_STS, and legacy replacement
 * routing (timer 0 on IRQ 0, timer 1 on IRQ 8, the PIT's IRQ 0 turned off). Without legacy routing a timer
 * interrupts on the GSI in its INT_ROUTE field. Nothing is stepped: the counter is derived from the virtual
 * clock and each enabled comparator arms one timer.
 */
public final class Hpet implements IoDevice {
    public static final long BASE = 0xfed00000L;
    public static final int TIMERS = 3;
    public static final long PERIOD_FS = 10_000_000L; // 10 ns
    /** GCAP_ID: vendor 8086, legacy routing and 64-bit counter capable, 3 timers, revision 1, 10 ns period. */
    public static final long CAP = 0x8086a201L | PERIOD_FS << 32;
    /** Timer configuration bits. */
    public static final long TN_LEVEL = 1 << 1, TN_INT_ENB = 1 << 2, TN_PERIODIC = 1 << 3, TN_PER_CAP = 1 << 4,
            TN_SIZE_CAP = 1 << 5, TN_SETVAL = 1 << 6, TN_32BIT = 1 << 8, TN_FSB_ENB = 1 << 14, TN_FSB_CAP = 1 << 15;
    public static final long CFG_ENABLE = 1, CFG_LEGACY = 2;
    /** Interrupt routing capability: IRQ 2 (QEMU's pc default). */
    public static final long INT_CAP = 0x4;

    /** Told when legacy replacement routing switches the PIT's (and RTC's) interrupt off or back on. */
    public interface LegacyListener {
        void legacyRouting(boolean on);
    }

    private final VirtualClock clock;
    private final IrqLine[] gsi;
    private final LegacyListener legacy;
    private final long[] conf = new long[TIMERS], cmp = new long[TIMERS], period = new long[TIMERS];
    private boolean size8;
    private final TimerQueue.Timer[] timers = new TimerQueue.Timer[TIMERS];
    private long config, isr;
    /** Counter value while stopped; while running, counter = ticks(now) - counterOffset. */
    private long counterStopped, counterOffset;

    /** @param gsi the interrupt lines by GSI number (at least 24) */
    public Hpet(VirtualClock clock, IrqLine[] gsi, LegacyListener legacy) {
        this.clock = clock;
        this.gsi = gsi;
        this.legacy = legacy;
        for (int i = 0; i < TIMERS; i++) {
            int n = i;
            timers[i] = clock.timers().newTimer(() -> expired(n));
        }
        reset();
    }

    public void reset() {
        for (int i = 0; i < TIMERS; i++) {
            timers[i].cancel();
            conf[i] = TN_PER_CAP | TN_SIZE_CAP | INT_CAP << 32;
            cmp[i] = -1L;
            period[i] = 0;
        }
        boolean wasLegacy = (config & CFG_LEGACY) != 0;
        config = 0;
        isr = 0;
        counterStopped = counterOffset = 0;
        if (wasLegacy && legacy != null) legacy.legacyRouting(false);
    }

    private static long ticks(long ns) {
        return ns / 10;
    }

    private boolean enabled() {
        return (config & CFG_ENABLE) != 0;
    }

    public long counter() {
        return enabled() ? ticks(clock.now()) - counterOffset : counterStopped;
    }

    /** Virtual time at which the counter reaches {@code value}. */
    private long nsAt(long value) {
        return (value + counterOffset) * 10;
    }

    private IrqLine line(int n) {
        if ((config & CFG_LEGACY) != 0 && n < 2) return gsi[n == 0 ? 0 : 8];
        int route = (int) (conf[n] >>> 9) & 0x1f;
        return route < gsi.length ? gsi[route] : null;
    }

    /** Ticks from {@code now} to the comparator (QEMU's hpet_calculate_diff), 0 if it already passed. */
    private long diff(int n, long now) {
        if ((conf[n] & TN_32BIT) != 0) {
            int d = (int) (cmp[n] - now);
            return d > 0 ? d : 0;
        }
        long d = cmp[n] - now;
        return d > 0 ? d : 0;
    }

    private void arm(int n) {
        if (!enabled() || (conf[n] & TN_INT_ENB) == 0) {
            timers[n].cancel();
            return;
        }
        long now = counter();
        timers[n].mod(nsAt(now + diff(n, now)));
    }

    private void expired(int n) {
        long now = counter();
        boolean periodic = (conf[n] & TN_PERIODIC) != 0 && period[n] != 0;
        if (periodic) {
            if ((conf[n] & TN_32BIT) != 0) {
                while ((int) (now - cmp[n]) >= 0) cmp[n] = (cmp[n] + period[n]) & 0xffffffffL;
            } else {
                while (now - cmp[n] >= 0) cmp[n] += period[n];
            }
        }
        fire(n);
        if (periodic) arm(n);
    }

    private void fire(int n) {
        if ((conf[n] & TN_INT_ENB) == 0) return;
        IrqLine l = line(n);
        if ((conf[n] & TN_LEVEL) != 0) {
            isr |= 1L << n;
            if (l != null) l.raise();
        } else if (l != null) {
            l.pulse();
        }
    }

    @Override
    public long read(long offset, int size) {
        long v = read64(offset & ~7);
        if (size == 8) return v;
        return (offset & 4) != 0 ? v >>> 32 : v & 0xffffffffL;
    }

    private long read64(long off) {
        if (off == 0x000) return CAP;
        if (off == 0x010) return config;
        if (off == 0x020) return isr;
        if (off == 0x0f0) return counter();
        if (off >= 0x100 && off < 0x100 + 0x20L * TIMERS) {
            int n = (int) ((off - 0x100) >>> 5);
            return switch ((int) (off & 0x1f)) {
                case 0x00 -> conf[n];
                case 0x08 -> (conf[n] & TN_32BIT) != 0 ? cmp[n] & 0xffffffffL : cmp[n];
                default -> 0;
            };
        }
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        long base = offset & ~7;
        long old = read64(base);
        long v;
        if (size == 8) v = value;
        else if ((offset & 4) != 0) v = (old & 0xffffffffL) | value << 32;
        else v = (old & 0xffffffff00000000L) | (value & 0xffffffffL);
        size8 = size == 8;
        write64(base, v, size != 8 && (offset & 4) != 0);
    }

    private void write64(long off, long v, boolean highHalfOnly) {
        if (off == 0x010) {
            long oldCfg = config;
            if ((v & CFG_ENABLE) != 0 && (oldCfg & CFG_ENABLE) == 0) {
                counterOffset = ticks(clock.now()) - counterStopped;
                config = v & 3;
                for (int i = 0; i < TIMERS; i++) arm(i);
            } else if ((v & CFG_ENABLE) == 0 && (oldCfg & CFG_ENABLE) != 0) {
                counterStopped = counter();
                config = v & 3;
                for (int i = 0; i < TIMERS; i++) timers[i].cancel();
            } else {
                config = v & 3;
            }
            if (((oldCfg ^ config) & CFG_LEGACY) != 0 && legacy != null) legacy.legacyRouting((config & CFG_LEGACY) != 0);
            return;
        }
        if (off == 0x020) {
            long clear = v & isr;
            isr &= ~clear;
            for (int n = 0; n < TIMERS; n++) if ((clear & (1L << n)) != 0 && line(n) != null) line(n).lower();
            return;
        }
        if (off == 0x0f0) {
            if (!enabled()) counterStopped = v;
            // QEMU ignores writes to the counter while enabled (with a guest error)
            return;
        }
        if (off >= 0x100 && off < 0x100 + 0x20L * TIMERS) {
            int n = (int) ((off - 0x100) >>> 5);
            int reg = (int) (off & 0x1f);
            if (reg == 0x00) {
                long rw = TN_LEVEL | TN_INT_ENB | TN_PERIODIC | TN_SETVAL | TN_32BIT | 0x1fL << 9;
                long nv = (conf[n] & ~rw) | (v & rw);
                if (((nv >>> 9) & 0x1f) != 0 && (INT_CAP & (1L << ((nv >>> 9) & 0x1f))) == 0)
                    nv &= ~(0x1fL << 9); // a route not in the capability mask is ignored
                boolean wasLevel = (conf[n] & TN_LEVEL) != 0;
                conf[n] = nv;
                if ((nv & TN_32BIT) != 0) {
                    cmp[n] &= 0xffffffffL;
                    period[n] &= 0xffffffffL;
                }
                if (wasLevel && (nv & TN_LEVEL) == 0 && (isr & (1L << n)) != 0) {
                    isr &= ~(1L << n);
                    if (line(n) != null) line(n).lower();
                }
                arm(n);
            } else if (reg == 0x08) {
                // QEMU: a periodic timer's comparator changes only with SETVAL; the period always does
                long mask = highHalfOnly ? 0xffffffff00000000L : size8 ? -1L : 0xffffffffL;
                if ((conf[n] & TN_32BIT) != 0) {
                    if (highHalfOnly) return;
                    mask = 0xffffffffL;
                    v &= 0xffffffffL;
                }
                if ((conf[n] & TN_PERIODIC) == 0 || (conf[n] & TN_SETVAL) != 0) cmp[n] = (cmp[n] & ~mask) | (v & mask);
                period[n] = (period[n] & ~mask) | (v & mask);
                conf[n] &= ~TN_SETVAL;
                arm(n);
            }
        }
    }
}
