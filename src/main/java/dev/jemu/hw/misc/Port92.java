package dev.jemu.hw.misc;

import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.core.IrqLine;

/**
 * Port 0x92, "system control port A" (fast A20 and fast reset, QEMU's port92): bit 1 drives the A20 gate,
 * a 0-to-1 transition of bit 0 resets the CPU. Reads return the last value written.
 */
public final class Port92 implements IoDevice {
    public static final int FAST_RESET = 0x01, A20 = 0x02;

    public record State(int value) {
    }

    private final IrqLine a20;
    private final Runnable resetRequest;
    private int value;

    public Port92(IrqLine a20, Runnable resetRequest) {
        this.a20 = a20;
        this.resetRequest = resetRequest;
    }

    @Override
    public long read(long offset, int size) {
        return value;
    }

    @Override
    public void write(long offset, int size, long v) {
        int old = value;
        value = (int) v & 0xff;
        a20.set((value & A20) != 0);
        if ((value & FAST_RESET) != 0 && (old & FAST_RESET) == 0) resetRequest.run();
    }

    /** A system reset clears the register (the reset bit with it), as in QEMU. */
    public void reset() {
        value &= ~FAST_RESET;
    }

    public State save() {
        return new State(value);
    }

    public void restore(State s) {
        value = s.value();
    }
}
