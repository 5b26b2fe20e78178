package dev.jemu.hw.misc;

import dev.jemu.hw.core.IoDevice;

import java.util.function.IntConsumer;

/**
 * QEMU's isa-debug-exit ({@code -device isa-debug-exit,iobase=0xf4,iosize=0x04}): a write of {@code v} ends the
 * emulator with exit status {@code (v << 1) | 1}, so test guests can report success or failure. The value is the
 * written access's (1, 2 or 4 bytes); the host keeps the status's low 8 bits. Reads return 0.
 */
public final class DebugExit implements IoDevice {
    private final IntConsumer exit;

    /** @param exit called with the exit status; the board stops the machine and exits with it */
    public DebugExit(IntConsumer exit) {
        this.exit = exit;
    }

    @Override
    public long read(long offset, int size) {
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        exit.accept((int) ((value << 1) | 1));
    }
}
