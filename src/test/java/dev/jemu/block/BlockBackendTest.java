package dev.jemu.block;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class BlockBackendTest {
    @TempDir
    Path dir;

    private Path image(int sectors) throws IOException {
        byte[] data = new byte[sectors * 512];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i / 512 + i);
        Path p = dir.resolve("d.img");
        Files.write(p, data);
        return p;
    }

    @Test
    void writesReachTheFile() throws IOException {
        Path p = image(8);
        try (RawImage img = RawImage.open(p, "d.img", false)) {
            assertEquals(8, img.sectors());
            assertFalse(img.readOnly());
            byte[] s = new byte[512];
            Arrays.fill(s, (byte) 0x5a);
            img.writeSectors(3, s, 0, 1);
            // visible in the file before any flush: the channel writes through
            assertEquals(0x5a, Files.readAllBytes(p)[3 * 512 + 7]);
        }
        byte[] all = Files.readAllBytes(p);
        assertEquals(0x5a, all[3 * 512]);
        assertEquals((byte) (2 * 512 + 2 + 2), all[2 * 512 + 2]);
        assertTrue(OpenImages.all().isEmpty());
    }

    @Test
    void readOnlyRefusesWrites() throws IOException {
        Path p = image(2);
        try (RawImage img = RawImage.open(p, "d.img", true)) {
            assertTrue(img.readOnly());
            assertThrows(IOException.class, () -> img.write(0, new byte[512], 0, 512));
        }
    }

    @Test
    void missingFileHasQemuMessage() {
        BlockError e = assertThrows(BlockError.class, () -> RawImage.open(dir.resolve("x.img"), "x.img", false));
        assertEquals("Could not open 'x.img': No such file or directory", e.getMessage());
        e = assertThrows(BlockError.class, () -> RawImage.open(dir, "dir", false));
        assertEquals("'file' driver requires 'dir' to be a regular file", e.getMessage());
    }

    @Test
    void partialLastSectorReadsAsZeros() throws IOException {
        Path p = dir.resolve("odd.img");
        byte[] d = new byte[700];
        Arrays.fill(d, (byte) 1);
        Files.write(p, d);
        try (RawImage img = RawImage.open(p, "odd.img", true)) {
            assertEquals(1, img.sectors());
            byte[] b = new byte[1024];
            img.read(0, b, 0, 1024);
            assertEquals(1, b[699]);
            assertEquals(0, b[700]);
            assertEquals(0, b[1023]);
        }
    }

    @Test
    void snapshotNeverTouchesTheFile() throws IOException {
        Path p = image(16);
        byte[] before = Files.readAllBytes(p);
        long mtime = Files.getLastModifiedTime(p).toMillis();
        try (SnapshotOverlay o = SnapshotOverlay.open(p, "d.img")) {
            assertFalse(o.readOnly());
            byte[] s = new byte[1024];
            Arrays.fill(s, (byte) 0x77);
            o.writeSectors(5, s, 0, 2);
            o.write(9 * 512 + 100, new byte[]{1, 2, 3}, 0, 3); // partial sector: the rest comes from the base
            byte[] r = new byte[512 * 16];
            o.read(0, r, 0, r.length);
            for (int i = 0; i < r.length; i++) {
                byte want = before[i];
                if (i >= 5 * 512 && i < 7 * 512) want = 0x77;
                if (i >= 9 * 512 + 100 && i < 9 * 512 + 103) want = (byte) (i - (9 * 512 + 100) + 1);
                assertEquals(want, r[i], "byte " + i);
            }
            // an unaligned read across overlay/base boundaries
            byte[] u = new byte[600];
            o.read(4 * 512 + 300, u, 0, 600);
            assertEquals(before[4 * 512 + 300], u[0]);
            assertEquals(0x77, u[212]);
            o.flush();
        }
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals(mtime, Files.getLastModifiedTime(p).toMillis());
    }

    @Test
    void flushAllCoversOpenImages() throws IOException {
        Path p = image(2);
        RawImage img = RawImage.open(p, "d.img", false);
        assertTrue(OpenImages.all().contains(img));
        img.write(0, new byte[]{9}, 0, 1);
        assertNull(OpenImages.flushAll());
        assertNull(OpenImages.closeAll());
        assertFalse(OpenImages.all().contains(img));
        assertEquals(9, Files.readAllBytes(p)[0]);
    }
}
