package dev.jemu.target.x86;

import java.util.SplittableRandom;

/** Operand values for the x87 tests: the special encodings, random finite values, memory-format bit patterns. */
final class X87Values {
    private X87Values() {}

    static final long J = 0x8000000000000000L;

    /** Special 80-bit values {se, sig}, positive (callers flip the sign at random). */
    static final long[][] SPECIALS = {
        {0, 0}, {0, 1}, {0, 0x7FFFFFFFFFFFFFFFL}, {0, 0x0000000100000000L},
        {0, J}, {0, 0xC000000000000001L},                          // pseudo-denormals
        {1, J}, {1, J | 1}, {0x7FFE, -1L}, {0x7FFE, J},
        {0x7FFF, J},                                               // infinity
        {0x7FFF, 0xC000000000000000L}, {0x7FFF, 0xC000000000000001L}, {0x7FFF, -1L}, // QNaN
        {0x7FFF, J | 1}, {0x7FFF, 0xBFFFFFFFFFFFFFFFL},           // SNaN
        {0x4000, 0x4000000000000000L}, {0x7FFF, 0}, {0x7FFF, 0x4000000000000000L}, // unsupported
        {0x3FFF, J}, {0x4000, 0xC000000000000000L}, {0x3FFD, 0xAAAAAAAAAAAAAAABL},
        {0x3FFF, J | 1}, {0x3FFE, -1L}, {0x4002, 0xA000000000000000L},
        {0x403E, J}, {0x403D, -1L}, {0x403E, -1L}, {0x401F, J}, {0x400E, 0xFFFF000000000000L},
        {0x3F80, J}, {0x3C00, J}, {0x43FE, J}, {0x407E, J}, {0x3F6A, J | 0x123}, // float/double edges
    };

    static long[] special(SplittableRandom r) {
        long[] v = SPECIALS[r.nextInt(SPECIALS.length)];
        return new long[] {v[0] | (r.nextBoolean() ? 0x8000 : 0), v[1]};
    }

    static long randomSig(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> J | (r.nextLong() << (63 - r.nextInt(1, 64)));
            case 1 -> -1L << r.nextInt(64);
            case 2 -> J | (r.nextLong() >>> r.nextInt(1, 64));
            default -> J | r.nextLong();
        };
    }

    /** A random finite value with exponents that hit the edges (denormal, overflow, float/double ranges) often. */
    static long[] finite(SplittableRandom r) {
        int sign = r.nextBoolean() ? 0x8000 : 0;
        int exp = switch (r.nextInt(10)) {
            case 0 -> r.nextInt(1, 0x7FFF);
            case 1 -> r.nextInt(0, 70);
            case 2 -> 0x7FFE - r.nextInt(70);
            case 3 -> 0x3FFF - 126 + r.nextInt(-30, 10);    // float denormal/normal boundary
            case 4 -> 0x3FFF + 127 + r.nextInt(-3, 3);      // float overflow
            case 5 -> 0x3FFF - 1022 + r.nextInt(-60, 10);   // double denormals
            case 6 -> 0x3FFF + 1023 + r.nextInt(-3, 3);
            default -> 0x3FFF + r.nextInt(-70, 70);
        };
        long sig = randomSig(r);
        if (exp == 0) sig >>>= r.nextInt(1, 64);
        return new long[] {sign | exp, sig};
    }

    /** Mostly ordinary values, often specials, sometimes integers (for FIST/FRNDINT/FBSTP). */
    static long[] any(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0, 1 -> special(r);
            case 2 -> integral(r);
            default -> finite(r);
        };
    }

    /** Values near integers of various sizes (exact, half-way, out of range). */
    static long[] integral(SplittableRandom r) {
        int e = r.nextInt(-2, 66);
        long sig = r.nextInt(3) == 0 ? J | (r.nextLong() >>> 1) : J | (r.nextLong() << Math.max(0, 63 - e) >>> 1);
        if (r.nextInt(4) == 0) sig = J | (1L << Math.max(0, 62 - e)); // .5 cases
        return new long[] {(r.nextBoolean() ? 0x8000 : 0) | (0x3FFF + e), sig};
    }

    static int f32(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> new int[] {0, 1, 0x7fffff, 0x800000, 0x7f7fffff, 0x7f800000, 0x7fc00000, 0x7f800001,
                0x7fbfffff, 0x3f800000, 0x7fffffff}[r.nextInt(11)] | (r.nextBoolean() ? 0x80000000 : 0);
            case 1 -> r.nextInt() & 0x807fffff;                                  // denormals
            case 2 -> r.nextInt() | 0x7f800000;                                  // NaN/inf
            default -> r.nextInt();
        };
    }

    static long f64(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> new long[] {0, 1, 0xfffffffffffffL, 0x10000000000000L, 0x7fefffffffffffffL,
                0x7ff0000000000000L, 0x7ff8000000000000L, 0x7ff0000000000001L, 0x7ff7ffffffffffffL,
                0x3ff0000000000000L}[r.nextInt(10)] | (r.nextBoolean() ? Long.MIN_VALUE : 0);
            case 1 -> r.nextLong() & 0x800fffffffffffffL;
            case 2 -> r.nextLong() | 0x7ff0000000000000L;
            default -> r.nextLong();
        };
    }

    static long int64(SplittableRandom r, int bits) {
        long v = switch (r.nextInt(4)) {
            case 0 -> new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x8000, 0x7fff, 0x80000000L}[r.nextInt(8)];
            case 1 -> r.nextLong() >> r.nextInt(64);
            default -> r.nextLong();
        };
        return bits == 64 ? v : v << (64 - bits) >> (64 - bits);
    }

    /** A control word: RC and PC at random, all exceptions masked (or {@code unmask} chance of random masks). */
    static int cw(SplittableRandom r, int unmaskPercent) {
        int masks = r.nextInt(100) < unmaskPercent ? r.nextInt(64) : 0x3f;
        int pc = new int[] {0, 1, 2, 3, 3}[r.nextInt(5)]; // 1 is reserved (rounds like 64 bits)
        return 0x40 | masks | pc << 8 | r.nextInt(4) << 10;
    }

    /** Condition codes and sticky flags at random, but nothing pending (flags only where masked). */
    static int sw(SplittableRandom r, int cw) {
        int cc = r.nextInt() & 0x4700;
        int flags = r.nextInt(4) == 0 ? r.nextInt(0x80) & (cw & 0x3f | 0x40) : 0;
        return cc | flags;
    }
}
