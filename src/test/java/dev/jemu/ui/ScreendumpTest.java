package dev.jemu.ui;

import dev.jemu.hw.display.Vga;
import dev.jemu.hw.display.VgaModes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Rendering as QEMU 7.2's vga_draw_text / vga_draw_graphic, after programming the VGA as vgabios and vgacon do. */
class ScreendumpTest {
    final VgaModes m = new VgaModes();
    final Vga vga = m.vga;

    // QEMU scales 6-bit DAC values as (v << 2) | (v & 1) * 3: 0x2a -> 0xa8, 0x15 -> 0x57, 0x3f -> 0xff
    static final int BLUE = 0x0000a8, WHITE = 0xffffff, BLACK = 0, LIGHT_RED = 0xff5757, BROWN = 0xa85700;

    /** Mode 3 as vgabios sets it: tables, EGA palette, a 16-line font into plane 2, cursor lines 13-14. */
    void mode3() {
        m.setMode(VgaModes.MODE3);
        m.loadEgaPalette();
        m.loadFont(VgaModes.testFont(16), 16);
    }

    void putText(int row, int col, String s, int attr) {
        for (int i = 0; i < s.length(); i++) {
            int a = 0xb8000 + (row * 80 + col + i) * 2;
            m.mem(a, s.charAt(i));
            m.mem(a + 1, attr);
        }
    }

    @Test
    void mode3TextReadsBackAndRendersTheBiosFont() {
        mode3();
        putText(0, 0, "Hello, world", 0x1f);
        putText(24, 70, "bottom", 0x07);
        String text = Screendump.text(vga);
        String[] rows = text.split("\n", -1);
        assertEquals(25, rows.length);
        assertEquals("Hello, world", rows[0]);
        assertEquals(" ".repeat(70) + "bottom", rows[24]);
        assertEquals("", rows[1]);

        Screendump.Image img = Screendump.render(vga, false);
        assertEquals(720, img.width());
        assertEquals(400, img.height());
        // cell (0,0) is 'H': 9 dots wide, 16 lines, white on blue from the glyph in plane 2
        for (int y = 0; y < 16; y++) {
            int bits = VgaModes.glyphRow('H', y);
            for (int x = 0; x < 8; x++)
                assertEquals((bits & (0x80 >> x)) != 0 ? WHITE : BLUE, img.pixel(x, y), "H at " + x + "," + y);
            assertEquals(BLUE, img.pixel(8, y), "9th column is background for letters");
            int e = VgaModes.glyphRow('e', y);
            for (int x = 0; x < 8; x++)
                assertEquals((e & (0x80 >> x)) != 0 ? WHITE : BLUE, img.pixel(9 + x, y));
        }
        // light grey on black at the bottom right
        int grey = 0xa8a8a8;
        for (int y = 0; y < 16; y++) {
            int bits = VgaModes.glyphRow('b', y);
            for (int x = 0; x < 8; x++)
                assertEquals((bits & (0x80 >> x)) != 0 ? grey : BLACK, img.pixel(70 * 9 + x, 24 * 16 + y));
        }
    }

    @Test
    void lineGraphicsCharactersRepeatTheEighthDot() {
        mode3();
        putText(1, 0, "\u00c4\u0041", 0x0e); // 0xC4 (a box-drawing code) and 'A', yellow on black
        Screendump.Image img = Screendump.render(vga, false);
        int yellow = 0xffff57;
        for (int y = 0; y < 16; y++) {
            int box = VgaModes.glyphRow(0xc4, y), a = VgaModes.glyphRow('A', y);
            assertEquals((box & 1) != 0 ? yellow : BLACK, img.pixel(8, 16 + y), "C4 line " + y);
            assertEquals(BLACK, img.pixel(9 + 8, 16 + y), "'A' keeps a blank 9th dot");
            assertEquals((a & 1) != 0 ? yellow : BLACK, img.pixel(9 + 7, 16 + y));
        }
        assertEquals("─A", Screendump.text(vga).split("\n")[1]);
    }

