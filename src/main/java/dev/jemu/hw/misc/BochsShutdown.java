package dev.jemu.hw.misc;

import dev.jemu.hw.core.IoDevice;

/**
 * The Bochs/QEMU shutdown port 0x8900: writing the bytes of "Shutdown" in sequence powers the machine off
 * (old BIOSes' APM power-off path). Any other byte restarts the match.
 */
public final class BochsShutdown implements IoDevice {
    private static final byte[] MAGIC = "Shutdown".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Runnable powerOff;
    private int matched;

    public BochsShutdown(Runnable powerOff) {
        this.powerOff = powerOff;
    }

    @Override
    public long read(long offset, int size) {
        return size >= 4 ? 0xffffffffL : (1L << (8 * size)) - 1;
    }

    @Override
    public void write(long offset, int size, long value) {
        int b = (int) value & 0xff;
        if (b == MAGIC[matched]) {
            if (++matched == MAGIC.length) {
                matched = 0;
                powerOff.run();
            }
        } else {
            matched = b == MAGIC[0] ? 1 : 0;
        }
    }
}
