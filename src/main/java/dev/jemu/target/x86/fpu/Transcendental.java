package dev.jemu.target.x86.fpu;

import static dev.jemu.target.x86.fpu.F80.*;
import static dev.jemu.target.x86.fpu.FpuEnv.*;

import java.math.BigInteger;

/**
 * F2XM1 FYL2X FYL2XP1 FPATAN FSIN FCOS FSINCOS FPTAN: the special operands as the x87 handles them, then the
 * function computed with {@link BigF} to about 250 bits and rounded once per RC to 64 bits (PC does not apply).
 * FSIN/FCOS/FSINCOS/FPTAN reduce their argument with pi rounded to 66 bits, as the hardware does, so results
 * near multiples of pi/2 and for large arguments match it; |x| >= 2^63 is left unchanged with C2 set.
 * The public entry points are in {@link Float80}.
 */
final class Transcendental {
    private Transcendental() {}

    /** Machin: pi = 4 (4 atan 1/5 - atan 1/239). */
    static final BigF PI = atanSeries(BigF.ONE.div(5)).scale(2).sub(atanSeries(BigF.ONE.div(239))).scale(2);
    static final BigF LN2 = atanhSeries(BigF.ONE.div(3)).scale(1);
    /** The hardware's reduction constant: pi rounded to 66 bits (0x3.243F6A8885A308D3), halved. */
    static final BigF PI66_HALF = new BigF(new BigInteger("3243F6A8885A308D3", 16), -65);

    // ---------------------------------------------------------------------------------------------------------
    // series and elementary functions on BigF

    static BigF atanSeries(BigF z) {
        BigF z2 = z.mul(z), p = z, sum = z;
        for (int k = 1; ; k++) {
            p = p.mul(z2).neg();
            BigF t = p.div(2 * k + 1);
            if (t.negligibleAgainst(sum)) {
                return sum.add(t); // keeps the sign of the rest as a sticky bit
            }
            sum = sum.add(t);
        }
    }

    static BigF atanhSeries(BigF z) {
        BigF z2 = z.mul(z), p = z, sum = z;
        for (int k = 1; ; k++) {
            p = p.mul(z2);
            BigF t = p.div(2 * k + 1);
            if (t.negligibleAgainst(sum)) {
                return sum.add(t); // keeps the sign of the rest as a sticky bit
            }
            sum = sum.add(t);
        }
    }

    /** e^x - 1 for |x| < 1. */
    static BigF expm1(BigF x) {
        BigF term = x, sum = x;
        for (int k = 2; ; k++) {
            term = term.mul(x).div(k);
            if (term.negligibleAgainst(sum)) {
                return sum.add(term);
            }
            sum = sum.add(term);
        }
    }

    /** sin r and cos r for |r| <= ~pi/4: the Taylor series. */
    static BigF sinSeries(BigF r) {
        BigF r2 = r.mul(r), term = r, sum = r;
        for (int k = 1; ; k++) {
            term = term.mul(r2).div((long) (2 * k) * (2 * k + 1)).neg();
            if (term.negligibleAgainst(sum)) {
                return sum.add(term);
            }
            sum = sum.add(term);
        }
    }

    static BigF cosSeries(BigF r) {
        BigF r2 = r.mul(r), term = BigF.ONE, sum = BigF.ONE;
        for (int k = 1; ; k++) {
            term = term.mul(r2).div((long) (2 * k - 1) * (2 * k)).neg();
            if (term.negligibleAgainst(sum)) {
                return sum.add(term);
            }
            sum = sum.add(term);
        }
    }

    /** atan z for any z, by halving the angle until |z| <= 1/8. */
    static BigF atan(BigF z) {
        int doublings = 0;
        BigF eighth = BigF.ONE.scale(-3);
        while (z.compareMagnitude(eighth) > 0) {
            z = z.div(BigF.ONE.add(BigF.ONE.add(z.mul(z)).sqrt()));
            doublings++;
        }
        return atanSeries(z).scale(doublings);
    }

    /** log2 x for x > 0 (exact for powers of two). */
    static BigF log2(BigF x) {
        int ex = x.ilog2();
        BigF mant = x.scale(-ex); // [1, 2)
        if (mant.mul(mant).sub(BigF.of(2)).signum() > 0) {
            mant = mant.scale(-1); // [sqrt(1/2), sqrt(2)): no cancellation near 1
            ex++;
        }
        BigF z = mant.sub(BigF.ONE).div(mant.add(BigF.ONE));
        return BigF.of(ex).add(atanhSeries(z).scale(1).div(LN2));
    }

    /** log2(1 + x) for x > -1, accurate for tiny x. */
    static BigF log2p1(BigF x) {
        if (x.signum() == 0) {
            return BigF.ZERO;
        }
        if (x.ilog2() >= -1) {
            return log2(BigF.ONE.add(x));
        }
        BigF z = x.div(BigF.of(2).add(x));
        return atanhSeries(z).scale(1).div(LN2);
    }

