package dev.jemu.hw.timer;

import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.core.IrqLine;
import dev.jemu.hw.core.TimerQueue;
import dev.jemu.hw.core.VirtualClock;

/**
 * Intel 8254 programmable interval timer at ports 0x40-0x43: three 16-bit down counters clocked at
 * 1.193182 MHz. Channel 0's OUT is IRQ0; channel 1 (DRAM refresh) is unused; channel 2's GATE and OUT are
 * bits 0 and 5 of port 0x61 ({@link dev.jemu.hw.audio.PcSpeaker}).
 *
 * <p>Counters are not stepped: each channel remembers when counting started and derives the count and OUT level
 * from the virtual clock. Channel 0 arms one timer for its next OUT transition, so a periodic IRQ0 costs one
 * timer callback per edge. Modes 0-5 follow the datasheet's OUT waveforms (mode 2: OUT low for the last clock
 * of each period; mode 3: high for the first half); gates: modes 0/4 suspend counting while GATE is low, modes
 * 1/5 start on a GATE rising edge, modes 2/3 hold OUT high while GATE is low and restart on its rising edge.
 * Read-back, counter and status latches, LSB/MSB/word access and BCD counting are implemented. As in QEMU a
 * new count takes effect when written (the datasheet defers it to the end of the period in modes 2 and 3).
 */
public final class I8254 implements IoDevice {
    public static final long FREQ = 1_193_182;
    public static final int COUNTER0 = 0, COUNTER1 = 1, COUNTER2 = 2, CONTROL = 3;

    // control word fields
    public static final int CW_SC_SHIFT = 6, CW_RW_SHIFT = 4, CW_M_SHIFT = 1, CW_BCD = 0x01;
    public static final int RW_LATCH = 0, RW_LSB = 1, RW_MSB = 2, RW_WORD = 3;
    /** Read-back command: SC = 3; bit 5 clear latches counts, bit 4 clear latches status. */
    public static final int READBACK = 0xc0, RB_NOT_COUNT = 0x20, RB_NOT_STATUS = 0x10;
    // status byte
    public static final int ST_OUT = 0x80, ST_NULL_COUNT = 0x40;

    // read/write state machine (as QEMU numbers it): WORD0 = expecting LSB of a word, WORD1 = its MSB
    private static final int S_LSB = 1, S_MSB = 2, S_WORD0 = 3, S_WORD1 = 4;

    public record ChannelState(int count, long loadTime, int latchedCount, int countLatched, boolean statusLatched,
                               int status, int readState, int writeState, int writeLatch, int rwMode, int mode,
                               boolean bcd, boolean gate, boolean armed, boolean triggered, long frozenTicks,
                               boolean nullCount) {
    }

    public record State(ChannelState[] channels, boolean irqEnabled) {
    }

    private final VirtualClock clock;
    private final Channel[] ch = new Channel[3];
    private boolean irqEnabled = true;

    final class Channel {
        final IrqLine irq;
        final TimerQueue.Timer timer;
        int count = 0x10000;      // N, the initial count (1..65536, or 1..10000 in BCD)
        long loadTime;            // virtual ns at which the current count started counting
        int latchedCount, countLatched, status, readState, writeState, writeLatch, rwMode, mode;
        boolean statusLatched, bcd, gate, armed, triggered, nullCount;
        long frozenTicks = -1;    // modes 0/4 with GATE low: clocks counted before it fell
        long nextTransition;

        Channel(IrqLine irq) {
            this.irq = irq;
            this.timer = irq == null ? null : clock.timers().newTimer(() -> updateIrq(nextTransition));
        }

        int mode() {
            return mode >= 6 ? mode - 4 : mode; // 11x is mode 3, 10x mode 2
        }

        /** Whether the counting element is counting (or frozen mid-count). */
        boolean counting() {
            if (!armed) return false;
            return switch (mode()) {
                case 1, 5 -> triggered;
                case 2, 3 -> gate;
                default -> true;
            };
        }

        /** Input clocks counted since the count started. */
        long ticks(long now) {
            if (!counting()) return 0;
            if (frozenTicks >= 0) return frozenTicks;
            return VirtualClock.muldiv64(now - loadTime, FREQ, VirtualClock.NS_PER_SEC);
        }

        int modulus() {
            return bcd ? 10000 : 0x10000;
        }

        /** The counting element's value as the guest reads it. */
        int value(long now) {
            int v;
            if (!counting()) {
                v = count;
            } else {
                long d = ticks(now);
                v = switch (mode()) {
                    case 2 -> (int) (count - d % count);
                    case 3 -> (int) (count - (2 * d) % count); // QEMU's approximation for odd counts too
                    default -> (int) Math.floorMod(count - d, (long) modulus());
                };
            }
            v %= modulus();
            return bcd ? toBcd(v) : v;
        }

