package dev.jemu.ui;

import dev.jemu.hw.display.Vga;
import dev.jemu.hw.display.VgaModes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * QEMU 7.2 as the oracle: the same sequence of VGA port and memory writes is replayed by a boot sector under
 * {@code qemu-system-x86_64 -vga std} (resources vgaplay.asm, the table loaded with -device loader) and on our
 * {@link Vga}; QEMU's {@code screendump} and {@link Screendump#render} must agree on every pixel. Each scenario
 * programs every register that matters, the whole DAC and all displayed VRAM, so what vgabios left behind in
 * QEMU does not show. Skipped when qemu-system-x86_64 or nasm is missing.
 */
class ScreendumpQemuTest {
    @TempDir
    Path dir;

    /** What a scenario may do to the VGA. */
    interface Hw {
        void out(int port, int v);

        void in(int port);

        void outw(int port, int v);

        void mem(int addr, byte[] data);

        /** IN of a byte whose value is compared with QEMU's. */
        void inReport(int port);

        /** IN of a word, compared. */
        void inwReport(int port);

        /** A byte read of guest memory (the VGA window), compared. */
        void memRead(int addr);
    }

    /** Encodes a scenario as vgaplay.asm's table. */
    static final class Table implements Hw {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();

        void u16(int v) {
            b.write(v);
            b.write(v >> 8);
        }

        public void out(int port, int v) {
            b.write(1);
            u16(port);
            b.write(v);
        }

        public void in(int port) {
            b.write(2);
            u16(port);
        }

        public void outw(int port, int v) {
            b.write(4);
            u16(port);
            u16(v);
        }

        public void mem(int addr, byte[] data) {
            for (int off = 0; off < data.length; off += 0xff00) {
                int n = Math.min(0xff00, data.length - off);
                b.write(3);
                u16(addr + off);
                u16((addr + off) >>> 16);
                u16(n);
                b.write(data, off, n);
            }
        }

        int reports;

        public void inReport(int port) {
            b.write(5);
            u16(port);
            reports++;
        }

        public void inwReport(int port) {
            b.write(7);
            u16(port);
            reports += 2;
        }

        public void memRead(int addr) {
            b.write(6);
            u16(addr);
            u16(addr >>> 16);
            reports++;
        }

        byte[] bytes() {
            b.write(0);
            return b.toByteArray();
        }
    }

    /** Runs a scenario on our VGA. */
    static final class Live implements Hw {
        final VgaModes m = new VgaModes();

        public void out(int port, int v) {
            m.out(port, v);
        }

        public void in(int port) {
            m.in(port);
        }

        public void outw(int port, int v) {
            m.outw(port, v);
        }

        public void mem(int addr, byte[] data) {
            for (int i = 0; i < data.length; i++) m.mem(addr + i, data[i] & 0xff);
        }

        final ByteArrayOutputStream reports = new ByteArrayOutputStream();

        public void inReport(int port) {
            reports.write(m.in(port));
        }

        public void inwReport(int port) {
            int v = m.io.read(port, 2);
            reports.write(v);
            reports.write(v >> 8);
        }

        public void memRead(int addr) {
            reports.write(m.mem(addr));
        }
    }

    // ------------------------------------------------------------------ scenarios

    static void setMode(Hw h, VgaModes.Mode mode) {
        h.out(0x3c2, mode.misc());
        h.in(0x3da);
        for (int i = 0; i <= 0x13; i++) {
            h.out(0x3c0, i);
            h.out(0x3c0, mode.actl()[i]);
        }
        h.out(0x3c0, 0x14);
        h.out(0x3c0, 0);
        h.outw(0x3c4, 0x0300);
        for (int i = 1; i <= 4; i++) h.outw(0x3c4, mode.seq()[i - 1] << 8 | i);
        for (int i = 0; i <= 8; i++) h.outw(0x3ce, mode.grdc()[i] << 8 | i);
        int crtc = (mode.misc() & 1) != 0 ? 0x3d4 : 0x3b4;
        h.outw(crtc, 0x0011);
        for (int i = 0; i <= 0x18; i++) h.outw(crtc, mode.crtc()[i] << 8 | i);
    }

    static void enableVideo(Hw h) {
        h.in(0x3da);
        h.out(0x3c0, 0x20);
    }

