package dev.jemu.hw.display;

import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static dev.jemu.hw.display.Vga.*;
import static org.junit.jupiter.api.Assertions.*;

/** Register-level behaviour of the standard VGA and the Bochs dispi interface, as QEMU 7.2's vga.c has it. */
class VgaTest {
    final VgaModes m = new VgaModes();
    final Vga vga = m.vga;

    int vramDword(long off) {
        return vga.vram().get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), off);
    }

    int vramByte(long off) {
        return vga.vram().get(ValueLayout.JAVA_BYTE, off) & 0xff;
    }

    @Test
    void crtcAnswersAtTheBaseTheMiscOutputSelects() {
        // after reset the misc output says monochrome: 3Bx decodes, 3Dx floats
        m.out(0x3b4, 0x0e);
        m.out(0x3b5, 0x12);
        assertEquals(0x0e, m.in(0x3b4));
        assertEquals(0x12, m.in(0x3b5));
        assertEquals(0xff, m.in(0x3d4));
        assertEquals(0xff, m.in(0x3da));
        m.out(0x3d5, 0x99); // ignored
        m.out(0x3c2, 0x67);
        assertEquals(0x67, m.in(0x3cc));
        assertEquals(0x12, m.in(0x3d5), "one CRTC, now at 3D4");
        assertEquals(0xff, m.in(0x3b5));
        // vgacon's outw(0x3d4, val << 8 | index) reaches index then data
        m.outw(0x3d4, 0x340f);
        assertEquals(0x34, vga.cr(CRTC_CURSOR_LO));
    }

    @Test
    void crtcProtectBitLocksCr0ToCr7ButLineCompareBit8() {
        m.out(0x3c2, 0x67);
        m.crtc(0x01, 0x4f);
        m.crtc(0x07, 0x00);
        m.crtc(0x11, 0x80);
        m.crtc(0x01, 0x27);
        m.crtc(0x07, 0xff);
        m.crtc(0x09, 0x4f);
        assertEquals(0x4f, vga.cr(1));
        assertEquals(0x10, vga.cr(7));
        assertEquals(0x4f, vga.cr(9));
    }

    @Test
    void attributeFlipFlopIsResetByInputStatus1() {
        m.out(0x3c2, 0x67);
        m.in(0x3da);
        m.out(0x3c0, 0x32); // index 0x12 with the palette source bit
        assertEquals(0, m.in(0x3c0), "data phase reads 0 from 3C0");
        m.out(0x3c0, 0xff);
        assertEquals(0x32, m.in(0x3c0), "back to index phase");
        assertEquals(0x3f, m.in(0x3c1), "plane enable keeps 6 bits");
        assertEquals(0x3f, vga.ar(ATC_PLANE_ENABLE));
        m.out(0x3c0, 0x10); // an index: the next write would be data, but reading 3DA goes back to index
        m.in(0x3da);
        m.out(0x3c0, 0x05);
        m.out(0x3c0, 0xff);
        assertEquals(0x3f, vga.ar(5));
        assertEquals(0x05, vga.arIndex());
        // input status 1 toggles retrace so polling loops finish
        int a = m.in(0x3da), b = m.in(0x3da);
        assertEquals(ST01_V_RETRACE | ST01_DISP_ENABLE, (a ^ b) & 0x09);
    }

    @Test
    void dacReadsBackWhatWasWrittenWithAutoIncrement() {
        m.out(0x3c8, 7);
        for (int v : new int[]{0x11, 0x22, 0x33, 0x01, 0x02, 0x03}) m.out(0x3c9, v);
        assertEquals(9, m.in(0x3c8), "write index advanced by two entries");
        assertEquals(0, m.in(0x3c7), "DAC state after a write index");
        m.out(0x3c7, 7);
        assertEquals(3, m.in(0x3c7));
        int[] got = new int[6];
        for (int i = 0; i < 6; i++) got[i] = m.in(0x3c9);
        assertArrayEquals(new int[]{0x11, 0x22, 0x33, 0x01, 0x02, 0x03}, got);
        assertEquals(0x22, vga.dac(7, 1));
    }

    @Test
    void registerWriteMasks() {
        m.seq(1, 0xff);
        m.seq(4, 0xff);
        m.grdc(5, 0xff);
        m.grdc(3, 0xff);
        assertEquals(0x3d, vga.sr(1));
        assertEquals(0x0e, vga.sr(4));
        assertEquals(0x7b, vga.gr(5));
        assertEquals(0x1f, vga.gr(3));
        m.out(0x3c4, 2);
        assertEquals(2, m.in(0x3c4));
        m.out(0x3c4, 0x0a); // sequencer index keeps 3 bits
        assertEquals(2, m.in(0x3c4));
    }

    @Test
    void planarWriteModesSetResetBitMaskAndLatches() {
        m.setMode(VgaModes.MODE12);
        // write mode 0, set/reset on all planes with value 0101b
        m.grdc(GFX_SR_VALUE, 0x05);
        m.grdc(GFX_SR_ENABLE, 0x0f);
        m.mem(0xa0000, 0x00);
        assertEquals(0x00ff00ff, vramDword(0));
        // read mode 0 selects a plane
        m.grdc(GFX_PLANE_READ, 2);
        assertEquals(0xff, m.mem(0xa0000));
        m.grdc(GFX_PLANE_READ, 1);
        assertEquals(0x00, m.mem(0xa0000));
        // the bit mask keeps the latched bits: set/reset 1010b on the low nibble only
        m.grdc(GFX_SR_VALUE, 0x0a);
        m.grdc(GFX_BIT_MASK, 0x0f);
        m.mem(0xa0000, 0x00);
        assertEquals(0x0ff00ff0, vramDword(0));
        // rotate right by 1 and XOR with the latch, set/reset off
        m.grdc(GFX_SR_ENABLE, 0);
        m.grdc(GFX_BIT_MASK, 0xff);
        m.grdc(GFX_DATA_ROTATE, 0x18 | 1);
        m.mem(0xa0000, 0x03); // the latch is still what the plane-1 read loaded: 0x00ff00ff
        m.grdc(GFX_DATA_ROTATE, 0);
        assertEquals(0x81818181 ^ 0x00ff00ff, vramDword(0), "XOR against the latch of the last read");
        // write mode 1 copies the latches: read offset 0, write offset 10
        m.grdc(GFX_MODE, 1);
        m.mem(0xa0000);
        m.mem(0xa000a, 0x5a);
        assertEquals(vramDword(0), vramDword(40));
        // write mode 2: the CPU byte is the colour, the bit mask picks pixel 0
        m.grdc(GFX_MODE, 2);
        m.grdc(GFX_BIT_MASK, 0x80);
        m.mem(0xa0014); // latch of a zero dword
        m.mem(0xa0014, 0x09);
        assertEquals(0x80000080, vramDword(80));
        // write mode 3: set/reset colour, bit mask ANDed with the rotated CPU byte
        m.grdc(GFX_MODE, 3);
        m.grdc(GFX_SR_VALUE, 0x0c);
        m.grdc(GFX_BIT_MASK, 0xff);
        m.mem(0xa0015);
        m.mem(0xa0015, 0x3c);
        assertEquals(0x3c3c0000, vramDword(84));
        // read mode 1 compares colours: pixels of colour 1100b at bits 2-5
        m.grdc(GFX_MODE, 0x08);
        m.grdc(GFX_COMPARE_VALUE, 0x0c);
        m.grdc(GFX_COMPARE_MASK, 0x0f);
        assertEquals(0x3c, m.mem(0xa0015));
        m.grdc(GFX_COMPARE_MASK, 0x00); // nothing compared: every pixel matches
        assertEquals(0xff, m.mem(0xa0015));
        // the sequencer's map mask protects planes
        m.grdc(GFX_MODE, 0);
        m.grdc(GFX_SR_ENABLE, 0x0f);
        m.grdc(GFX_SR_VALUE, 0x0f);
        m.seq(SEQ_PLANE_WRITE, 0x02);
        m.mem(0xa0016, 0);
        assertEquals(0x0000ff00, vramDword(88));
    }

    @Test
    void logicOpsAndAndOr() {
        m.setMode(VgaModes.MODE12);
        vga.vram().set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, 0xf0f0f0f0);
        m.mem(0xa0000); // latch
        m.grdc(GFX_DATA_ROTATE, 0x08); // AND
        m.mem(0xa0000, 0x3c);
        assertEquals(0x30303030, vramDword(0));
        m.mem(0xa0000);
        m.grdc(GFX_DATA_ROTATE, 0x10); // OR
        m.mem(0xa0000, 0x03);
        assertEquals(0x33333333, vramDword(0));
    }

    @Test
    void textModeOddEvenAddressing() {
        m.setMode(VgaModes.MODE3);
        m.mem(0xb8000, 'A');
        m.mem(0xb8001, 0x1f);
        m.mem(0xb8002, 'B');
        m.mem(0xb8003, 0x2e);
        assertEquals('A', vramByte(0));
        assertEquals(0x1f, vramByte(1));
        assertEquals('B', vramByte(4));
        assertEquals(0x2e, vramByte(5));
        assertEquals(0, vramByte(2), "plane 2 (the font) untouched");
        assertEquals('B', m.mem(0xb8002));
        assertEquals(0x2e, m.mem(0xb8003));
        // memory map 3 (B8000, 32K): A0000 and B0000 are not decoded
        assertEquals(0xff, m.mem(0xa0000));
        assertEquals(0xff, m.mem(0xb0000));
    }

    @Test
    void memoryMapSelect() {
        m.setMode(VgaModes.MODE12);
        m.grdc(GFX_MISC, 0x01); // map 0: A0000-BFFFF, 128K
        m.grdc(GFX_SR_ENABLE, 0x0f);
        m.grdc(GFX_SR_VALUE, 0x0f);
        m.mem(0xb0000, 0);
        assertEquals(-1, vramDword(0x10000 * 4));
        m.grdc(GFX_MISC, 0x09); // map 2: B0000-B7FFF
        m.mem(0xb0004, 0);
        assertEquals(-1, vramDword(16));
        assertEquals(0xff, m.mem(0xa0000));
    }

    @Test
    void chain4AddressesVramLinearly() {
        m.setMode(VgaModes.MODE13);
        m.mem(0xa0005, 0x42);
        m.mem(0xa0000 + 320 * 199 + 319, 0x43);
        assertEquals(0x42, vramByte(5));
        assertEquals(0x43, vramByte(320 * 199 + 319));
        assertEquals(0x42, m.mem(0xa0005));
        m.seq(SEQ_PLANE_WRITE, 0x0e); // plane 0 (addresses 4n) write-protected
        m.mem(0xa0008, 0x55);
        m.mem(0xa0009, 0x56);
        assertEquals(0, vramByte(8));
        assertEquals(0x56, vramByte(9));
    }

    @Test
    void vbeIdCapsAndMemorySize() {
        assertEquals(VBE_ID5, m.dispi(VBE_INDEX_ID));
        m.dispi(VBE_INDEX_ID, VBE_ID0 + 2);
        assertEquals(0xb0c2, m.dispi(VBE_INDEX_ID));
        m.dispi(VBE_INDEX_ID, 0x1234);
        assertEquals(0xb0c2, m.dispi(VBE_INDEX_ID));
        assertEquals(256, m.dispi(VBE_INDEX_VIDEO_MEMORY_64K), "16 MiB in 64K units");
        m.dispi(VBE_INDEX_ENABLE, VBE_GETCAPS);
        assertEquals(16000, m.dispi(VBE_INDEX_XRES));
        assertEquals(12000, m.dispi(VBE_INDEX_YRES));
        assertEquals(32, m.dispi(VBE_INDEX_BPP));
        m.dispi(VBE_INDEX_ENABLE, 0);
        assertEquals(0, m.dispi(VBE_INDEX_XRES));
        assertEquals(VBE_INDEX_XRES, m.io.read(VBE_INDEX_PORT, 2));
        assertEquals(0, m.dispi(11), "past VIDEO_MEMORY_64K");
        // 0x1D0 is a second data port; its word access covers 0x1D1, which alone reads 0xff (as QEMU's portio)
        m.io.write(VBE_INDEX_PORT, 2, VBE_INDEX_ID);
        assertEquals(0xb0c2, m.io.read(0x1d0, 2));
        assertEquals(0xff, m.io.read(0x1d1, 1));
    }

    @Test
    void vbeModeSetFixesUpAndClears() {
        vga.vram().set(ValueLayout.JAVA_BYTE, 100, (byte) 0x7e);
        m.setVbeMode(1023, 768, 7, false);
        assertTrue(vga.vbeEnabled());
        assertEquals(1016, m.dispi(VBE_INDEX_XRES), "width rounded down to 8");
        assertEquals(8, m.dispi(VBE_INDEX_BPP), "unknown depth becomes 8");
        assertEquals(1016, m.dispi(VBE_INDEX_VIRT_WIDTH));
        assertEquals((16 << 20) / 1016, m.dispi(VBE_INDEX_VIRT_HEIGHT));
        assertEquals(0, vramByte(100), "enable without NOCLEARMEM clears");
        assertEquals(1016, vga.lineOffset());
        // the VGA registers follow: graphics, chain-4, 256-colour shift
        assertEquals(GR06_GRAPHICS_MODE, vga.gr(GFX_MISC) & 1);
        assertEquals(0x04, vga.gr(GFX_MISC) & 0x0c, "64K window at A0000");
        assertNotEquals(0, vga.sr(SEQ_MEMORY_MODE) & SR04_CHN_4M);
        assertEquals(0x40, vga.gr(GFX_MODE) & 0x60);

        m.dispi(VBE_INDEX_ENABLE, 0);
        vga.vram().set(ValueLayout.JAVA_BYTE, 100, (byte) 0x7e);
        m.setVbeMode(640, 480, 32, true);
        assertEquals(0x7e, vramByte(100), "NOCLEARMEM keeps VRAM");
        assertEquals(2560, vga.lineOffset());
        // panning: the start address follows the offsets
        m.dispi(VBE_INDEX_Y_OFFSET, 10);
        m.dispi(VBE_INDEX_X_OFFSET, 4);
        assertEquals((10 * 2560 + 16) / 4, vga.startAddr());
        // a virtual width too big for VRAM with this height puts the offsets back to 0
        m.dispi(VBE_INDEX_YRES, 8000);
        assertEquals((16 << 20) / 2560, m.dispi(VBE_INDEX_YRES), "height clamped to VRAM");
        assertEquals(0, m.dispi(VBE_INDEX_Y_OFFSET), "no room left for the y offset");
        assertEquals(4, m.dispi(VBE_INDEX_X_OFFSET));
    }

    @Test
    void vbeBankedWindow() {
        m.setVbeMode(800, 600, 8, false);
        m.dispi(VBE_INDEX_BANK, 3);
        m.mem(0xa0010, 0x99);
        assertEquals(0x99, vramByte(0x30010));
        assertEquals(0x99, m.mem(0xa0010));
        assertEquals(0xff, m.mem(0xb0000), "the window is 64K");
        m.dispi(VBE_INDEX_BANK, 0x1ff);
        assertEquals(0xff, m.dispi(VBE_INDEX_BANK), "bank masked to VRAM size");
        // LFB sees the same memory
        assertEquals(0x99, vga.lfb().read(0x30010, 1));
        vga.lfb().write(0x40000, 4, 0x11223344L);
        assertEquals(0x44, vramByte(0x40000));
        assertEquals(0x11223344L, vga.lfb().read(0x40000, 4));
        assertEquals(0x3344L, vga.lfb().read(0x40000, 2));
        assertEquals(-1L, vga.lfb().read(vga.vramSize(), 4), "past VRAM");
    }

    @Test
    void pciMmioBarMirrorsPortsAndDispi() {
        var bar = vga.mmioBar();
        assertEquals(VBE_ID5, bar.read(MMIO_BOCHS + 2 * VBE_INDEX_ID, 2));
        bar.write(MMIO_BOCHS + 2 * VBE_INDEX_BPP, 2, 32);
        bar.write(MMIO_BOCHS + 2 * VBE_INDEX_XRES, 2, 1024);
        bar.write(MMIO_BOCHS + 2 * VBE_INDEX_YRES, 2, 768);
        bar.write(MMIO_BOCHS + 2 * VBE_INDEX_ENABLE, 2, VBE_ENABLED | VBE_LFB_ENABLED);
        assertEquals(1024, m.dispi(VBE_INDEX_XRES));
        assertEquals(256, bar.read(MMIO_BOCHS + 2 * VBE_INDEX_VIDEO_MEMORY_64K, 2));
        // 0x400 + n is port 0x3c0 + n; a word write is index then data
        bar.write(MMIO_IOPORT + 0x02, 1, 0x67);
        assertEquals(0x67, m.in(0x3cc));
        bar.write(MMIO_IOPORT + 0x14, 2, 0x2a0e);
        assertEquals(0x2a, vga.cr(0x0e));
        assertEquals(0x2a0e, bar.read(MMIO_IOPORT + 0x14, 2), "index, then the data it selects");
        assertEquals(MMIO_QEXT_SIZE, bar.read(MMIO_QEXT, 4));
        assertEquals(QEXT_LITTLE_ENDIAN, (int) bar.read(MMIO_QEXT + 4, 4));
    }
}
