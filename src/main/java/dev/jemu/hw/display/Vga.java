package dev.jemu.hw.display;

import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.core.IoDevice;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The standard VGA as QEMU 7.2's {@code -vga std} models it (hw/display/vga.c): miscellaneous output, sequencer,
 * CRT controller (at 0x3B4 or 0x3D4 by the misc output's colour bit), graphics controller (read modes 0-1, write
 * modes 0-3, set/reset, rotate, logic ops, bit mask, the 32-bit plane latch), attribute controller (its
 * index/data flip-flop reset by reading input status 1), DAC (0x3C7-0x3C9), and the legacy window
 * 0xA0000-0xBFFFF decoded per the GC memory map select; plus the Bochs VBE "dispi" extension at 0x1CE/0x1CF.
 *
 * <p>VRAM is one linear array (16 MiB by default). In planar terms QEMU interleaves it: byte {@code 4*a + p} is
 * plane {@code p}'s byte at address {@code a}, so chain-4 accesses (mode 13h, VBE) address VRAM linearly and the
 * linear frame buffer is the same memory. VRAM is a {@link MemorySegment} so the board may place it in guest
 * host RAM and map the LFB BAR as plain RAM (fast), or map {@link #lfb()} as MMIO.
 *
 * <p>Entry points for the board: {@link #mapPorts(IoBus)} (the ISA ports), {@link #lowMem()} (MMIO at 0xA0000,
 * length {@link #LOWMEM_SIZE}), {@link #lfb()} (MMIO for PCI BAR0), {@link #mmioBar()} (PCI BAR2, 4 KiB).
 */
public final class Vga {
    // --- ports (absolute)
    public static final int ATT_W = 0x3c0, ATT_R = 0x3c1, MIS_W = 0x3c2, IS0_R = 0x3c2, SEQ_I = 0x3c4,
            SEQ_D = 0x3c5, PEL_MSK = 0x3c6, PEL_IR = 0x3c7, PEL_IW = 0x3c8, PEL_D = 0x3c9, FTC_R = 0x3ca,
            MIS_R = 0x3cc, GFX_I = 0x3ce, GFX_D = 0x3cf, CRT_IM = 0x3b4, CRT_DM = 0x3b5, IS1_RM = 0x3ba,
            CRT_IC = 0x3d4, CRT_DC = 0x3d5, IS1_RC = 0x3da;
    public static final int VBE_INDEX_PORT = 0x1ce, VBE_DATA_PORT = 0x1cf;

    // --- misc output
    public static final int MIS_COLOR = 0x01;
    // --- sequencer indices
    public static final int SEQ_RESET = 0, SEQ_CLOCK_MODE = 1, SEQ_PLANE_WRITE = 2, SEQ_CHARACTER_MAP = 3,
            SEQ_MEMORY_MODE = 4;
    public static final int SR01_DOT8 = 0x01, SR01_DIV2 = 0x08, SR02_ALL_PLANES = 0x0f, SR04_EXT_MEM = 0x02,
            SR04_SEQ_MODE = 0x04, SR04_CHN_4M = 0x08;
    // --- CRTC indices
    public static final int CRTC_H_TOTAL = 0, CRTC_H_DISP = 1, CRTC_OVERFLOW = 7, CRTC_PRESET_ROW = 8,
            CRTC_MAX_SCAN = 9, CRTC_CURSOR_START = 0x0a, CRTC_CURSOR_END = 0x0b, CRTC_START_HI = 0x0c,
            CRTC_START_LO = 0x0d, CRTC_CURSOR_HI = 0x0e, CRTC_CURSOR_LO = 0x0f, CRTC_V_SYNC_END = 0x11,
            CRTC_V_DISP_END = 0x12, CRTC_OFFSET = 0x13, CRTC_UNDERLINE = 0x14, CRTC_MODE = 0x17,
            CRTC_LINE_COMPARE = 0x18;
    public static final int CR11_LOCK_CR0_CR7 = 0x80;
    // --- graphics controller indices
    public static final int GFX_SR_VALUE = 0, GFX_SR_ENABLE = 1, GFX_COMPARE_VALUE = 2, GFX_DATA_ROTATE = 3,
            GFX_PLANE_READ = 4, GFX_MODE = 5, GFX_MISC = 6, GFX_COMPARE_MASK = 7, GFX_BIT_MASK = 8;
    public static final int GR06_GRAPHICS_MODE = 0x01;
    // --- attribute controller indices
    public static final int ATC_MODE = 0x10, ATC_OVERSCAN = 0x11, ATC_PLANE_ENABLE = 0x12, ATC_PEL = 0x13,
            ATC_COLOR_PAGE = 0x14;
    /** ar_index bit 5: palette address source; clear, the screen is blanked (the CPU owns the palette). */
    public static final int ATTR_PAS = 0x20;
    // --- input status 1
    public static final int ST01_V_RETRACE = 0x08, ST01_DISP_ENABLE = 0x01;

    // --- Bochs VBE dispi
    public static final int VBE_INDEX_ID = 0, VBE_INDEX_XRES = 1, VBE_INDEX_YRES = 2, VBE_INDEX_BPP = 3,
            VBE_INDEX_ENABLE = 4, VBE_INDEX_BANK = 5, VBE_INDEX_VIRT_WIDTH = 6, VBE_INDEX_VIRT_HEIGHT = 7,
            VBE_INDEX_X_OFFSET = 8, VBE_INDEX_Y_OFFSET = 9, VBE_INDEX_NB = 10, VBE_INDEX_VIDEO_MEMORY_64K = 10;
    public static final int VBE_ID0 = 0xb0c0, VBE_ID5 = 0xb0c5;
    public static final int VBE_ENABLED = 0x01, VBE_GETCAPS = 0x02, VBE_8BIT_DAC = 0x20, VBE_LFB_ENABLED = 0x40,
            VBE_NOCLEARMEM = 0x80;
    public static final int VBE_MAX_XRES = 16000, VBE_MAX_YRES = 12000, VBE_MAX_BPP = 32;

    public static final int DEFAULT_VRAM_SIZE = 16 << 20;
    public static final int LOWMEM_BASE = 0xa0000, LOWMEM_SIZE = 0x20000;
    /** The QEMU std-vga MMIO BAR layout (hw/display/vga-pci.c). */
    public static final int MMIO_SIZE = 0x1000, MMIO_EDID = 0, MMIO_IOPORT = 0x400, MMIO_IOPORT_SIZE = 0x20,
            MMIO_BOCHS = 0x500, MMIO_BOCHS_SIZE = (VBE_INDEX_NB + 1) * 2, MMIO_QEXT = 0x600, MMIO_QEXT_SIZE = 8;
    public static final int QEXT_LITTLE_ENDIAN = 0x1e1e1e1e;

    // writable bits per register, as QEMU (sr_mask / gr_mask)
    private static final int[] SR_MASK = {0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0xff};
    private static final int[] GR_MASK = {0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff, 0, 0, 0, 0, 0, 0, 0};

    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment vram;
    private final long vramSize;

    // registers
    private int msr, fcr, st00, st01;
    private int srIndex, grIndex, crIndex, arIndex;
    private boolean arFlipFlop;
    private final int[] sr = new int[8], srVbe = new int[8], gr = new int[16], cr = new int[256], ar = new int[21];
    private int latch;
    // DAC
    private int dacState, dacSubIndex, dacReadIndex, dacWriteIndex;
    private final int[] dacCache = new int[3];
    private final byte[] palette = new byte[768];
    private boolean dac8bit;
    // VBE
    private int vbeIndex;
    private final int[] vbeRegs = new int[VBE_INDEX_NB];
    private int vbeLineOffset, vbeStartAddr, vbeBankMask, bankOffset;

    private final IoDevice ports = new IoDevice() {
        @Override
        public long read(long offset, int size) {
            return ioportRead(0x3b0 + (int) offset);
        }

        @Override
        public void write(long offset, int size, long value) {
            ioportWrite(0x3b0 + (int) offset, (int) value);
        }
    };

    private final IoDevice vbePorts = new IoDevice() {
        @Override
        public long read(long offset, int size) {
            if (offset == 3) return 0xff; // inside QEMU's region (the word port at 0x1D0) but no port of its own
            return offset == 0 ? vbeIndex : vbeReadData();
        }

        @Override
        public void write(long offset, int size, long value) {
            if (offset == 0) vbeIndex = (int) value & 0xffff;
            else if (offset < 3) vbeWriteData((int) value & 0xffff);
        }
    };

    private final IoDevice lowMem = new IoDevice() {
        @Override
        public long read(long offset, int size) {
            long v = 0;
            for (int i = 0; i < size; i++) v |= (long) memReadByte((int) offset + i) << (8 * i);
            return v;
        }

        @Override
        public void write(long offset, int size, long value) {
            for (int i = 0; i < size; i++) memWriteByte((int) offset + i, (int) (value >>> (8 * i)) & 0xff);
        }
    };

    private final IoDevice lfb = new IoDevice() {
        @Override
        public long read(long offset, int size) {
            if (offset + size > vramSize) return -1L;
            return switch (size) {
                case 1 -> vram.get(ValueLayout.JAVA_BYTE, offset) & 0xffL;
                case 2 -> vram.get(SHORT_LE, offset) & 0xffffL;
                case 4 -> vram.get(INT_LE, offset) & 0xffffffffL;
                default -> vram.get(LONG_LE, offset);
            };
        }

        @Override
        public void write(long offset, int size, long value) {
            if (offset + size > vramSize) return;
            switch (size) {
                case 1 -> vram.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
                case 2 -> vram.set(SHORT_LE, offset, (short) value);
                case 4 -> vram.set(INT_LE, offset, (int) value);
                default -> vram.set(LONG_LE, offset, value);
            }
        }
    };

    private final IoDevice mmioBar = new IoDevice() {
        @Override
        public long read(long offset, int size) {
            int o = (int) offset;
            if (o >= MMIO_IOPORT && o < MMIO_IOPORT + MMIO_IOPORT_SIZE) {
                int port = 0x3c0 + o - MMIO_IOPORT;
                long v = ioportRead(port);
                if (size >= 2) v |= (long) ioportRead(port + 1) << 8;
                return v;
            }
            if (o >= MMIO_BOCHS && o < MMIO_BOCHS + MMIO_BOCHS_SIZE) {
                vbeIndex = (o - MMIO_BOCHS) >> 1;
                return vbeReadData();
            }
            if (o >= MMIO_QEXT && o < MMIO_QEXT + MMIO_QEXT_SIZE) {
                return switch (o - MMIO_QEXT) {
                    case 0 -> MMIO_QEXT_SIZE;
                    case 4 -> QEXT_LITTLE_ENDIAN & 0xffffffffL;
                    default -> 0;
                };
            }
            return 0; // no EDID blob: Linux falls back to its default modes
        }

        @Override
        public void write(long offset, int size, long value) {
            int o = (int) offset;
            if (o >= MMIO_IOPORT && o < MMIO_IOPORT + MMIO_IOPORT_SIZE) {
                int port = 0x3c0 + o - MMIO_IOPORT;
                ioportWrite(port, (int) value & 0xff);
                if (size >= 2) ioportWrite(port + 1, (int) (value >>> 8) & 0xff);
            } else if (o >= MMIO_BOCHS && o < MMIO_BOCHS + MMIO_BOCHS_SIZE) {
                vbeIndex = (o - MMIO_BOCHS) >> 1;
                vbeWriteData((int) value & 0xffff);
            }
        }
    };

    public Vga() {
        this(MemorySegment.ofArray(new byte[DEFAULT_VRAM_SIZE]));
    }

    /** @param vram the video memory (a power of two, at least 256 KiB); the board may carve it out of host RAM */
    public Vga(MemorySegment vram) {
        if (vram.byteSize() < 256 * 1024 || Long.bitCount(vram.byteSize()) != 1)
            throw new IllegalArgumentException("vga: bad VRAM size " + vram.byteSize());
        this.vram = vram;
        this.vramSize = vram.byteSize();
        reset();
    }

    /** Power-on / system reset state (QEMU's vga_common_reset: every register zero, VBE off). */
    public void reset() {
        msr = fcr = st00 = st01 = 0;
        srIndex = grIndex = crIndex = arIndex = 0;
        arFlipFlop = false;
        java.util.Arrays.fill(sr, 0);
        java.util.Arrays.fill(srVbe, 0);
        java.util.Arrays.fill(gr, 0);
        java.util.Arrays.fill(cr, 0);
        java.util.Arrays.fill(ar, 0);
        latch = 0;
        dacState = dacSubIndex = dacReadIndex = dacWriteIndex = 0;
        java.util.Arrays.fill(palette, (byte) 0);
        dac8bit = false;
        vbeIndex = 0;
        java.util.Arrays.fill(vbeRegs, 0);
        vbeRegs[VBE_INDEX_ID] = VBE_ID5;
        vbeBankMask = (int) ((vramSize >> 16) - 1);
        vbeLineOffset = vbeStartAddr = bankOffset = 0;
    }

    // ------------------------------------------------------------------ board entry points

    /** Maps the ISA ports QEMU's VGA claims (0x3B4-5, 0x3BA, 0x3C0-F, 0x3D4-5, 0x3DA) and VBE 0x1CE-0x1D0. */
    public void mapPorts(IoBus io) {
        io.map(0x3b4, 2, 1, offsetBy(0x3b4 - 0x3b0), "vga");
        io.map(0x3ba, 1, 1, offsetBy(0x3ba - 0x3b0), "vga");
        io.map(0x3c0, 16, 1, offsetBy(0x3c0 - 0x3b0), "vga");
        io.map(0x3d4, 2, 1, offsetBy(0x3d4 - 0x3b0), "vga");
        io.map(0x3da, 1, 1, offsetBy(0x3da - 0x3b0), "vga");
        // 0x1D0 is a second data port on x86 (QEMU's vbe_portio_list_x86); its word access spans 0x1D1
        io.map(VBE_INDEX_PORT, 4, 2, vbePorts, "vbe");
    }

    private IoDevice offsetBy(int delta) {
        return new IoDevice() {
            @Override
            public long read(long offset, int size) {
                return ports.read(offset + delta, size);
            }

            @Override
            public void write(long offset, int size, long value) {
                ports.write(offset + delta, size, value);
            }
        };
    }

    /** Ports 0x3B0-0x3DF as one device at offset 0 = port 0x3B0 (byte accesses). */
    public IoDevice ports() {
        return ports;
    }

    /** Ports 0x1CE (index) and 0x1CF, 0x1D0 (data), 16-bit; 4 ports long (0x1D1 reads 0xff). */
    public IoDevice vbePorts() {
        return vbePorts;
    }

    /** The legacy window 0xA0000-0xBFFFF (offset 0 = 0xA0000). */
    public IoDevice lowMem() {
        return lowMem;
    }

    /** The linear frame buffer: all of VRAM (PCI BAR0). */
    public IoDevice lfb() {
        return lfb;
    }

    /** QEMU std-vga's BAR2: VGA ports at 0x400, bochs dispi registers at 0x500, extended regs at 0x600. */
    public IoDevice mmioBar() {
        return mmioBar;
    }

    public MemorySegment vram() {
        return vram;
    }

    public long vramSize() {
        return vramSize;
    }

    // ------------------------------------------------------------------ register views (for the renderer)

    /** Sequencer register as the display sees it (VBE modes override chain-4 and the plane mask). */
    public int sr(int i) {
        return vbeEnabled() ? srVbe[i & 7] : sr[i & 7];
    }

    public int gr(int i) {
        return gr[i & 15];
    }

    public int cr(int i) {
        return cr[i & 0xff];
    }

    public int ar(int i) {
        return i < ar.length ? ar[i] : 0;
    }

    public int arIndex() {
        return arIndex;
    }

    public int msr() {
        return msr;
    }

    /** DAC entry {@code i}'s component {@code c} (0 red, 1 green, 2 blue) as programmed (6 or 8 bits). */
    public int dac(int i, int c) {
        return palette[i * 3 + c] & 0xff;
    }

    public boolean dac8bit() {
        return dac8bit;
    }

    public int vbeReg(int i) {
        return vbeRegs[i];
    }

    public boolean vbeEnabled() {
        return (vbeRegs[VBE_INDEX_ENABLE] & VBE_ENABLED) != 0;
    }

    /** Bytes per scan line and start address (in 4-byte units), as QEMU's vga_get_offsets. */
    public int lineOffset() {
        return vbeEnabled() ? vbeLineOffset : cr[CRTC_OFFSET] << 3;
    }

    public int startAddr() {
        return vbeEnabled() ? vbeStartAddr : cr[CRTC_START_LO] | (cr[CRTC_START_HI] << 8);
    }

    public int lineCompare() {
        if (vbeEnabled()) return 65535;
        return cr[CRTC_LINE_COMPARE] | ((cr[CRTC_OVERFLOW] & 0x10) << 4) | ((cr[CRTC_MAX_SCAN] & 0x40) << 3);
    }

    public int vramByte(long addr) {
        return vram.get(ValueLayout.JAVA_BYTE, addr & (vramSize - 1)) & 0xff;
    }

    public int vramDword(long addr) {
        return vram.get(INT_LE, addr & (vramSize - 1) & ~3L);
    }

    // ------------------------------------------------------------------ I/O ports

    private boolean portInvalid(int port) {
        // the CRTC and input status 1 answer at 3Bx or 3Dx, by the misc output's I/O address select
        return (port >= 0x3b0 && port <= 0x3bf && (msr & MIS_COLOR) != 0)
                || (port >= 0x3d0 && port <= 0x3df && (msr & MIS_COLOR) == 0);
    }

    /** An IN from a VGA port (0x3B0-0x3DF). */
    public int ioportRead(int port) {
        if (portInvalid(port)) return 0xff;
        switch (port) {
            case ATT_W:
                return arFlipFlop ? 0 : arIndex;
            case ATT_R: {
                int i = arIndex & 0x1f;
                return i < ar.length ? ar[i] : 0;
            }
            case IS0_R:
                return st00;
            case SEQ_I:
                return srIndex;
            case SEQ_D:
                return sr[srIndex];
            case PEL_IR:
                return dacState;
            case PEL_IW:
                return dacWriteIndex;
            case PEL_D: {
                int v = palette[dacReadIndex * 3 + dacSubIndex] & 0xff;
                if (++dacSubIndex == 3) {
                    dacSubIndex = 0;
                    dacReadIndex = (dacReadIndex + 1) & 0xff;
                }
                return v;
            }
            case FTC_R:
                return fcr;
            case MIS_R:
                return msr;
            case GFX_I:
                return grIndex;
            case GFX_D:
                return gr[grIndex];
            case CRT_IM, CRT_IC:
                return crIndex;
            case CRT_DM, CRT_DC:
                return cr[crIndex];
            case IS1_RM, IS1_RC:
                // a "dumb" retrace: toggle so polling loops always see both phases
                st01 ^= ST01_V_RETRACE | ST01_DISP_ENABLE;
                arFlipFlop = false;
                return st01;
            default:
                return 0;
        }
    }

    /** An OUT of a byte to a VGA port (0x3B0-0x3DF). */
    public void ioportWrite(int port, int val) {
        val &= 0xff;
        if (portInvalid(port)) return;
        switch (port) {
            case ATT_W:
                if (!arFlipFlop) {
                    arIndex = val & 0x3f;
                } else {
                    int i = arIndex & 0x1f;
                    switch (i) {
                        case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 -> ar[i] = val & 0x3f;
                        case ATC_MODE -> ar[i] = val & ~0x10;
                        case ATC_OVERSCAN -> ar[i] = val;
                        case ATC_PLANE_ENABLE -> ar[i] = val & ~0xc0;
                        case ATC_PEL, ATC_COLOR_PAGE -> ar[i] = val & ~0xf0;
                        default -> {
                        }
                    }
                }
                arFlipFlop = !arFlipFlop;
                break;
            case MIS_W:
                msr = val & ~0x10;
                break;
            case SEQ_I:
                srIndex = val & 7;
                break;
            case SEQ_D:
                sr[srIndex] = val & SR_MASK[srIndex];
                srVbe[srIndex] = sr[srIndex];
                vbeUpdateVgaRegs();
                break;
            case PEL_IR:
                dacReadIndex = val;
                dacSubIndex = 0;
                dacState = 3;
                break;
            case PEL_IW:
                dacWriteIndex = val;
                dacSubIndex = 0;
                dacState = 0;
                break;
            case PEL_D:
                dacCache[dacSubIndex] = val;
                if (++dacSubIndex == 3) {
                    int p = dacWriteIndex * 3;
                    palette[p] = (byte) dacCache[0];
                    palette[p + 1] = (byte) dacCache[1];
                    palette[p + 2] = (byte) dacCache[2];
                    dacSubIndex = 0;
                    dacWriteIndex = (dacWriteIndex + 1) & 0xff;
                }
                break;
            case GFX_I:
                grIndex = val & 0x0f;
                break;
            case GFX_D:
                gr[grIndex] = val & GR_MASK[grIndex];
                vbeUpdateVgaRegs();
                break;
            case CRT_IM, CRT_IC:
                crIndex = val;
                break;
            case CRT_DM, CRT_DC:
                // CR11 bit 7 write-protects CR0-CR7, except CR7's line compare bit 8
                if ((cr[CRTC_V_SYNC_END] & CR11_LOCK_CR0_CR7) != 0 && crIndex <= CRTC_OVERFLOW) {
                    if (crIndex == CRTC_OVERFLOW) cr[CRTC_OVERFLOW] = (cr[CRTC_OVERFLOW] & ~0x10) | (val & 0x10);
                    return;
                }
                cr[crIndex] = val;
                break;
            case IS1_RM, IS1_RC:
                fcr = val & 0x10;
                break;
            default:
                break;
        }
    }

    // ------------------------------------------------------------------ the 0xA0000 window

    /** Expands the low 4 bits of {@code v} to byte lanes (QEMU's mask16). */
    private static int mask16(int v) {
        return ((v & 1) != 0 ? 0xff : 0) | ((v & 2) != 0 ? 0xff00 : 0) | ((v & 4) != 0 ? 0xff0000 : 0)
                | ((v & 8) != 0 ? 0xff000000 : 0);
    }

    /** Window offset to VGA address, or -1 if the memory map select does not decode it. */
    private int windowAddr(int addr) {
        addr &= 0x1ffff;
        switch ((gr[GFX_MISC] >> 2) & 3) {
            case 0:
                return addr;
            case 1:
                return addr >= 0x10000 ? -1 : addr + bankOffset;
            case 2:
                addr -= 0x10000;
                return addr < 0 || addr >= 0x8000 ? -1 : addr;
            default:
                addr -= 0x18000;
                return addr < 0 || addr >= 0x8000 ? -1 : addr;
        }
    }

    /** A CPU byte read of the legacy window at {@code offset} from 0xA0000 (QEMU's vga_mem_readb). */
    public int memReadByte(int offset) {
        int addr = windowAddr(offset);
        if (addr < 0) return 0xff;
        if ((sr(SEQ_MEMORY_MODE) & SR04_CHN_4M) != 0) {
            return addr < vramSize ? vram.get(ValueLayout.JAVA_BYTE, addr) & 0xff : 0xff;
        }
        if ((gr[GFX_MODE] & 0x10) != 0) {
            // odd/even: A0 picks plane 0/1 (or 2/3 by the read map select's bit 1)
            int plane = (gr[GFX_PLANE_READ] & 2) | (addr & 1);
            long a = ((long) (addr & ~1) << 1) | plane;
            return a < vramSize ? vram.get(ValueLayout.JAVA_BYTE, a) & 0xff : 0xff;
        }
        long a = (long) addr << 2;
        if (a >= vramSize) return 0xff;
        latch = vram.get(INT_LE, a);
        if ((gr[GFX_MODE] & 0x08) == 0) {
            return (latch >>> (8 * gr[GFX_PLANE_READ])) & 0xff; // read mode 0
        }
        // read mode 1: colour compare
        int r = (latch ^ mask16(gr[GFX_COMPARE_VALUE])) & mask16(gr[GFX_COMPARE_MASK]);
        r |= r >>> 16;
        r |= r >>> 8;
        return ~r & 0xff;
    }

    /** A CPU byte write to the legacy window (QEMU's vga_mem_writeb). */
    public void memWriteByte(int offset, int val) {
        int addr = windowAddr(offset);
        if (addr < 0) return;
        val &= 0xff;
        int planeWrite = sr(SEQ_PLANE_WRITE);
        if ((sr(SEQ_MEMORY_MODE) & SR04_CHN_4M) != 0) {
            int plane = addr & 3;
            if ((planeWrite & (1 << plane)) != 0 && addr < vramSize) vram.set(ValueLayout.JAVA_BYTE, addr, (byte) val);
            return;
        }
        if ((gr[GFX_MODE] & 0x10) != 0) {
            int plane = (gr[GFX_PLANE_READ] & 2) | (addr & 1);
            if ((planeWrite & (1 << plane)) != 0) {
                long a = ((long) (addr & ~1) << 1) | plane;
                if (a < vramSize) vram.set(ValueLayout.JAVA_BYTE, a, (byte) val);
            }
            return;
        }
        int v, bitMask = 0;
        int rotate = gr[GFX_DATA_ROTATE] & 7;
        switch (gr[GFX_MODE] & 3) {
            case 0: {
                v = ((val >>> rotate) | (val << (8 - rotate))) & 0xff;
                v |= v << 8;
                v |= v << 16;
                int setMask = mask16(gr[GFX_SR_ENABLE]);
                v = (v & ~setMask) | (mask16(gr[GFX_SR_VALUE]) & setMask);
                bitMask = gr[GFX_BIT_MASK];
                break;
            }
            case 1:
                writePlanes(addr, latch, planeWrite);
                return;
            case 2:
                v = mask16(val & 0x0f);
                bitMask = gr[GFX_BIT_MASK];
                break;
            default: {
                int r = (val >>> rotate) | (val << (8 - rotate));
                bitMask = gr[GFX_BIT_MASK] & r;
                v = mask16(gr[GFX_SR_VALUE]);
                break;
            }
        }
        switch (gr[GFX_DATA_ROTATE] >> 3) {
            case 1 -> v &= latch;
            case 2 -> v |= latch;
            case 3 -> v ^= latch;
            default -> {
            }
        }
        bitMask &= 0xff;
        bitMask |= bitMask << 8;
        bitMask |= bitMask << 16;
        v = (v & bitMask) | (latch & ~bitMask);
        writePlanes(addr, v, planeWrite);
    }

    private void writePlanes(int addr, int v, int planeWrite) {
        long a = (long) addr << 2;
        if (a >= vramSize) return;
        int writeMask = mask16(planeWrite);
        int old = vram.get(INT_LE, a);
        vram.set(INT_LE, a, (old & ~writeMask) | (v & writeMask));
    }

    // ------------------------------------------------------------------ Bochs VBE dispi

    private int vbeReadData() {
        if (vbeIndex < VBE_INDEX_NB) {
            if ((vbeRegs[VBE_INDEX_ENABLE] & VBE_GETCAPS) != 0) {
                return switch (vbeIndex) {
                    case VBE_INDEX_XRES -> VBE_MAX_XRES;
                    case VBE_INDEX_YRES -> VBE_MAX_YRES;
                    case VBE_INDEX_BPP -> VBE_MAX_BPP;
                    default -> vbeRegs[vbeIndex];
                };
            }
            return vbeRegs[vbeIndex];
        }
        if (vbeIndex == VBE_INDEX_VIDEO_MEMORY_64K) return (int) (vramSize >> 16);
        return 0;
    }

    private void vbeWriteData(int val) {
        if (vbeIndex > VBE_INDEX_NB) return;
        switch (vbeIndex) {
            case VBE_INDEX_ID:
                if (val >= VBE_ID0 && val <= VBE_ID5) vbeRegs[VBE_INDEX_ID] = val;
                break;
            case VBE_INDEX_XRES, VBE_INDEX_YRES, VBE_INDEX_BPP, VBE_INDEX_VIRT_WIDTH, VBE_INDEX_X_OFFSET,
                 VBE_INDEX_Y_OFFSET:
                vbeRegs[vbeIndex] = val;
                vbeFixupRegs();
                vbeUpdateVgaRegs();
                break;
            case VBE_INDEX_BANK:
                val &= vbeBankMask;
                vbeRegs[VBE_INDEX_BANK] = val;
                bankOffset = val << 16;
                break;
            case VBE_INDEX_ENABLE:
                if ((val & VBE_ENABLED) != 0 && (vbeRegs[VBE_INDEX_ENABLE] & VBE_ENABLED) == 0) {
                    vbeRegs[VBE_INDEX_VIRT_WIDTH] = 0;
                    vbeRegs[VBE_INDEX_X_OFFSET] = 0;
                    vbeRegs[VBE_INDEX_Y_OFFSET] = 0;
                    vbeRegs[VBE_INDEX_ENABLE] |= VBE_ENABLED;
                    vbeFixupRegs();
                    vbeUpdateVgaRegs();
                    if ((val & VBE_NOCLEARMEM) == 0)
                        vram.asSlice(0, Math.min(vramSize, (long) vbeRegs[VBE_INDEX_YRES] * vbeLineOffset))
                                .fill((byte) 0);
                } else {
                    bankOffset = 0;
                }
                dac8bit = (val & VBE_8BIT_DAC) != 0;
                vbeRegs[VBE_INDEX_ENABLE] = val;
                break;
            default:
                break;
        }
    }

    /** Clamps the mode to what VRAM holds and derives line length and start (QEMU's vbe_fixup_regs). */
    private void vbeFixupRegs() {
        if (!vbeEnabled()) return;
        int[] r = vbeRegs;
        int bits;
        switch (r[VBE_INDEX_BPP]) {
            case 4, 8, 16, 24, 32 -> bits = r[VBE_INDEX_BPP];
            case 15 -> bits = 16;
            default -> bits = r[VBE_INDEX_BPP] = 8;
        }
        r[VBE_INDEX_XRES] &= ~7;
        if (r[VBE_INDEX_XRES] == 0) r[VBE_INDEX_XRES] = 8;
        if (r[VBE_INDEX_XRES] > VBE_MAX_XRES) r[VBE_INDEX_XRES] = VBE_MAX_XRES;
        r[VBE_INDEX_VIRT_WIDTH] &= ~7;
        if (r[VBE_INDEX_VIRT_WIDTH] > VBE_MAX_XRES) r[VBE_INDEX_VIRT_WIDTH] = VBE_MAX_XRES;
        if (r[VBE_INDEX_VIRT_WIDTH] < r[VBE_INDEX_XRES]) r[VBE_INDEX_VIRT_WIDTH] = r[VBE_INDEX_XRES];

        long lineLength = (long) r[VBE_INDEX_VIRT_WIDTH] * bits / 8;
        long maxY = vramSize / lineLength;
        if (r[VBE_INDEX_YRES] == 0) r[VBE_INDEX_YRES] = 1;
        if (r[VBE_INDEX_YRES] > VBE_MAX_YRES) r[VBE_INDEX_YRES] = VBE_MAX_YRES;
        if (r[VBE_INDEX_YRES] > maxY) r[VBE_INDEX_YRES] = (int) maxY;

        if (r[VBE_INDEX_X_OFFSET] > VBE_MAX_XRES) r[VBE_INDEX_X_OFFSET] = VBE_MAX_XRES;
        if (r[VBE_INDEX_Y_OFFSET] > VBE_MAX_YRES) r[VBE_INDEX_Y_OFFSET] = VBE_MAX_YRES;
        long offset = (long) r[VBE_INDEX_X_OFFSET] * bits / 8 + (long) r[VBE_INDEX_Y_OFFSET] * lineLength;
        if (offset + (long) r[VBE_INDEX_YRES] * lineLength > vramSize) {
            r[VBE_INDEX_Y_OFFSET] = 0;
            offset = (long) r[VBE_INDEX_X_OFFSET] * bits / 8;
            if (offset + (long) r[VBE_INDEX_YRES] * lineLength > vramSize) {
                r[VBE_INDEX_X_OFFSET] = 0;
                offset = 0;
            }
        }
        r[VBE_INDEX_VIRT_HEIGHT] = (int) Math.min(maxY, 0xffff);
        vbeLineOffset = (int) lineLength;
        vbeStartAddr = (int) (offset / 4);
    }

    /** Makes the VGA registers describe the VBE mode (graphics, chain-4, the resolution) as QEMU does. */
    private void vbeUpdateVgaRegs() {
        if (!vbeEnabled()) return;
        gr[GFX_MISC] = (gr[GFX_MISC] & ~0x0c) | 0x04 | GR06_GRAPHICS_MODE;
        cr[CRTC_MODE] |= 3;
        cr[CRTC_OFFSET] = (vbeLineOffset >> 3) & 0xff;
        cr[CRTC_H_DISP] = ((vbeRegs[VBE_INDEX_XRES] >> 3) - 1) & 0xff;
        int h = vbeRegs[VBE_INDEX_YRES] - 1;
        cr[CRTC_V_DISP_END] = h & 0xff;
        cr[CRTC_OVERFLOW] = (cr[CRTC_OVERFLOW] & ~0x42) | ((h >> 7) & 0x02) | ((h >> 3) & 0x40);
        cr[CRTC_LINE_COMPARE] = 0xff;
        cr[CRTC_OVERFLOW] |= 0x10;
        cr[CRTC_MAX_SCAN] |= 0x40;
        int shiftControl;
        if (vbeRegs[VBE_INDEX_BPP] == 4) {
            shiftControl = 0;
            srVbe[SEQ_CLOCK_MODE] &= ~8;
        } else {
            shiftControl = 2;
            srVbe[SEQ_MEMORY_MODE] |= SR04_CHN_4M;
            srVbe[SEQ_PLANE_WRITE] |= SR02_ALL_PLANES;
        }
        gr[GFX_MODE] = (gr[GFX_MODE] & ~0x60) | (shiftControl << 5);
        cr[CRTC_MAX_SCAN] &= ~0x9f;
    }
}
