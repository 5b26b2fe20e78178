package dev.jemu.hw.intc;

import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.core.TimerQueue;
import dev.jemu.hw.core.VirtualClock;

/**
 * The local APIC of the (single) CPU as QEMU 7.2 models it (version 0x14, 6 LVT entries), at 0xfee00000:
 * ID, version, TPR/PPR, EOI, LDR/DFR, SVR, ISR/TMR/IRR, ESR, ICR (self and all-including-self fixed IPIs, NMI),
 * LVT timer/thermal/perf/LINT0/LINT1/error, and the timer (one-shot and periodic, counting at 1 GHz of virtual
 * time divided by the divide configuration, as QEMU). Reset leaves LINT0 in ExtINT mode unmasked (the BSP), so
 * the 8259 reaches the CPU until the OS reprograms it.
 *
 * <p>The CPU side: {@link #pendingVector()} / {@link #acknowledge()} for the INTR pin, {@link #acceptsPic()} for
 * the 8259's ExtINT path, {@link #takeNmi()}; TPR is CR8. {@code wake} runs whenever something may have become
 * deliverable (the board sets the CPU's exitRequest there).
 */
public final class LocalApic implements IoDevice {
    public static final long DEFAULT_BASE = 0xfee00000L;
    public static final int VERSION = 0x14, MAX_LVT = 5;
    public static final int LVT_TIMER = 0, LVT_THERMAL = 1, LVT_PERF = 2, LVT_LINT0 = 3, LVT_LINT1 = 4, LVT_ERROR = 5;
    public static final int LVT_MASKED = 1 << 16, LVT_LEVEL = 1 << 15, TIMER_PERIODIC = 1 << 17;
    public static final int DM_FIXED = 0, DM_SMI = 2, DM_NMI = 4, DM_INIT = 5, DM_STARTUP = 6, DM_EXTINT = 7;
    public static final int SVR_ENABLE = 1 << 8;
    /** IA32_APIC_BASE bits. */
    public static final long BASE_BSP = 1 << 8, BASE_ENABLE = 1 << 11;

    private final VirtualClock clock;
    private final TimerQueue.Timer timer;
    private final Runnable wake;
    /** Told the vector of each EOI of a level-triggered interrupt (the I/O APIC's EOI broadcast). */
    private java.util.function.IntConsumer eoiListener;

    private int id, tpr, ldr, dfr, svr, esr, icrLow, icrHigh, divide, countShift, initialCount;
    private final int[] isr = new int[8], tmr = new int[8], irr = new int[8];
    private final int[] lvt = new int[MAX_LVT + 1];
    private long loadTime, nextTime;
    private long apicBase = DEFAULT_BASE | BASE_BSP | BASE_ENABLE;
    private boolean nmiPending, extIntPending;

    public LocalApic(VirtualClock clock, Runnable wake) {
        this.clock = clock;
        this.wake = wake;
        this.timer = clock.timers().newTimer(this::timerExpired);
        reset();
    }

    public void setEoiListener(java.util.function.IntConsumer l) {
        this.eoiListener = l;
    }

    /** INIT/power-on state (QEMU's apic_reset_common for the BSP). */
    public void reset() {
        tpr = ldr = esr = icrLow = icrHigh = divide = countShift = initialCount = 0;
        id = 0;
        dfr = 0xffffffff;
        svr = 0xff;
        java.util.Arrays.fill(isr, 0);
        java.util.Arrays.fill(tmr, 0);
        java.util.Arrays.fill(irr, 0);
        java.util.Arrays.fill(lvt, LVT_MASKED);
        lvt[LVT_LINT0] = DM_EXTINT << 8;
        countShift = 1; // divide by 2 (divide config 0)
        loadTime = nextTime = 0;
        timer.cancel();
        nmiPending = extIntPending = false;
        apicBase = DEFAULT_BASE | BASE_BSP | BASE_ENABLE;
    }

    // ---- the CPU side

    public long apicBase() {
        return apicBase;
    }

    /** A WRMSR to IA32_APIC_BASE; false for a value the CPU refuses. Clearing the enable bit resets the APIC. */
    public boolean setApicBase(long v) {
        if ((v & 0xfffffff0_000006ffL) != 0) return false;
        boolean wasEnabled = (apicBase & BASE_ENABLE) != 0;
        apicBase = (v & ~BASE_BSP) | BASE_BSP;
        if (wasEnabled && (v & BASE_ENABLE) == 0) {
            long keep = apicBase;
            reset();
            apicBase = keep;
            svr &= ~SVR_ENABLE;
        }
        wake.run();
        return true;
    }

    public boolean globallyEnabled() {
        return (apicBase & BASE_ENABLE) != 0;
    }

    /** CR8 (TPR bits 7:4). */
    public long cr8() {
        return tpr >>> 4;
    }

    public void setCr8(long v) {
        tpr = (int) (v & 0xf) << 4;
        wake.run();
    }

