package dev.jemu.target.x86.tcg;

import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.sse.SimdFp;

import static dev.jemu.target.x86.sse.SimdFp.*;

/**
 * SSE floating-point arithmetic for translated code: the JVM's own IEEE operation where it is provably the
 * x86 answer and changes no MXCSR flag, else exactly what the handlers do ({@link SimdFp#begin}, the
 * operation, {@link SimdFp#end}, which may raise #XM; callers write nothing before these return).
 *
 * <p>The fast case needs MXCSR in round-to-nearest without DAZ/FTZ, with the precision exception masked and
 * its flag already set (it is sticky: an inexact result then changes nothing; while it is clear, double results
 * are checked for exactness with error-free transformations and the flag set if not), and operands that are zero or
 * normal, giving a result that is normal and above the smallest normal (which a tiny result may round to: x86
 * detects tininess after rounding with an unbounded exponent, so that one may still underflow), or zero only
 * where that zero is exact. Then no other flag can be
 * raised (no NaN, infinity or denormal in or out, no overflow, no underflow), so the JVM's result is the
 * whole effect. Otherwise (about never in ordinary code) the exact path runs.
 */
final class FpOps {
    private FpOps() {}

    private static final int FAST_MASK = 0x6000 | FTZ | DAZ | 0x1000 | PE, FAST_STATE = 0x1000 | PE;
    private static final long INF = 0x7ff0000000000000L, ABS = 0x7fffffffffffffffL;
    /** What a fast path returns when it cannot decide: a NaN, which no fast result ever is. */
    private static final long FAIL = QNAN64;

    static boolean fastState(X86Cpu c) {
        return (c.mxcsr & FAST_MASK) == FAST_STATE;
    }

    /** Zero or normal (no NaN, infinity or denormal). */
    private static boolean plain64(long a) {
        long e = a & INF;
        return e != INF && (e != 0 || (a & ABS) == 0);
    }

    private static boolean plain32(int a) {
        int e = a & 0x7f800000;
        return e != 0x7f800000 && (e != 0 || (a & 0x7fffffff) == 0);
    }

    /** a op b (SimdFp's ADD..SQRT) on the fast path, or FAIL. The caller has checked {@link #fastState}. */
    static long fast64(int op, long a, long b) {
        if (!plain64(a) || !plain64(b)) return FAIL;
        double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
        double d;
        switch (op) {
            case ADD -> d = x + y;
            case SUB -> d = x - y;
            case MUL -> d = x * y;
            case DIV -> d = x / y;
            case MIN -> {
                return x < y ? a : b;
            }
            case MAX -> {
                return x > y ? a : b;
            }
            default -> { // SQRT of b
                if (b < 0) return FAIL; // negative, or -0 (whose root is itself)
                return Double.doubleToRawLongBits(Math.sqrt(y));
            }
        }
        double ad = Math.abs(d);
        if (ad > Double.MIN_NORMAL) return ad <= Double.MAX_VALUE ? Double.doubleToRawLongBits(d) : FAIL;
        // a zero is exact for a sum of normals (else it would be a denormal) and for a zero operand
        if (ad == 0 && (op <= SUB || (a & ABS) == 0 || (b & ABS) == 0)) return Double.doubleToRawLongBits(d);
        return FAIL;
    }

    /** As fast64 for singles; the result in the low 32 bits. */
    static long fast32(int op, int a, int b) {
        if (!plain32(a) || !plain32(b)) return FAIL;
        float x = Float.intBitsToFloat(a), y = Float.intBitsToFloat(b);
        float d;
        switch (op) {
            case ADD -> d = x + y;
            case SUB -> d = x - y;
            case MUL -> d = x * y;
            case DIV -> d = x / y;
            case MIN -> {
                return (x < y ? a : b) & 0xffffffffL;
            }
            case MAX -> {
                return (x > y ? a : b) & 0xffffffffL;
            }
            default -> {
                if (b < 0) return FAIL;
                // the double root rounded to single is the correctly rounded single root (53 >= 2 * 24 + 2)
                return Float.floatToRawIntBits((float) Math.sqrt(y)) & 0xffffffffL;
            }
        }
        float ad = Math.abs(d);
        if (ad > Float.MIN_NORMAL) return ad <= Float.MAX_VALUE ? Float.floatToRawIntBits(d) & 0xffffffffL : FAIL;
        if (ad == 0 && (op <= SUB || (a & 0x7fffffff) == 0 || (b & 0x7fffffff) == 0)) {
            return Float.floatToRawIntBits(d) & 0xffffffffL;
        }
        return FAIL;
    }

    // ---- ADDSD..SQRTSD, ADDSS..SQRTSS: the new low lane ----