    /** All 256 DAC entries, 6-bit values that exercise the scaling. */
    static void dacPattern(Hw h) {
        h.out(0x3c8, 0);
        for (int i = 0; i < 256; i++) {
            h.out(0x3c9, (i * 5) & 0x3f);
            h.out(0x3c9, (i * 11 + 7) & 0x3f);
            h.out(0x3c9, (255 - i) & 0x3f);
        }
    }

    static void text80x25(Hw h) {
        setMode(h, VgaModes.MODE3);
        h.outw(0x3d4, 0x200a); // cursor off: QEMU blinks it
        dacPattern(h);
        // font into plane 2, block 0, the vgabios way
        h.outw(0x3c4, 0x0100);
        h.outw(0x3c4, 0x0402);
        h.outw(0x3c4, 0x0704);
        h.outw(0x3c4, 0x0300);
        h.outw(0x3ce, 0x0204);
        h.outw(0x3ce, 0x0005);
        h.outw(0x3ce, 0x0406);
        byte[] font = new byte[256 * 32];
        for (int c = 0; c < 256; c++)
            for (int y = 0; y < 16; y++) font[c * 32 + y] = (byte) VgaModes.glyphRow(c, y);
        h.mem(0xa0000, font);
        h.outw(0x3c4, 0x0100);
        h.outw(0x3c4, 0x0302);
        h.outw(0x3c4, 0x0304);
        h.outw(0x3c4, 0x0300);
        h.outw(0x3ce, 0x0e06);
        h.outw(0x3ce, 0x0004);
        h.outw(0x3ce, 0x1005);
        byte[] screen = new byte[80 * 25 * 2];
        for (int i = 0; i < 80 * 25; i++) {
            screen[2 * i] = (byte) (i * 13);
            screen[2 * i + 1] = (byte) ((i * 7) & 0x7f); // no blink bit
        }
        h.mem(0xb8000, screen);
        enableVideo(h);
    }

    static void mode13h(Hw h) {
        setMode(h, VgaModes.MODE13);
        dacPattern(h);
        byte[] px = new byte[320 * 200];
        for (int i = 0; i < px.length; i++) px[i] = (byte) ((i % 320) ^ (i / 320) * 3);
        h.mem(0xa0000, px);
        enableVideo(h);
    }

    static void mode12h(Hw h) {
        setMode(h, VgaModes.MODE12);
        dacPattern(h);
        byte[] plane = new byte[80 * 480];
        for (int p = 0; p < 4; p++) {
            h.outw(0x3c4, (1 << p) << 8 | 2);
            for (int i = 0; i < plane.length; i++) plane[i] = (byte) (i * (p + 3) + (i / 80) * (p + 1));
            h.mem(0xa0000, plane);
        }
        h.outw(0x3c4, 0x0f02);
        enableVideo(h);
    }

    /** A VBE mode set through the dispi ports, the frame filled through the 64K banked window at 0xA0000. */
    static Consumer<Hw> vbeBanked(int width, int height, int bpp, boolean dac8) {
        return h -> {
            h.outw(0x1ce, Vga.VBE_INDEX_ENABLE);
            h.outw(0x1cf, 0);
            h.outw(0x1ce, Vga.VBE_INDEX_BPP);
            h.outw(0x1cf, bpp);
            h.outw(0x1ce, Vga.VBE_INDEX_XRES);
            h.outw(0x1cf, width);
            h.outw(0x1ce, Vga.VBE_INDEX_YRES);
            h.outw(0x1cf, height);
            h.outw(0x1ce, Vga.VBE_INDEX_ENABLE);
            h.outw(0x1cf, Vga.VBE_ENABLED | (dac8 ? Vga.VBE_8BIT_DAC : 0));
            if (bpp == 8) {
                h.out(0x3c8, 0);
                for (int i = 0; i < 768; i++) h.out(0x3c9, i * 29 + 3);
            }
            int bytes = width * height * ((bpp + 7) / 8);
            for (int b = 0; b * 0x10000 < bytes; b++) {
                h.outw(0x1ce, Vga.VBE_INDEX_BANK);
                h.outw(0x1cf, b);
                byte[] bank = new byte[Math.min(0x10000, bytes - b * 0x10000)];
                for (int i = 0; i < bank.length; i++) bank[i] = (byte) (i * 37 + b * 101 + (i >> 9));
                h.mem(0xa0000, bank);
            }
            enableVideo(h);
        };
    }

