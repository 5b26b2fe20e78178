package dev.jemu.hw.misc;

import dev.jemu.hw.core.IoDevice;

/**
 * Port 0x80, the POST-code port: BIOSes write progress codes and OSes write it for a short I/O delay. Writes are
 * dropped, reads float high (as QEMU's ioport80). The last code is kept for debugging.
 */
public final class Port80 implements IoDevice {
    private int lastCode;

    @Override
    public long read(long offset, int size) {
        return size >= 4 ? 0xffffffffL : (1L << (8 * size)) - 1;
    }

    @Override
    public void write(long offset, int size, long value) {
        lastCode = (int) value & 0xff;
    }

    /** The last POST code written. */
    public int lastCode() {
        return lastCode;
    }
}
