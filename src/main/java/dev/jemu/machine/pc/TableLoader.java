package dev.jemu.machine.pc;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * QEMU's BIOS linker/loader script ("etc/table-loader"): 128-byte commands that SeaBIOS's romfile_loader
 * executes: ALLOCATE a fw_cfg file in high memory or the F segment, ADD_POINTER (add a file's final address to a
 * pointer inside another file), ADD_CHECKSUM (fix a byte so a range sums to zero).
 */
public final class TableLoader {
    public static final int ALLOCATE = 1, ADD_POINTER = 2, ADD_CHECKSUM = 3;
    public static final int ZONE_HIGH = 1, ZONE_FSEG = 2;
    public static final int ENTRY_SIZE = 128, FILE_SIZE = 56;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private static ByteBuffer entry(int command) {
        ByteBuffer b = ByteBuffer.allocate(ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(command);
        return b;
    }

    private static void file(ByteBuffer b, String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        if (n.length >= FILE_SIZE) throw new IllegalArgumentException(name);
        int at = b.position();
        b.put(n);
        b.position(at + FILE_SIZE);
    }

    public TableLoader allocate(String name, int align, int zone) {
        ByteBuffer b = entry(ALLOCATE);
        file(b, name);
        b.putInt(align);
        b.put((byte) zone);
        out.writeBytes(b.array());
        return this;
    }

    /** The {@code size}-byte pointer at {@code offset} in {@code dest} gets {@code src}'s address added. */
    public TableLoader addPointer(String dest, String src, int offset, int size) {
        ByteBuffer b = entry(ADD_POINTER);
        file(b, dest);
        file(b, src);
        b.putInt(offset);
        b.put((byte) size);
        out.writeBytes(b.array());
        return this;
    }

    public TableLoader addChecksum(String name, int offset, int start, int length) {
        ByteBuffer b = entry(ADD_CHECKSUM);
        file(b, name);
        b.putInt(offset);
        b.putInt(start);
        b.putInt(length);
        out.writeBytes(b.array());
        return this;
    }

    public byte[] bytes() {
        return out.toByteArray();
    }
}