    static final VgaModes.Mode MODE1 = new VgaModes.Mode(0x67,
            new int[]{0x08, 0x03, 0x00, 0x02},
            new int[]{0x2d, 0x27, 0x28, 0x90, 0x2b, 0xa0, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00,
                    0x00, 0x9c, 0x8e, 0x8f, 0x14, 0x1f, 0x96, 0xb9, 0xa3, 0xff},
            VgaModes.MODE3.actl(), VgaModes.MODE3.grdc());

    static final VgaModes.Mode MODE4 = new VgaModes.Mode(0x63,
            new int[]{0x09, 0x03, 0x00, 0x02},
            new int[]{0x2d, 0x27, 0x28, 0x90, 0x2b, 0x80, 0xbf, 0x1f, 0x00, 0xc1, 0x00, 0x00, 0x00, 0x00, 0x00,
                    0x00, 0x9c, 0x8e, 0x8f, 0x14, 0x00, 0x96, 0xb9, 0xa2, 0xff},
            new int[]{0x00, 0x13, 0x15, 0x17, 0x02, 0x04, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
                    0x17, 0x01, 0x00, 0x03, 0x00},
            new int[]{0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x0f, 0x0f, 0xff});

    static final VgaModes.Mode MODE0D = new VgaModes.Mode(0x63,
            new int[]{0x09, 0x0f, 0x00, 0x06},
            new int[]{0x2d, 0x27, 0x28, 0x90, 0x2b, 0x80, 0xbf, 0x1f, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00,
                    0x00, 0x9c, 0x8e, 0x8f, 0x14, 0x00, 0x96, 0xb9, 0xe3, 0xff},
            new int[]{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
                    0x17, 0x01, 0x00, 0x0f, 0x00},
            new int[]{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff});

    static void text40x25(Hw h) {
        setMode(h, MODE1);
        h.outw(0x3d4, 0x200a);
        dacPattern(h);
        loadFontAndText(h, 40 * 25);
        enableVideo(h);
    }

    private static void loadFontAndText(Hw h, int cells) {
        h.outw(0x3c4, 0x0402);
        h.outw(0x3c4, 0x0704);
        h.outw(0x3ce, 0x0204);
        h.outw(0x3ce, 0x0005);
        h.outw(0x3ce, 0x0406);
        byte[] font = new byte[256 * 32];
        for (int c = 0; c < 256; c++)
            for (int y = 0; y < 16; y++) font[c * 32 + y] = (byte) VgaModes.glyphRow(c, y);
        h.mem(0xa0000, font);
        h.outw(0x3c4, 0x0302);
        h.outw(0x3c4, 0x0304);
        h.outw(0x3ce, 0x0e06);
        h.outw(0x3ce, 0x0004);
        h.outw(0x3ce, 0x1005);
        byte[] screen = new byte[cells * 2];
        for (int i = 0; i < cells; i++) {
            screen[2 * i] = (byte) (i * 13 + 0xb0);
            screen[2 * i + 1] = (byte) ((i * 7) & 0x7f);
        }
        h.mem(0xb8000, screen);
    }

