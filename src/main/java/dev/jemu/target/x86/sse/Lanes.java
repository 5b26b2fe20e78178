package dev.jemu.target.x86.sse;

/**
 * Packed integer operations on one 64-bit chunk (an MMX register or half of an XMM register). Every MMX and
 * SSE2/SSSE3 integer instruction is one of these applied to one chunk (MMX) or two chunks (XMM); how the
 * chunks of the two operands are paired is the instruction's {@code kind}:
 * <ul>
 * <li>{@link #LANE}: element-wise, r.lo = f(a.lo, b.lo), r.hi = f(a.hi, b.hi);</li>
 * <li>{@link #HORIZ}: packs and horizontal adds, r.lo = f(a.lo, a.hi), r.hi = f(b.lo, b.hi);</li>
 * <li>{@link #UNPACK_LO} / {@link #UNPACK_HI}: interleaves, r.lo = f(x, y), r.hi = g(x, y) with x, y the low
 * (or high) chunks of a and b, f the op and g the op + 1;</li>
 * <li>{@link #SHIFT}: shifts, r.lo = f(a.lo, count), r.hi = f(a.hi, count), count = b.lo.</li>
 * </ul>
 * The MMX form of a chunk operation is simply f(a, b) (UNPACK_HI uses g).
 */
public final class Lanes {
    private Lanes() {}

    public static final int LANE = 0, HORIZ = 1, UNPACK_LO = 2, UNPACK_HI = 3, SHIFT = 4;

    // Element-wise.
    public static final int PADDB = 0, PADDW = 1, PADDD = 2, PADDQ = 3, PSUBB = 4, PSUBW = 5, PSUBD = 6,
            PSUBQ = 7, PADDSB = 8, PADDSW = 9, PADDUSB = 10, PADDUSW = 11, PSUBSB = 12, PSUBSW = 13,
            PSUBUSB = 14, PSUBUSW = 15, PMULLW = 16, PMULHW = 17, PMULHUW = 18, PMULUDQ = 19, PMADDWD = 20,
            PSADBW = 21, PAVGB = 22, PAVGW = 23, PMINUB = 24, PMAXUB = 25, PMINSW = 26, PMAXSW = 27,
            PCMPEQB = 28, PCMPEQW = 29, PCMPEQD = 30, PCMPGTB = 31, PCMPGTW = 32, PCMPGTD = 33, PAND = 34,
            PANDN = 35, POR = 36, PXOR = 37, PSIGNB = 38, PSIGNW = 39, PSIGND = 40, PMULHRSW = 41,
            PMADDUBSW = 42, PABSB = 43, PABSW = 44, PABSD = 45;
    // Horizontal: f(x, y) takes the low result half from x and the high half from y.
    public static final int PHADDW = 46, PHADDD = 47, PHADDSW = 48, PHSUBW = 49, PHSUBD = 50, PHSUBSW = 51,
            PACKSSWB = 52, PACKSSDW = 53, PACKUSWB = 54;
    // Interleaves: each pair (lo-half op, hi-half op).
    public static final int UNPCK_BW = 55, UNPCK_WD = 57, UNPCK_DQ = 59, UNPCK_QDQ = 61;
    // Shifts by a 64-bit count.
    public static final int PSRLW = 63, PSRLD = 64, PSRLQ = 65, PSRAW = 66, PSRAD = 67, PSLLW = 68, PSLLD = 69,
            PSLLQ = 70;

