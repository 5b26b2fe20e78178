package dev.jemu.hw.character;

import dev.jemu.hw.core.IoDevice;

/**
 * QEMU's isa-debugcon ({@code -device isa-debugcon,iobase=0xe9,chardev=...}): each write sends its low byte to a
 * character backend; reads return the readback value (0xe9 by default) so a guest can detect the port.
 */
public final class DebugCon implements IoDevice {
    public static final int DEFAULT_READBACK = 0xe9;

    private final CharBackend backend;
    private final int readback;

    public DebugCon(CharBackend backend) {
        this(backend, DEFAULT_READBACK);
    }

    public DebugCon(CharBackend backend, int readback) {
        this.backend = backend;
        this.readback = readback;
    }

    @Override
    public long read(long offset, int size) {
        return readback;
    }

    @Override
    public void write(long offset, int size, long value) {
        backend.write((int) value & 0xff);
    }
}