    static void cga320x200(Hw h) {
        setMode(h, MODE4);
        dacPattern(h);
        byte[] px = new byte[0x4000];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 7 + (i >> 8));
        h.mem(0xb8000, px);
        enableVideo(h);
    }

    static void mode0Dh(Hw h) {
        setMode(h, MODE0D);
        dacPattern(h);
        byte[] plane = new byte[40 * 200];
        for (int p = 0; p < 4; p++) {
            h.outw(0x3c4, (1 << p) << 8 | 2);
            for (int i = 0; i < plane.length; i++) plane[i] = (byte) (i * (p + 5) + (i / 40) * (p + 2));
            h.mem(0xa0000, plane);
        }
        h.outw(0x3c4, 0x0f02);
        enableVideo(h);
    }

    /** Mode 12h with a split screen (line compare 200) and the top part panned by the start address. */
    static void mode12hSplit(Hw h) {
        mode12h(h);
        h.outw(0x3d4, 0x0011);
        h.outw(0x3d4, 200 << 8 | 0x18);
        h.outw(0x3d4, 0x2f07); // overflow: line compare bit 8 clear (0x3e & ~0x10 | 0x01...)
        h.outw(0x3d4, 0x000c);
        h.outw(0x3d4, 80 * 7 << 8 | 0x0d);
    }

    /** Every register written with all ones (or a pattern) and read back; DAC, attribute and VBE reads. */
    static void registerReads(Hw h) {
        setMode(h, VgaModes.MODE3);
        for (int i = 0; i < 8; i++) {
            h.out(0x3c4, i);
            h.out(0x3c5, 0xff);
            h.inReport(0x3c5);
        }
        h.out(0x3c4, 0xff);
        h.inReport(0x3c4);
        for (int i = 0; i < 16; i++) {
            h.out(0x3ce, i);
            h.out(0x3cf, 0xff);
            h.inReport(0x3cf);
        }
        h.out(0x3ce, 0xff);
        h.inReport(0x3ce);
        h.outw(0x3d4, 0x0011);
        for (int i = 0; i < 0x40; i++) {
            if (i == 0x11) continue;
            h.out(0x3d4, i);
            h.out(0x3d5, (i * 37 + 5) & 0xff);
            h.inReport(0x3d5);
        }
        h.outw(0x3d4, 0xff11); // protect CR0-7: then try to write them
        for (int i = 0; i < 8; i++) {
            h.out(0x3d4, i);
            h.out(0x3d5, 0xff);
            h.inReport(0x3d5);
        }
        h.inReport(0x3d4);
        h.inReport(0x3b4); // the mono addresses float in colour mode
        h.inReport(0x3b5);
        h.inReport(0x3ba);
        for (int i = 0; i < 0x20; i++) {
            h.in(0x3da);
            h.out(0x3c0, i);
            h.out(0x3c0, 0xff);
            h.out(0x3c0, i | 0x20);
            h.inReport(0x3c0); // index phase: the index
            h.inReport(0x3c1);
            h.out(0x3c0, 0x00);
            h.inReport(0x3c0); // data phase reads 0
        }
        h.out(0x3c8, 0x10);
        for (int v : new int[]{0x3f, 0x40, 0xff, 0x01, 0x80, 0x7f}) h.out(0x3c9, v);
        h.inReport(0x3c8);
        h.inReport(0x3c7);
        h.out(0x3c7, 0x10);
        h.inReport(0x3c7);
        for (int i = 0; i < 7; i++) h.inReport(0x3c9);
        h.inReport(0x3c8);
        h.out(0x3da, 0xff);
        h.inReport(0x3ca);
        h.inReport(0x3cc);
        h.inReport(0x3c2);
        h.inReport(0x3c3);
        h.inReport(0x3c6);
        // VBE
        h.outw(0x1ce, Vga.VBE_INDEX_ID);
        h.outw(0x1cf, 0xb0c3);
        h.inwReport(0x1cf);
        h.outw(0x1cf, 0x1234);
        h.inwReport(0x1cf);
        h.outw(0x1cf, 0xb0c5);
        int[][] regs = {{Vga.VBE_INDEX_BPP, 24}, {Vga.VBE_INDEX_XRES, 1023}, {Vga.VBE_INDEX_YRES, 700},
                {Vga.VBE_INDEX_ENABLE, 0x81}, {Vga.VBE_INDEX_VIRT_WIDTH, 2000}, {Vga.VBE_INDEX_X_OFFSET, 5},
                {Vga.VBE_INDEX_Y_OFFSET, 3000}, {Vga.VBE_INDEX_BANK, 0x1ff}};
        for (int[] r : regs) {
            h.outw(0x1ce, r[0]);
            h.outw(0x1cf, r[1]);
        }
        for (int i = 0; i < 12; i++) {
            h.outw(0x1ce, i);
            h.inwReport(0x1cf);
            h.inwReport(0x1d0);
        }
        h.inwReport(0x1ce);
        h.outw(0x1ce, Vga.VBE_INDEX_ENABLE);
        h.outw(0x1cf, 0x02);
        for (int i = 0; i < 4; i++) {
            h.outw(0x1ce, i);
            h.inwReport(0x1cf);
        }
        h.outw(0x1ce, Vga.VBE_INDEX_ENABLE);
        h.outw(0x1cf, 0);
    }

    /** Reads through the window: read modes 0 and 1 on planar memory, latches, odd/even and chain-4. */
    static void memoryReads(Hw h) {
        mode12h(h);
        for (int p = 0; p < 4; p++) {
            h.outw(0x3ce, p << 8 | 4);
            for (int a = 0; a < 8; a++) h.memRead(0xa0000 + a * 997);
        }
        h.outw(0x3ce, 0x0805); // read mode 1
        for (int c = 0; c < 16; c += 5) {
            h.outw(0x3ce, c << 8 | 2);
            h.outw(0x3ce, (c * 3 & 0xf) << 8 | 7);
            for (int a = 0; a < 4; a++) h.memRead(0xa0000 + a * 1231);
        }
        h.outw(0x3ce, 0x0105); // write mode 1: copy latches
        h.memRead(0xa0007);
        h.mem(0xa0100, new byte[]{0});
        h.outw(0x3ce, 0x0005);
        for (int p = 0; p < 4; p++) {
            h.outw(0x3ce, p << 8 | 4);
            h.memRead(0xa0100);
        }
        h.memRead(0xb0000); // map 1: outside the 64K window
        text80x25(h);
        for (int a = 0; a < 16; a++) h.memRead(0xb8000 + a * 77);
        h.memRead(0xa0000);
        h.outw(0x3ce, 0x0204); // odd/even with read map 2: plane 2/3 (the font)
        for (int a = 0; a < 8; a++) h.memRead(0xb8000 + a * 2 + 64 * 32);
        h.outw(0x3ce, 0x0004);
        mode13h(h);
        for (int a = 0; a < 8; a++) h.memRead(0xa0000 + a * 3001);
    }

    @Test
    void registerReadsMatchQemu() throws Exception {
        compare(ScreendumpQemuTest::registerReads);
    }

    @Test
    void memoryReadsMatchQemu() throws Exception {
        compare(ScreendumpQemuTest::memoryReads);
    }

    // ------------------------------------------------------------------ the comparison

    @Test
    void text80x25MatchesQemu() throws Exception {
        compare(ScreendumpQemuTest::text80x25);
    }

    @Test
    void mode13hMatchesQemu() throws Exception {
        compare(ScreendumpQemuTest::mode13h);
    }

    @Test
    void mode12hMatchesQemu() throws Exception {
        compare(ScreendumpQemuTest::mode12h);
    }

    @Test
    void mode12hSplitScreenMatchesQemu() throws Exception {
        compare(ScreendumpQemuTest::mode12hSplit);
    }

    @Test
    void mode0DhMatchesQemu() throws Exception {
        compare(ScreendumpQemuTest::mode0Dh);
    }

    @Test
    void cgaMode4MatchesQemu() throws Exception {
        compare(ScreendumpQemuTest::cga320x200);
    }

    @Test
    void text40x25MatchesQemu() throws Exception {
        compare(ScreendumpQemuTest::text40x25);
    }

    @Test
    void vbe8bppMatchesQemu() throws Exception {
        compare(vbeBanked(320, 200, 8, false));
    }

    @Test
    void vbe8bppWith8BitDacMatchesQemu() throws Exception {
        compare(vbeBanked(320, 200, 8, true));
    }

    @Test
    void vbe15bppMatchesQemu() throws Exception {
        compare(vbeBanked(320, 240, 15, false));
    }

    @Test
    void vbe16bppMatchesQemu() throws Exception {
        compare(vbeBanked(320, 240, 16, false));
    }

    @Test
    void vbe24bppMatchesQemu() throws Exception {
        compare(vbeBanked(320, 200, 24, false));
    }

    @Test
    void vbe32bppMatchesQemu() throws Exception {
        compare(vbeBanked(320, 200, 32, false));
    }

    private void compare(Consumer<Hw> scenario) throws Exception {
        assumeTrue(onPath("qemu-system-x86_64") && onPath("nasm"), "qemu-system-x86_64 and nasm needed");
        Table t = new Table();
        scenario.accept(t);
        Live l = new Live();
        scenario.accept(l);
        Screendump.Image ours = Screendump.render(l.m.vga, false);
        Qemu q = runQemu(t);
        assertArrayEquals(q.reports, l.reports.toByteArray(), "values read back");
        Screendump.Image theirs = q.image;
        assertEquals(theirs.width() + "x" + theirs.height(), ours.width() + "x" + ours.height());
        int bad = 0, first = -1;
        for (int i = 0; i < ours.rgb().length; i++) {
            if (ours.rgb()[i] != theirs.rgb()[i]) {
                if (first < 0) first = i;
                bad++;
            }
        }
        if (bad > 0) {
            int x = first % ours.width(), y = first / ours.width();
            fail(String.format("%d pixels differ; first at (%d,%d): ours %06x, QEMU %06x", bad, x, y,
                    ours.pixel(x, y), theirs.pixel(x, y)));
        }
    }

    private static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":"))
            if (Files.isExecutable(Path.of(d, exe))) return true;
        return false;
    }

    record Qemu(Screendump.Image image, byte[] reports) {
    }

    private Qemu runQemu(Table t) throws Exception {
        byte[] table = t.bytes();
        Path asm = dir.resolve("vgaplay.asm"), boot = dir.resolve("boot.img"), tab = dir.resolve("table.bin");
        try (InputStream in = ScreendumpQemuTest.class.getResourceAsStream("vgaplay.asm")) {
            Files.write(asm, in.readAllBytes());
        }
        Process nasm = new ProcessBuilder("nasm", "-f", "bin", "-o", boot.toString(), asm.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, nasm.waitFor(), new String(nasm.getInputStream().readAllBytes()));
        Files.write(tab, table);
        Path dbg = dir.resolve("debugcon.txt"), ppm = dir.resolve("screen.ppm");
        Process q = new ProcessBuilder("qemu-system-x86_64", "-nodefaults", "-no-user-config", "-machine", "pc",
                "-accel", "tcg", "-m", "32", "-vga", "std", "-display", "none",
                "-drive", "file=" + boot + ",format=raw,if=ide",
                "-device", "loader,file=" + tab + ",addr=0x1000000,force-raw=on",
                "-debugcon", "file:" + dbg, "-monitor", "stdio")
                .redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
        try (OutputStream mon = q.getOutputStream()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!(Files.exists(dbg) && Files.size(dbg) == t.reports + 1)) {
                if (!q.isAlive() || System.nanoTime() > deadline)
                    fail("QEMU did not run the table: " + Files.readString(dir.resolve("qemu.log")));
                Thread.sleep(100);
            }
            mon.write(("screendump " + ppm + "\nquit\n").getBytes(StandardCharsets.US_ASCII));
            mon.flush();
            assertTrue(q.waitFor(60, TimeUnit.SECONDS), "QEMU did not quit");
        } finally {
            q.destroyForcibly();
        }
        byte[] out = Files.readAllBytes(dbg);
        assertEquals('D', out[t.reports], "end marker");
        return new Qemu(readPpm(Files.readAllBytes(ppm)), java.util.Arrays.copyOf(out, t.reports));
    }

    /** A binary PPM (P6, maxval 255) as QEMU writes it. */
    static Screendump.Image readPpm(byte[] f) throws IOException {
        int[] pos = {0};
        if (!token(f, pos).equals("P6")) throw new IOException("not a P6 PPM");
        int w = Integer.parseInt(token(f, pos)), h = Integer.parseInt(token(f, pos));
        if (!token(f, pos).equals("255")) throw new IOException("maxval");
        int p = pos[0] + 1;
        int[] rgb = new int[w * h];
        for (int i = 0; i < rgb.length; i++, p += 3)
            rgb[i] = (f[p] & 0xff) << 16 | (f[p + 1] & 0xff) << 8 | f[p + 2] & 0xff;
        return new Screendump.Image(w, h, rgb);
    }

    private static String token(byte[] f, int[] pos) {
        int p = pos[0];
        while (Character.isWhitespace(f[p])) p++;
        int s = p;
        while (!Character.isWhitespace(f[p])) p++;
        pos[0] = p;
        return new String(f, s, p - s, StandardCharsets.US_ASCII);
    }
}