    /** Applies operation {@code op} to chunk a (destination) and chunk b (source). */
    public static long op(int op, long a, long b) {
        return switch (op) {
            case PADDB -> add8(a, b);
            case PADDW -> add16(a, b);
            case PADDD -> add32(a, b);
            case PADDQ -> a + b;
            case PSUBB -> add8(a, neg8(b));
            case PSUBW -> add16(a, neg16(b));
            case PSUBD -> add32(a, neg32(b));
            case PSUBQ -> a - b;
            // The ones string functions live on, without element loops.
            case PCMPEQB -> eq(a ^ b, H8, 7, 0xffL);
            case PCMPEQW -> eq(a ^ b, H16, 15, 0xffffL);
            case PCMPEQD -> eq(a ^ b, H32, 31, 0xffffffffL);
            case PMINUB -> {
                long m = geU8(a, b);
                yield (b & m) | (a & ~m);
            }
            case PMAXUB -> {
                long m = geU8(a, b);
                yield (a & m) | (b & ~m);
            }
            case PADDSB, PADDUSB, PSUBSB, PSUBUSB, PAVGB, PCMPGTB, PSIGNB, PABSB -> bytes(op, a, b);
            case PADDSW, PADDUSW, PSUBSW, PSUBUSW, PMULLW, PMULHW, PMULHUW, PAVGW, PMINSW, PMAXSW,
                 PCMPGTW, PSIGNW, PMULHRSW, PABSW -> words(op, a, b);
            case PCMPGTD, PSIGND, PABSD -> dwords(op, a, b);
            case PMULUDQ -> (a & 0xffffffffL) * (b & 0xffffffffL);
            case PMADDWD -> pmaddwd(a, b);
            case PSADBW -> psadbw(a, b);
            case PMADDUBSW -> pmaddubsw(a, b);
            case PAND -> a & b;
            case PANDN -> ~a & b;
            case POR -> a | b;
            case PXOR -> a ^ b;
            case PHADDW, PHSUBW, PHADDSW, PHSUBSW -> hwords(op, a) | hwords(op, b) << 32;
            case PHADDD -> ((a + (a >>> 32)) & 0xffffffffL) | (b + (b >>> 32)) << 32;
            case PHSUBD -> ((a - (a >>> 32)) & 0xffffffffL) | (b - (b >>> 32)) << 32;
            case PACKSSWB, PACKUSWB -> packWB(op, a) | packWB(op, b) << 32;
            case PACKSSDW -> ssd(a) | ssd(a >> 32) << 16 | ssd(b) << 32 | ssd(b >> 32) << 48;
            case UNPCK_BW -> interleave8(a, b);
            case UNPCK_BW + 1 -> interleave8(a >>> 32, b >>> 32);
            case UNPCK_WD -> interleave16(a, b);
            case UNPCK_WD + 1 -> interleave16(a >>> 32, b >>> 32);
            case UNPCK_DQ -> (a & 0xffffffffL) | b << 32;
            case UNPCK_DQ + 1 -> (a >>> 32) | (b & 0xffffffff00000000L);
            case UNPCK_QDQ -> a;
            case UNPCK_QDQ + 1 -> b;
            case PSRLW, PSRLD, PSRLQ, PSRAW, PSRAD, PSLLW, PSLLD, PSLLQ -> shift(op, a, b);
            default -> throw new IllegalArgumentException("lane op " + op);
        };
    }

    // ---- plain adds without carries between elements ----

    private static final long H8 = 0x8080808080808080L, H16 = 0x8000800080008000L, H32 = 0x8000000080000000L;

    static long add8(long a, long b) {
        return ((a & ~H8) + (b & ~H8)) ^ ((a ^ b) & H8);
    }

    static long add16(long a, long b) {
        return ((a & ~H16) + (b & ~H16)) ^ ((a ^ b) & H16);
    }

    static long add32(long a, long b) {
        return ((a & ~H32) + (b & ~H32)) ^ ((a ^ b) & H32);
    }

    static long neg8(long b) {
        return add8(~b, 0x0101010101010101L);
    }

    static long neg16(long b) {
        return add16(~b, 0x0001000100010001L);
    }

    static long neg32(long b) {
        return add32(~b, 0x0000000100000001L);
    }

    /** All ones in each element of x (elements marked by their top bits h) that is zero. */
    private static long eq(long x, long h, int top, long ones) {
        long t = ((x & ~h) + ~h) | x; // top bit of each element: element nonzero
        return ((~t & h) >>> top) * ones;
    }

    /** All ones in each byte where a >= b (unsigned). */
    private static long geU8(long a, long b) {
        long diff = (a | H8) - (b & ~H8); // top bit per byte: low 7 bits of a >= low 7 bits of b
        long ge = ((a & ~b) | (~(a ^ b) & diff)) & H8;
        return (ge >>> 7) * 0xff;
    }

    // ---- element loops ----

