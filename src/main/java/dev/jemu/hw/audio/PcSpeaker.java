package dev.jemu.hw.audio;

import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.timer.I8254;

/**
 * Port 0x61, the PC's "NMI status and control" register (QEMU's pcspk): bit 0 gates PIT channel 2, bit 1 turns
 * the speaker on, bits 2-3 enable the parity and channel-check NMIs; reads add bit 4, the refresh-request toggle,
 * and bit 5, channel 2's OUT. The toggle flips on every read, as in QEMU, so BIOS delay loops that count refresh
 * cycles finish at once. No sound is made.
 */
public final class PcSpeaker implements IoDevice {
    public static final int GATE2 = 0x01, SPEAKER_DATA = 0x02, PCK_DISABLE = 0x04, IOCHK_DISABLE = 0x08,
            REFRESH = 0x10, OUT2 = 0x20, IOCHK_STATUS = 0x40, SERR_STATUS = 0x80;

    public record State(int control, boolean refresh) {
    }

    private final I8254 pit;
    private int control;
    private boolean refresh;

    public PcSpeaker(I8254 pit) {
        this.pit = pit;
    }

    @Override
    public long read(long offset, int size) {
        refresh = !refresh;
        return (control & (SPEAKER_DATA | PCK_DISABLE | IOCHK_DISABLE)) | (pit.gate(2) ? GATE2 : 0)
                | (refresh ? REFRESH : 0) | (pit.out(2) ? OUT2 : 0);
    }

    @Override
    public void write(long offset, int size, long value) {
        control = (int) value & 0x0f;
        pit.setGate(2, (value & GATE2) != 0);
    }

    /** Whether the speaker would sound (data enabled and channel 2 gated), for a future audio backend. */
    public boolean speakerOn() {
        return (control & SPEAKER_DATA) != 0 && pit.gate(2);
    }

    public State save() {
        return new State(control, refresh);
    }

    public void restore(State s) {
        control = s.control();
        refresh = s.refresh();
    }
}
