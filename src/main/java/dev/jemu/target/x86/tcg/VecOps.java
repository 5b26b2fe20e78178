package dev.jemu.target.x86.tcg;

import dev.jemu.target.x86.X86Exception;

import static dev.jemu.target.x86.sse.Lanes.*;

/**
 * Packed integer operations on one 64-bit chunk that translated code calls directly, one small method per
 * operation (HotSpot inlines them), computing exactly what {@code Lanes.op} computes for the same op.
 * Other operations are translated as calls of {@code Lanes.op} with the op as a constant.
 */
final class VecOps {
    private VecOps() {}

    private static final long H8 = 0x8080808080808080L, H16 = 0x8000800080008000L, H32 = 0x8000000080000000L;

    /** The method for {@code op}, or null. */
    static String name(int op) {
        return switch (op) {
            case PADDB -> "paddb";
            case PADDW -> "paddw";
            case PADDD -> "paddd";
            case PSUBB -> "psubb";
            case PSUBW -> "psubw";
            case PSUBD -> "psubd";
            case PCMPEQB -> "pcmpeqb";
            case PCMPEQW -> "pcmpeqw";
            case PCMPEQD -> "pcmpeqd";
            case PMINUB -> "pminub";
            case PMAXUB -> "pmaxub";
            case UNPCK_BW -> "unpckLoBw";
            case UNPCK_BW + 1 -> "unpckHiBw";
            case UNPCK_WD -> "unpckLoWd";
            case UNPCK_WD + 1 -> "unpckHiWd";
            case UNPCK_DQ -> "unpckLoDq";
            case UNPCK_DQ + 1 -> "unpckHiDq";
            default -> null;
        };
    }

    /** A 16-byte aligned address, else #GP(0) (Sse.aligned). */
    static long aligned(long a) {
        if ((a & 15) != 0) throw X86Exception.gp0();
        return a;
    }

    static long paddb(long a, long b) {
        return ((a & ~H8) + (b & ~H8)) ^ ((a ^ b) & H8);
    }

    static long paddw(long a, long b) {
        return ((a & ~H16) + (b & ~H16)) ^ ((a ^ b) & H16);
    }

    static long paddd(long a, long b) {
        return ((a & ~H32) + (b & ~H32)) ^ ((a ^ b) & H32);
    }

    // a - b = a + ~b + 1 per element: (a | H) - (b & ~H) keeps borrows inside elements, the top bits fixed after
    static long psubb(long a, long b) {
        return ((a | H8) - (b & ~H8)) ^ ((a ^ ~b) & H8);
    }

    static long psubw(long a, long b) {
        return ((a | H16) - (b & ~H16)) ^ ((a ^ ~b) & H16);
    }

    static long psubd(long a, long b) {
        return ((a | H32) - (b & ~H32)) ^ ((a ^ ~b) & H32);
    }

    static long pcmpeqb(long a, long b) {
        return eq(a ^ b, H8, 7, 0xffL);
    }

    static long pcmpeqw(long a, long b) {
        return eq(a ^ b, H16, 15, 0xffffL);
    }

    static long pcmpeqd(long a, long b) {
        return eq(a ^ b, H32, 31, 0xffffffffL);
    }

    /** All ones in each element of x (elements marked by their top bits h) that is zero. */
    private static long eq(long x, long h, int top, long ones) {
        long t = ((x & ~h) + ~h) | x; // top bit of each element: element nonzero
        return ((~t & h) >>> top) * ones;
    }

    static long pminub(long a, long b) {
        long m = geU8(a, b);
        return (b & m) | (a & ~m);
    }

    static long pmaxub(long a, long b) {
        long m = geU8(a, b);
        return (a & m) | (b & ~m);
    }

    /** All ones in each byte where a >= b (unsigned). */
    private static long geU8(long a, long b) {
        long diff = (a | H8) - (b & ~H8);
        long ge = ((a & ~b) | (~(a ^ b) & diff)) & H8;
        return (ge >>> 7) * 0xff;
    }

    static long unpckLoBw(long a, long b) {
        return spread8(a) | spread8(b) << 8;
    }

    static long unpckHiBw(long a, long b) {
        return spread8(a >>> 32) | spread8(b >>> 32) << 8;
    }

    /** The low four bytes of x, one in each 16-bit element. */
    private static long spread8(long x) {
        x &= 0xffffffffL;
        x = (x | x << 16) & 0x0000ffff0000ffffL;
        return (x | x << 8) & 0x00ff00ff00ff00ffL;
    }

    static long unpckLoWd(long a, long b) {
        return spread16(a) | spread16(b) << 16;
    }

    static long unpckHiWd(long a, long b) {
        return spread16(a >>> 32) | spread16(b >>> 32) << 16;
    }

    /** The low two words of x, one in each 32-bit element. */
    private static long spread16(long x) {
        x &= 0xffffffffL;
        return (x | x << 16) & 0x0000ffff0000ffffL;
    }

    static long unpckLoDq(long a, long b) {
        return (a & 0xffffffffL) | b << 32;
    }

    static long unpckHiDq(long a, long b) {
        return (a >>> 32) | (b & 0xffffffff00000000L);
    }
}
