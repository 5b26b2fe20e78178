package dev.jemu.target.x86.fpu;

import static dev.jemu.target.x86.fpu.F80.*;
import static dev.jemu.target.x86.fpu.FpuEnv.*;

/**
 * x87 80-bit extended-precision arithmetic in software, bit-exact with the hardware (387 and later).
 *
 * <h2>Usage</h2>
 * Values are {@code (int se, long sig)} pairs as described in {@link F80} (the register file keeps them in
 * {@code int[8] se; long[8] sig}). Every operation is a static method taking an {@link FpuEnv} first:
 * <pre>{@code
 *   FpuEnv env = cpu.fpuEnv;              // one per CPU
 *   env.setControlWord(fpucw);            // when FLDCW/FNINIT/FRSTOR changes it
 *   env.clearFlags();
 *   Float80.add(env, se[st0], sig[st0], se[sti], sig[sti]);
 *   if (env.storeResult()) { se[st0] = env.se; sig[st0] = env.sig; }
 *   fpusw |= env.flags;                   // sticky IE..PE; raise #MF/FERR if env.unmaskedFlags() != 0
 *   fpusw = (fpusw & ~C1) | (env.cc & C1);
 * }</pre>
 * Operations never allocate (except the rare transcendentals). Results: {@code env.se/env.sig} (and
 * {@code env.se2/env.sig2} for two-result instructions); exceptions: OR-ed into {@code env.flags};
 * condition codes: {@code env.cc} (status word positions; for arithmetic only C1 = "rounded up" is set).
 * Masked responses are the x87's (real indefinite, infinity or largest finite on overflow per RC, gradual
 * underflow); unmasked OE/UE wrap the exponent by 24576; unmasked IE/DE/ZE leave the result undefined and
 * {@link FpuEnv#storeResult()} false.
 *
 * <h2>Operations</h2>
 * <ul>
 * <li>{@link #add}, {@link #sub}, {@link #mul}, {@link #div}, {@link #sqrt}: rounded per RC and PC
 * (FADD/FSUB/FSUBR/FMUL/FDIV/FDIVR/FSQRT; for the R forms swap the operands; the I forms convert with
 * {@link #fromInt} first, FADD m32/m64 with {@link #fromFloat}/{@link #fromDouble})</li>
 * <li>{@link #compare} (FCOM/FUCOM/FCOMI/FUCOMI/FTST/FICOM): returns LESS/EQUAL/GREATER/UNORDERED and sets
 * C3 C2 C0 (ZF PF CF for FCOMI are the same bits)</li>
 * <li>{@link #roundToInt} (FRNDINT), {@link #scale} (FSCALE), {@link #extract} (FXTRACT), {@link #prem}
 * (FPREM/FPREM1), {@link #examine} (FXAM), {@link #loadConstant} (FLDPI etc., honouring RC)</li>
 * <li>{@link #fromFloat}, {@link #fromDouble}, {@link #toFloat}, {@link #toDouble} (FLD/FST m32/m64),
 * {@link #fromInt}, {@link #toInt} (FILD/FIST/FISTP/FISTTP m16/m32/m64), {@link #fromBcd}, {@link #toBcd}
 * (FBLD/FBSTP)</li>
 * <li>Transcendentals {@link #f2xm1}, {@link #fyl2x}, {@link #fyl2xp1}, {@link #fpatan}, {@link #fsin},
 * {@link #fcos}, {@link #fsincos}, {@link #fptan} (see {@link Transcendental}; these allocate)</li>
 * </ul>
 * Two-result instructions (FXTRACT, FSINCOS, FPTAN) put the value that replaces the operand register in
 * {@code env.se/sig} and the value to push (the new ST0) in {@code env.se2/sig2}. FSIN/FCOS/FSINCOS/FPTAN with
 * |x| >= 2^63 set C2 in {@code env.cc} and leave the operand as it was: then nothing is pushed.
 * FCHS, FABS, FLD/FST m80/register moves are plain bit operations and need nothing from here. For FTST
 * compare with +0; for FICOM/FIADD etc. convert the integer with {@link #fromInt}; for the memory stores use
 * {@link FpuEnv#storeMemoryResult()}; for FCOM/FXAM/FPREM take C0-C3 from {@code env.cc}
 * ({@code fpusw = (fpusw & ~CC_MASK) | env.cc}).
 *
 * <h2>Behaviour, as measured on the host x87 by the HostTest classes of the tests</h2>
 * <ul>
 * <li>Tininess is detected after rounding (to the precision in force): a denormal result that rounds to the
 * smallest normal raises neither UE nor, unmasked, the exponent wrap. Masked UE needs tiny and inexact.</li>
 * <li>Zero-divide beats denormal (x/0 with a denormal x raises only ZE); a QNaN operand beats DE; unsupported
 * encodings beat NaNs; FST m32/m64, FIST/FISTTP and FBSTP raise no DE; out-of-range FIST/FBSTP raise IE
 * without PE.</li>
 * <li>FPREM/FPREM1 with exponent difference D >= 64 reduce by N = 32 + D mod 32 bits (C2 = 1, other codes 0);
 * a pseudo-denormal passed through comes back normalized.</li>
 * <li>FSCALE with unmasked OE/UE whose wrapped exponent is still out of range gives infinity or zero.</li>
 * <li>F2XM1 with |x| > 1 returns x with PE (the host's choice for the undefined case); FYL2XP1 outside its
 * domain is computed mathematically.</li>
 * <li>Transcendentals are correctly rounded per RC (64 bits, PC ignored). The host's own FSIN/FCOS/FPTAN
 * agree bit for bit in 99.7-100% of random arguments, F2XM1/FYL2X/FYL2XP1/FPATAN in 96-98% (the host's
 * internal error reaches about 1/16 ulp); every result is within 1 ulp. FSINCOS's C1 is the sine's.</li>
 * </ul>
 */
