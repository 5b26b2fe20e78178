package dev.jemu.target.x86.fpu;

import static dev.jemu.target.x86.fpu.F80.*;
import static dev.jemu.target.x86.fpu.FpuEnv.*;

/** Conversions between the extended format and memory formats; the public entry points are in {@link Float80}. */
final class Convert {
    private Convert() {}

    static void fromDouble(FpuEnv e, long bits) {
        e.cc = 0;
        int sign = (int) (bits >>> 48) & 0x8000;
        int exp = (int) (bits >>> 52) & 0x7FF;
        long frac = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0x7FF) {
            if (frac != 0 && (frac & (1L << 51)) == 0) {
                e.flags |= IE; // SNaN
            }
            e.result(sign | 0x7FFF, frac == 0 ? J : J | QUIET | frac << 11);
        } else if (exp == 0) {
            if (frac == 0) {
                e.result(sign, 0);
            } else if (!Float80.denormal(e)) {
                int s = Long.numberOfLeadingZeros(frac);
                e.result(sign | (BIAS - 1011 - s), frac << s);
            }
        } else {
            e.result(sign | (exp - 1023 + BIAS), J | frac << 11);
        }
    }

    static void fromFloat(FpuEnv e, int bits) {
        e.cc = 0;
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        long frac = bits & 0x7FFFFF;
        if (exp == 0xFF) {
            if (frac != 0 && (frac & (1L << 22)) == 0) {
                e.flags |= IE;
            }
            e.result(sign | 0x7FFF, frac == 0 ? J : J | QUIET | frac << 40);
        } else if (exp == 0) {
            if (frac == 0) {
                e.result(sign, 0);
            } else if (!Float80.denormal(e)) {
                int s = Long.numberOfLeadingZeros(frac);
                e.result(sign | (BIAS + 63 - 149 - s), frac << s);
            }
        } else {
            e.result(sign | (exp - 127 + BIAS), J | frac << 40);
        }
    }

    static long toDouble(FpuEnv e, int se, long sig) {
        e.cc = 0;
        long sign = (long) (se & 0x8000) << 48;
        switch (classify(se, sig)) {
            case UNSUPPORTED -> {
                e.flags |= IE;
                return 0xFFF8000000000000L;
            }
            case SNAN, QNAN -> {
                if ((sig & QUIET) == 0) {
                    e.flags |= IE;
                }
                return sign | 0x7FF8000000000000L | (sig << 1) >>> 12;
            }
            case INF -> {
                return sign | 0x7FF0000000000000L;
            }
            case ZERO -> {
                return sign;
            }
            default -> {
                Round.round(e, se & 0x8000, normExp(se, sig), normSig(sig), 0, 53, Round.DBL_MIN, Round.DBL_MAX, false);
                int exp = e.se & 0x7FFF;
                if (exp == 0x7FFF) {
                    return sign | 0x7FF0000000000000L;
                }
                if (e.sig < 0) {
                    return sign | (long) (exp - BIAS + 1023) << 52 | (e.sig << 1) >>> 12;
                }
                return sign | e.sig >>> 11;
            }
        }
    }

    static int toFloat(FpuEnv e, int se, long sig) {
        e.cc = 0;
        int sign = (se & 0x8000) << 16;
        switch (classify(se, sig)) {
            case UNSUPPORTED -> {
                e.flags |= IE;
                return 0xFFC00000;
            }
            case SNAN, QNAN -> {
                if ((sig & QUIET) == 0) {
                    e.flags |= IE;
                }
                return sign | 0x7FC00000 | (int) ((sig << 1) >>> 41);
            }
            case INF -> {
                return sign | 0x7F800000;
            }
            case ZERO -> {
                return sign;
            }
            default -> {
                Round.round(e, se & 0x8000, normExp(se, sig), normSig(sig), 0, 24, Round.FLT_MIN, Round.FLT_MAX, false);
                int exp = e.se & 0x7FFF;
                if (exp == 0x7FFF) {
                    return sign | 0x7F800000;
                }
                if (e.sig < 0) {
                    return sign | (exp - BIAS + 127) << 23 | (int) ((e.sig << 1) >>> 41);
                }
                return sign | (int) (e.sig >>> 40);
            }
        }
    }

    static void fromInt(FpuEnv e, long v) {
        e.cc = 0;
        if (v == 0) {
            e.result(0, 0);
            return;
        }
        int sign = v < 0 ? 0x8000 : 0;
        long mag = v < 0 ? -v : v; // Long.MIN_VALUE stays 2^63 read unsigned
        int s = Long.numberOfLeadingZeros(mag);
        e.result(sign | (BIAS + 63 - s), mag << s);
    }

    /**
     * Rounds a finite supported value to an unsigned integer magnitude per rc; returns -1 (all ones) as "too
     * large for 64 bits" (callers range-check anyway: no x87 integer format takes 2^64 - 1).
     */
    private static long magnitude(FpuEnv e, int se, long sig, int rc) {
        int sign = se & 0x8000;
        int exp = normExp(se, sig);
        long m = normSig(sig);
        int f = 63 - (exp - BIAS);
        if (f < 0) {
            return -1L;
        }
        if (f == 0) {
            return m;
        }
        return Float80.integerPart(e, sign, m, f, rc);
    }

    // FIST, FISTTP and FBSTP do not raise DE for denormal operands (checked against the host)
    static long toInt(FpuEnv e, int se, long sig, int bits, boolean truncate) {
        e.cc = 0;
        long indefinite = -1L << (bits - 1);
        int k = classify(se, sig);
        if (k >= INF) {
            e.flags |= IE;
            return indefinite;
        }
        if (k == ZERO) {
            return 0;
        }
        int flags = e.flags;
        long mag = magnitude(e, se, sig, truncate ? RC_ZERO : e.rc);
        boolean neg = (se & 0x8000) != 0;
        long limit = neg ? 1L << (bits - 1) : (1L << (bits - 1)) - 1; // unsigned for bits = 64
        if (Long.compareUnsigned(mag, limit) > 0) {
            e.flags = flags | IE;
            e.cc = 0;
            return indefinite;
        }
        return neg ? -mag : mag;
    }

    private static final long BCD_MAX = 999_999_999_999_999_999L;

    static void toBcd(FpuEnv e, int se, long sig) {
        e.cc = 0;
        int k = classify(se, sig);
        if (k >= INF) {
            e.flags |= IE;
            e.result(INDEFINITE_SE, INDEFINITE_SIG);
            return;
        }
        int flags = e.flags;
        long mag = k == ZERO ? 0 : magnitude(e, se, sig, e.rc);
        if (Long.compareUnsigned(mag, BCD_MAX) > 0) {
            e.flags = flags | IE; // no PE: the invalid response replaces the rounding
            e.cc = 0;
            e.result(INDEFINITE_SE, INDEFINITE_SIG);
            return;
        }
        long lo = 0;
        for (int i = 0; i < 16; i++) {
            lo |= (mag % 10) << (4 * i);
            mag /= 10;
        }
        int hi = (int) (mag % 10) | (int) (mag / 10) << 4;
        e.result((se & 0x8000) | hi, lo);
    }

    static void fromBcd(FpuEnv e, int hi, long lo) {
        long v = 0;
        v = v * 10 + ((hi >>> 4) & 0xF);
        v = v * 10 + (hi & 0xF);
        for (int i = 15; i >= 0; i--) {
            v = v * 10 + ((lo >>> (4 * i)) & 0xF);
        }
        fromInt(e, v);
        e.se |= hi & 0x8000;
    }
}