    private static long bytes(int op, long a, long b) {
        long r = 0;
        for (int k = 0; k < 64; k += 8) {
            int x = (int) (a >>> k) & 0xff, y = (int) (b >>> k) & 0xff;
            int sx = (byte) x, sy = (byte) y;
            int v = switch (op) {
                case PADDSB -> sat8(sx + sy);
                case PADDUSB -> Math.min(x + y, 0xff);
                case PSUBSB -> sat8(sx - sy);
                case PSUBUSB -> Math.max(x - y, 0);
                case PAVGB -> (x + y + 1) >> 1;
                case PMINUB -> Math.min(x, y);
                case PMAXUB -> Math.max(x, y);
                case PCMPEQB -> x == y ? 0xff : 0;
                case PCMPGTB -> sx > sy ? 0xff : 0;
                case PSIGNB -> sy < 0 ? -sx : sy == 0 ? 0 : sx;
                default -> Math.abs(sy); // PABSB
            };
            r |= (long) (v & 0xff) << k;
        }
        return r;
    }

    private static long words(int op, long a, long b) {
        long r = 0;
        for (int k = 0; k < 64; k += 16) {
            int x = (int) (a >>> k) & 0xffff, y = (int) (b >>> k) & 0xffff;
            int sx = (short) x, sy = (short) y;
            int v = switch (op) {
                case PADDSW -> sat16(sx + sy);
                case PADDUSW -> Math.min(x + y, 0xffff);
                case PSUBSW -> sat16(sx - sy);
                case PSUBUSW -> Math.max(x - y, 0);
                case PMULLW -> sx * sy;
                case PMULHW -> (sx * sy) >> 16;
                case PMULHUW -> (x * y) >>> 16;
                case PAVGW -> (x + y + 1) >> 1;
                case PMINSW -> Math.min(sx, sy);
                case PMAXSW -> Math.max(sx, sy);
                case PCMPEQW -> x == y ? 0xffff : 0;
                case PCMPGTW -> sx > sy ? 0xffff : 0;
                case PSIGNW -> sy < 0 ? -sx : sy == 0 ? 0 : sx;
                case PMULHRSW -> (((sx * sy) >> 14) + 1) >> 1;
                default -> Math.abs(sy); // PABSW
            };
            r |= (long) (v & 0xffff) << k;
        }
        return r;
    }

    private static long dwords(int op, long a, long b) {
        long r = 0;
        for (int k = 0; k < 64; k += 32) {
            int x = (int) (a >>> k), y = (int) (b >>> k);
            int v = switch (op) {
                case PCMPEQD -> x == y ? -1 : 0;
                case PCMPGTD -> x > y ? -1 : 0;
                case PSIGND -> y < 0 ? -x : y == 0 ? 0 : x;
                default -> Math.abs(y); // PABSD
            };
            r |= (v & 0xffffffffL) << k;
        }
        return r;
    }

    private static int sat8(int v) {
        return Math.max(-128, Math.min(127, v));
    }

    private static int sat16(int v) {
        return Math.max(-32768, Math.min(32767, v));
    }

    private static long pmaddwd(long a, long b) {
        long r = 0;
        for (int k = 0; k < 64; k += 32) {
            int s = (short) (a >>> k) * (short) (b >>> k) + (short) (a >>> (k + 16)) * (short) (b >>> (k + 16));
            r |= (s & 0xffffffffL) << k;
        }
        return r;
    }

    private static long pmaddubsw(long a, long b) {
        long r = 0;
        for (int k = 0; k < 64; k += 16) {
            int s = ((int) (a >>> k) & 0xff) * (byte) (b >>> k)
                    + ((int) (a >>> (k + 8)) & 0xff) * (byte) (b >>> (k + 8));
            r |= (long) (sat16(s) & 0xffff) << k;
        }
        return r;
    }

    private static long psadbw(long a, long b) {
        int s = 0;
        for (int k = 0; k < 64; k += 8) s += Math.abs(((int) (a >>> k) & 0xff) - ((int) (b >>> k) & 0xff));
        return s;
    }

    /** Pairwise word add/sub of one chunk: four words to two (in the low 32 bits). */
    private static long hwords(int op, long x) {
        long r = 0;
        for (int k = 0; k < 2; k++) {
            int lo = (short) (x >>> (32 * k)), hi = (short) (x >>> (32 * k + 16));
            int v = switch (op) {
                case PHADDW -> lo + hi;
                case PHSUBW -> lo - hi;
                case PHADDSW -> sat16(lo + hi);
                default -> sat16(lo - hi); // PHSUBSW
            };
            r |= (long) (v & 0xffff) << (16 * k);
        }
        return r;
    }