    /** True if the 8259's INT reaches the CPU: the APIC is off (MSR) or LINT0 is unmasked (ExtINT). */
    public boolean acceptsPic() {
        return !globallyEnabled() || (lvt[LVT_LINT0] & LVT_MASKED) == 0;
    }

    /** The vector the INTR pin would deliver now, or -1 (QEMU's apic_irq_pending). */
    public int pendingVector() {
        if (!globallyEnabled() || (svr & SVR_ENABLE) == 0) return -1;
        int irrv = highest(irr);
        if (irrv < 0) return -1;
        int ppr = ppr();
        if (ppr != 0 && (irrv & 0xf0) <= (ppr & 0xf0)) return -1;
        return irrv;
    }

    /** The interrupt-acknowledge cycle for an APIC interrupt: IRR to ISR; returns the vector. */
    public int acknowledge() {
        int v = pendingVector();
        if (v < 0) return svr & 0xff; // spurious
        clear(irr, v);
        set(isr, v);
        return v;
    }

    public boolean takeNmi() {
        boolean n = nmiPending;
        nmiPending = false;
        return n;
    }

    public boolean nmiPending() {
        return nmiPending;
    }

    /** The 8259's INT changed (wired to LINT0). */
    public void lint0(boolean level) {
        if (level && !globallyEnabled()) wake.run(); // the 8259 is wired straight to INTR
        else if (level) localDeliver(LVT_LINT0);
        else if (((lvt[LVT_LINT0] >>> 8) & 7) == DM_FIXED && (lvt[LVT_LINT0] & LVT_LEVEL) != 0)
            clear(irr, lvt[LVT_LINT0] & 0xff);
    }

    /** An interrupt message from the I/O APIC (or an IPI) addressed by {@code dest}. */
    public void deliver(int dest, boolean logical, int deliveryMode, int vector, boolean level) {
        if (!matches(dest, logical)) return;
        deliverLocal(deliveryMode, vector, level);
    }

    private boolean matches(int dest, boolean logical) {
        if (!logical) return dest == 0xff || dest == id;
        int ldrId = ldr >>> 24;
        if (dest == 0xff) return true;
        if ((dfr >>> 28) == 0xf) return (dest & ldrId) != 0; // flat model
        return (dest >>> 4) == (ldrId >>> 4) && (dest & ldrId & 0xf) != 0; // cluster
    }

    private void deliverLocal(int mode, int vector, boolean level) {
        switch (mode) {
            case DM_FIXED, 1 -> setIrq(vector, level);
            case DM_NMI -> {
                nmiPending = true;
                wake.run();
            }
            case DM_EXTINT -> {
                extIntPending = true;
                wake.run();
            }
            default -> {
                // SMI, INIT, SIPI: nothing to do for a single CPU without SMM
            }
        }
    }

    private void localDeliver(int which) {
        int l = lvt[which];
        if ((l & LVT_MASKED) != 0) return;
        int mode = (l >>> 8) & 7;
        switch (mode) {
            case DM_NMI -> {
                nmiPending = true;
                wake.run();
            }
            case DM_EXTINT -> wake.run(); // the 8259 answers the acknowledge cycle
            case DM_FIXED -> setIrq(l & 0xff, which == LVT_LINT0 && (l & LVT_LEVEL) != 0);
            default -> {
            }
        }
    }

    private void setIrq(int vector, boolean level) {
        if (vector < 16) {
            esr |= 0x40; // received illegal vector
            return;
        }
        set(irr, vector);
        if (level) set(tmr, vector);
        else clear(tmr, vector);
        wake.run();
    }

    private int ppr() {
        int isrv = highest(isr);
        return (tpr >>> 4) >= (isrv < 0 ? 0 : isrv >>> 4) ? tpr : isrv & 0xf0;
    }

    private void eoi() {
        int v = highest(isr);
        if (v < 0) return;
        clear(isr, v);
        if (test(tmr, v) && eoiListener != null) eoiListener.accept(v);
        wake.run();
    }

    private static int highest(int[] bits) {
        for (int i = 7; i >= 0; i--) if (bits[i] != 0) return i * 32 + 31 - Integer.numberOfLeadingZeros(bits[i]);
        return -1;
    }

    private static void set(int[] b, int v) {
        b[v >>> 5] |= 1 << (v & 31);
    }

    private static void clear(int[] b, int v) {
        b[v >>> 5] &= ~(1 << (v & 31));
    }

    private static boolean test(int[] b, int v) {
        return (b[v >>> 5] & (1 << (v & 31))) != 0;
    }

    // ---- the timer

    private int currentCount() {
        if (initialCount == 0) return 0;
        long d = (clock.now() - loadTime) >>> countShift;
        if ((lvt[LVT_TIMER] & TIMER_PERIODIC) != 0) return (int) (initialCount - d % ((initialCount & 0xffffffffL) + 1));
        return d >= (initialCount & 0xffffffffL) ? 0 : (int) (initialCount - d);
    }

    private void armTimer() {
        armTimer(clock.now());
    }