    // ---------------------------------------------------------------------------------------------------------
    // the instructions

    private static void exact(FpuEnv e, int se, long sig) {
        e.cc = 0;
        e.result(se, sig);
    }

    private static void rounded(FpuEnv e, BigF v) {
        v.round(e, true);
    }

    static void f2xm1(FpuEnv e, int se, long sig) {
        e.cc = 0;
        int k = classify(se, sig);
        if (Float80.nanOperand(e, k, se, sig)) {
            return;
        }
        if (k == ZERO) {
            exact(e, se, 0);
            return;
        }
        if (k == INF) {
            exact(e, (se & 0x8000) != 0 ? 0xBFFF : 0x7FFF, J); // -inf gives -1
            return;
        }
        if (k == DENORMAL && Float80.denormal(e)) {
            return;
        }
        BigF x = BigF.of(se, sig);
        int ex = x.ilog2();
        if (ex < 0) {
            rounded(e, expm1(x.mul(LN2)));
            return;
        }
        if ((se & 0x7FFF) == BIAS && sig == J) {
            exact(e, (se & 0x8000) != 0 ? 0xBFFE : BIAS, J); // 2^1 - 1 = 1, 2^-1 - 1 = -0.5
            return;
        }
        // |x| > 1 is outside the documented range: the host (AMD) returns x unchanged with PE
        e.flags |= PE;
        exact(e, se, sig);
    }

    /** FYL2X: y * log2(x), x = ST0, y = ST1. */
    static void fyl2x(FpuEnv e, int xse, long xsig, int yse, long ysig) {
        e.cc = 0;
        int kx = classify(xse, xsig), ky = classify(yse, ysig);
        if (Float80.nanOperands(e, kx, xse, xsig, ky, yse, ysig)) {
            return;
        }
        int ys = yse & 0x8000;
        if (kx != ZERO && (xse & 0x8000) != 0) {
            Float80.invalid(e);
            return;
        }
        if (kx == ZERO) {
            if (ky == ZERO) {
                Float80.invalid(e);
                return;
            }
            if (ky != INF) {
                e.flags |= ZE; // before (and instead of) DE, as for division
            }
            exact(e, (ys ^ 0x8000) | 0x7FFF, J);
            return;
        }
        if (kx == INF) {
            if (ky == ZERO) {
                Float80.invalid(e);
                return;
            }
            if (ky == DENORMAL && Float80.denormal(e)) {
                return;
            }
            exact(e, ys | 0x7FFF, J);
            return;
        }
        boolean one = (xse & 0x7FFF) == BIAS && xsig == J;
        if (one && ky == INF) {
            Float80.invalid(e);
            return;
        }
        if ((kx == DENORMAL || ky == DENORMAL) && Float80.denormal(e)) {
            return;
        }
        int below = (xse & 0x7FFF) < BIAS ? 0x8000 : 0; // log2 x < 0
        if (ky == INF) {
            exact(e, (ys ^ below) | 0x7FFF, J);
            return;
        }
        if (ky == ZERO || one) {
            exact(e, one ? ys : ys ^ below, 0);
            return;
        }
        BigF x = BigF.of(xse, xsig);
        BigF y = BigF.of(yse, ysig);
        if (x.isPowerOfTwo()) {
            y.mul(BigF.of(x.ilog2())).round(e, false);
        } else {
            rounded(e, y.mul(log2(x)));
        }
    }

    /** FYL2XP1: y * log2(x + 1), x = ST0, y = ST1. */
    static void fyl2xp1(FpuEnv e, int xse, long xsig, int yse, long ysig) {
        e.cc = 0;
        int kx = classify(xse, xsig), ky = classify(yse, ysig);
        if (Float80.nanOperands(e, kx, xse, xsig, ky, yse, ysig)) {
            return;
        }
        int ys = yse & 0x8000, xs = xse & 0x8000;
        if (kx == INF) {
            if (xs != 0 || ky == ZERO) {
                Float80.invalid(e);
                return;
            }
            if (ky == DENORMAL && Float80.denormal(e)) {
                return;
            }
            exact(e, ys | 0x7FFF, J);
            return;
        }
        if (kx == ZERO) {
            if (ky == INF) {
                Float80.invalid(e);
                return;
            }
            if (ky == DENORMAL && Float80.denormal(e)) {
                return;
            }
            exact(e, ys ^ xs, 0);
            return;
        }
        BigF x = BigF.of(xse, xsig);
        int vsOne = xs == 0 ? 1 : x.compareMagnitude(BigF.ONE);
        if (xs != 0 && vsOne > 0) {
            Float80.invalid(e); // x + 1 < 0
            return;
        }
        if ((kx == DENORMAL || ky == DENORMAL) && Float80.denormal(e)) {
            return;
        }
        if (xs != 0 && vsOne == 0) { // log2(0)
            if (ky == ZERO) {
                Float80.invalid(e);
                return;
            }
            if (ky != INF) {
                e.flags |= ZE;
            }
            exact(e, (ys ^ 0x8000) | 0x7FFF, J);
            return;
        }
        if (ky == INF) {
            exact(e, (ys ^ xs) | 0x7FFF, J);
            return;
        }
        if (ky == ZERO) {
            exact(e, ys ^ xs, 0);
            return;
        }
        BigF y = BigF.of(yse, ysig);
        BigF sum = BigF.ONE.add(x);
        if (x.ilog2() > -P_EXACT && sum.isPowerOfTwo()) {
            y.mul(BigF.of(sum.ilog2())).round(e, false);
        } else {
            rounded(e, y.mul(log2p1(x)));
        }
    }

