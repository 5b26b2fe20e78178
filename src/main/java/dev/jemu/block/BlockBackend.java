package dev.jemu.block;

import java.io.IOException;

/**
 * A disk image as a device model sees it (QEMU's BlockBackend): bytes at offsets, a length, a read-only flag.
 * Devices work in 512-byte sectors through the helpers; an I/O error comes back as an {@link IOException} that
 * the device turns into its own error status (ATA ABRT/UNC, ATAPI MEDIUM ERROR, floppy ST0 abnormal end).
 * A read past the end of the image returns zeros for the missing bytes (a raw file whose size is not a
 * multiple of 512 still has a readable last sector, as in QEMU); a write past the end fails.
 */
public interface BlockBackend extends AutoCloseable {
    int SECTOR = 512;

    /** The file name as the user gave it, for messages. */
    String name();

    /** Size in bytes. */
    long length();

    /** Whole 512-byte sectors (QEMU's nb_sectors: a partial last sector does not count). */
    default long sectors() {
        return length() / SECTOR;
    }

    boolean readOnly();

    void read(long offset, byte[] buf, int off, int len) throws IOException;

    /** Writes {@code len} bytes; fails on a read-only backend. */
    void write(long offset, byte[] buf, int off, int len) throws IOException;

    /** Makes earlier writes durable (fsync for a file; nothing for an overlay that is thrown away). */
    void flush() throws IOException;

    /** Flushes and releases the image; later calls fail. Closing twice is harmless. */
    @Override
    void close() throws IOException;

    default void readSectors(long lba, byte[] buf, int off, int count) throws IOException {
        read(lba * SECTOR, buf, off, count * SECTOR);
    }

    default void writeSectors(long lba, byte[] buf, int off, int count) throws IOException {
        write(lba * SECTOR, buf, off, count * SECTOR);
    }
}