    /**
     * Arms the timer for the count as it stands at virtual time {@code now}. A TMICT write passes its own load
     * time, as QEMU's apic_timer_update does: reading the clock again could find a short one-shot count already
     * run out (the host thread preempted in between) and drop its interrupt for good.
     */
    private void armTimer(long now) {
        long d = (now - loadTime) >>> countShift;
        long ic = initialCount & 0xffffffffL;
        if ((lvt[LVT_TIMER] & TIMER_PERIODIC) != 0) {
            if (ic == 0) {
                timer.cancel();
                return;
            }
            d = (d / (ic + 1) + 1) * (ic + 1);
        } else {
            if (d >= ic) {
                timer.cancel();
                return;
            }
            d = ic + 1;
        }
        nextTime = loadTime + (d << countShift);
        timer.mod(nextTime);
    }

    private void timerExpired() {
        localDeliver(LVT_TIMER);
        if ((lvt[LVT_TIMER] & TIMER_PERIODIC) != 0) armTimer();
    }

    // ---- registers

    @Override
    public long read(long offset, int size) {
        if ((offset & 0xf) != 0) return 0;
        int reg = (int) (offset >>> 4) & 0xff;
        return switch (reg) {
            case 0x02 -> (long) id << 24;
            case 0x03 -> (MAX_LVT << 16 | VERSION);
            case 0x08 -> tpr;
            case 0x09 -> 0;
            case 0x0a -> ppr();
            case 0x0b -> 0;
            case 0x0d -> ldr & 0xffffffffL;
            case 0x0e -> dfr & 0xffffffffL;
            case 0x0f -> svr;
            case 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17 -> isr[reg - 0x10] & 0xffffffffL;
            case 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f -> tmr[reg - 0x18] & 0xffffffffL;
            case 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27 -> irr[reg - 0x20] & 0xffffffffL;
            case 0x28 -> esr;
            case 0x30 -> icrLow & ~(1 << 12);
            case 0x31 -> icrHigh & 0xffffffffL;
            case 0x32, 0x33, 0x34, 0x35, 0x36, 0x37 -> lvt[reg - 0x32] & 0xffffffffL;
            case 0x38 -> initialCount & 0xffffffffL;
            case 0x39 -> currentCount() & 0xffffffffL;
            case 0x3e -> divide;
            default -> 0;
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        if ((offset & 0xf) != 0) return;
        int reg = (int) (offset >>> 4) & 0xff;
        int v = (int) value;
        switch (reg) {
            case 0x02 -> id = v >>> 24;
            case 0x08 -> {
                tpr = v & 0xff;
                wake.run();
            }
            case 0x0b -> eoi();
            case 0x0d -> ldr = v & 0xff000000;
            case 0x0e -> dfr = v | 0x0fffffff;
            case 0x0f -> {
                svr = v & 0x1ff;
                if ((svr & SVR_ENABLE) == 0) for (int i = 0; i <= MAX_LVT; i++) lvt[i] |= LVT_MASKED;
                wake.run();
            }
            case 0x28 -> esr = 0;
            case 0x30 -> {
                icrLow = v & ~(1 << 12);
                sendIpi();
            }
            case 0x31 -> icrHigh = v & 0xff000000;
            case 0x32, 0x33, 0x34, 0x35, 0x36, 0x37 -> {
                int n = reg - 0x32;
                int val = v;
                if ((svr & SVR_ENABLE) == 0) val |= LVT_MASKED;
                lvt[n] = val & lvtMask(n);
                if (n == LVT_TIMER) armTimer();
                wake.run();
            }
            case 0x38 -> {
                initialCount = v;
                loadTime = clock.now();
                armTimer(loadTime);
            }
            case 0x3e -> {
                divide = v & 0xb;
                int d = (divide & 3) | ((divide >>> 1) & 4);
                countShift = (d + 1) & 7;
                // keep the count continuous: restart from the current value, as QEMU does implicitly on read
                armTimer();
            }
            default -> {
            }
        }
    }

    private static int lvtMask(int n) {
        return switch (n) {
            case LVT_TIMER -> 0x700ff | LVT_MASKED; // vector, status, mask, mode (2 bits)
            case LVT_LINT0, LVT_LINT1 -> 0x1a7ff;
            default -> 0x107ff;
        } | LVT_MASKED;
    }

    private void sendIpi() {
        int mode = (icrLow >>> 8) & 7, vector = icrLow & 0xff, shorthand = (icrLow >>> 18) & 3;
        boolean self = switch (shorthand) {
            case 1, 2 -> true;
            case 3 -> false;
            default -> matches(icrHigh >>> 24, (icrLow & (1 << 11)) != 0);
        };
        if (self) deliverLocal(mode, vector, false);
    }

    /** True if an ExtINT message from the I/O APIC is waiting for the 8259's acknowledge cycle. */
    public boolean takeExtInt() {
        boolean e = extIntPending;
        extIntPending = false;
        return e;
    }

    public boolean extIntPending() {
        return extIntPending;
    }
}