public final class Float80 {
    private Float80() {}

    // ---------------------------------------------------------------------------------------------------------
    // shared special-operand handling

    /**
     * Handles unsupported and NaN operands of a two-operand arithmetic instruction. Returns true when the
     * result is decided (written to env): unsupported → IE + indefinite; SNaN → IE; NaN result chosen as the x87
     * does (a QNaN beats an SNaN, otherwise the larger significand, on a tie the positive one), then quieted.
     */
    static boolean nanOperands(FpuEnv e, int ka, int ase, long asig, int kb, int bse, long bsig) {
        if (ka == UNSUPPORTED || kb == UNSUPPORTED) {
            invalid(e);
            return true;
        }
        if (ka < QNAN && kb < QNAN) {
            return false;
        }
        if (ka == SNAN || kb == SNAN) {
            e.flags |= IE;
        }
        boolean pickA;
        if (ka >= QNAN && kb >= QNAN) {
            if (ka != kb) {
                pickA = ka == QNAN;
            } else if (asig != bsig) {
                pickA = Long.compareUnsigned(asig, bsig) > 0;
            } else {
                pickA = (ase & 0x8000) == 0;
            }
        } else {
            pickA = ka >= QNAN;
        }
        if (pickA) {
            e.result(ase, asig | QUIET);
        } else {
            e.result(bse, bsig | QUIET);
        }
        return true;
    }

    /** One-operand NaN/unsupported handling; true when the result is decided. */
    static boolean nanOperand(FpuEnv e, int k, int se, long sig) {
        if (k == UNSUPPORTED) {
            invalid(e);
            return true;
        }
        if (k < QNAN) {
            return false;
        }
        if (k == SNAN) {
            e.flags |= IE;
        }
        e.result(se, sig | QUIET);
        return true;
    }

    /** Invalid operation with the masked response: the real indefinite. */
    static void invalid(FpuEnv e) {
        e.flags |= IE;
        e.result(INDEFINITE_SE, INDEFINITE_SIG);
    }