        boolean out(long now) {
            int m = mode();
            if (!armed) return m != 0; // after a control word: mode 0 low, the others high
            if (!counting()) return true; // modes 1/5 before the trigger, 2/3 with GATE low
            long d = ticks(now);
            return switch (m) {
                case 0, 1 -> d >= count;
                case 2 -> (d + 1) % count != 0;
                case 3 -> d % count < (count + 1) / 2;
                default -> d != count;
            };
        }

        /** The next clock count at which OUT changes, or -1. */
        long nextTransitionTicks(long now) {
            if (!counting() || frozenTicks >= 0) return -1;
            long d = ticks(now);
            long r;
            switch (mode()) {
                case 0, 1:
                    return d < count ? count : -1;
                case 2:
                    if (count < 2) return -1;
                    r = d % count;
                    return r < count - 1 ? d - r + count - 1 : d + 1;
                case 3:
                    if (count < 2) return -1;
                    long half = (count + 1) / 2;
                    r = d % count;
                    return r < half ? d - r + half : d - r + count;
                default:
                    return d < count ? count : d == count ? count + 1 : -1;
            }
        }

        /** Drives IRQ0 to OUT's level at {@code now} and arms the timer for the next change. */
        void updateIrq(long now) {
            if (timer == null) return;
            if (!irqEnabled) {
                timer.cancel();
                return;
            }
            irq.set(out(now));
            long next = nextTransitionTicks(now);
            if (next < 0) {
                timer.cancel();
                return;
            }
            nextTransition = loadTime + VirtualClock.muldiv64Ceil(next, VirtualClock.NS_PER_SEC, FREQ);
            if (nextTransition <= now) nextTransition = now + 1;
            timer.mod(nextTransition);
        }

        void load(int value) {
            long now = clock.now();
            int n = bcd ? fromBcd(value) : value;
            if (n == 0) n = modulus();
            count = n;
            armed = true;
            nullCount = false;
            triggered = false;
            loadTime = now;
            frozenTicks = (mode() == 0 || mode() == 4) && !gate ? 0 : -1;
            updateIrq(now);
        }

        void latchCount() {
            if (countLatched == 0) {
                latchedCount = value(clock.now());
                countLatched = rwMode;
            }
        }

        void setGate(boolean level) {
            long now = clock.now();
            if (level == gate) return;
            switch (mode()) {
                case 0, 4 -> {
                    if (armed) {
                        if (!level) {
                            frozenTicks = ticks(now);
                        } else if (frozenTicks >= 0) {
                            loadTime = now - VirtualClock.muldiv64Ceil(frozenTicks, VirtualClock.NS_PER_SEC, FREQ);
                            frozenTicks = -1;
                        }
                    }
                }
                default -> {
                    // modes 1, 5 (trigger) and 2, 3 (restart) start a new count on the rising edge
                    if (level && armed) {
                        loadTime = now;
                        triggered = true;
                    }
                }
            }
            gate = level;
            updateIrq(now);
        }

        ChannelState save() {
            return new ChannelState(count, loadTime, latchedCount, countLatched, statusLatched, status, readState,
                    writeState, writeLatch, rwMode, mode, bcd, gate, armed, triggered, frozenTicks, nullCount);
        }

        void restore(ChannelState s) {
            count = s.count();
            loadTime = s.loadTime();
            latchedCount = s.latchedCount();
            countLatched = s.countLatched();
            statusLatched = s.statusLatched();
            status = s.status();
            readState = s.readState();
            writeState = s.writeState();
            writeLatch = s.writeLatch();
            rwMode = s.rwMode();
            mode = s.mode();
            bcd = s.bcd();
            gate = s.gate();
            armed = s.armed();
            triggered = s.triggered();
            frozenTicks = s.frozenTicks();
            nullCount = s.nullCount();
            updateIrq(clock.now());
        }
    }

    /**
     * @param irq0 channel 0's OUT (ISA IRQ 0)
     */
    public I8254(VirtualClock clock, IrqLine irq0) {
        this.clock = clock;
        for (int i = 0; i < 3; i++) ch[i] = new Channel(i == 0 ? irq0 : null);
        reset();
    }

    /** Power-on state: as in QEMU, mode 3 with count 65536, channels 0-1 gated on, channel 2 gated off. */
    public void reset() {
        for (int i = 0; i < 3; i++) {
            Channel c = ch[i];
            c.mode = 3;
            c.gate = i != 2;
            c.rwMode = c.readState = c.writeState = S_WORD0;
            c.bcd = false;
            c.countLatched = 0;
            c.statusLatched = false;
            c.nullCount = false;
            c.load(0);
        }
    }

