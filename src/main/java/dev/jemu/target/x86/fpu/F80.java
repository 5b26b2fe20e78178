package dev.jemu.target.x86.fpu;

/**
 * The x87 80-bit extended-precision format, held as a pair of primitives: {@code int se} (bit 15 sign,
 * bits 0-14 biased exponent, bias 16383) and {@code long sig} (64-bit significand with the explicit integer
 * bit J at bit 63). In memory the value is 10 bytes: sig little-endian, then se.
 *
 * <p>Encodings, as the 387 and later see them:
 * <ul>
 * <li>exponent 0, sig 0: zero; exponent 0, sig != 0: denormal (J=0) or pseudo-denormal (J=1); both are valid
 * operands (raise DE) and mean sig * 2^(1-16383-63)</li>
 * <li>exponent 1..0x7FFE, J=1: normal; J=0: unnormal (unsupported)</li>
 * <li>exponent 0x7FFF, sig 0x8000000000000000: infinity; J=1 and fraction != 0: NaN (quiet when bit 62 set);
 * J=0: pseudo-infinity / pseudo-NaN (unsupported)</li>
 * </ul>
 * This class has the constants and classification helpers; arithmetic is in {@link Float80}.
 */
public final class F80 {
    private F80() {}

    public static final int BIAS = 16383;
    public static final int MAX_EXP = 0x7FFF;
    public static final long J = 0x8000000000000000L;
    public static final long QUIET = 0x4000000000000000L;

    /** The real indefinite (default NaN): negative QNaN with fraction 0.1000... */
    public static final int INDEFINITE_SE = 0xFFFF;
    public static final long INDEFINITE_SIG = 0xC000000000000000L;
    public static final int INF_SE = 0x7FFF;
    public static final long INF_SIG = J;
    public static final int ONE_SE = 0x3FFF;
    public static final long ONE_SIG = J;

    // operand classes, in an order that lets "any special" be one compare
    public static final int NORMAL = 0, ZERO = 1, DENORMAL = 2, INF = 3, QNAN = 4, SNAN = 5, UNSUPPORTED = 6;

    /** Classifies an operand (pseudo-denormals count as DENORMAL, unnormals and pseudo-NaN/inf as UNSUPPORTED). */
    public static int classify(int se, long sig) {
        int exp = se & 0x7FFF;
        if (exp == 0) {
            return sig == 0 ? ZERO : DENORMAL;
        }
        if (sig >= 0) {
            return UNSUPPORTED; // J bit clear with a nonzero exponent
        }
        if (exp == 0x7FFF) {
            if (sig << 1 == 0) {
                return INF;
            }
            return (sig & QUIET) != 0 ? QNAN : SNAN;
        }
        return NORMAL;
    }

    public static boolean isNaN(int se, long sig) {
        return (se & 0x7FFF) == 0x7FFF && sig < 0 && sig << 1 != 0;
    }

    public static boolean isSignalingNaN(int se, long sig) {
        return isNaN(se, sig) && (sig & QUIET) == 0;
    }

    public static boolean isNegative(int se) {
        return (se & 0x8000) != 0;
    }

    /** Unsupported encodings (unnormal, pseudo-infinity, pseudo-NaN) raise IE on the 387 and later. */
    public static boolean isUnsupported(int se, long sig) {
        return (se & 0x7FFF) != 0 && sig >= 0;
    }

    /** Exponent of a nonzero finite operand after normalizing its significand (pseudo-denormals give 1). */
    static int normExp(int se, long sig) {
        int exp = se & 0x7FFF;
        return exp != 0 ? exp : 1 - Long.numberOfLeadingZeros(sig);
    }

    /** Significand of a nonzero finite operand, shifted so bit 63 is set. */
    static long normSig(long sig) {
        return sig << Long.numberOfLeadingZeros(sig);
    }

    /** For tests and logs: "SEEE:SSSSSSSSSSSSSSSS". */
    public static String toHex(int se, long sig) {
        return String.format("%04x:%016x", se & 0xFFFF, sig);
    }

    /** Approximate value as a double (for logs and tests only: no flags, no x87 rounding). */
    public static double toApproxDouble(int se, long sig) {
        int exp = se & 0x7FFF;
        double sign = (se & 0x8000) != 0 ? -1 : 1;
        if (exp == 0x7FFF) {
            return sig << 1 == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        if (sig == 0) {
            return sign * 0.0;
        }
        double m = (sig >>> 11) * 0x1p-52; // top 53 bits, truncated
        return sign * Math.scalb(m, (exp == 0 ? 1 : exp) - BIAS);
    }
}
