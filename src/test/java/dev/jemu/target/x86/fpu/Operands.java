package dev.jemu.target.x86.fpu;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Test operands: the x87's special encodings plus random values, from a fixed seed. */
final class Operands {
    /** An 80-bit operand. */
    record V(int se, long sig) {
        V neg() {
            return new V(se ^ 0x8000, sig);
        }

        @Override
        public String toString() {
            return F80.toHex(se, sig);
        }
    }

    static final long J = 0x8000000000000000L;

    /** Special values: zeros, denormals, pseudo-denormals, extremes, infinities, NaNs, unsupported, simple numbers. */
    static List<V> specials() {
        List<V> l = new ArrayList<>();
        V[] pos = {
            new V(0, 0), new V(0, 1), new V(0, 0x7FFFFFFFFFFFFFFFL), new V(0, 0x0000000100000000L),
            new V(0, J), new V(0, 0xC000000000000001L), // pseudo-denormals
            new V(1, J), new V(1, J | 1), new V(0x7FFE, -1L), new V(0x7FFE, J),
            new V(0x7FFF, J), // infinity
            new V(0x7FFF, 0xC000000000000000L), new V(0x7FFF, 0xC000000000000001L), new V(0x7FFF, -1L), // QNaN
            new V(0x7FFF, J | 1), new V(0x7FFF, 0xBFFFFFFFFFFFFFFFL), // SNaN
            new V(0x4000, 0x4000000000000000L), new V(0x7FFF, 0), new V(0x7FFF, 0x4000000000000000L), // unsupported
            new V(0x3FFF, J), new V(0x4000, 0xC000000000000000L), new V(0x3FFD, 0xAAAAAAAAAAAAAAABL), // 1 3 1/3
            new V(0x3FFF, J | 1), new V(0x3FFE, -1L), new V(0x4002, 0xA000000000000000L), // 1+ulp, 1-ulp/2, 10
            new V(0x403E, J), new V(0x403D, -1L), new V(0x403E, -1L), new V(0x401F, J), // 2^63, ..., 2^32
        };
        for (V v : pos) {
            l.add(v);
            l.add(v.neg());
        }
        return l;
    }

    /** A random supported finite value: exponent and significand shapes chosen to hit edge cases often. */
    static V random(SplittableRandom r) {
        int sign = r.nextBoolean() ? 0x8000 : 0;
        int exp = switch (r.nextInt(8)) {
            case 0 -> r.nextInt(1, 0x7FFF);
            case 1 -> r.nextInt(0, 70); // near and in the denormal range
            case 2 -> 0x7FFE - r.nextInt(70); // near overflow
            default -> 0x3FFF + r.nextInt(-80, 80); // ordinary magnitudes
        };
        long sig = randomSig(r);
        if (exp == 0) {
            sig >>>= 1 + r.nextInt(64); // denormal
            if (sig == 0) {
                sig = 1;
            }
        }
        return new V(sign | exp, sig);
    }

    /** A random significand with J set: full random, short (few bits, for exact results), or runs of 1s/0s. */
    static long randomSig(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> J | (r.nextLong() << (63 - r.nextInt(1, 64)));   // few significant bits
            case 1 -> -1L << r.nextInt(64);                              // 1...10...0
            case 2 -> J | (r.nextLong() >>> r.nextInt(1, 64));         // 10...0xxx
            default -> J | r.nextLong();
        };
    }

    /** b near a in magnitude (cancellation, ties, carries) or random. */
    static V near(SplittableRandom r, V a) {
        if ((a.se() & 0x7FFF) == 0 || (a.se() & 0x7FFF) == 0x7FFF || r.nextInt(3) == 0) {
            return random(r);
        }
        int exp = Math.clamp((a.se() & 0x7FFF) + r.nextInt(-66, 67), 1, 0x7FFE);
        long sig = r.nextBoolean() ? a.sig() + r.nextLong(-3, 4) : randomSig(r);
        if (sig >= 0) {
            sig = a.sig();
        }
        return new V((r.nextBoolean() ? 0x8000 : 0) | exp, sig);
    }

    /** Random pairs plus every pair of specials (with a few random values mixed in). */
    static List<V[]> pairs(SplittableRandom r, int randomCount) {
        List<V[]> l = new ArrayList<>();
        List<V> s = specials();
        for (int i = 0; i < 6; i++) {
            s.add(random(r));
        }
        for (V a : s) {
            for (V b : s) {
                l.add(new V[] {a, b});
            }
        }
        for (int i = 0; i < randomCount; i++) {
            V a = random(r);
            l.add(new V[] {a, near(r, a)});
        }
        return l;
    }

    static int cw(int rc, int pc) {
        return 0x37F & ~0x300 | pc << 8 | rc << 10;
    }
}
