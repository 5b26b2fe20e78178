package dev.jemu.target.x86;

/** The x86 I/O port space as IN/OUT/INS/OUTS reach it; the board connects it to its I/O bus. */
public interface PortIo {
    /** Reads {@code size} bytes (1, 2 or 4) from {@code port}, zero-extended. */
    long in(int port, int size);

    /** Writes the low {@code size} bytes of {@code value} to {@code port}. */
    void out(int port, int size, long value);
}
