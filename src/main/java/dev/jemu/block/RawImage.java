package dev.jemu.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A raw image file (QEMU's raw format over the file protocol). Writes go straight to the file through the
 * channel, so they are in the host's page cache at once and survive a killed emulator; {@link #flush()} (at
 * exit, on SIGTERM, on the guest's FLUSH CACHE) makes them durable with fsync.
 */
public final class RawImage implements BlockBackend {
    private final String name;
    private final FileChannel ch;
    private final boolean readOnly;
    private final long length;
    private boolean closed;

    private RawImage(String name, FileChannel ch, boolean readOnly, long length) {
        this.name = name;
        this.ch = ch;
        this.readOnly = readOnly;
        this.length = length;
    }

    /**
     * Opens {@code file} ({@code name} is how the user wrote it). A read-write open of a file the user may not
     * write fails as in QEMU ("Permission denied"); callers that want QEMU's read-only fallback (CD-ROMs,
     * -snapshot bases) ask for read-only.
     */
    public static RawImage open(Path file, String name, boolean readOnly) {
        check(file, name);
        try {
            FileChannel ch = readOnly ? FileChannel.open(file, StandardOpenOption.READ)
                    : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            RawImage img = new RawImage(name, ch, readOnly, ch.size());
            OpenImages.add(img);
            return img;
        } catch (IOException e) {
            throw new BlockError("Could not open '" + name + "': " + reason(e));
        }
    }

    /** The checks QEMU's file driver makes before opening: the file exists and is a regular file. */
    public static void check(Path file, String name) {
        if (!Files.exists(file)) throw new BlockError("Could not open '" + name + "': No such file or directory");
        if (!Files.isRegularFile(file))
            throw new BlockError("'file' driver requires '" + name + "' to be a regular file");
    }

    /** The strerror() text QEMU would print for an open failure. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "No such file or directory";
        if (e instanceof AccessDeniedException) return "Permission denied";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public void read(long offset, byte[] buf, int off, int len) throws IOException {
        if (closed) throw new IOException("image closed");
        if (offset < 0 || offset > length) throw new IOException("read past the end of '" + name + "'");
        ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
        long pos = offset;
        while (bb.hasRemaining()) {
            int n = ch.read(bb, pos);
            if (n < 0) break;
            pos += n;
        }
        // the tail of a partial last sector (or a file that shrank under us) reads as zeros
        if (bb.hasRemaining()) java.util.Arrays.fill(buf, bb.position(), off + len, (byte) 0);
    }

    @Override
    public void write(long offset, byte[] buf, int off, int len) throws IOException {
        if (closed) throw new IOException("image closed");
        if (readOnly) throw new IOException("'" + name + "' is read-only");
        if (offset < 0 || offset + len > length) throw new IOException("write past the end of '" + name + "'");
        ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
        long pos = offset;
        while (bb.hasRemaining()) pos += ch.write(bb, pos);
    }

    @Override
    public void flush() throws IOException {
        if (closed || readOnly) return;
        ch.force(false);
    }

    @Override
    public void close() throws IOException {
        if (closed) return;
        try {
            flush();
        } finally {
            closed = true;
            OpenImages.remove(this);
            ch.close();
        }
    }
}
