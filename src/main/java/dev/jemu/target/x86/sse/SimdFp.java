package dev.jemu.target.x86.sse;

import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * IEEE binary32/binary64 arithmetic as the SSE unit does it: MXCSR rounding control (all four modes, exactly),
 * DAZ and FTZ, the six exception flags, x86 NaN rules (the first NaN operand wins, SNaNs are quieted, invalid
 * operations give the "indefinite" QNaN) and tininess detected after rounding.
 *
 * <p>Flags are accumulated in {@code c.mxcsr} between {@link #begin} and {@link #end}: begin clears the flag
 * bits (keeping the sticky ones aside), each operation ORs in what it raises, and end merges them back and
 * raises #XM when a raised flag is unmasked (the caller then leaves the destination untouched). When an
 * unmasked pre-computation exception (IE, DE, ZE) occurs, no lane gets to the computation, so the
 * post-computation flags (OE, UE, PE) are dropped.
 *
 * <p>Speed: the usual case (normal operands, result far from overflow and underflow) runs on the JVM's double
 * arithmetic, using an error-free transformation (TwoSum, FMA residual) to know whether and in which direction
 * the result was rounded, which gives the inexact flag and the directed rounding modes. Everything else goes
 * through an exact integer implementation ({@link #roundPack}), as does every denormal or overflowing case.
 */
public final class SimdFp {
    private SimdFp() {}

    public static final int IE = 1, DE = 2, ZE = 4, OE = 8, UE = 0x10, PE = 0x20, DAZ = 0x40, FTZ = 0x8000;
    public static final int RN = 0, RD = 1, RU = 2, RZ = 3;
    public static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3, MIN = 4, MAX = 5, SQRT = 6;
    /** MXCSR bits that decide the fast path: rounding control, FTZ, DAZ, the precision mask and flag. */
    private static final int FAST_MASK = 0x6000 | FTZ | DAZ | 0x1000 | PE, FAST_STATE = 0x1000 | PE;

    public static final int QNAN32 = 0xffc00000;
    public static final long QNAN64 = 0xfff8000000000000L;

    /** Starts an instruction: clears the flags so that operations can OR theirs in; returns the saved MXCSR. */
    public static int begin(X86Cpu c) {
        int s = c.mxcsr;
        // A masked precision flag that is already set stays set while the instruction runs: raising it again
        // changes nothing, and the arithmetic fast paths use it to know they need not detect inexactness.
        c.mxcsr = (s & (0x1000 | PE)) == (0x1000 | PE) ? s & ~(0x3f & ~PE) : s & ~0x3f;
        return s;
    }

    /** Ends an instruction: merges the raised flags and raises #XM if one of them is unmasked. */
    public static void end(X86Cpu c, int saved) {
        int raised = c.mxcsr & 0x3f;
        int masks = (saved >> 7) & 0x3f;
        if ((raised & ~masks) != 0) {
            int pre = raised & (IE | DE | ZE);
            if ((pre & ~masks) != 0) raised = pre;
            c.mxcsr = saved | raised;
            // CR4.OSXMMEXCPT clear: the OS cannot take #XM, so #UD (system mode; user mode has it set in effect)
            if (!c.userMode && (c.cr4 & 0x400) == 0) throw X86Exception.ud();
            throw X86Exception.fault(X86Exception.XM);
        }
        c.mxcsr = saved | raised;
    }

    static void raise(X86Cpu c, int flags) {
        c.mxcsr |= flags;
    }

    static int rc(X86Cpu c) {
        return (c.mxcsr >> 13) & 3;
    }

    // ================= binary32 =================

    static boolean isNaN32(int a) {
        return (a & 0x7fffffff) > 0x7f800000;
    }

    static boolean isSNaN32(int a) {
        return isNaN32(a) && (a & 0x00400000) == 0;
    }

    static boolean isDenormal32(int a) {
        return (a & 0x7f800000) == 0 && (a & 0x007fffff) != 0;
    }

    /** DAZ: a denormal operand becomes a zero of the same sign. */
    static int daz32(X86Cpu c, int a) {
        return (c.mxcsr & DAZ) != 0 && isDenormal32(a) ? a & 0x80000000 : a;
    }

    /** The first NaN of (a, b), quieted; IE if either is signalling. */
    static int nan32(X86Cpu c, int a, int b) {
        if (isSNaN32(a) || isSNaN32(b)) raise(c, IE);
        return (isNaN32(a) ? a : b) | 0x00400000;
    }

    /** ADD, SUB, MUL, DIV, MIN, MAX of two singles; SQRT of b. */
    public static int arith32(X86Cpu c, int op, int a, int b) {
        if ((c.mxcsr & FAST_MASK) == FAST_STATE && op <= DIV) {
            // as in arith64: the host's binary32 operation is exact here and raises nothing new
            int ea = a & 0x7f800000, eb = b & 0x7f800000;
            if (ea != 0 && eb != 0 && ea != 0x7f800000 && eb != 0x7f800000) {
                float x = Float.intBitsToFloat(a), y = Float.intBitsToFloat(b);
                float d = switch (op) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> x * y;
                    default -> x / y;
                };
                float ad = Math.abs(d);
                if (ad > Float.MIN_NORMAL && ad <= Float.MAX_VALUE) return Float.floatToRawIntBits(d);
            }
        }
        a = daz32(c, a);
        b = daz32(c, b);
        if (op == MIN || op == MAX) return minMax32(c, op, a, b);
        if (op == SQRT) return sqrt32(c, b);
        if (isNaN32(a) || isNaN32(b)) return nan32(c, a, b);
        int ea = a & 0x7f800000, eb = b & 0x7f800000;
        boolean infA = (a & 0x7fffffff) == 0x7f800000, infB = (b & 0x7fffffff) == 0x7f800000;
        boolean zeroA = (a & 0x7fffffff) == 0, zeroB = (b & 0x7fffffff) == 0;
        if (op == SUB) {
            b ^= 0x80000000;
            op = ADD;
        }
        switch (op) {
            case ADD -> {
                if (infA && infB && (a ^ b) < 0) return invalid32(c);
            }
            case MUL -> {
                if ((infA && zeroB) || (zeroA && infB)) return invalid32(c);
            }
            default -> { // DIV
                if ((infA && infB) || (zeroA && zeroB)) return invalid32(c);
                if (zeroB && !infA) {
                    raise(c, ZE);
                    return ((a ^ b) & 0x80000000) | 0x7f800000;
                }
            }
        }
        if ((ea == 0 && !zeroA) || (eb == 0 && !zeroB)) raise(c, DE);
        int sign = (a ^ b) & 0x80000000;
        if (infA || infB) {
            return switch (op) {
                case ADD -> infA ? a : b;
                case MUL -> sign | 0x7f800000;
                default -> infA ? sign | 0x7f800000 : sign; // DIV: inf / x, x / inf
            };
        }
        if (zeroA || zeroB) {
            switch (op) {
                case ADD -> {
                    if (zeroA && zeroB) return (a & b & 0x80000000) | ((a ^ b) < 0 && rc(c) == RD ? 0x80000000 : 0);
                    int x = zeroA ? b : a;
                    if ((x & 0x7f800000) != 0) return x;
                    return (int) roundPack(c, x < 0, -149, x & 0x7fffff, false);
                }
                default -> {
                    return sign; // MUL 0*x, DIV 0/x (x / 0 handled above)
                }
            }
        }
        // Finite nonzero operands.
        float x = Float.intBitsToFloat(a), y = Float.intBitsToFloat(b);
        if (ea != 0 && eb != 0) {
            double dx = x, dy = y, d;
            int err;
            switch (op) {
                case ADD -> {
                    d = dx + dy;
                    double bb = d - dx;
                    double e = (dx - (d - bb)) + (dy - bb);
                    err = e > 0 ? 1 : e < 0 ? -1 : 0;
                }
                case MUL -> {
                    d = dx * dy;
                    err = 0;
                }
                default -> {
                    d = dx / dy;
                    double r = Math.fma(-d, dy, dx);
                    err = r == 0 ? 0 : ((r > 0) == (dy > 0) ? 1 : -1);
                }
            }
            int res = narrow(c, d, err);
            if (res != 0) return res;
        }
        return soft32(c, op, a, b);
    }

    /**
     * Rounds d + (tiny error of sign err) to single in the current mode when the result is a normal single far
     * from overflow; returns 0 to ask for the exact path.
     */
    static int narrow(X86Cpu c, double d, int err) {
        double ad = Math.abs(d);
        if (!(ad >= 0x1p-125 && ad < 0x1p127)) return 0;
        float f = (float) d;
        int rc = rc(c);
        if ((double) f == d) {
            if (err == 0) return Float.floatToRawIntBits(f);
            raise(c, PE);
            return Float.floatToRawIntBits(directed(rc, f, err));
        }
        raise(c, PE);
        float lo, hi;
        if (f > d) {
            hi = f;
            lo = Math.nextDown(f);
        } else {
            lo = f;
            hi = Math.nextUp(f);
        }
        float r = switch (rc) {
            case RN -> {
                double mid = ((double) lo + (double) hi) * 0.5;
                yield d != mid || err == 0 ? f : err > 0 ? hi : lo;
            }
            case RD -> lo;
            case RU -> hi;
            default -> d > 0 ? lo : hi;
        };
        return Float.floatToRawIntBits(r);
    }

    /** The representable f adjusted for an exact value slightly above (err > 0) or below it. */
    private static float directed(int rc, float f, int err) {
        return switch (rc) {
            case RD -> err < 0 ? Math.nextDown(f) : f;
            case RU -> err > 0 ? Math.nextUp(f) : f;
            case RZ -> (f > 0) == (err < 0) ? (f > 0 ? Math.nextDown(f) : Math.nextUp(f)) : f;
            default -> f;
        };
    }

    private static int invalid32(X86Cpu c) {
        raise(c, IE);
        return QNAN32;
    }

    private static int minMax32(X86Cpu c, int op, int a, int b) {
        if (isNaN32(a) || isNaN32(b)) {
            raise(c, IE);
            return b;
        }
        if (isDenormal32(a) || isDenormal32(b)) raise(c, DE);
        float x = Float.intBitsToFloat(a), y = Float.intBitsToFloat(b);
        return op == MIN ? (x < y ? a : b) : (x > y ? a : b);
    }

    static int sqrt32(X86Cpu c, int b) {
        if (isNaN32(b)) return nan32(c, b, b);
        if ((b & 0x7fffffff) == 0) return b;
        if (b < 0) return invalid32(c);
        if (b == 0x7f800000) return b;
        if (isDenormal32(b)) raise(c, DE);
        double x = Float.intBitsToFloat(b);
        double d = Math.sqrt(x);
        double r = Math.fma(-d, d, x);
        return narrow(c, d, r > 0 ? 1 : r < 0 ? -1 : 0);
    }

    /** The exact path for finite nonzero singles (denormal operands, results near overflow or underflow). */
    private static int soft32(X86Cpu c, int op, int a, int b) {
        boolean na = a < 0, nb = b < 0;
        int ea = (a >>> 23) & 0xff, eb = (b >>> 23) & 0xff;
        long sa = a & 0x7fffff, sb = b & 0x7fffff;
        if (ea == 0) ea = 1;
        else sa |= 0x800000;
        if (eb == 0) eb = 1;
        else sb |= 0x800000;
        // value = s * 2^(e - 150)
        ea -= 150;
        eb -= 150;
        return (int) softCore(c, op, na, ea, sa, nb, eb, sb, false);
    }

    // ================= binary64 =================

    static boolean isNaN64(long a) {
        return (a & 0x7fffffffffffffffL) > 0x7ff0000000000000L;
    }

    static boolean isSNaN64(long a) {
        return isNaN64(a) && (a & 0x0008000000000000L) == 0;
    }

    static boolean isDenormal64(long a) {
        return (a & 0x7ff0000000000000L) == 0 && (a & 0x000fffffffffffffL) != 0;
    }

    static long daz64(X86Cpu c, long a) {
        return (c.mxcsr & DAZ) != 0 && isDenormal64(a) ? a & 0x8000000000000000L : a;
    }

    static long nan64(X86Cpu c, long a, long b) {
        if (isSNaN64(a) || isSNaN64(b)) raise(c, IE);
        return (isNaN64(a) ? a : b) | 0x0008000000000000L;
    }

    private static long invalid64(X86Cpu c) {
        raise(c, IE);
        return QNAN64;
    }

    private static final long SIGN = 0x8000000000000000L, INF = 0x7ff0000000000000L, ABS = 0x7fffffffffffffffL;

    public static long arith64(X86Cpu c, int op, long a, long b) {
        if ((c.mxcsr & FAST_MASK) == FAST_STATE && op <= DIV) {
            // Round to nearest, no DAZ/FTZ, inexact masked and already flagged: for normal operands and a normal
            // result, the host's IEEE operation is the exact answer and can raise no new flag.
            long ea = a & INF, eb = b & INF;
            if (ea != 0 && eb != 0 && ea != INF && eb != INF) {
                double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
                double d = switch (op) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> x * y;
                    default -> x / y;
                };
                double ad = Math.abs(d);
                // (strictly above the smallest normal: a tiny product or quotient may round up to it, and x86 detects
                // tininess after rounding with an unbounded exponent, so that result still underflows)
                if (ad > Double.MIN_NORMAL && ad <= Double.MAX_VALUE) return Double.doubleToRawLongBits(d);
            }
        }
        a = daz64(c, a);
        b = daz64(c, b);
        if (op == MIN || op == MAX) return minMax64(c, op, a, b);
        if (op == SQRT) return sqrt64(c, b);
        if (isNaN64(a) || isNaN64(b)) return nan64(c, a, b);
        long ea = a & INF, eb = b & INF;
        boolean infA = (a & ABS) == INF, infB = (b & ABS) == INF;
        boolean zeroA = (a & ABS) == 0, zeroB = (b & ABS) == 0;
        if (op == SUB) {
            b ^= SIGN;
            op = ADD;
        }
        switch (op) {
            case ADD -> {
                if (infA && infB && (a ^ b) < 0) return invalid64(c);
            }
            case MUL -> {
                if ((infA && zeroB) || (zeroA && infB)) return invalid64(c);
            }
            default -> {
                if ((infA && infB) || (zeroA && zeroB)) return invalid64(c);
                if (zeroB && !infA) {
                    raise(c, ZE);
                    return ((a ^ b) & SIGN) | INF;
                }
            }
        }
        if ((ea == 0 && !zeroA) || (eb == 0 && !zeroB)) raise(c, DE);
        long sign = (a ^ b) & SIGN;
        if (infA || infB) {
            return switch (op) {
                case ADD -> infA ? a : b;
                case MUL -> sign | INF;
                default -> infA ? sign | INF : sign;
            };
        }
        if (zeroA || zeroB) {
            if (op == ADD) {
                if (zeroA && zeroB) return (a & b & SIGN) | ((a ^ b) < 0 && rc(c) == RD ? SIGN : 0);
                long x = zeroA ? b : a;
                if ((x & INF) != 0) return x;
                return roundPack(c, x < 0, -1074, x & 0x000fffffffffffffL, true);
            }
            return sign;
        }
        if (ea != 0 && eb != 0) {
            double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b), d;
            int err;
            switch (op) {
                case ADD -> {
                    d = x + y;
                    double bb = d - x;
                    double e = (x - (d - bb)) + (y - bb);
                    err = e > 0 ? 1 : e < 0 ? -1 : 0;
                }
                case MUL -> {
                    d = x * y;
                    double e = Math.fma(x, y, -d);
                    err = e > 0 ? 1 : e < 0 ? -1 : 0;
                }
                default -> {
                    d = x / y;
                    double r = Math.fma(-d, y, x);
                    err = r == 0 ? 0 : ((r > 0) == (y > 0) ? 1 : -1);
                }
            }
            double ad = Math.abs(d);
            // Safe: the error terms are exact and one step in any direction stays normal and finite.
            if (ad >= 0x1p-960 && ad < 0x1p1023 && (op != DIV || Math.abs(x) >= 0x1p-960)) {
                if (err == 0) return Double.doubleToRawLongBits(d);
                raise(c, PE);
                return Double.doubleToRawLongBits(directed(rc(c), d, err));
            }
        }
        boolean na = a < 0, nb = b < 0;
        int xa = (int) (ea >>> 52), xb = (int) (eb >>> 52);
        long sa = a & 0x000fffffffffffffL, sb = b & 0x000fffffffffffffL;
        if (xa == 0) xa = 1;
        else sa |= 1L << 52;
        if (xb == 0) xb = 1;
        else sb |= 1L << 52;
        return softCore(c, op, na, xa - 1075, sa, nb, xb - 1075, sb, true);
    }

    private static double directed(int rc, double d, int err) {
        return switch (rc) {
            case RD -> err < 0 ? Math.nextDown(d) : d;
            case RU -> err > 0 ? Math.nextUp(d) : d;
            case RZ -> (d > 0) == (err < 0) ? (d > 0 ? Math.nextDown(d) : Math.nextUp(d)) : d;
            default -> d;
        };
    }

    private static long minMax64(X86Cpu c, int op, long a, long b) {
        if (isNaN64(a) || isNaN64(b)) {
            raise(c, IE);
            return b;
        }
        if (isDenormal64(a) || isDenormal64(b)) raise(c, DE);
        double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
        return op == MIN ? (x < y ? a : b) : (x > y ? a : b);
    }

    static long sqrt64(X86Cpu c, long b) {
        if (isNaN64(b)) return nan64(c, b, b);
        if ((b & ABS) == 0) return b;
        if (b < 0) return invalid64(c);
        if (b == INF) return b;
        double x = Double.longBitsToDouble(b);
        int scale = 0;
        if (isDenormal64(b)) raise(c, DE);
        if (b < 0x0640000000000000L) { // below 2^-923: scale so that the residual below stays exact
            x *= 0x1p108; // exact; the square root then scales back by 2^-54
            scale = 54;
        }
        double d = Math.sqrt(x);
        double r = Math.fma(-d, d, x);
        int err = r > 0 ? 1 : r < 0 ? -1 : 0;
        if (err != 0) {
            raise(c, PE);
            d = directed(rc(c), d, err);
        }
        if (scale != 0) d = Math.scalb(d, -scale);
        return Double.doubleToRawLongBits(d);
    }

    // ================= comparisons =================

    /** CMPPS/CMPSS predicate 0..7 (EQ LT LE UNORD NEQ NLT NLE ORD): all ones or zero. */
    public static int cmp32(X86Cpu c, int pred, int a, int b) {
        a = daz32(c, a);
        b = daz32(c, b);
        boolean nan = isNaN32(a) || isNaN32(b);
        cmpFlags(c, pred, nan, isSNaN32(a) || isSNaN32(b), isDenormal32(a) || isDenormal32(b));
        float x = Float.intBitsToFloat(a), y = Float.intBitsToFloat(b);
        return predicate(pred, nan, x == y, x < y) ? -1 : 0;
    }

    public static long cmp64(X86Cpu c, int pred, long a, long b) {
        a = daz64(c, a);
        b = daz64(c, b);
        boolean nan = isNaN64(a) || isNaN64(b);
        cmpFlags(c, pred, nan, isSNaN64(a) || isSNaN64(b), isDenormal64(a) || isDenormal64(b));
        double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
        return predicate(pred, nan, x == y, x < y) ? -1L : 0;
    }

    private static void cmpFlags(X86Cpu c, int pred, boolean nan, boolean snan, boolean denormal) {
        boolean signalling = pred == 1 || pred == 2 || pred == 5 || pred == 6;
        if (nan) {
            if (signalling || snan) raise(c, IE);
        } else if (denormal) {
            raise(c, DE);
        }
    }

    private static boolean predicate(int pred, boolean nan, boolean eq, boolean lt) {
        return switch (pred & 7) {
            case 0 -> eq;
            case 1 -> lt;
            case 2 -> lt || eq;
            case 3 -> nan;
            case 4 -> !eq;
            case 5 -> !lt;
            case 6 -> !(lt || eq);
            default -> !nan;
        };
    }

    /** EFLAGS from COMISS/UCOMISS: ZF PF CF = 111 unordered, 000 greater, 001 less, 100 equal. */
    public static int comi32(X86Cpu c, int a, int b, boolean signalling) {
        a = daz32(c, a);
        b = daz32(c, b);
        boolean nan = isNaN32(a) || isNaN32(b);
        cmpFlags(c, signalling ? 1 : 0, nan, isSNaN32(a) || isSNaN32(b), isDenormal32(a) || isDenormal32(b));
        float x = Float.intBitsToFloat(a), y = Float.intBitsToFloat(b);
        return comiFlags(nan, x == y, x < y);
    }

    public static int comi64(X86Cpu c, long a, long b, boolean signalling) {
        a = daz64(c, a);
        b = daz64(c, b);
        boolean nan = isNaN64(a) || isNaN64(b);
        cmpFlags(c, signalling ? 1 : 0, nan, isSNaN64(a) || isSNaN64(b), isDenormal64(a) || isDenormal64(b));
        double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
        return comiFlags(nan, x == y, x < y);
    }

    private static int comiFlags(boolean nan, boolean eq, boolean lt) {
        if (nan) return 0x45;
        return eq ? 0x40 : lt ? 0x01 : 0;
    }

    // ================= conversions =================

    /** CVTSS2SD / CVTPS2PD: exact, except that SNaNs are quieted (IE) and denormals flagged (DE). */
    public static long f32to64(X86Cpu c, int a) {
        a = daz32(c, a);
        if (isNaN32(a)) {
            if (isSNaN32(a)) raise(c, IE);
            return (long) (a & 0x80000000) << 32 | 0x7ff8000000000000L | (long) (a & 0x3fffff) << 29;
        }
        if (isDenormal32(a)) raise(c, DE);
        return Double.doubleToRawLongBits(Float.intBitsToFloat(a));
    }

    /** CVTSD2SS / CVTPD2PS: rounds per MXCSR with overflow, underflow and FTZ. */
    public static int f64to32(X86Cpu c, long a) {
        a = daz64(c, a);
        int sign = (int) (a >>> 32) & 0x80000000;
        if (isNaN64(a)) {
            if (isSNaN64(a)) raise(c, IE);
            return sign | 0x7fc00000 | (int) (a >>> 29) & 0x3fffff;
        }
        if ((a & ABS) == INF) return sign | 0x7f800000;
        if ((a & ABS) == 0) return sign;
        int e = (int) (a >>> 52) & 0x7ff;
        long frac = a & 0x000fffffffffffffL;
        if (e == 0) {
            raise(c, DE);
            return (int) roundPack(c, a < 0, -1074, frac, false);
        }
        int r = narrow(c, Double.longBitsToDouble(a), 0);
        if (r != 0) return r;
        return (int) roundPack(c, a < 0, e - 1075, frac | 1L << 52, false);
    }

    /** A signed integer to single (CVTSI2SS, CVTDQ2PS, CVTPI2PS), rounded per MXCSR. */
    public static int intToF32(X86Cpu c, long v) {
        if (v == 0) return 0;
        if (v >= -(1L << 24) && v <= 1L << 24) return Float.floatToRawIntBits((float) v);
        return (int) roundPack(c, v < 0, 0, v < 0 ? -v : v, false);
    }

    /** A signed integer to double (CVTSI2SD with a 64-bit source rounds; 32-bit sources are exact). */
    public static long intToF64(X86Cpu c, long v) {
        if (v == 0) return 0;
        if (v >= -(1L << 53) && v <= 1L << 53) return Double.doubleToRawLongBits((double) v);
        return roundPack(c, v < 0, 0, v < 0 ? -v : v, true);
    }

    /** The integer indefinite: the most negative value. */
    public static long intIndefinite(boolean is64) {
        return is64 ? Long.MIN_VALUE : 0x80000000L;
    }

    /**
     * Single or double (given as its exact double value; NaN for NaN) to a signed 32- or 64-bit integer, rounded
     * per MXCSR or truncated; NaN and out-of-range values raise IE and give the integer indefinite.
     */
    public static long toInt(X86Cpu c, double v, boolean trunc, boolean is64) {
        if (v != v) {
            raise(c, IE);
            return intIndefinite(is64);
        }
        double r;
        if (trunc) {
            r = v < 0 ? Math.ceil(v) : Math.floor(v);
        } else {
            r = switch (rc(c)) {
                case RN -> Math.rint(v);
                case RD -> Math.floor(v);
                case RU -> Math.ceil(v);
                default -> v < 0 ? Math.ceil(v) : Math.floor(v);
            };
        }
        boolean ok = is64 ? r >= -0x1p63 && r < 0x1p63 : r >= -0x1p31 && r <= 0x1p31 - 1;
        if (!ok) {
            raise(c, IE);
            return intIndefinite(is64);
        }
        if (r != v) raise(c, PE);
        long n = (long) r;
        return is64 ? n : n & 0xffffffffL;
    }

    /** The value of a single for {@link #toInt} (after DAZ). */
    public static double f32Value(X86Cpu c, int a) {
        return Float.intBitsToFloat(daz32(c, a));
    }

    public static double f64Value(X86Cpu c, long a) {
        return Double.longBitsToDouble(daz64(c, a));
    }

    // ================= the exact path =================

    /**
     * a op b for finite nonzero operands given as sign, exponent and integer significand (value = s * 2^e,
     * s < 2^p), rounded into the format.
     */
    private static long softCore(X86Cpu c, int op, boolean na, int ea, long sa, boolean nb, int eb, long sb,
                                 boolean dbl) {
        // Normalize significands so the top bit is at bit 61 (room for a carry).
        int la = Long.numberOfLeadingZeros(sa) - 2, lb = Long.numberOfLeadingZeros(sb) - 2;
        sa <<= la;
        ea -= la;
        sb <<= lb;
        eb -= lb;
        switch (op) {
            case ADD -> {
                if (ea < eb || (ea == eb && Long.compareUnsigned(sa, sb) < 0)) {
                    boolean tn = na;
                    na = nb;
                    nb = tn;
                    int te = ea;
                    ea = eb;
                    eb = te;
                    long ts = sa;
                    sa = sb;
                    sb = ts;
                }
                sb = shiftRightJam(sb, ea - eb);
                long s = na == nb ? sa + sb : sa - sb;
                if (s == 0) return rc(c) == RD ? signBit(true, dbl) : 0;
                return roundPack(c, na, ea, s, dbl);
            }
            case MUL -> {
                long x = sa << 2, y = sb << 2; // top bit at 63
                long hi = Math.unsignedMultiplyHigh(x, y), lo = x * y;
                return roundPack(c, na != nb, ea + eb - 4 + 64, hi | (lo != 0 ? 1 : 0), dbl);
            }
            default -> { // DIV: 63 quotient bits by long division
                if (Long.compareUnsigned(sa, sb) < 0) {
                    sa <<= 1;
                    ea--;
                }
                long rem = sa, q = 0;
                for (int k = 0; k < 63; k++) {
                    q <<= 1;
                    if (Long.compareUnsigned(rem, sb) >= 0) {
                        rem -= sb;
                        q |= 1;
                    }
                    rem <<= 1;
                }
                return roundPack(c, na != nb, ea - eb - 62, q | (rem != 0 ? 1 : 0), dbl);
            }
        }
    }

    private static long signBit(boolean neg, boolean dbl) {
        return !neg ? 0 : dbl ? SIGN : 0x80000000L;
    }

    /** Shifts right, ORing every bit shifted out into the lowest bit. */
    static long shiftRightJam(long v, int n) {
        if (n == 0) return v;
        if (n >= 64) return v != 0 ? 1 : 0;
        return (v >>> n) | ((v << (64 - n)) != 0 ? 1 : 0);
    }

    private static final long HALF = 0x8000000000000000L;

    /** Whether to round the kept part up, given its lowest bit and the dropped part as a 64-bit fraction. */
    private static boolean roundUp(int rc, boolean neg, long lsb, long rest) {
        return switch (rc) {
            case RN -> Long.compareUnsigned(rest, HALF) > 0 || (rest == HALF && lsb != 0);
            case RD -> neg && rest != 0;
            case RU -> !neg && rest != 0;
            default -> false;
        };
    }

    /**
     * Rounds (-1)^neg * sig * 2^e (sig unsigned, nonzero; its lowest bit may be a sticky bit for discarded
     * nonzero bits, provided sig has at least p + 2 significant bits then) into binary32 or binary64 per
     * MXCSR, with overflow, underflow (tiny after rounding), FTZ and inexact handling. Returns the bits.
     */
    public static long roundPack(X86Cpu c, boolean neg, int e, long sig, boolean dbl) {
        int p = dbl ? 53 : 24, emin = dbl ? -1022 : -126, emax = dbl ? 1023 : 127, bias = dbl ? 1023 : 127;
        int mx = c.mxcsr, rc = (mx >> 13) & 3;
        int lz = Long.numberOfLeadingZeros(sig);
        sig <<= lz;
        e -= lz;
        int top = e + 63; // exponent of the leading bit
        long sign = signBit(neg, dbl);
        // Rounding with unbounded exponent.
        long kept = sig >>> (64 - p), rest = sig << p;
        long m = kept + (roundUp(rc, neg, kept & 1, rest) ? 1 : 0);
        int eu = top;
        if (m == 1L << p) {
            m >>>= 1;
            eu++;
        }
        if (eu > emax) {
            // Unmasked, PE tells whether the result rounded with unbounded exponent is inexact.
            raise(c, (mx & (OE << 7)) == 0 ? OE | (rest != 0 ? PE : 0) : OE | PE);
            boolean toInf = rc == RN || (rc == RU && !neg) || (rc == RD && neg);
            long maxBits = dbl ? 0x7fefffffffffffffL : 0x7f7fffffL, infBits = dbl ? INF : 0x7f800000L;
            return sign | (toInf ? infBits : maxBits);
        }
        if (top >= emin) {
            if (rest != 0) raise(c, PE);
            return sign | (((long) (eu + bias - 1) << (p - 1)) + m);
        }
        boolean tiny = eu < emin;
        boolean umUnmasked = (mx & (UE << 7)) == 0;
        // Subnormal rounding: the quantum is 2^(emin - p + 1).
        int shift = (emin - p + 1) - e;
        long q, r;
        if (shift < 64) {
            q = sig >>> shift;
            r = sig << (64 - shift);
        } else {
            q = 0;
            r = shift == 64 ? sig : shift < 128 ? (sig >>> (shift - 64)) | 1 : 1;
        }
        long m2 = q + (roundUp(rc, neg, q & 1, r) ? 1 : 0);
        boolean inexact = r != 0;
        if (tiny) {
            if ((mx & FTZ) != 0 && !umUnmasked) {
                raise(c, UE | PE);
                return sign;
            }
            if (umUnmasked) raise(c, UE | (rest != 0 ? PE : 0));
            else if (inexact) raise(c, UE | PE);
        } else if (inexact) {
            raise(c, PE);
        }
        return sign | m2;
    }
}