    @Override
    public long read(long offset, int size) {
        int addr = (int) offset & 3;
        if (addr == CONTROL) return 0; // the control word register is write-only (QEMU reads 0)
        Channel c = ch[addr];
        if (c.statusLatched) {
            c.statusLatched = false;
            return c.status;
        }
        if (c.countLatched != 0) {
            switch (c.countLatched) {
                case S_MSB -> {
                    c.countLatched = 0;
                    return (c.latchedCount >> 8) & 0xff;
                }
                case S_WORD0 -> {
                    c.countLatched = S_MSB;
                    return c.latchedCount & 0xff;
                }
                default -> {
                    c.countLatched = 0;
                    return c.latchedCount & 0xff;
                }
            }
        }
        int v = c.value(clock.now());
        switch (c.readState) {
            case S_MSB:
                return (v >> 8) & 0xff;
            case S_WORD0:
                c.readState = S_WORD1;
                return v & 0xff;
            case S_WORD1:
                c.readState = S_WORD0;
                return (v >> 8) & 0xff;
            default:
                return v & 0xff;
        }
    }

    @Override
    public void write(long offset, int size, long value) {
        int addr = (int) offset & 3;
        int val = (int) value & 0xff;
        if (addr == CONTROL) {
            int sc = val >> CW_SC_SHIFT;
            if (sc == 3) {
                for (int i = 0; i < 3; i++) {
                    if ((val & (2 << i)) == 0) continue;
                    Channel c = ch[i];
                    if ((val & RB_NOT_COUNT) == 0) c.latchCount();
                    if ((val & RB_NOT_STATUS) == 0 && !c.statusLatched) {
                        c.status = (c.out(clock.now()) ? ST_OUT : 0) | (c.nullCount ? ST_NULL_COUNT : 0)
                                | (c.rwMode << CW_RW_SHIFT) | (c.mode << CW_M_SHIFT) | (c.bcd ? CW_BCD : 0);
                        c.statusLatched = true;
                    }
                }
                return;
            }
            Channel c = ch[sc];
            int access = (val >> CW_RW_SHIFT) & 3;
            if (access == RW_LATCH) {
                c.latchCount();
                return;
            }
            // a control word resets the channel: OUT to its initial level, counting stops until a count arrives
            c.rwMode = c.readState = c.writeState = access;
            c.mode = (val >> CW_M_SHIFT) & 7;
            c.bcd = (val & CW_BCD) != 0;
            c.armed = false;
            c.nullCount = true;
            c.frozenTicks = -1;
            c.updateIrq(clock.now());
            return;
        }
        Channel c = ch[addr];
        switch (c.writeState) {
            case S_MSB -> c.load(val << 8);
            case S_WORD0 -> {
                c.writeLatch = val;
                c.writeState = S_WORD1;
                if (c.mode() == 0 && c.armed) {
                    // mode 0: writing the first byte stops the count and drops OUT
                    c.armed = false;
                    c.updateIrq(clock.now());
                }
            }
            case S_WORD1 -> {
                c.writeState = S_WORD0;
                c.load(c.writeLatch | (val << 8));
            }
            default -> c.load(val);
        }
    }

    /** GATE input of a channel (only channel 2's is not tied high on a PC). */
    public void setGate(int channel, boolean level) {
        ch[channel].setGate(level);
    }

    public boolean gate(int channel) {
        return ch[channel].gate;
    }

    /** OUT of a channel now. */
    public boolean out(int channel) {
        return ch[channel].out(clock.now());
    }

    /** The HPET's legacy replacement mode takes IRQ0 away from the PIT (QEMU's pit "irq_disabled"). */
    public void setIrqEnabled(boolean enabled) {
        irqEnabled = enabled;
        ch[0].updateIrq(clock.now());
    }

    /** The programmed mode of a channel (0-5) and its initial count, for debugging and the HPET. */
    public int mode(int channel) {
        return ch[channel].mode();
    }

    public int initialCount(int channel) {
        return ch[channel].count;
    }

    public State save() {
        ChannelState[] s = new ChannelState[3];
        for (int i = 0; i < 3; i++) s[i] = ch[i].save();
        return new State(s, irqEnabled);
    }

    public void restore(State s) {
        irqEnabled = s.irqEnabled();
        for (int i = 0; i < 3; i++) ch[i].restore(s.channels()[i]);
    }

    private static int toBcd(int v) {
        return (v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10;
    }

    private static int fromBcd(int v) {
        return ((v >> 12) & 15) * 1000 + ((v >> 8) & 15) * 100 + ((v >> 4) & 15) * 10 + (v & 15);
    }
}