    /** Four words of one chunk to four bytes, signed (PACKSSWB) or unsigned (PACKUSWB) saturation. */
    private static long packWB(int op, long x) {
        long r = 0;
        for (int k = 0; k < 4; k++) {
            int w = (short) (x >>> (16 * k));
            int v = op == PACKSSWB ? sat8(w) : Math.max(0, Math.min(255, w));
            r |= (long) (v & 0xff) << (8 * k);
        }
        return r;
    }

    /** The low dword of x, saturated to a signed word. */
    private static long ssd(long x) {
        return sat16((int) x) & 0xffffL;
    }

    /** Interleaves the low four bytes of a and b: a0 b0 a1 b1 ... */
    private static long interleave8(long a, long b) {
        long r = 0;
        for (int k = 0; k < 4; k++) {
            r |= ((a >>> (8 * k)) & 0xff) << (16 * k);
            r |= ((b >>> (8 * k)) & 0xff) << (16 * k + 8);
        }
        return r;
    }

    private static long interleave16(long a, long b) {
        return (a & 0xffff) | (b & 0xffff) << 16 | ((a >>> 16) & 0xffff) << 32 | ((b >>> 16) & 0xffff) << 48;
    }

    /** Shifts each element of a by the unsigned 64-bit count; counts past the element width give 0 (or sign). */
    public static long shift(int op, long a, long count) {
        return switch (op) {
            case PSRLW -> Long.compareUnsigned(count, 15) > 0 ? 0 : (a >>> count) & (0xffffL >>> count) * 0x0001000100010001L;
            case PSLLW -> Long.compareUnsigned(count, 15) > 0 ? 0 : (a << count) & ((0xffffL << count) & 0xffff) * 0x0001000100010001L;
            case PSRAW -> sraw(a, Long.compareUnsigned(count, 15) > 0 ? 15 : (int) count);
            case PSRLD -> Long.compareUnsigned(count, 31) > 0 ? 0 : (a >>> count) & (0xffffffffL >>> count) * 0x0000000100000001L;
            case PSLLD -> Long.compareUnsigned(count, 31) > 0 ? 0 : (a << count) & ((0xffffffffL << count) & 0xffffffffL) * 0x0000000100000001L;
            case PSRAD -> {
                int n = Long.compareUnsigned(count, 31) > 0 ? 31 : (int) count;
                yield (((int) a >> n) & 0xffffffffL) | (long) ((int) (a >>> 32) >> n) << 32;
            }
            case PSRLQ -> Long.compareUnsigned(count, 63) > 0 ? 0 : a >>> count;
            default -> Long.compareUnsigned(count, 63) > 0 ? 0 : a << count; // PSLLQ
        };
    }

    private static long sraw(long a, int n) {
        long r = 0;
        for (int k = 0; k < 64; k += 16) r |= (long) (((short) (a >>> k) >> n) & 0xffff) << k;
        return r;
    }

    /** PMOVMSKB of one chunk: the top bit of each byte. */
    public static int movmskb(long x) {
        long m = (x & H8) >>> 7;             // bit 0 of each byte
        return (int) ((m * 0x0102040810204080L) >>> 56) & 0xff;
    }

    /** PSHUFW / PSHUFLW / PSHUFHW: words of x chosen by the 2-bit fields of imm. */
    public static long shufw(long x, int imm) {
        long r = 0;
        for (int k = 0; k < 4; k++) r |= ((x >>> (16 * ((imm >> (2 * k)) & 3))) & 0xffff) << (16 * k);
        return r;
    }

    /** PSHUFB on one 64-bit chunk (MMX form): bytes of table chosen by the low 3 bits of each control byte. */
    public static long pshufb64(long table, long ctl) {
        long r = 0;
        for (int k = 0; k < 64; k += 8) {
            int s = (int) (ctl >>> k) & 0xff;
            if (s < 0x80) r |= ((table >>> (8 * (s & 7))) & 0xff) << k;
        }
        return r;
    }

    /** PSHUFB on one chunk of the 128-bit result (XMM form): indices 0..15 into {lo, hi}. */
    public static long pshufb128(long lo, long hi, long ctl) {
        long r = 0;
        for (int k = 0; k < 64; k += 8) {
            int s = (int) (ctl >>> k) & 0xff;
            if (s < 0x80) {
                long src = (s & 8) == 0 ? lo : hi;
                r |= ((src >>> (8 * (s & 7))) & 0xff) << k;
            }
        }
        return r;
    }
}
