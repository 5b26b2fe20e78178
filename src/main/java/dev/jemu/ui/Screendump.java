package dev.jemu.ui;

import dev.jemu.hw.display.Cp437;
import dev.jemu.hw.display.Vga;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The VGA screen as QEMU's {@code screendump} renders it (vga_draw_text / vga_draw_graphic of QEMU 7.2): text
 * modes with the font the BIOS loaded into plane 2 and the attribute palette through the DAC, CGA 4-colour,
 * planar 16-colour, mode 13h and the VBE 8/15/16/24/32 bpp modes, written as a PNG. {@link #text} reads a text
 * screen back as characters (tests use it). Not a hot path: it allocates the image per call.
 */
public final class Screendump {
    private Screendump() {
    }

    /** A rendered screen: {@code rgb[y * width + x] = 0xRRGGBB}. */
    public record Image(int width, int height, int[] rgb) {
        public int pixel(int x, int y) {
            return rgb[y * width + x];
        }
    }

    /** What the display shows, as QEMU picks it. */
    public enum Mode { BLANK, TEXT, GRAPHIC }

    public static Mode mode(Vga vga) {
        if ((vga.arIndex() & Vga.ATTR_PAS) == 0) return Mode.BLANK;
        return (vga.gr(Vga.GFX_MISC) & Vga.GR06_GRAPHICS_MODE) != 0 ? Mode.GRAPHIC : Mode.TEXT;
    }

    /** Renders the screen (the text cursor drawn if {@code cursor}). */
    public static Image render(Vga vga, boolean cursor) {
        return switch (mode(vga)) {
            case TEXT -> renderText(vga, cursor);
            case GRAPHIC -> renderGraphic(vga);
            case BLANK -> blank(vga);
        };
    }

    /** Renders the screen and writes it to {@code file} as a PNG. */
    public static void save(Vga vga, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            writePng(render(vga, true), out);
        }
    }

    // ------------------------------------------------------------------ text

    /** Text geometry: columns, rows, character cell width and height (QEMU's vga_get_text_resolution). */
    private record TextGeometry(int cols, int rows, int cw, int ch) {
    }

    private static TextGeometry textGeometry(Vga vga) {
        int cols = vga.cr(Vga.CRTC_H_DISP) + 1;
        int ch = (vga.cr(Vga.CRTC_MAX_SCAN) & 0x1f) + 1;
        int cw = (vga.sr(Vga.SEQ_CLOCK_MODE) & Vga.SR01_DOT8) != 0 ? 8 : 9;
        if ((vga.sr(Vga.SEQ_CLOCK_MODE) & Vga.SR01_DIV2) != 0) cw = 16; // QEMU draws 40-column text 16 wide
        int rows = (verticalDisplay(vga) + 1) / ch;
        return new TextGeometry(cols, rows, cw, ch);
    }

    private static int verticalDisplay(Vga vga) {
        int ov = vga.cr(Vga.CRTC_OVERFLOW);
        return vga.cr(Vga.CRTC_V_DISP_END) | ((ov & 0x02) << 7) | ((ov & 0x40) << 3);
    }

    /** The 16 attribute colours through the DAC (QEMU's update_palette16). */
    private static int[] palette16(Vga vga) {
        int[] p = new int[16];
        for (int i = 0; i < 16; i++) {
            int v = vga.ar(i);
            if ((vga.ar(Vga.ATC_MODE) & 0x80) != 0) v = ((vga.ar(Vga.ATC_COLOR_PAGE) & 0xf) << 4) | (v & 0xf);
            else v = ((vga.ar(Vga.ATC_COLOR_PAGE) & 0xc) << 4) | (v & 0x3f);
            p[i] = rgb(c6to8(vga.dac(v, 0)), c6to8(vga.dac(v, 1)), c6to8(vga.dac(v, 2)));
        }
        return p;
    }

    private static int[] palette256(Vga vga) {
        int[] p = new int[256];
        for (int i = 0; i < 256; i++) {
            p[i] = vga.dac8bit() ? rgb(vga.dac(i, 0), vga.dac(i, 1), vga.dac(i, 2))
                    : rgb(c6to8(vga.dac(i, 0)), c6to8(vga.dac(i, 1)), c6to8(vga.dac(i, 2)));
        }
        return p;
    }

    /** 6-bit DAC value to 8 bits as QEMU scales it. */
    static int c6to8(int v) {
        v &= 0x3f;
        int b = v & 1;
        return (v << 2) | (b << 1) | b;
    }

    private static int rgb(int r, int g, int b) {
        return (r << 16) | (g << 8) | b;
    }

    /** Plane-2 offsets of the two fonts the character map select chooses (attribute bit 3 picks one). */
    private static long[] fontBases(Vga vga) {
        int v = vga.sr(Vga.SEQ_CHARACTER_MAP);
        long a = (((v >> 4) & 1) | ((v << 1) & 6)) * 8192L * 4 + 2;
        long b = (((v >> 5) & 1) | ((v >> 1) & 6)) * 8192L * 4 + 2;
        return new long[]{a, b};
    }

    private static Image renderText(Vga vga, boolean cursor) {
        TextGeometry g = textGeometry(vga);
        if (g.cols * g.rows <= 1 || g.cols * g.rows > 150 * 150) return blank(vga);
        int w = g.cols * g.cw, h = g.rows * g.ch;
        int[] img = new int[w * h];
        int[] pal = palette16(vga);
        long[] fonts = fontBases(vga);
        long start = vga.startAddr() * 4L;
        int lineOffset = vga.lineOffset();
        long cursorAddr = (((long) vga.cr(Vga.CRTC_CURSOR_HI) << 8) | vga.cr(Vga.CRTC_CURSOR_LO)) * 4L;
        boolean cursorOn = cursor && (vga.cr(Vga.CRTC_CURSOR_START) & 0x20) == 0;
        int curStart = vga.cr(Vga.CRTC_CURSOR_START) & 0x1f;
        int curEnd = Math.min(vga.cr(Vga.CRTC_CURSOR_END) & 0x1f, g.ch - 1);
        boolean lineGraphics = (vga.ar(Vga.ATC_MODE) & 0x04) != 0;
        long row = start;
        for (int cy = 0; cy < g.rows; cy++, row += lineOffset) {
            long src = row;
            for (int cx = 0; cx < g.cols; cx++, src += 4) {
                int c = vga.vramByte(src);
                int attr = vga.vramByte(src + 1);
                long glyph = fonts[(attr >> 3) & 1] + 32L * 4 * c;
                int fg = pal[attr & 0x0f], bg = pal[attr >> 4];
                // the 9th column repeats the 8th for the line-drawing characters C0-DF when enabled
                boolean dup9 = lineGraphics && c >= 0xb0 && c <= 0xdf;
                for (int y = 0; y < g.ch; y++) {
                    int bits = vga.vramByte(glyph + 4L * y);
                    int o = (cy * g.ch + y) * w + cx * g.cw;
                    if (g.cw == 16) {
                        for (int x = 0; x < 16; x++) img[o + x] = (bits & (0x80 >> (x >> 1))) != 0 ? fg : bg;
                    } else {
                        for (int x = 0; x < 8; x++) img[o + x] = (bits & (0x80 >> x)) != 0 ? fg : bg;
                        if (g.cw == 9) img[o + 8] = dup9 && (bits & 1) != 0 ? fg : bg;
                    }
                }
                if (cursorOn && src == cursorAddr && curStart <= curEnd && curStart < g.ch) {
                    for (int y = curStart; y <= curEnd; y++) {
                        int o = (cy * g.ch + y) * w + cx * g.cw;
                        for (int x = 0; x < g.cw; x++) img[o + x] = fg;
                    }
                }
            }
        }
        return new Image(w, h, img);
    }

    /** The text screen's rows (characters as CP437 maps them to Unicode, NUL as a space); null if not text mode. */
    public static String[] textRows(Vga vga) {
        if (mode(vga) != Mode.TEXT) return null;
        TextGeometry g = textGeometry(vga);
        if (g.cols * g.rows <= 1 || g.cols * g.rows > 150 * 150) return new String[0];
        String[] rows = new String[g.rows];
        long row = vga.startAddr() * 4L;
        StringBuilder sb = new StringBuilder(g.cols);
        for (int cy = 0; cy < g.rows; cy++, row += vga.lineOffset()) {
            sb.setLength(0);
            for (int cx = 0; cx < g.cols; cx++) sb.append(Cp437.toChar(vga.vramByte(row + 4L * cx)));
            rows[cy] = sb.toString();
        }
        return rows;
    }

    /**
     * The text screen as one string: rows without trailing blanks, joined by newlines (trailing empty rows
     * dropped). Null when the display is not in a text mode.
     */
    public static String text(Vga vga) {
        String[] rows = textRows(vga);
        if (rows == null) return null;
        StringBuilder sb = new StringBuilder();
        int last = rows.length - 1;
        while (last >= 0 && rows[last].isBlank()) last--;
        for (int i = 0; i <= last; i++) {
            if (i > 0) sb.append('\n');
            sb.append(rows[i].stripTrailing());
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ graphics

    private static Image blank(Vga vga) {
        return new Image(640, 480, new int[640 * 480]);
    }

    /** Bits per pixel of the VBE mode, or 0 when VBE is off (QEMU's vga_get_bpp). */
    private static int bpp(Vga vga) {
        return vga.vbeEnabled() ? vga.vbeReg(Vga.VBE_INDEX_BPP) : 0;
    }

    private static Image renderGraphic(Vga vga) {
        int width, height;
        if (vga.vbeEnabled()) {
            width = vga.vbeReg(Vga.VBE_INDEX_XRES);
            height = vga.vbeReg(Vga.VBE_INDEX_YRES);
        } else {
            width = (vga.cr(Vga.CRTC_H_DISP) + 1) * 8;
            height = verticalDisplay(vga) + 1;
        }
        int shiftControl = (vga.gr(Vga.GFX_MODE) >> 5) & 3;
        int doubleScan = vga.cr(Vga.CRTC_MAX_SCAN) >> 7;
        int multiScan = shiftControl != 1 ? (((vga.cr(Vga.CRTC_MAX_SCAN) & 0x1f) + 1) << doubleScan) - 1 : doubleScan;
        boolean div2 = (vga.sr(Vga.SEQ_CLOCK_MODE) & Vga.SR01_DIV2) != 0;
        int dispWidth = width;
        int bpp = bpp(vga);
        if (shiftControl <= 1 && div2) dispWidth <<= 1;
        if (dispWidth <= 0 || height <= 0 || (long) dispWidth * height > 16_000_000) return blank(vga);
        int[] pal = shiftControl <= 1 ? palette16(vga) : bpp <= 8 ? palette256(vga) : null;
        int planeMask = vga.ar(Vga.ATC_PLANE_ENABLE) & 0xf;
        int[] img = new int[dispWidth * height];
        long addr1 = vga.startAddr() * 4L;
        int lineOffset = vga.lineOffset();
        int lineCompare = vga.lineCompare();
        int crMode = vga.cr(Vga.CRTC_MODE);
        int multiRun = multiScan;
        int y1 = 0;
        for (int y = 0; y < height; y++) {
            long addr = addr1;
            if ((crMode & 1) == 0) { // CGA: scan line bit 0 replaces address bit 13 (or 14 with CR17 bit 6... as QEMU)
                int shift = 14 + ((crMode >> 6) & 1);
                addr = (addr & ~(1L << shift)) | ((long) (y1 & 1) << shift);
            }
            if ((crMode & 2) == 0) addr = (addr & ~0x8000L) | ((long) (y1 & 2) << 14);
            int o = y * dispWidth;
            if (shiftControl == 0) drawLine4(vga, img, o, addr, width, pal, planeMask, div2);
            else if (shiftControl == 1) drawLine2(vga, img, o, addr, width, pal, planeMask, div2);
            else drawLineLinear(vga, img, o, addr, width, bpp, pal);
            if (multiRun == 0) {
                int mask = (crMode & 3) ^ 3;
                if ((y1 & mask) == mask) addr1 += lineOffset;
                y1++;
                multiRun = multiScan;
            } else {
                multiRun--;
            }
            if (y == lineCompare) addr1 = 0;
        }
        return new Image(dispWidth, height, img);
    }

    /** 16-colour planar: 8 pixels per dword, pixel colour bit p from plane p (bit 7 first). */
    private static void drawLine4(Vga vga, int[] img, int o, long addr, int width, int[] pal, int planeMask,
                                  boolean div2) {
        int rep = div2 ? 2 : 1;
        for (int x = 0; x < width >> 3; x++, addr += 4) {
            int data = vga.vramDword(addr);
            for (int i = 0; i < 8; i++) {
                int bit = 7 - i, c = 0;
                for (int p = 0; p < 4; p++) c |= ((data >>> (8 * p + bit)) & 1) << p;
                int col = pal[c & planeMask];
                for (int r = 0; r < rep; r++) img[o++] = col;
            }
        }
    }

    /** CGA 4-colour (shift register interleave): 2-bit pixels from planes 0/2 then 1/3, as QEMU's line2. */
    private static void drawLine2(Vga vga, int[] img, int o, long addr, int width, int[] pal, int planeMask,
                                  boolean div2) {
        int rep = div2 ? 2 : 1;
        for (int x = 0; x < width >> 3; x++, addr += 4) {
            int data = vga.vramDword(addr) & mask16(planeMask);
            for (int half = 0; half < 2; half++) {
                int lo = (data >>> (8 * half)) & 0xff, hi = (data >>> (8 * (half + 2))) & 0xff;
                for (int k = 0; k < 4; k++) {
                    int sh = 6 - 2 * k;
                    int c = ((lo >> sh) & 3) | (((hi >> sh) & 3) << 2);
                    for (int r = 0; r < rep; r++) img[o++] = pal[c];
                }
            }
        }
    }

    private static int mask16(int v) {
        return ((v & 1) != 0 ? 0xff : 0) | ((v & 2) != 0 ? 0xff00 : 0) | ((v & 4) != 0 ? 0xff0000 : 0)
                | ((v & 8) != 0 ? 0xff000000 : 0);
    }

    private static void drawLineLinear(Vga vga, int[] img, int o, long addr, int width, int bpp, int[] pal) {
        switch (bpp) {
            case 0 -> { // mode 13h: 4 bytes give 8 pixels, each doubled
                for (int x = 0; x < width >> 3; x++, addr += 4) {
                    for (int i = 0; i < 4; i++) {
                        int c = pal[vga.vramByte(addr + i)];
                        img[o++] = c;
                        img[o++] = c;
                    }
                }
            }
            case 8 -> {
                for (int x = 0; x < width; x++) img[o++] = pal[vga.vramByte(addr++)];
            }
            case 15 -> {
                for (int x = 0; x < width; x++, addr += 2) {
                    int v = vga.vramByte(addr) | (vga.vramByte(addr + 1) << 8);
                    // QEMU draws 15 bpp itself (no pixman sharing): the low bits stay zero
                    img[o++] = rgb((v >> 7) & 0xf8, (v >> 2) & 0xf8, (v << 3) & 0xf8);
                }
            }
            case 16 -> {
                for (int x = 0; x < width; x++, addr += 2) {
                    int v = vga.vramByte(addr) | (vga.vramByte(addr + 1) << 8);
                    img[o++] = rgb(expand5(v >> 11), expand6(v >> 5), expand5(v));
                }
            }
            case 24 -> {
                for (int x = 0; x < width; x++, addr += 3)
                    img[o++] = rgb(vga.vramByte(addr + 2), vga.vramByte(addr + 1), vga.vramByte(addr));
            }
            case 32 -> {
                for (int x = 0; x < width; x++, addr += 4)
                    img[o++] = rgb(vga.vramByte(addr + 2), vga.vramByte(addr + 1), vga.vramByte(addr));
            }
            default -> {
            }
        }
    }

    /** QEMU shares a 16 bpp frame buffer with pixman, which widens a channel by repeating its top bits. */
    private static int expand5(int v) {
        v &= 0x1f;
        return (v << 3) | (v >> 2);
    }

    private static int expand6(int v) {
        v &= 0x3f;
        return (v << 2) | (v >> 4);
    }

    // ------------------------------------------------------------------ PNG

    /** Writes {@code image} as an 8-bit RGB PNG. */
    public static void writePng(Image image, OutputStream out) throws IOException {
        out.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, image.width);
        putInt(ihdr, 4, image.height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        chunk(out, "IHDR", ihdr, ihdr.length);
        int stride = image.width * 3 + 1;
        byte[] raw = new byte[stride * image.height];
        for (int y = 0, p = 0; y < image.height; y++) {
            raw[p++] = 0; // filter: none
            for (int x = 0; x < image.width; x++) {
                int c = image.rgb[y * image.width + x];
                raw[p++] = (byte) (c >> 16);
                raw[p++] = (byte) (c >> 8);
                raw[p++] = (byte) c;
            }
        }
        Deflater d = new Deflater(6);
        d.setInput(raw);
        d.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream(raw.length / 4 + 64);
        byte[] buf = new byte[65536];
        while (!d.finished()) z.write(buf, 0, d.deflate(buf));
        d.end();
        byte[] zb = z.toByteArray();
        chunk(out, "IDAT", zb, zb.length);
        chunk(out, "IEND", new byte[0], 0);
    }

    public static byte[] png(Image image) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            writePng(image, b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.toByteArray();
    }

    private static void chunk(OutputStream out, String type, byte[] data, int len) throws IOException {
        byte[] hdr = new byte[8];
        putInt(hdr, 0, len);
        for (int i = 0; i < 4; i++) hdr[4 + i] = (byte) type.charAt(i);
        CRC32 crc = new CRC32();
        crc.update(hdr, 4, 4);
        crc.update(data, 0, len);
        out.write(hdr);
        out.write(data, 0, len);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.write(c);
    }

    private static void putInt(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }
}
