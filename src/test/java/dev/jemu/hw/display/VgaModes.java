package dev.jemu.hw.display;

import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.core.MmioBus;

/**
 * Drives a {@link Vga} as SeaBIOS's vgabios (vgasrc/stdvga.c stdvga_set_mode, vgatables.c) does: the standard
 * IBM register tables for modes 3, 12h and 13h, the EGA/VGA DAC palettes, font loading into plane 2 through
 * get_font_access/release_font_access, and the Bochs dispi sequence of bochsvga_set_mode.
 */
public final class VgaModes {
    public final Vga vga = new Vga();
    public final IoBus io = new IoBus(null);
    public final MmioBus mmio = new MmioBus(null);

    public VgaModes() {
        vga.mapPorts(io);
        mmio.map(Vga.LOWMEM_BASE, Vga.LOWMEM_SIZE, 4, vga.lowMem(), "vga-lowmem");
    }

    public record Mode(int misc, int[] seq, int[] crtc, int[] actl, int[] grdc) {
    }

    public static final Mode MODE3 = new Mode(0x67,
            new int[]{0x00, 0x03, 0x00, 0x02},
            new int[]{0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00,
                    0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff},
            new int[]{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e,
                    0x3f, 0x0c, 0x00, 0x0f, 0x08},
            new int[]{0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x0f, 0xff});

    public static final Mode MODE12 = new Mode(0xe3,
            new int[]{0x01, 0x0f, 0x00, 0x06},
            new int[]{0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00,
                    0x59, 0xea, 0x8c, 0xdf, 0x28, 0x00, 0xe7, 0x04, 0xe3, 0xff},
            new int[]{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e,
                    0x3f, 0x01, 0x00, 0x0f, 0x00},
            new int[]{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff});

    public static final Mode MODE13 = new Mode(0x63,
            new int[]{0x01, 0x0f, 0x00, 0x0e},
            new int[]{0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00,
                    0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff},
            new int[]{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
                    0x0f, 0x41, 0x00, 0x0f, 0x00},
            new int[]{0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff});

    public int in(int port) {
        return io.read(port, 1);
    }

    public void out(int port, int v) {
        io.write(port, 1, v);
    }

    public void outw(int port, int v) {
        io.write(port, 2, v);
    }

    public int mem(int pa) {
        return (int) mmio.read(pa, 1);
    }

    public void mem(int pa, int v) {
        mmio.write(pa, 1, v);
    }

    public void attr(int index, int v) {
        in(0x3da);
        int orig = in(0x3c0);
        out(0x3c0, index);
        out(0x3c0, v);
        out(0x3c0, orig);
    }

    public void seq(int index, int v) {
        outw(0x3c4, (v << 8) | index);
    }

    public void grdc(int index, int v) {
        outw(0x3ce, (v << 8) | index);
    }

    public void crtc(int index, int v) {
        int base = (in(0x3cc) & 1) != 0 ? 0x3d4 : 0x3b4;
        outw(base, (v << 8) | index);
    }

    /** stdvga_set_mode, misc output first so the CRTC answers at the right base. */
    public void setMode(Mode m) {
        out(0x3c2, m.misc);
        in(0x3da);
        for (int i = 0; i <= 0x13; i++) attr(i, m.actl[i]);
        attr(0x14, 0);
        seq(0, 0x03);
        for (int i = 1; i <= 4; i++) seq(i, m.seq[i - 1]);
        for (int i = 0; i <= 8; i++) grdc(i, m.grdc[i]);
        crtc(0x11, 0);
        for (int i = 0; i <= 0x18; i++) crtc(i, m.crtc[i]);
        in(0x3da);
        out(0x3c0, 0x20); // enable video
    }

    /** The EGA 64-colour palette vgabios loads for 16-colour modes (palette2): rgbRGB index bits. */
    public void loadEgaPalette() {
        out(0x3c8, 0);
        for (int i = 0; i < 64; i++) {
            out(0x3c9, 0x2a * ((i >> 2) & 1) + 0x15 * ((i >> 5) & 1));
            out(0x3c9, 0x2a * ((i >> 1) & 1) + 0x15 * ((i >> 4) & 1));
            out(0x3c9, 0x2a * (i & 1) + 0x15 * ((i >> 3) & 1));
        }
    }

    /** Loads a 256-character font of {@code height} rows into block 0 of plane 2 (vgafb.c's load_font path). */
    public void loadFont(byte[] font, int height) {
        seq(0x00, 0x01);
        seq(0x02, 0x04);
        seq(0x04, 0x07);
        seq(0x00, 0x03);
        grdc(0x04, 0x02);
        grdc(0x05, 0x00);
        grdc(0x06, 0x04);
        for (int c = 0; c < 256; c++)
            for (int y = 0; y < height; y++) mem(0xa0000 + c * 32 + y, font[c * height + y] & 0xff);
        seq(0x00, 0x01);
        seq(0x02, 0x03);
        seq(0x04, 0x03);
        seq(0x00, 0x03);
        grdc(0x06, (in(0x3cc) & 1) != 0 ? 0x0e : 0x0a);
        grdc(0x04, 0x00);
        grdc(0x05, 0x10);
    }

    /** A synthetic font whose rows are distinct per character: row y of glyph c is (c * 7 + y * 13) & 0xff. */
    public static byte[] testFont(int height) {
        byte[] f = new byte[256 * height];
        for (int c = 0; c < 256; c++)
            for (int y = 0; y < height; y++) f[c * height + y] = (byte) glyphRow(c, y);
        return f;
    }

    public static int glyphRow(int c, int y) {
        return (c * 7 + y * 13) & 0xff;
    }

    public void dispi(int index, int v) {
        io.write(Vga.VBE_INDEX_PORT, 2, index);
        io.write(Vga.VBE_DATA_PORT, 2, v);
    }

    public int dispi(int index) {
        io.write(Vga.VBE_INDEX_PORT, 2, index);
        return io.read(Vga.VBE_DATA_PORT, 2);
    }

    /** bochsvga_set_mode: BPP, XRES, YRES, BANK 0, then ENABLE with LFB (and NOCLEARMEM if asked). */
    public void setVbeMode(int width, int height, int bpp, boolean noClear) {
        dispi(Vga.VBE_INDEX_ENABLE, 0);
        dispi(Vga.VBE_INDEX_BPP, bpp);
        dispi(Vga.VBE_INDEX_XRES, width);
        dispi(Vga.VBE_INDEX_YRES, height);
        dispi(Vga.VBE_INDEX_BANK, 0);
        dispi(Vga.VBE_INDEX_ENABLE, Vga.VBE_ENABLED | Vga.VBE_LFB_ENABLED | (noClear ? Vga.VBE_NOCLEARMEM : 0));
        in(0x3da);
        out(0x3c0, 0x20);
    }
}