    static long sd(X86Cpu c, int op, long a, long b) {
        int mx = c.mxcsr;
        if ((mx & FAST_MASK) == FAST_STATE) {
            long r = fast64(op, a, b);
            if (r != FAIL) return r;
        } else if ((mx & FAST_MASK) == 0x1000) { // the precision flag still clear: the result must say if exact
            long r = fast64(op, a, b);
            if (r != FAIL && (r = exact64(c, op, a, b, r)) != FAIL) return r;
        }
        return slowSd(c, op, a, b);
    }

    /**
     * For a fast64 result {@code r} computed with the precision flag clear (and masked): r, with the flag set
     * if r is inexact; FAIL where the error terms below might not be exact (results near the underflow range).
     */
    static long exact64(X86Cpu c, int op, long a, long b, long r) {
        double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b), d = Double.longBitsToDouble(r);
        boolean inexact;
        switch (op) {
            case ADD, SUB -> {
                if (op == SUB) y = -y;
                double bb = d - x; // TwoSum: exact for any finite sum
                inexact = (x - (d - bb)) + (y - bb) != 0;
            }
            case MUL -> {
                if (Math.abs(d) < 0x1p-960 && d != 0) return FAIL;
                inexact = Math.fma(x, y, -d) != 0;
            }
            case DIV -> {
                if (Math.abs(d) < 0x1p-960 && d != 0 || Math.abs(x) < 0x1p-960 && x != 0) return FAIL;
                inexact = Math.fma(-d, y, x) != 0;
            }
            case MIN, MAX -> inexact = false;
            default -> inexact = Math.fma(-d, d, y) != 0; // SQRT: d >= 2^-511 for a normal y
        }
        if (inexact) c.mxcsr |= PE;
        return r;
    }

    private static long slowSd(X86Cpu c, int op, long a, long b) {
        int s = SimdFp.begin(c);
        long r = SimdFp.arith64(c, op, a, b);
        SimdFp.end(c, s);
        return r;
    }

    /** {@code a}: the whole low quadword of the destination; returns it with the new low single. */
    static long ss(X86Cpu c, int op, long a, long b) {
        if (fastState(c)) {
            long r = fast32(op, (int) a, (int) b);
            if (r != FAIL) return (a & 0xffffffff00000000L) | r;
        }
        return slowSs(c, op, a, b);
    }

    private static long slowSs(X86Cpu c, int op, long a, long b) {
        int s = SimdFp.begin(c);
        int r = SimdFp.arith32(c, op, (int) a, (int) b);
        SimdFp.end(c, s);
        return (a & 0xffffffff00000000L) | (r & 0xffffffffL);
    }

    // ---- packed: XMM register d (its first half index) = d op (blo, bhi) ----

    static void pd(X86Cpu c, int op, int d, long blo, long bhi) {
        long[] x = c.xmm;
        long alo = x[d], ahi = x[d + 1];
        int mx = c.mxcsr;
        if ((mx & FAST_MASK) == FAST_STATE || (mx & FAST_MASK) == 0x1000) {
            long lo = fast64(op, alo, blo), hi = fast64(op, ahi, bhi);
            if (lo != FAIL && hi != FAIL && ((mx & PE) != 0
                    || exact64(c, op, alo, blo, lo) != FAIL && exact64(c, op, ahi, bhi, hi) != FAIL)) {
                x[d] = lo;
                x[d + 1] = hi;
                return;
            }
            c.mxcsr = mx; // (a first lane may have flagged PE before the second failed: the exact path redoes both)
        }
        int s = SimdFp.begin(c);
        long lo = SimdFp.arith64(c, op, alo, blo), hi = SimdFp.arith64(c, op, ahi, bhi);
        SimdFp.end(c, s);
        x[d] = lo;
        x[d + 1] = hi;
    }

    static void ps(X86Cpu c, int op, int d, long blo, long bhi) {
        long[] x = c.xmm;
        long alo = x[d], ahi = x[d + 1];
        if (fastState(c)) {
            long l0 = fast32(op, (int) alo, (int) blo), l1 = fast32(op, (int) (alo >>> 32), (int) (blo >>> 32));
            long h0 = fast32(op, (int) ahi, (int) bhi), h1 = fast32(op, (int) (ahi >>> 32), (int) (bhi >>> 32));
            if (l0 != FAIL && l1 != FAIL && h0 != FAIL && h1 != FAIL) {
                x[d] = l0 | l1 << 32;
                x[d + 1] = h0 | h1 << 32;
                return;
            }
        }
        int s = SimdFp.begin(c);
        long l0 = SimdFp.arith32(c, op, (int) alo, (int) blo) & 0xffffffffL;
        long l1 = SimdFp.arith32(c, op, (int) (alo >>> 32), (int) (blo >>> 32)) & 0xffffffffL;
        long h0 = SimdFp.arith32(c, op, (int) ahi, (int) bhi) & 0xffffffffL;
        long h1 = SimdFp.arith32(c, op, (int) (ahi >>> 32), (int) (bhi >>> 32)) & 0xffffffffL;
        SimdFp.end(c, s);
        x[d] = l0 | l1 << 32;
        x[d + 1] = h0 | h1 << 32;
    }

    // ---- (U)COMISD, (U)COMISS: the EFLAGS image (ZF PF CF) ----

    static int comisd(X86Cpu c, long a, long b, boolean signalling) {
        if (plain64(a) && plain64(b)) { // no NaN, no denormal: nothing to flag, whatever MXCSR says
            double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
            return x == y ? 0x40 : x < y ? 0x01 : 0;
        }
        int s = SimdFp.begin(c);
        int f = SimdFp.comi64(c, a, b, signalling);
        SimdFp.end(c, s);
        return f;
    }

    static int comiss(X86Cpu c, int a, int b, boolean signalling) {
        if (plain32(a) && plain32(b)) {
            float x = Float.intBitsToFloat(a), y = Float.intBitsToFloat(b);
            return x == y ? 0x40 : x < y ? 0x01 : 0;
        }
        int s = SimdFp.begin(c);
        int f = SimdFp.comi32(c, a, b, signalling);
        SimdFp.end(c, s);
        return f;
    }

    // ---- conversions ----

    /** CVTSI2SD from a 64-bit integer (32-bit ones are exact: translated code converts them itself). */
    static long cvtsi2sd64(X86Cpu c, long v) {
        if (v >= -(1L << 53) && v <= 1L << 53) return Double.doubleToRawLongBits((double) v);
        int s = SimdFp.begin(c);
        long r = SimdFp.intToF64(c, v);
        SimdFp.end(c, s);
        return r;
    }

    /** CVT(T)SD2SI: the integer (32-bit results zero-extended). */
    static long cvtsd2si(X86Cpu c, long a, boolean trunc, boolean is64) {
        double v = Double.longBitsToDouble(a);
        if (intFast(v, c.mxcsr, trunc, is64)) return intOf(v, trunc, is64);
        int s = SimdFp.begin(c);
        long r = SimdFp.toInt(c, SimdFp.f64Value(c, a), trunc, is64);
        SimdFp.end(c, s);
        return r;
    }

    /** CVT(T)SS2SI: as CVT(T)SD2SI on the single widened (exactly) to a double. */
    static long cvtss2si(X86Cpu c, int a, boolean trunc, boolean is64) {
        double v = Float.intBitsToFloat(a);
        if (intFast(v, c.mxcsr, trunc, is64)) return intOf(v, trunc, is64);
        int s = SimdFp.begin(c);
        long r = SimdFp.toInt(c, SimdFp.f32Value(c, a), trunc, is64);
        SimdFp.end(c, s);
        return r;
    }

    /**
     * Whether the JVM's conversion is the x86 one with no MXCSR change: in range with room to spare (NaN fails),
     * rounding to nearest when not truncating, and exact, or inexact with the precision exception masked and its
     * flag already set (DAZ changes only denormals: the result is 0 then).
     */
    private static boolean intFast(double v, int mx, boolean trunc, boolean is64) {
        if (!(Math.abs(v) < (is64 ? 0x1p62 : 0x1p30)) || !(trunc || (mx & 0x6000) == 0)) return false;
        double r = trunc ? (double) (long) v : Math.rint(v);
        return r == v || (mx & (0x1000 | PE)) == (0x1000 | PE) && ((mx & DAZ) == 0 || r != 0);
    }

    private static long intOf(double v, boolean trunc, boolean is64) {
        long n = trunc ? (long) v : (long) Math.rint(v);
        return is64 ? n : n & 0xffffffffL;
    }

    /** CVTSS2SD: exact for zero and normal singles. */
    static long cvtss2sd(X86Cpu c, int a) {
        if (plain32(a)) return Double.doubleToRawLongBits(Float.intBitsToFloat(a));
        int s = SimdFp.begin(c);
        long r = SimdFp.f32to64(c, a);
        SimdFp.end(c, s);
        return r;
    }

    /** CVTSD2SS: {@code dst} the destination's low quadword, returned with the new low single. */
    static long cvtsd2ss(X86Cpu c, long dst, long a) {
        if (fastState(c) && plain64(a)) {
            float f = (float) Double.longBitsToDouble(a);
            float af = Math.abs(f);
            if (af > Float.MIN_NORMAL && af <= Float.MAX_VALUE || (a & ABS) == 0) {
                return (dst & 0xffffffff00000000L) | (Float.floatToRawIntBits(f) & 0xffffffffL);
            }
        }
        int s = SimdFp.begin(c);
        int r = SimdFp.f64to32(c, a);
        SimdFp.end(c, s);
        return (dst & 0xffffffff00000000L) | (r & 0xffffffffL);
    }
}
