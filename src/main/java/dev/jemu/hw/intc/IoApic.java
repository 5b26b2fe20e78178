package dev.jemu.hw.intc;

import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.core.IrqLine;

/**
 * The I/O APIC (82093AA as QEMU 7.2 models it, version 0x20, 24 pins) at 0xfec00000: IOREGSEL at +0x00, IOWIN at
 * +0x10, the EOI register at +0x40. Registers: 0 ID, 1 version (max entry 23), 2 arbitration, 0x10-0x3f the
 * redirection table. Input 0 (the PIT's ISA IRQ 0) is delivered on pin 2, as QEMU does, matching the MADT's
 * IRQ0 override. Edge pins deliver on every asserted level; level pins set Remote IRR and are delivered again at
 * the EOI only if still asserted. Messages go to a {@link Sink} (the local APIC of the single CPU).
 */
public final class IoApic implements IoDevice {
    public static final long BASE = 0xfec00000L;
    public static final int PINS = 24, VERSION = 0x20;
    public static final int DM_FIXED = 0, DM_LOWEST = 1, DM_SMI = 2, DM_NMI = 4, DM_INIT = 5, DM_EXTINT = 7;
    private static final long MASKED = 1L << 16, LEVEL = 1L << 15, REMOTE_IRR = 1L << 14, POLARITY = 1L << 13,
            DELIVS = 1L << 12, DEST_LOGICAL = 1L << 11;
    /** Bits the guest may write: vector, delivery mode, destination mode, polarity, trigger, mask, destination. */
    private static final long RW_BITS = 0xff000000_0001afffL;

    /** Where interrupt messages go. */
    public interface Sink {
        /** An interrupt message: {@code deliveryMode} DM_*, {@code level} for level-triggered fixed interrupts. */
        void deliver(int dest, boolean logical, int deliveryMode, int vector, boolean level);
    }

    private final long[] table = new long[PINS];
    private final IrqLine.Listener[] inputs = new IrqLine.Listener[PINS];
    private Sink sink;
    private int id, regsel, irr;

    public IoApic(Sink sink) {
        this.sink = sink;
        for (int i = 0; i < PINS; i++) {
            int pin = i == 0 ? 2 : i;
            inputs[i] = level -> setIrq(pin, level);
        }
        reset();
    }

    public void setSink(Sink sink) {
        this.sink = sink;
    }

    public void reset() {
        id = 0;
        regsel = 0;
        irr = 0;
        for (int i = 0; i < PINS; i++) table[i] = MASKED;
    }

    /** The receiving end of GSI {@code n} (input 0 goes to pin 2). */
    public IrqLine.Listener input(int n) {
        return inputs[n];
    }

    public long entry(int pin) {
        return table[pin];
    }

    private void setIrq(int pin, boolean level) {
        int mask = 1 << pin;
        long e = table[pin];
        if ((e & LEVEL) != 0) {
            if (level) {
                irr |= mask;
                if ((e & REMOTE_IRR) == 0) service();
            } else {
                irr &= ~mask;
            }
        } else if (level) {
            irr |= mask;
            service();
        }
    }

    private void service() {
        for (int pin = 0; pin < PINS; pin++) {
            int mask = 1 << pin;
            if ((irr & mask) == 0) continue;
            long e = table[pin];
            if ((e & MASKED) != 0) continue;
            boolean level = (e & LEVEL) != 0;
            if (level) {
                if ((e & REMOTE_IRR) != 0) continue;
                table[pin] = e | REMOTE_IRR;
            } else {
                irr &= ~mask;
            }
            int dm = (int) (e >>> 8) & 7;
            if (sink != null)
                sink.deliver((int) (e >>> 56), (e & DEST_LOGICAL) != 0, dm, (int) e & 0xff, level && dm <= DM_LOWEST);
        }
    }

    /** The local APIC's EOI of a level-triggered {@code vector}: Remote IRR clears, a still-high pin fires again. */
    public void eoi(int vector) {
        for (int pin = 0; pin < PINS; pin++) {
            long e = table[pin];
            if ((e & 0xff) == vector && (e & REMOTE_IRR) != 0) table[pin] = e & ~REMOTE_IRR;
        }
        service();
    }

    @Override
    public long read(long offset, int size) {
        if (offset == 0x00) return regsel;
        if (offset != 0x10) return 0;
        return switch (regsel) {
            case 0x00 -> (long) id << 24;
            case 0x01 -> (PINS - 1) << 16 | VERSION;
            case 0x02 -> 0;
            default -> {
                int i = regsel - 0x10;
                if (i < 0 || i >= 2 * PINS) yield 0xffffffffL;
                long e = table[i >> 1];
                yield (i & 1) == 0 ? e & 0xffffffffL : e >>> 32;
            }
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        int v = (int) value;
        if (offset == 0x00) {
            regsel = v & 0xff;
            return;
        }
        if (offset == 0x40) {
            eoi(v & 0xff);
            return;
        }
        if (offset != 0x10) return;
        switch (regsel) {
            case 0x00 -> id = v >>> 24 & 0x0f;
            case 0x01, 0x02 -> {
            }
            default -> {
                int i = regsel - 0x10;
                if (i < 0 || i >= 2 * PINS) return;
                int pin = i >> 1;
                long e = table[pin];
                long ro = e & ~RW_BITS;
                long n = (i & 1) == 0 ? (e & 0xffffffff00000000L) | (v & 0xffffffffL) : (e & 0xffffffffL) | (long) v << 32;
                n = (n & RW_BITS) | ro;
                // QEMU: an edge-triggered entry cannot hold Remote IRR
                if ((n & LEVEL) == 0) n &= ~REMOTE_IRR;
                table[pin] = n;
                service();
            }
        }
    }
}