    @Test
    void cursorIsDrawnOnItsLinesWithTheCellsForeground() {
        mode3();
        putText(2, 5, "x", 0x4e); // yellow on red
        int pos = 2 * 80 + 5;
        m.crtc(0x0e, pos >> 8);
        m.crtc(0x0f, pos & 0xff);
        Screendump.Image with = Screendump.render(vga, true), without = Screendump.render(vga, false);
        int x0 = 5 * 9, y0 = 2 * 16;
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 9; x++) {
                boolean cursorLine = y >= 0x0d && y <= 0x0e; // vgabios mode 3: CR0A=0D, CR0B=0E
                if (cursorLine) assertEquals(0xffff57, with.pixel(x0 + x, y0 + y));
                else assertEquals(without.pixel(x0 + x, y0 + y), with.pixel(x0 + x, y0 + y));
            }
        }
        // CR0A bit 5 hides it (vgacon's cursor off)
        m.crtc(0x0a, 0x20);
        assertArrayEquals(without.rgb(), Screendump.render(vga, true).rgb());
    }

    @Test
    void vgaconScrollsWithTheStartAddressAndCanUseTheSecondFont() {
        mode3();
        for (int r = 0; r < 30; r++) putText(r, 0, "line " + r, 0x07);
        // vgacon's vga_set_mem_top: start address in words via CR0C/CR0D
        m.outw(0x3d4, ((80 * 3 >> 8) << 8) | 0x0c);
        m.outw(0x3d4, ((80 * 3 & 0xff) << 8) | 0x0d);
        String[] rows = Screendump.text(vga).split("\n");
        assertEquals("line 3", rows[0]);
        assertEquals("line 27", rows[24]);
        // a 512-character font: character map select B = block 1, attribute bit 3 picks it
        byte[] second = new byte[256 * 16];
        for (int i = 0; i < second.length; i++) second[i] = (byte) 0xff;
        m.seq(0x00, 0x01);
        m.seq(0x02, 0x04);
        m.seq(0x04, 0x07);
        m.seq(0x00, 0x03);
        m.grdc(0x04, 0x02);
        m.grdc(0x05, 0x00);
        m.grdc(0x06, 0x04);
        for (int c = 0; c < 256; c++)
            for (int y = 0; y < 16; y++) m.mem(0xa0000 + 0x4000 + c * 32 + y, 0xff); // block 1 is at 16K
        m.seq(0x02, 0x03);
        m.seq(0x04, 0x03);
        m.grdc(0x06, 0x0e);
        m.grdc(0x04, 0x00);
        m.grdc(0x05, 0x10);
        m.seq(0x03, 0x04); // map A = block 0 (bit 3 clear), map B = block 1 (bit 3 set)
        putText(3, 0, "l", 0x0f); // attribute bit 3 set: block 1, all dots on
        Screendump.Image img = Screendump.render(vga, false);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 8; x++) assertEquals(WHITE, img.pixel(x, y), "second font at " + x + "," + y);
    }

    @Test
    void fortyColumnTextIsSixteenDotsWide() {
        mode3();
        m.crtc(0x11, 0); // unlock
        m.crtc(0x01, 39);
        m.seq(0x01, 0x08 | 0x01); // dot clock / 2, 8-dot
        putText(0, 0, "W", 0x1f);
        Screendump.Image img = Screendump.render(vga, false);
        assertEquals(640, img.width());
        int bits = VgaModes.glyphRow('W', 0);
        for (int x = 0; x < 16; x++) assertEquals((bits & (0x80 >> (x / 2))) != 0 ? WHITE : BLUE, img.pixel(x, 0));
        assertEquals("W", Screendump.text(vga).split("\n")[0]);
    }

    @Test
    void mode13hDoublesPixelsAndLines() {
        m.setMode(VgaModes.MODE13);
        m.out(0x3c8, 0x20);
        for (int v : new int[]{63, 0, 0, 0, 63, 0, 0x15, 0x2a, 0x3f}) m.out(0x3c9, v);
        m.mem(0xa0000 + 5 * 320 + 10, 0x20);
        m.mem(0xa0000 + 5 * 320 + 11, 0x21);
        m.mem(0xa0000 + 199 * 320 + 319, 0x22);
        Screendump.Image img = Screendump.render(vga, true);
        assertEquals(640, img.width());
        assertEquals(400, img.height());
        for (int dy = 0; dy < 2; dy++) {
            assertEquals(0xff0000, img.pixel(20, 10 + dy));
            assertEquals(0xff0000, img.pixel(21, 10 + dy));
            assertEquals(0x00ff00, img.pixel(22, 10 + dy));
            assertEquals(0x00ff00, img.pixel(23, 10 + dy));
        }
        assertEquals(BLACK, img.pixel(19, 10));
        assertEquals(BLACK, img.pixel(20, 12));
        assertEquals(0x57a8ff, img.pixel(639, 399));
        assertNull(Screendump.text(vga), "not a text mode");
    }

    @Test
    void mode12hPlanarSixteenColours() {
        m.setMode(VgaModes.MODE12);
        m.loadEgaPalette();
        // write mode 2 as a planar driver plots a pixel: colour 12 at (3, 1), colour 6 at (639, 479)
        m.grdc(Vga.GFX_MODE, 2);
        m.grdc(Vga.GFX_BIT_MASK, 0x80 >> 3);
        m.mem(0xa0000 + 80);
        m.mem(0xa0000 + 80, 12);
        m.grdc(Vga.GFX_BIT_MASK, 0x01);
        m.mem(0xa0000 + 479 * 80 + 79);
        m.mem(0xa0000 + 479 * 80 + 79, 6);
        Screendump.Image img = Screendump.render(vga, true);
        assertEquals(640, img.width());
        assertEquals(480, img.height());
        assertEquals(LIGHT_RED, img.pixel(3, 1));
        assertEquals(BLACK, img.pixel(2, 1));
        assertEquals(BLACK, img.pixel(3, 0));
        assertEquals(BROWN, img.pixel(639, 479), "index 6 maps to EGA colour 0x14 (brown)");
        // the colour plane enable masks planes out of the pixel value
        m.attr(Vga.ATC_PLANE_ENABLE, 0x03);
        Screendump.Image masked = Screendump.render(vga, true);
        assertEquals(BLACK, masked.pixel(3, 1), "12 & 3 = 0");
        assertEquals(0x00a800, masked.pixel(639, 479), "6 & 3 = 2: green");
    }

    @Test
    void vbe32bppThroughTheLinearFrameBuffer() {
        m.setVbeMode(640, 480, 32, false);
        vga.lfb().write((10L * 640 + 20) * 4, 4, 0x00123456L);
        vga.lfb().write((479L * 640 + 639) * 4, 4, 0x00fedcbaL);
        Screendump.Image img = Screendump.render(vga, true);
        assertEquals(640, img.width());
        assertEquals(480, img.height());
        assertEquals(0x123456, img.pixel(20, 10));
        assertEquals(0xfedcba, img.pixel(639, 479));
        assertEquals(BLACK, img.pixel(21, 10));
        // panning with the y offset scrolls the picture up
        m.dispi(Vga.VBE_INDEX_Y_OFFSET, 10);
        assertEquals(0x123456, Screendump.render(vga, true).pixel(20, 0));
    }

    @Test
    void vbe15And16And24bpp() {
        m.setVbeMode(320, 200, 16, false);
        vga.lfb().write(0, 2, 0xf800L); // pure red in 5:6:5
        vga.lfb().write(2, 2, 0x07e0L); // green
        vga.lfb().write(4, 2, 0x001fL); // blue
        Screendump.Image img = Screendump.render(vga, true);
        assertEquals(320, img.width());
        // widened as pixman does when QEMU saves a 16 bpp surface: top bits repeated
        assertEquals(0xff0000, img.pixel(0, 0));
        assertEquals(0x00ff00, img.pixel(1, 0));
        assertEquals(0x0000ff, img.pixel(2, 0));

        m.setVbeMode(320, 200, 15, false);
        vga.lfb().write(0, 2, 0x7c00L);
        vga.lfb().write(2, 2, 0x0200L); // green 10000b
        img = Screendump.render(vga, true);
        assertEquals(0xf80000, img.pixel(0, 0), "15 bpp is not widened");
        assertEquals(0x008000, img.pixel(1, 0));

        m.setVbeMode(320, 200, 24, false);
        vga.lfb().write(3 * 321, 1, 0x33); // blue byte first
        vga.lfb().write(3 * 321 + 1, 1, 0x22);
        vga.lfb().write(3 * 321 + 2, 1, 0x11);
        img = Screendump.render(vga, true);
        assertEquals(0x112233, img.pixel(1, 1));
    }

    @Test
    void vbe8bppBankedWithAn8BitDac() {
        m.setVbeMode(800, 600, 8, false);
        m.dispi(Vga.VBE_INDEX_ENABLE, Vga.VBE_ENABLED | Vga.VBE_8BIT_DAC | Vga.VBE_NOCLEARMEM);
        m.out(0x3c8, 0x80);
        m.out(0x3c9, 0xc0);
        m.out(0x3c9, 0x81);
        m.out(0x3c9, 0x42);
        int pixel = 100 * 800 + 7; // 80007 = bank 1, offset 0x3887
        m.dispi(Vga.VBE_INDEX_BANK, pixel >> 16);
        m.mem(0xa0000 + (pixel & 0xffff), 0x80);
        Screendump.Image img = Screendump.render(vga, true);
        assertEquals(800, img.width());
        assertEquals(600, img.height());
        assertEquals(0xc08142, img.pixel(7, 100), "8-bit DAC values used as they are");
        m.dispi(Vga.VBE_INDEX_ENABLE, Vga.VBE_ENABLED | Vga.VBE_NOCLEARMEM);
        assertEquals(0x000708, Screendump.render(vga, true).pixel(7, 100), "6-bit DAC: low 6 bits scaled");
    }

    @Test
    void paletteSourceBitClearBlanksTheScreen() {
        mode3();
        putText(0, 0, "Hi", 0x1f);
        m.in(0x3da);
        m.out(0x3c0, 0x00); // palette address source cleared: the CPU owns the palette, the screen is blank
        assertEquals(Screendump.Mode.BLANK, Screendump.mode(vga));
        Screendump.Image img = Screendump.render(vga, true);
        for (int p : img.rgb()) assertEquals(BLACK, p);
        assertNull(Screendump.text(vga));
    }

    @Test
    void pngRoundTrips(@TempDir Path dir) throws Exception {
        mode3();
        putText(0, 0, "PNG", 0x4f);
        Path f = dir.resolve("screen.png");
        Screendump.save(vga, f);
        BufferedImage b = ImageIO.read(f.toFile());
        Screendump.Image img = Screendump.render(vga, true);
        assertEquals(img.width(), b.getWidth());
        assertEquals(img.height(), b.getHeight());
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 40; x++) assertEquals(img.pixel(x, y), b.getRGB(x, y) & 0xffffff);
        assertEquals(img.pixel(719, 399), b.getRGB(719, 399) & 0xffffff);
    }
}