    /** Raises DE; returns true when DE is unmasked, i.e. the instruction must stop here. */
    static boolean denormal(FpuEnv e) {
        e.flags |= DE;
        return (e.masks & DE) == 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // FADD FSUB FMUL FDIV FSQRT

    /** a + b, rounded per RC and PC. */
    public static void add(FpuEnv e, int ase, long asig, int bse, long bsig) {
        addSub(e, ase, asig, bse, bsig, 0);
    }

    /** a - b, rounded per RC and PC. */
    public static void sub(FpuEnv e, int ase, long asig, int bse, long bsig) {
        addSub(e, ase, asig, bse, bsig, 0x8000);
    }

    private static void addSub(FpuEnv e, int ase, long asig, int bse, long bsig, int negB) {
        e.cc = 0;
        int ka = classify(ase, asig), kb = classify(bse, bsig);
        if (nanOperands(e, ka, ase, asig, kb, bse, bsig)) {
            return;
        }
        int sa = ase & 0x8000, sb = (bse & 0x8000) ^ negB;
        if (ka == INF || kb == INF) {
            if (ka == INF && kb == INF && sa != sb) {
                invalid(e);
                return;
            }
            if ((ka == DENORMAL || kb == DENORMAL) && denormal(e)) {
                return;
            }
            e.result((ka == INF ? sa : sb) | 0x7FFF, J);
            return;
        }
        if ((ka == DENORMAL || kb == DENORMAL) && denormal(e)) {
            return;
        }
        int prec = Round.precisionBits(e.pc);
        if (ka == ZERO || kb == ZERO) {
            if (ka == ZERO && kb == ZERO) {
                e.result(sa == sb ? sa : e.rc == RC_DOWN ? 0x8000 : 0, 0);
            } else if (ka == ZERO) {
                Round.toExtended(e, sb, normExp(bse, bsig), normSig(bsig), 0, prec);
            } else {
                Round.toExtended(e, sa, normExp(ase, asig), normSig(asig), 0, prec);
            }
            return;
        }
        int ea = normExp(ase, asig), eb = normExp(bse, bsig);
        long ma = normSig(asig), mb = normSig(bsig);
        if (ea < eb || ea == eb && Long.compareUnsigned(ma, mb) < 0) {
            int t = ea; ea = eb; eb = t;
            long u = ma; ma = mb; mb = u;
            t = sa; sa = sb; sb = t;
        }
        int d = ea - eb;
        long bh, bl;
        if (d == 0) {
            bh = mb;
            bl = 0;
        } else if (d < 64) {
            bh = mb >>> d;
            bl = mb << (64 - d);
        } else if (d == 64) {
            bh = 0;
            bl = mb;
        } else if (d < 128) {
            bh = 0;
            bl = (mb >>> (d - 64)) | ((mb << (128 - d)) != 0 ? 1 : 0);
        } else {
            bh = 0;
            bl = 1;
        }
        if (sa == sb) {
            long sum = ma + bh, lo = bl;
            if (Long.compareUnsigned(sum, ma) < 0) {
                lo = (lo >>> 1) | (sum << 63) | (lo & 1);
                sum = (sum >>> 1) | J;
                ea++;
            }
            Round.toExtended(e, sa, ea, sum, lo, prec);
        } else {
            long lo = -bl;
            long hi = ma - bh - (bl != 0 ? 1 : 0);
            if (hi == 0 && lo == 0) {
                e.result(e.rc == RC_DOWN ? 0x8000 : 0, 0);
                return;
            }
            if (hi == 0) {
                hi = lo;
                lo = 0;
                ea -= 64;
            }
            int s = Long.numberOfLeadingZeros(hi);
            if (s != 0) {
                hi = (hi << s) | (lo >>> (64 - s));
                lo <<= s;
                ea -= s;
            }
            Round.toExtended(e, sa, ea, hi, lo, prec);
        }
    }

    /** a * b, rounded per RC and PC. */
    public static void mul(FpuEnv e, int ase, long asig, int bse, long bsig) {
        e.cc = 0;
        int ka = classify(ase, asig), kb = classify(bse, bsig);
        if (nanOperands(e, ka, ase, asig, kb, bse, bsig)) {
            return;
        }
        int sign = (ase ^ bse) & 0x8000;
        if (ka == INF || kb == INF) {
            if (ka == ZERO || kb == ZERO) {
                invalid(e);
                return;
            }
            if ((ka == DENORMAL || kb == DENORMAL) && denormal(e)) {
                return;
            }
            e.result(sign | 0x7FFF, J);
            return;
        }
        if ((ka == DENORMAL || kb == DENORMAL) && denormal(e)) {
            return;
        }
        if (ka == ZERO || kb == ZERO) {
            e.result(sign, 0);
            return;
        }
        long ma = normSig(asig), mb = normSig(bsig);
        long hi = Math.unsignedMultiplyHigh(ma, mb), lo = ma * mb;
        int exp = normExp(ase, asig) + normExp(bse, bsig) - BIAS + 1;
        if (hi >= 0) {
            hi = (hi << 1) | (lo >>> 63);
            lo <<= 1;
            exp--;
        }
        Round.toExtended(e, sign, exp, hi, lo, Round.precisionBits(e.pc));
    }

    /** a / b, rounded per RC and PC. */
    public static void div(FpuEnv e, int ase, long asig, int bse, long bsig) {
        e.cc = 0;
        int ka = classify(ase, asig), kb = classify(bse, bsig);
        if (nanOperands(e, ka, ase, asig, kb, bse, bsig)) {
            return;
        }
        int sign = (ase ^ bse) & 0x8000;
        if (ka == INF) {
            if (kb == INF) {
                invalid(e);
                return;
            }
            if (kb == DENORMAL && denormal(e)) {
                return;
            }
            e.result(sign | 0x7FFF, J);
            return;
        }
        if (kb == ZERO) {
            if (ka == ZERO) {
                invalid(e);
                return;
            }
            e.flags |= ZE;
            e.result(sign | 0x7FFF, J);
            return;
        }
        if ((ka == DENORMAL || kb == DENORMAL) && denormal(e)) {
            return;
        }
        if (kb == INF || ka == ZERO) {
            e.result(sign, 0);
            return;
        }
        long ma = normSig(asig), mb = normSig(bsig);
        int exp = normExp(ase, asig) - normExp(bse, bsig) + BIAS;
        long nh, nl;
        if (Long.compareUnsigned(ma, mb) >= 0) {
            nh = ma >>> 1;
            nl = ma << 63;
        } else {
            nh = ma;
            nl = 0;
            exp--;
        }
        long q = U128.div(nh, nl, mb);
        long r = nl - q * mb;
        long lo = r == 0 ? 0 : remainderBits(r, mb);
        Round.toExtended(e, sign, exp, q, lo, Round.precisionBits(e.pc));
    }

    /** Encodes a nonzero remainder r < d as the bits below a quotient: above, at or below one half. */
    private static long remainderBits(long r, long d) {
        long other = d - r;
        int c = Long.compareUnsigned(r, other);
        return c > 0 ? 0xC000000000000000L : c == 0 ? J : 0x4000000000000000L;
    }

    /** sqrt(a), rounded per RC and PC. */
    public static void sqrt(FpuEnv e, int ase, long asig) {
        e.cc = 0;
        int k = classify(ase, asig);
        if (nanOperand(e, k, ase, asig)) {
            return;
        }
        if (k == ZERO) {
            e.result(ase, 0);
            return;
        }
        if ((ase & 0x8000) != 0) {
            invalid(e);
            return;
        }
        if (k == INF) {
            e.result(0x7FFF, J);
            return;
        }
        if (k == DENORMAL && denormal(e)) {
            return;
        }
        int ex = normExp(ase, asig) - BIAS;
        long m = normSig(asig);
        long nh, nl;
        if ((ex & 1) == 0) {
            nh = m >>> 1;
            nl = m << 63;
        } else {
            nh = m;
            nl = 0;
        }
        long q = U128.sqrt(nh, nl);
        // remainder n - q^2 < 2q + 1 (65 bits)
        long qh = Math.unsignedMultiplyHigh(q, q), ql = q * q;
        long rl = nl - ql;
        long rh = nh - qh - (Long.compareUnsigned(nl, ql) < 0 ? 1 : 0);
        long lo;
        if (rh == 0 && rl == 0) {
            lo = 0;
        } else {
            // the root's next bit is 1 iff n >= (q + 1/2)^2, i.e. r > q (an exact half cannot occur)
            lo = rh != 0 || Long.compareUnsigned(rl, q) > 0 ? 0xC000000000000000L : 0x4000000000000000L;
        }
        Round.toExtended(e, 0, (ex >> 1) + BIAS, q, lo, Round.precisionBits(e.pc));
    }

    // ---------------------------------------------------------------------------------------------------------
    // compare

    public static final int LESS = -1, EQUAL = 0, GREATER = 1, UNORDERED = 2;

    /**
     * Compares a with b (FCOM family: a = ST0). {@code quiet} selects the FUCOM semantics (only SNaN and
     * unsupported operands raise IE; FCOM raises IE for any NaN). Sets env.cc to C3 C2 C0 = 000 greater,
     * 001 less, 100 equal, 111 unordered (C1 = 0), which FCOMI maps to ZF PF CF. With an unmasked exception
     * ({@link FpuEnv#storeResult()} false) the flags and codes must be left alone.
     */
    public static int compare(FpuEnv e, int ase, long asig, int bse, long bsig, boolean quiet) {
        int ka = classify(ase, asig), kb = classify(bse, bsig);
        if (ka >= QNAN || kb >= QNAN) {
            if (!quiet || ka != QNAN || kb != QNAN) {
                if (!quiet || ka == SNAN || kb == SNAN || ka == UNSUPPORTED || kb == UNSUPPORTED) {
                    e.flags |= IE;
                }
            }
            e.cc = C3 | C2 | C0;
            return UNORDERED;
        }
        if ((ka == DENORMAL || kb == DENORMAL) && denormal(e)) {
            e.cc = C3 | C2 | C0;
            return UNORDERED;
        }
        int r = compareValues(ka, ase, asig, kb, bse, bsig);
        e.cc = r == LESS ? C0 : r == EQUAL ? C3 : 0;
        return r;
    }

    /** Ordering of two non-NaN supported operands. */
    static int compareValues(int ka, int ase, long asig, int kb, int bse, long bsig) {
        if (ka == ZERO && kb == ZERO) {
            return EQUAL;
        }
        boolean na = (ase & 0x8000) != 0, nb = (bse & 0x8000) != 0;
        if (ka == ZERO) {
            return nb ? GREATER : LESS;
        }
        if (kb == ZERO) {
            return na ? LESS : GREATER;
        }
        if (na != nb) {
            return na ? LESS : GREATER;
        }
        int c;
        if (ka == INF || kb == INF) {
            c = ka == kb ? 0 : ka == INF ? 1 : -1;
        } else {
            int ea = normExp(ase, asig), eb = normExp(bse, bsig);
            c = ea != eb ? Integer.compare(ea, eb) : Long.compareUnsigned(normSig(asig), normSig(bsig));
        }
        if (na) {
            c = -c;
        }
        return c < 0 ? LESS : c > 0 ? GREATER : EQUAL;
    }

    // ---------------------------------------------------------------------------------------------------------
    // FRNDINT FSCALE FXTRACT FPREM FPREM1 FXAM constants

    /** FRNDINT: rounds to an integer per RC (PE when inexact, C1 when rounded up). */
    public static void roundToInt(FpuEnv e, int se, long sig) {
        e.cc = 0;
        int k = classify(se, sig);
        if (nanOperand(e, k, se, sig)) {
            return;
        }
        if (k == ZERO || k == INF) {
            e.result(se, sig);
            return;
        }
        if (k == DENORMAL && denormal(e)) {
            return;
        }
        int sign = se & 0x8000;
        int exp = normExp(se, sig);
        long m = normSig(sig);
        int f = 63 - (exp - BIAS); // fractional bits
        if (f <= 0) {
            e.result(sign | exp, m);
            return;
        }
        long ip = integerPart(e, sign, m, f, e.rc);
        if (ip == 0) {
            e.result(sign, 0);
        } else {
            int s = Long.numberOfLeadingZeros(ip);
            e.result(sign | (BIAS + 63 - s), ip << s);
        }
    }

    /**
     * The integer part of m * 2^-f (f >= 1 fractional bits) rounded per rc, as an unsigned 64-bit value (a carry
     * out of 2^64-1 cannot happen for f >= 1). Raises PE and sets C1 like every x87 rounding.
     */
    static long integerPart(FpuEnv e, int sign, long m, int f, int rc) {
        long ip;
        boolean roundBit, sticky;
        if (f < 64) {
            ip = m >>> f;
            long frac = m << (64 - f);
            roundBit = frac < 0;
            sticky = (frac << 1) != 0;
        } else if (f == 64) {
            ip = 0;
            roundBit = m < 0;
            sticky = (m << 1) != 0;
        } else {
            ip = 0;
            roundBit = false;
            sticky = m != 0;
        }
        boolean inexact = roundBit | sticky;
        boolean inc = switch (rc) {
            case RC_NEAREST -> roundBit && (sticky || (ip & 1) != 0);
            case RC_DOWN -> inexact && sign != 0;
            case RC_UP -> inexact && sign == 0;
            default -> false;
        };
        if (inexact) {
            e.flags |= PE;
        }
        e.cc = inc ? C1 : 0;
        return inc ? ip + 1 : ip;
    }

    /** FSCALE: a * 2^trunc(b) (a = ST0, b = ST1), rounded per RC to 64 bits. */
    public static void scale(FpuEnv e, int ase, long asig, int bse, long bsig) {
        e.cc = 0;
        int ka = classify(ase, asig), kb = classify(bse, bsig);
        if (nanOperands(e, ka, ase, asig, kb, bse, bsig)) {
            return;
        }
        int sign = ase & 0x8000;
        if (kb == INF) {
            boolean down = (bse & 0x8000) != 0;
            if (down ? ka == INF : ka == ZERO) {
                invalid(e);
                return;
            }
            if (ka == DENORMAL && denormal(e)) {
                return;
            }
            e.result(down ? sign : sign | 0x7FFF, down ? 0 : J);
            return;
        }
        if ((ka == DENORMAL || kb == DENORMAL) && denormal(e)) {
            return;
        }
        if (ka == INF || ka == ZERO) {
            e.result(ase, asig);
            return;
        }
        int n = 0;
        if (kb != ZERO) {
            int eb = normExp(bse, bsig) - BIAS;
            if (eb >= 0) {
                n = eb > 20 ? 1 << 21 : (int) (normSig(bsig) >>> (63 - eb));
                if ((bse & 0x8000) != 0) {
                    n = -n;
                }
            }
        }
        Round.toExtended(e, sign, normExp(ase, asig) + n, normSig(asig), 0, 64);
    }

    /**
     * FXTRACT: splits a into its unbiased exponent as a value (env.se/sig: replaces the operand, becomes ST1)
     * and its significand (env.se2/sig2: same sign, exponent 0, pushed as the new ST0). Zero gives ZE, a -inf
     * exponent and the zero.
     */
    public static void extract(FpuEnv e, int se, long sig) {
        e.cc = 0;
        int k = classify(se, sig);
        if (nanOperand(e, k, se, sig)) {
            e.result2(e.se, e.sig);
            return;
        }
        if (k == ZERO) {
            e.flags |= ZE;
            e.result(0xFFFF, J);
            e.result2(se, 0);
            return;
        }
        if (k == INF) {
            e.result(0x7FFF, J);
            e.result2(se, sig);
            return;
        }
        if (k == DENORMAL && denormal(e)) {
            return;
        }
        int exp = normExp(se, sig);
        fromInt(e, exp - BIAS);
        e.result2((se & 0x8000) | BIAS, normSig(sig));
    }

    /**
     * FPREM (ieee false: quotient truncated) and FPREM1 (ieee true: quotient rounded to nearest even) of a = ST0
     * by b = ST1. Exact. When the exponents differ by 64 or more only a partial remainder is produced
     * (reducing the difference to below 32 bits per step, as the hardware does) and C2 is set; otherwise C2 is
     * clear and C0, C3, C1 hold quotient bits 2, 1, 0.
     */
    public static void prem(FpuEnv e, int ase, long asig, int bse, long bsig, boolean ieee) {
        e.cc = 0;
        int ka = classify(ase, asig), kb = classify(bse, bsig);
        if (nanOperands(e, ka, ase, asig, kb, bse, bsig)) {
            return;
        }
        if (ka == INF || kb == ZERO) {
            invalid(e);
            return;
        }
        if ((ka == DENORMAL || kb == DENORMAL) && denormal(e)) {
            return;
        }
        int sign = ase & 0x8000;
        if (kb == INF || ka == ZERO) {
            // a unchanged, except that a pseudo-denormal comes back in its normal encoding
            e.result(ka == DENORMAL && asig < 0 ? sign | 1 : ase, asig);
            return;
        }
        int ea = normExp(ase, asig), eb = normExp(bse, bsig);
        long ma = normSig(asig), mb = normSig(bsig);
        int d = ea - eb;
        long q, r;
        boolean partial = d >= 64;
        if (partial) {
            int n = 32 + d % 32; // the host's choice of "N between 32 and 63"
            eb += d - n;
            d = n;
            ieee = false; // a partial step always truncates
        }
        if (d < -1 || d == -1 && (!ieee || Long.compareUnsigned(ma, mb) <= 0)) {
            Round.toExtended(e, sign, ea, ma, 0, 64); // |a| < |b| (or FPREM1's tie to quotient 0)
            return;
        }
        if (d == -1) {
            q = 1; // FPREM1: b/2 < |a| < b
            r = mb - ma + mb; // |a - b| at a's scale
            sign ^= 0x8000;
            eb = ea;
        } else {
            long nh = d == 0 ? 0 : ma >>> (64 - d), nl = ma << d;
            q = U128.div(nh, nl, mb);
            r = nl - q * mb;
            if (ieee && r != 0) {
                int c = Long.compareUnsigned(r, mb - r);
                if (c > 0 || c == 0 && (q & 1) != 0) {
                    q++;
                    r = mb - r;
                    sign ^= 0x8000;
                }
            }
        }
        if (r == 0) {
            e.result(ase & 0x8000, 0);
        } else {
            int s = Long.numberOfLeadingZeros(r);
            Round.toExtended(e, sign, eb - s, r << s, 0, 64);
        }
        e.cc = partial ? C2 : ((q & 4) != 0 ? C0 : 0) | ((q & 2) != 0 ? C3 : 0) | ((q & 1) != 0 ? C1 : 0);
    }

    /**
     * FXAM: the condition codes C3 C2 C0 for the class of the value (000 unsupported, 001 NaN, 010 normal,
     * 011 infinity, 100 zero, 101 empty, 110 denormal) and C1 = sign. {@code empty} is the register's tag.
     */
    public static int examine(int se, long sig, boolean empty) {
        int c1 = (se & 0x8000) != 0 ? C1 : 0;
        if (empty) {
            return c1 | C3 | C0;
        }
        return c1 | switch (classify(se, sig)) {
            case NORMAL -> C2;
            case ZERO -> C3;
            case DENORMAL -> C3 | C2;
            case INF -> C2 | C0;
            case QNAN, SNAN -> C0;
            default -> 0;
        };
    }

    // FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ, in opcode order (D9 E8..EE)
    public static final int CONST_ONE = 0, CONST_L2T = 1, CONST_L2E = 2, CONST_PI = 3, CONST_LG2 = 4,
            CONST_LN2 = 5, CONST_ZERO = 6;
    private static final int[] CONST_SE = {0x3FFF, 0x4000, 0x3FFF, 0x4000, 0x3FFD, 0x3FFE, 0};
    /** The constants' significands truncated to 64 bits (they are kept to more bits inside the FPU). */
    private static final long[] CONST_SIG = {J, 0xD49A784BCD1B8AFEL, 0xB8AA3B295C17F0BBL, 0xC90FDAA22168C234L,
        0x9A209A84FBCFF798L, 0xB17217F7D1CF79ABL, 0};
    /** Whether rounding to nearest goes up (the bits after the 64th are above one half). */
    private static final boolean[] CONST_NEAREST_UP = {false, false, true, true, true, true, false};

    /**
     * Loads one of the CONST_* values rounded per RC, as the 387 and later do (the irrational constants round
     * to the truncated value toward zero/down, one ulp above it up). No exceptions.
     */
    public static void loadConstant(FpuEnv e, int which) {
        e.cc = 0;
        long s = CONST_SIG[which];
        boolean inexact = which != CONST_ONE && which != CONST_ZERO;
        if (inexact && (e.rc == RC_UP || e.rc == RC_NEAREST && CONST_NEAREST_UP[which])) {
            s++;
        }
        e.result(CONST_SE[which], s);
    }

    // ---------------------------------------------------------------------------------------------------------
    // conversions (FLD/FST m32 m64, FILD/FIST/FISTTP, FBLD/FBSTP): see Convert

    /** FLD m32: the float's bits exactly as an extended value (SNaN → IE and quieted, denormal → DE). */
    public static void fromFloat(FpuEnv e, int bits) {
        Convert.fromFloat(e, bits);
    }

    /** FLD m64: the double's bits exactly as an extended value (SNaN → IE and quieted, denormal → DE). */
    public static void fromDouble(FpuEnv e, long bits) {
        Convert.fromDouble(e, bits);
    }

    /** FST m32: rounds per RC (not PC) to float bits; store only if {@link FpuEnv#storeMemoryResult()}. */
    public static int toFloat(FpuEnv e, int se, long sig) {
        return Convert.toFloat(e, se, sig);
    }

    /** FST m64: rounds per RC (not PC) to double bits; store only if {@link FpuEnv#storeMemoryResult()}. */
    public static long toDouble(FpuEnv e, int se, long sig) {
        return Convert.toDouble(e, se, sig);
    }

    /** FILD m16/m32/m64 (and the FIADD etc. operand): exact. */
    public static void fromInt(FpuEnv e, long v) {
        Convert.fromInt(e, v);
    }

    /**
     * FIST/FISTP (truncate false: per RC) and FISTTP (truncate true) to a {@code bits}-bit integer (16, 32, 64);
     * out of range, NaN or infinity give IE and the integer indefinite (the most negative value). Returns the
     * value sign-extended; store its low bits only if {@link FpuEnv#storeMemoryResult()}.
     */
    public static long toInt(FpuEnv e, int se, long sig, int bits, boolean truncate) {
        return Convert.toInt(e, se, sig, bits, truncate);
    }

    /** FBLD: the 10-byte packed BCD (bytes 8-9 in hi, bytes 0-7 in lo) as an extended value. */
    public static void fromBcd(FpuEnv e, int hi, long lo) {
        Convert.fromBcd(e, hi, lo);
    }

    /**
     * FBSTP: rounds per RC to an integer and packs it as 18 BCD digits into env.se (bytes 8-9, sign in bit 15)
     * and env.sig (bytes 0-7); |value| >= 10^18, NaN or infinity give IE and the BCD indefinite
     * (FFFF C000000000000000). Store only if {@link FpuEnv#storeMemoryResult()}.
     */
    public static void toBcd(FpuEnv e, int se, long sig) {
        Convert.toBcd(e, se, sig);
    }

    // ---------------------------------------------------------------------------------------------------------
    // transcendentals: see Transcendental

    /** F2XM1: 2^x - 1 (x = ST0, documented for -1 <= x <= 1). */
    public static void f2xm1(FpuEnv e, int se, long sig) {
        Transcendental.f2xm1(e, se, sig);
    }

    /** FYL2X: y * log2(x), x = ST0, y = ST1 (the caller pops and stores into the new ST0). */
    public static void fyl2x(FpuEnv e, int xse, long xsig, int yse, long ysig) {
        Transcendental.fyl2x(e, xse, xsig, yse, ysig);
    }

    /** FYL2XP1: y * log2(x + 1), x = ST0, y = ST1 (the caller pops and stores into the new ST0). */
    public static void fyl2xp1(FpuEnv e, int xse, long xsig, int yse, long ysig) {
        Transcendental.fyl2xp1(e, xse, xsig, yse, ysig);
    }

    /** FPATAN: atan2(y, x) in (-pi, pi], x = ST0, y = ST1 (the caller pops and stores into the new ST0). */
    public static void fpatan(FpuEnv e, int xse, long xsig, int yse, long ysig) {
        Transcendental.fpatan(e, xse, xsig, yse, ysig);
    }

    /** FSIN (C2 set and operand unchanged when |x| >= 2^63). */
    public static void fsin(FpuEnv e, int se, long sig) {
        Transcendental.trig(e, se, sig, Transcendental.SIN);
    }

    /** FCOS (C2 set and operand unchanged when |x| >= 2^63). */
    public static void fcos(FpuEnv e, int se, long sig) {
        Transcendental.trig(e, se, sig, Transcendental.COS);
    }

    /** FSINCOS: sine in env.se/sig (replaces ST0), cosine in env.se2/sig2 (pushed); C2 as for FSIN. */
    public static void fsincos(FpuEnv e, int se, long sig) {
        Transcendental.trig(e, se, sig, Transcendental.SINCOS);
    }

    /** FPTAN: tangent in env.se/sig (replaces ST0), 1.0 in env.se2/sig2 (pushed); C2 as for FSIN. */
    public static void fptan(FpuEnv e, int se, long sig) {
        Transcendental.trig(e, se, sig, Transcendental.TAN);
        if ((e.cc & C2) == 0 && !isNaN(e.se, e.sig)) { // a NaN result is pushed twice
            e.result2(ONE_SE, ONE_SIG);
        }
    }
}
