package dev.jemu.target.x86.sse;

import java.util.Random;

/** Input generators for {@link HostHarness}: integers with edge bytes, floats and doubles with special values. */
public final class Gens {
    private Gens() {}

    // ---- integers ----

    private static final long[] EDGE = {0, -1, 0x80, 0x7f, 0xff, 0x8000, 0x7fff, 0xffff, 0x80000000L, 0x7fffffffL,
            0x8000000000000000L, 0x7fffffffffffffffL, 1, 2, 15, 16, 31, 32, 63, 64, 0x100};

    /** A 64-bit value: random, an edge value, or random with edge bytes mixed in. */
    public static long int64(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> EDGE[r.nextInt(EDGE.length)];
            case 1 -> {
                long v = 0;
                for (int k = 0; k < 8; k++) {
                    long b = switch (r.nextInt(5)) {
                        case 0 -> 0;
                        case 1 -> 0xff;
                        case 2 -> 0x80;
                        case 3 -> 0x7f;
                        default -> r.nextInt(256);
                    };
                    v |= b << (8 * k);
                }
                yield v;
            }
            case 2 -> r.nextInt(300) - 150;
            default -> r.nextLong();
        };
    }

    /** Everything integer: registers, MMX, GPRs, memory; MXCSR left at its default. */
    public static void ints(Random r, HostHarness.State s) {
        for (int k = 0; k < 8; k++) s.x[k] = int64(r);
        s.mm0 = int64(r);
        s.mm1 = int64(r);
        s.rax = int64(r);
        s.rcx = int64(r);
        for (int k = 0; k < 32; k += 8) s.memLong(k, int64(r));
        s.eflags = 0x202 | (r.nextInt(256) & 0xd5) | (r.nextBoolean() ? 0x800 : 0);
    }

    /** Integer inputs where shift counts are small (so that shifts by register are interesting). */
    public static void shiftCounts(Random r, HostHarness.State s) {
        ints(r, s);
        if (r.nextInt(4) != 0) {
            s.x[2] = r.nextInt(70);
            s.mm1 = r.nextInt(70);
            s.memLong(0, r.nextInt(70));
        }
    }

    // ---- MXCSR ----

    /** Any rounding mode, DAZ/FTZ on or off, usually all exceptions masked, sometimes some unmasked. */
    public static int mxcsr(Random r) {
        // what programs run with: the default, once something was inexact (the translator's fast path)
        if (r.nextInt(4) == 0) return 0x1f80 | 0x20 | r.nextInt(64);
        int v = r.nextInt(4) << 13;
        if (r.nextInt(3) == 0) v |= 0x40;
        if (r.nextInt(3) == 0) v |= 0x8000;
        v |= r.nextInt(4) == 0 ? (r.nextInt(64) << 7) : 0x1f80;
        if (r.nextInt(4) == 0) v |= r.nextInt(64);
        return v;
    }

    // ---- binary32 ----

    private static final int[] F32 = {0, 0x80000000, 1, 0x80000001, 0x007fffff, 0x807fffff, 0x00400000,
            0x1fffffff, 0x20000000,
            0x00800000, 0x80800000, 0x00800001, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000,
            0xffc00000, 0x7fc12345, 0xffc00001, 0x7f800001, 0xffa00000, 0x7fbfffff, 0x3f800000, 0xbf800000,
            0x40000000, 0x3f000000, 0xbf000000, 0x3fc00000, 0x40200000, 0xc0200000, 0x3eaaaaab, 0x4effffff,
            0x4f000000, 0xcf000000, 0xcf000001, 0x5effffff, 0x5f000000, 0xdf000000, 0xdf000001, 0x7effffff,
            0x00000003, 0x0ff00000, 0x1f800000, 0x3f7fffff, 0x3f800001, 0x4b000000, 0x4affffff, 0x4b7fffff};

    public static int f32(Random r) {
        return switch (r.nextInt(10)) {
            case 0, 1, 2 -> F32[r.nextInt(F32.length)];
            case 3 -> r.nextInt();
            case 4 -> (r.nextInt() & 0x807fffff) | (r.nextInt(30) << 23);          // tiny exponents
            case 5 -> (r.nextInt() & 0x807fffff) | ((254 - r.nextInt(30)) << 23);  // huge exponents
            case 6 -> (r.nextInt() & 0x807fffff) | ((r.nextInt(24) + 115) << 23);  // around 1
            case 7 -> r.nextInt() & 0x807fffff;                                     // denormals
            case 8 -> Float.floatToRawIntBits((float) (r.nextInt(2001) - 1000) / (1 << r.nextInt(4)));
            default -> (r.nextInt() & 0x807fffff) | ((r.nextInt(60) + 98) << 23);
        };
    }

    /** A second operand related to the first: near it, its negation, a power-of-two multiple, or independent. */
    public static int f32Related(Random r, int a) {
        return switch (r.nextInt(8)) {
            case 0 -> a ^ 0x80000000;
            case 1 -> a + r.nextInt(5) - 2;
            case 2 -> (a ^ 0x80000000) + r.nextInt(5) - 2;
            case 3 -> {
                int e = (a >>> 23) & 0xff;
                int ne = Math.max(1, Math.min(254, e + r.nextInt(60) - 30));
                yield (a & 0x807fffff) | ne << 23 | (r.nextBoolean() ? 0x80000000 : 0);
            }
            default -> f32(r);
        };
    }

    /** Packed singles in xmm0..3 and memory (lane k of xmm1/memory related to lane k of xmm0). */
    public static void f32s(Random r, HostHarness.State s) {
        ints(r, s);
        for (int reg = 0; reg < 4; reg++) {
            for (int lane = 0; lane < 4; lane++) s.setI32(reg, lane, f32(r));
        }
        for (int lane = 0; lane < 4; lane++) {
            int a = (int) (s.x[lane >> 1] >>> (32 * (lane & 1)));
            s.setI32(1, lane, f32Related(r, a));
            long m = s.memLong(8 * (lane >> 1));
            int sh = 32 * (lane & 1);
            m = (m & ~(0xffffffffL << sh)) | (f32Related(r, a) & 0xffffffffL) << sh;
            s.memLong(8 * (lane >> 1), m);
        }
        s.mxcsr = mxcsr(r);
    }

    // ---- binary64 ----

    private static final long[] F64 = {0, 0x8000000000000000L, 1, 0x8000000000000001L, 0x000fffffffffffffL,
            // tiny results that round to the smallest normal (single: as a conversion; double: as a product)
            0x380fffffe0000000L, 0x1fffffffffffffffL, 0x2000000000000000L,
            0x800fffffffffffffL, 0x0008000000000000L, 0x0010000000000000L, 0x8010000000000000L,
            0x0010000000000001L, 0x7fefffffffffffffL, 0xffefffffffffffffL, 0x7ff0000000000000L,
            0xfff0000000000000L, 0x7ff8000000000000L, 0xfff8000000000000L, 0x7ff8000012345678L,
            0x7ff0000000000001L, 0xfff4000000000000L, 0x7ff7ffffffffffffL, 0x3ff0000000000000L,
            0xbff0000000000000L, 0x4000000000000000L, 0x3fe0000000000000L, 0xbfe0000000000000L,
            0x3ff8000000000000L, 0x4004000000000000L, 0xc004000000000000L, 0x3fd5555555555555L,
            0x41dfffffffc00000L, 0x41dfffffffe00000L, 0x41e0000000000000L, 0xc1e0000000000000L,
            0xc1e0000000200000L, 0xc1e0000000100000L, 0x43dfffffffffffffL, 0x43e0000000000000L,
            0xc3e0000000000000L, 0xc3e0000000000001L, 0x47efffffe0000000L, 0x47efffff00000000L,
            0x47f0000000000000L, 0x36a0000000000000L, 0x3690000000000000L, 0x380fffffe0000000L,
            0x380ffffff0000000L, 0x3810000000000000L, 0x3800000000000000L, 0x7fe0000000000000L};

    public static long f64(Random r) {
        return switch (r.nextInt(10)) {
            case 0, 1, 2 -> F64[r.nextInt(F64.length)];
            case 3 -> r.nextLong();
            case 4 -> (r.nextLong() & 0x800fffffffffffffL) | ((long) r.nextInt(60) << 52);
            case 5 -> (r.nextLong() & 0x800fffffffffffffL) | ((long) (2046 - r.nextInt(60)) << 52);
            case 6 -> (r.nextLong() & 0x800fffffffffffffL) | ((long) (r.nextInt(64) + 992) << 52);
            case 7 -> r.nextLong() & 0x800fffffffffffffL;
            case 8 -> Double.doubleToRawLongBits((double) (r.nextInt(2001) - 1000) / (1 << r.nextInt(4)));
            default -> (r.nextLong() & 0x800fffffffffffffL) | ((long) (r.nextInt(300) + 1023 - 150) << 52);
        };
    }

    public static long f64Related(Random r, long a) {
        return switch (r.nextInt(8)) {
            case 0 -> a ^ 0x8000000000000000L;
            case 1 -> a + r.nextInt(5) - 2;
            case 2 -> (a ^ 0x8000000000000000L) + r.nextInt(5) - 2;
            case 3 -> {
                int e = (int) (a >>> 52) & 0x7ff;
                long ne = Math.max(1, Math.min(2046, e + r.nextInt(120) - 60));
                yield (a & 0x800fffffffffffffL) | ne << 52 | (r.nextBoolean() ? 0x8000000000000000L : 0);
            }
            default -> f64(r);
        };
    }

    public static void f64s(Random r, HostHarness.State s) {
        ints(r, s);
        for (int k = 0; k < 8; k++) s.x[k] = f64(r);
        for (int lane = 0; lane < 2; lane++) {
            s.x[2 + lane] = f64Related(r, s.x[lane]);
            s.memLong(8 * lane, f64Related(r, s.x[lane]));
        }
        s.mxcsr = mxcsr(r);
    }
}
