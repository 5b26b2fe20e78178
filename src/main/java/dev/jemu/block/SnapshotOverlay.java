package dev.jemu.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * -snapshot: the guest sees a writable disk, but its writes land in a throw-away sparse temporary file
 * (deleted when the overlay closes or the JVM exits) and the image underneath is only ever opened read-only.
 * A bit per 512-byte sector says whether the overlay holds that sector; a partial-sector write first copies
 * the sector in. The overlay keeps the base's read-only flag for media that are read-only by nature (CD-ROM).
 */
public final class SnapshotOverlay implements BlockBackend {
    private final BlockBackend base;
    private final FileChannel temp;
    private final Path tempPath;
    private final BitSet present = new BitSet();
    private final byte[] sector = new byte[SECTOR];
    private boolean closed;

    private SnapshotOverlay(BlockBackend base, FileChannel temp, Path tempPath) {
        this.base = base;
        this.temp = temp;
        this.tempPath = tempPath;
    }

    /** Opens {@code file} read-only under a fresh overlay. */
    public static SnapshotOverlay open(Path file, String name) {
        return over(RawImage.open(file, name, true));
    }

    /** Puts an overlay over an open backend; closing the overlay closes the base. */
    public static SnapshotOverlay over(BlockBackend base) {
        try {
            Path p = Files.createTempFile("jemu-snapshot-", ".img");
            p.toFile().deleteOnExit();
            FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.SPARSE, StandardOpenOption.DELETE_ON_CLOSE);
            SnapshotOverlay o = new SnapshotOverlay(base, ch, p);
            OpenImages.remove(base); // the overlay closes it
            OpenImages.add(o);
            return o;
        } catch (IOException e) {
            throw new BlockError("Could not create temporary overlay for '" + base.name() + "': "
                    + RawImage.reason(e));
        }
    }

    @Override
    public String name() {
        return base.name();
    }

    @Override
    public long length() {
        return base.length();
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public void read(long offset, byte[] buf, int off, int len) throws IOException {
        if (closed) throw new IOException("image closed");
        // runs of sectors from one source are read with one call
        long pos = offset;
        int done = 0;
        while (done < len) {
            long s = pos / SECTOR;
            boolean inOverlay = present.get((int) s);
            int n = 0;
            long p = pos;
            while (done + n < len) {
                long cs = p / SECTOR;
                if (cs != s && present.get((int) cs) != inOverlay) break;
                int chunk = (int) Math.min(len - done - n, SECTOR - (p % SECTOR));
                n += chunk;
                p += chunk;
            }
            if (inOverlay) readTemp(pos, buf, off + done, n);
            else base.read(pos, buf, off + done, n);
            done += n;
            pos += n;
        }
    }

    @Override
    public void write(long offset, byte[] buf, int off, int len) throws IOException {
        if (closed) throw new IOException("image closed");
        if (offset < 0 || offset + len > length()) throw new IOException("write past the end of '" + name() + "'");
        long pos = offset;
        int done = 0;
        while (done < len) {
            long s = pos / SECTOR;
            int inSector = (int) (pos % SECTOR);
            int n = Math.min(len - done, SECTOR - inSector);
            if (n < SECTOR && !present.get((int) s)) {
                base.read(s * SECTOR, sector, 0, SECTOR);
                System.arraycopy(buf, off + done, sector, inSector, n);
                writeTemp(s * SECTOR, sector, 0, SECTOR);
            } else {
                writeTemp(pos, buf, off + done, n);
            }
            present.set((int) s);
            done += n;
            pos += n;
        }
    }

    private void readTemp(long pos, byte[] buf, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
        while (bb.hasRemaining()) {
            int n = temp.read(bb, pos + bb.position() - off);
            if (n < 0) {
                java.util.Arrays.fill(buf, bb.position(), off + len, (byte) 0);
                break;
            }
        }
    }

    private void writeTemp(long pos, byte[] buf, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
        while (bb.hasRemaining()) temp.write(bb, pos + bb.position() - off);
    }

    /** Nothing to make durable: the overlay is thrown away. */
    @Override
    public void flush() {
    }

    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        OpenImages.remove(this);
        try {
            temp.close();
            Files.deleteIfExists(tempPath);
        } finally {
            base.close();
        }
    }
}
