package dev.jemu.target.x86.fpu;

import static dev.jemu.target.x86.fpu.FpuEnv.*;

/**
 * Rounding of an exact (or sticky-jammed) intermediate result to a destination precision, with the x87's
 * masked and unmasked overflow/underflow responses. The intermediate is
 * {@code sign * (m + lo / 2^64) * 2^(exp - 16383 - 63)} with bit 63 of {@code m} set, {@code exp} unbounded.
 */
final class Round {
    private Round() {}

    /** The x87 detects tininess after rounding (checked against the host, see Float80Test). */
    static final boolean TININESS_BEFORE_ROUNDING = false;

    /** Exponent bias adjustment of the unmasked overflow/underflow response for register destinations. */
    static final int WRAP = 24576;

    // smallest normal / largest finite biased exponents of the destination formats, in extended terms
    static final int EXT_MIN = 1, EXT_MAX = 0x7FFE;
    static final int DBL_MIN = F80.BIAS - 1022, DBL_MAX = F80.BIAS + 1023;
    static final int FLT_MIN = F80.BIAS - 126, FLT_MAX = F80.BIAS + 127;

    /** Precision control to bits; the reserved encoding 1 rounds to 64 bits as on the host. */
    static int precisionBits(int pc) {
        return pc == PC_24 ? 24 : pc == PC_53 ? 53 : 64;
    }

    /** Rounds to an extended-format register result with the precision {@code prec} (24, 53 or 64). */
    static void toExtended(FpuEnv e, int sign, int exp, long m, long lo, int prec) {
        round(e, sign, exp, m, lo, prec, EXT_MIN, EXT_MAX, true);
    }

    /**
     * The general rounding step. Writes e.se/e.sig in extended layout: a normal result has its biased exponent;
     * a denormal or zero result (bit 63 clear) has exponent field {@code min - 1} and a significand aligned to
     * exponent {@code min}; an overflow gives infinity (0x7FFF) or the largest finite value of the precision.
     * Sets PE, UE, OE and C1 ("rounded up", i.e. magnitude increased) as the x87 does. {@code reg} selects the
     * register-destination response to unmasked OE/UE (exponent wrapped by 24576); memory destinations just
     * flag them (the caller does not store).
     */
    static void round(FpuEnv e, int sign, int exp, long m, long lo, int prec, int min, int max, boolean reg) {
        long dropMask = prec == 64 ? 0 : -1L >>> prec; // significand bits below the precision
        boolean tiny = false;
        if (reg && (exp < min - WRAP && (e.masks & UE) == 0 || exp > max + WRAP && (e.masks & OE) == 0)) {
            // unmasked, and even the wrapped exponent is out of range (FSCALE): the x87 gives 0 or infinity
            boolean over = exp > max;
            e.flags |= PE | (over ? OE : UE);
            e.cc = over ? C1 : 0;
            e.se = sign | (over ? 0x7FFF : 0);
            e.sig = over ? F80.J : 0;
            return;
        }
        if (exp < min) {
            boolean isTiny = TININESS_BEFORE_ROUNDING || tinyAfterRounding(e.rc, sign, exp, m, lo, dropMask, min);
            if (reg && (e.masks & UE) == 0) {
                if (isTiny) {
                    e.flags |= UE;
                    exp += WRAP;
                } // else the rounding below carries into the smallest normal
            } else {
                tiny = isTiny;
                int s = min - exp;
                if (s < 64) {
                    lo = (m << (64 - s)) | (lo >>> s) | ((lo << (64 - s)) != 0 ? 1 : 0);
                    m >>>= s;
                } else if (s == 64) {
                    lo = m | (lo != 0 ? 1 : 0);
                    m = 0;
                } else if (s < 128) {
                    long lost = (m << (128 - s)) | lo;
                    lo = (m >>> (s - 64)) | (lost != 0 ? 1 : 0);
                    m = 0;
                } else {
                    lo = (m | lo) != 0 ? 1 : 0;
                    m = 0;
                }
                exp = min;
            }
        }
        boolean roundBit, sticky;
        if (prec == 64) {
            roundBit = lo < 0;
            sticky = (lo << 1) != 0;
        } else {
            long half = 1L << (63 - prec);
            roundBit = (m & half) != 0;
            sticky = (m & (half - 1)) != 0 || lo != 0;
        }
        boolean inexact = roundBit | sticky;
        long kept = m & ~dropMask;
        boolean inc = switch (e.rc) {
            case RC_NEAREST -> roundBit && (sticky || (kept & (dropMask + 1)) != 0);
            case RC_DOWN -> inexact && sign != 0;
            case RC_UP -> inexact && sign == 0;
            default -> false;
        };
        if (inc) {
            long r = kept + dropMask + 1;
            if (Long.compareUnsigned(r, kept) < 0) {
                r = F80.J;
                exp++;
            }
            kept = r;
        }
        if (tiny) {
            if (inexact || !reg && (e.masks & UE) == 0) {
                e.flags |= UE;
            }
            if (kept >= 0) {
                exp = min - 1; // still denormal (or zero) after rounding
            }
        }
        if (exp > max) {
            if (reg && (e.masks & OE) == 0) {
                exp -= WRAP;
                e.flags |= OE;
            } else {
                e.flags |= OE | PE;
                boolean toInf = switch (e.rc) {
                    case RC_NEAREST -> true;
                    case RC_DOWN -> sign != 0;
                    case RC_UP -> sign == 0;
                    default -> false;
                };
                if (toInf) {
                    e.se = sign | 0x7FFF;
                    e.sig = F80.J;
                    e.cc = C1;
                } else {
                    e.se = sign | max;
                    e.sig = ~dropMask;
                    e.cc = 0;
                }
                return;
            }
        }
        if (inexact) {
            e.flags |= PE;
        }
        e.cc = inc ? C1 : 0;
        e.se = sign | exp;
        e.sig = kept;
    }

    /** IEEE "tininess after rounding": rounding to the precision with an unbounded exponent stays below min. */
    private static boolean tinyAfterRounding(int rc, int sign, int exp, long m, long lo, long dropMask, int min) {
        if (exp < min - 1 || (m | dropMask) != -1L) {
            return true;
        }
        boolean roundBit, sticky;
        if (dropMask == 0) {
            roundBit = lo < 0;
            sticky = (lo << 1) != 0;
        } else {
            long half = (dropMask + 1) >>> 1;
            roundBit = (m & half) != 0;
            sticky = (m & (half - 1)) != 0 || lo != 0;
        }
        boolean inc = switch (rc) {
            case RC_NEAREST -> roundBit;
            case RC_DOWN -> (roundBit | sticky) && sign != 0;
            case RC_UP -> (roundBit | sticky) && sign == 0;
            default -> false;
        };
        return !inc;
    }
}
