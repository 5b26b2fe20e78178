package dev.jemu.hw.core;

/**
 * A register block as the buses see it: a read or write of {@code size} bytes (1, 2, 4 or 8) at {@code offset}
 * from the start of the range the board mapped it at. Values are little-endian as the CPU moved them; bits
 * above {@code size} are zero on write and ignored on read. The bus never passes an access wider than the
 * mapping's maximum access size, nor one that runs past the end of the range.
 */
public interface IoDevice {
    long read(long offset, int size);

    void write(long offset, int size, long value);
}
