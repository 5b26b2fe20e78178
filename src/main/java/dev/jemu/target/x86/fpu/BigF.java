package dev.jemu.target.x86.fpu;

import java.math.BigInteger;

/**
 * A binary big float m * 2^e with about {@link #P} bits kept, for the transcendental instructions (rare enough
 * that allocating here is fine). Operations truncate to P bits; the results are then rounded once to the
 * 64-bit significand with a sticky bit, so they are correctly rounded unless the true value lies within
 * 2^-240 (relative) of a rounding boundary.
 */
final class BigF {
    static final int P = 256;

    final BigInteger m;
    final int e;

    BigF(BigInteger m, int e) {
        int excess = m.bitLength() - P;
        if (excess > 0) {
            m = m.shiftRight(excess); // floor; the error is far below what the results need
            e += excess;
        }
        this.m = m;
        this.e = e;
    }

    static final BigF ZERO = new BigF(BigInteger.ZERO, 0);
    static final BigF ONE = of(1);

    static BigF of(long v) {
        return new BigF(BigInteger.valueOf(v), 0);
    }

    /** Exact value of a finite 80-bit operand. */
    static BigF of(int se, long sig) {
        if (sig == 0) {
            return ZERO;
        }
        BigInteger m = new BigInteger(Long.toUnsignedString(sig));
        if ((se & 0x8000) != 0) {
            m = m.negate();
        }
        int exp = se & 0x7FFF;
        return new BigF(m, (exp == 0 ? 1 : exp) - F80.BIAS - 63);
    }

    int signum() {
        return m.signum();
    }

    /** floor(log2|x|) for x != 0. */
    int ilog2() {
        return e + m.abs().bitLength() - 1;
    }

    BigF neg() {
        return new BigF(m.negate(), e);
    }

    BigF abs() {
        return m.signum() < 0 ? neg() : this;
    }

    BigF scale(int k) {
        return new BigF(m, e + k);
    }

    BigF add(BigF o) {
        if (o.m.signum() == 0) {
            return this;
        }
        if (m.signum() == 0) {
            return o;
        }
        // an operand far below the other's precision only matters through its sign (which way to round)
        if (ilog2() - o.ilog2() > P + 8) {
            return withSticky(o.signum());
        }
        if (o.ilog2() - ilog2() > P + 8) {
            return o.withSticky(signum());
        }
        if (e >= o.e) {
            return new BigF(m.shiftLeft(e - o.e).add(o.m), o.e);
        }
        return new BigF(m.add(o.m.shiftLeft(o.e - e)), e);
    }

    /** This plus a tiny amount of the given sign: widened to P bits, then the floor truncation keeps it. */
    BigF withSticky(int sign) {
        int sh = P + 2 - m.abs().bitLength();
        return new BigF(m.shiftLeft(sh).add(BigInteger.valueOf(sign)), e - sh);
    }

    BigF sub(BigF o) {
        return add(o.neg());
    }

    BigF mul(BigF o) {
        return new BigF(m.multiply(o.m), e + o.e);
    }

    BigF div(BigF o) {
        int shift = P + 8 + o.m.bitLength() - m.bitLength();
        if (shift < 0) {
            shift = 0;
        }
        return new BigF(m.shiftLeft(shift).divide(o.m), e - o.e - shift);
    }

    BigF div(long k) {
        return div(of(k));
    }

    BigF sqrt() {
        int shift = 2 * P - m.bitLength();
        if (((e - shift) & 1) != 0) {
            shift++;
        }
        return new BigF(m.shiftLeft(shift).sqrt(), (e - shift) / 2);
    }

    /** Nearest integer (ties away from zero), for argument reduction. */
    BigInteger roundToInteger() {
        if (e >= 0) {
            return m.shiftLeft(e);
        }
        BigInteger a = m.abs();
        BigInteger r = a.shiftRight(-e - 1).add(BigInteger.ONE).shiftRight(1);
        return m.signum() < 0 ? r.negate() : r;
    }

    int compareMagnitude(BigF o) {
        return abs().sub(o.abs()).signum();
    }

    /** Whether |x| is below 2^-P relative to |ref| (for series termination). */
    boolean negligibleAgainst(BigF ref) {
        return m.signum() == 0 || ref.m.signum() != 0 && ilog2() < ref.ilog2() - P - 4;
    }

    boolean isPowerOfTwo() {
        BigInteger a = m.abs();
        return a.signum() != 0 && a.getLowestSetBit() == a.bitLength() - 1;
    }

    /**
     * Rounds to the 80-bit format per env's RC (64 bits, PC does not apply to transcendentals) into env.se/sig,
     * raising PE/UE/OE and C1. {@code inexact} says the value is an approximation of an irrational result.
     */
    void round(FpuEnv env, boolean inexact) {
        if (m.signum() == 0) {
            env.result(0, 0);
            env.cc = 0;
            return;
        }
        int sign = m.signum() < 0 ? 0x8000 : 0;
        BigInteger a = m.abs();
        if (inexact && sign != 0) {
            // values are truncated toward -inf, so a negative approximation lies just above the true value:
            // step its magnitude down and let the sticky bit say "a little more"
            a = a.subtract(BigInteger.ONE);
        }
        int len = a.bitLength();
        BigInteger t;
        boolean sticky = inexact;
        if (len <= 128) {
            t = a.shiftLeft(128 - len);
        } else {
            t = a.shiftRight(len - 128);
            sticky |= a.getLowestSetBit() < len - 128;
        }
        long hi = t.shiftRight(64).longValue();
        long lo = t.longValue() | (sticky ? 1 : 0);
        long exp = (long) e + len - 1 + F80.BIAS;
        int clamped = (int) Math.clamp(exp, -1_000_000, 1_000_000);
        Round.toExtended(env, sign, clamped, hi, lo, 64);
    }

    @Override
    public String toString() {
        return m + "*2^" + e;
    }
}