    private static final int P_EXACT = BigF.P - 8; // below this 1 + x was not formed exactly

    /** FPATAN: atan2(y, x), x = ST0, y = ST1. */
    static void fpatan(FpuEnv e, int xse, long xsig, int yse, long ysig) {
        e.cc = 0;
        int kx = classify(xse, xsig), ky = classify(yse, ysig);
        if (Float80.nanOperands(e, kx, xse, xsig, ky, yse, ysig)) {
            return;
        }
        if ((kx == DENORMAL || ky == DENORMAL) && Float80.denormal(e)) {
            return;
        }
        boolean ys = (yse & 0x8000) != 0, xs = (xse & 0x8000) != 0;
        BigF angle;
        if (ky == ZERO) {
            if (!xs) {
                exact(e, yse & 0x8000, 0);
                return;
            }
            angle = PI;
        } else if (kx == ZERO) {
            angle = PI.scale(-1);
        } else if (ky == INF) {
            angle = kx != INF ? PI.scale(-1) : xs ? PI.mul(BigF.of(3)).scale(-2) : PI.scale(-2);
        } else if (kx == INF) {
            if (!xs) {
                exact(e, yse & 0x8000, 0);
                return;
            }
            angle = PI;
        } else {
            BigF ax = BigF.of(xse & 0x7FFF, xsig), ay = BigF.of(yse & 0x7FFF, ysig);
            if (ay.compareMagnitude(ax) <= 0) {
                angle = atan(ay.div(ax));
                if (xs) {
                    angle = PI.sub(angle);
                }
            } else {
                BigF t = atan(ax.div(ay));
                angle = xs ? PI.scale(-1).add(t) : PI.scale(-1).sub(t);
            }
        }
        rounded(e, ys ? angle.neg() : angle);
    }

    // FSIN FCOS FSINCOS FPTAN

    static final int SIN = 0, COS = 1, SINCOS = 2, TAN = 3;

    /**
     * The trigonometric instructions. Results: SIN/COS/TAN in env.se/sig; SINCOS the sine in env.se/sig and the
     * cosine in env.se2/sig2. C2 set (operand returned unchanged) when |x| >= 2^63.
     */
    static void trig(FpuEnv e, int se, long sig, int fn) {
        e.cc = 0;
        int k = classify(se, sig);
        if (Float80.nanOperand(e, k, se, sig)) {
            e.result2(e.se, e.sig);
            return;
        }
        if (k == INF) {
            Float80.invalid(e);
            e.result2(e.se, e.sig);
            return;
        }
        if (k != ZERO && k != DENORMAL && (se & 0x7FFF) >= BIAS + 63) {
            e.result(se, sig);
            e.cc = C2;
            return;
        }
        if (k == ZERO) {
            e.result2(ONE_SE, ONE_SIG);
            exact(e, fn == COS ? ONE_SE : se, fn == COS ? ONE_SIG : 0);
            return;
        }
        if (k == DENORMAL && Float80.denormal(e)) {
            return;
        }
        BigF x = BigF.of(se, sig);
        BigInteger q = x.div(PI66_HALF).roundToInteger();
        BigF r = x.sub(new BigF(q, 0).mul(PI66_HALF));
        int quadrant = q.intValue() & 3;
        BigF s = sinSeries(r), c = cosSeries(r);
        // sin(r + quadrant * pi/2) and cos(...)
        BigF sin = switch (quadrant) {
            case 0 -> s;
            case 1 -> c;
            case 2 -> s.neg();
            default -> c.neg();
        };
        BigF cos = switch (quadrant) {
            case 0 -> c;
            case 1 -> s.neg();
            case 2 -> c.neg();
            default -> s;
        };
        switch (fn) {
            case SIN -> rounded(e, sin);
            case COS -> rounded(e, cos);
            case TAN -> rounded(e, x.ilog2() < -100 ? x.withSticky(x.signum()) : sin.div(cos)); // x + x^3/3
            default -> {
                rounded(e, cos);
                e.result2(e.se, e.sig);
                int cosCc = e.cc;
                rounded(e, sin); // C1 comes from the sine, as on the host
                if (k == DENORMAL) {
                    e.cc |= cosCc;
                }
            }
        }
    }
}
