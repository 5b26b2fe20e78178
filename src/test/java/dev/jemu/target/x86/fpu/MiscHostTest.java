package dev.jemu.target.x86.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jemu.target.x86.fpu.HostCheck.Out;
import dev.jemu.target.x86.fpu.HostCheck.Spec;
import dev.jemu.target.x86.fpu.Operands.V;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * FRNDINT FSCALE FXTRACT FPREM FPREM1 FXAM, the constants and the memory-format conversions, bit for bit
 * against the host x87.
 */
class MiscHostTest {
    private static final Spec R_FLAGS = HostCheck.ARITH;
    private static final Spec R_CC = new Spec(true, false, HostCheck.EXC | FpuEnv.CC_MASK);
    private static final long AA = 0xAAAAAAAAAAAAAAAAL;

    private static FpuEnv env(int cw) {
        FpuEnv e = new FpuEnv();
        e.setControlWord(cw);
        return e;
    }

    /** Values around the integers: various magnitudes up to beyond 2^64, ties, and the specials. */
    private static List<V> intish(SplittableRandom r, int n) {
        List<V> l = Operands.specials();
        for (int i = 0; i < n; i++) {
            int exp = F80.BIAS + r.nextInt(-3, 68);
            long sig = Operands.randomSig(r);
            l.add(new V((r.nextBoolean() ? 0x8000 : 0) | exp, sig));
            l.add(Operands.random(r));
        }
        // the integer-format and BCD boundaries
        for (long b : new long[] {32767, 32768, 2147483647L, 2147483648L, Long.MAX_VALUE, 999_999_999_999_999_999L,
                1_000_000_000_000_000_000L}) {
            for (long d = -1; d <= 1; d++) {
                FpuEnv e = new FpuEnv();
                Float80.fromInt(e, b + d);
                for (long frac : new long[] {0, 1, -1}) {
                    long s = e.sig + frac;
                    if (s < 0) {
                        l.add(new V(e.se, s));
                        l.add(new V(e.se | 0x8000, s));
                    }
                }
            }
        }
        return l;
    }

    static void swapResults(FpuEnv e) {
        int se = e.se;
        long sig = e.sig;
        e.se = e.se2;
        e.sig = e.sig2;
        e.se2 = se;
        e.sig2 = sig;
    }

    private static void unary(HostCheck c, String op, List<V> vals, Spec spec, BiConsumer<FpuEnv, V> fn) {
        for (int rc = 0; rc < 4; rc++) {
            int cw = Operands.cw(rc, rc % 2 == 0 ? FpuEnv.PC_64 : FpuEnv.PC_24); // PC must not matter
            for (V v : vals) {
                FpuEnv e = env(cw);
                fn.accept(e, v);
                c.add(HostX87.line(op, cw, v.se(), v.sig(), 0, 0), Out.of(e), spec);
            }
        }
    }

    @Test
    void frndint() {
        HostCheck c = new HostCheck("frndint");
        unary(c, "frndint", intish(new SplittableRandom(11), 2000), R_FLAGS,
                (e, v) -> Float80.roundToInt(e, v.se(), v.sig()));
        assertEquals(0, c.run());
    }

    @Test
    void fxtract() {
        HostCheck c = new HostCheck("fxtract");
        List<V> vals = Operands.specials();
        SplittableRandom r = new SplittableRandom(12);
        for (int i = 0; i < 1000; i++) {
            vals.add(Operands.random(r));
        }
        unary(c, "fxtract", vals, new Spec(true, true, HostCheck.EXC), (e, v) -> {
            Float80.extract(e, v.se(), v.sig());
            swapResults(e); // the oracle prints ST0 (the pushed significand) first
        });
        assertEquals(0, c.run());
    }

    @Test
    void fxam() {
        HostCheck c = new HostCheck("fxam");
        List<V> vals = Operands.specials();
        SplittableRandom r = new SplittableRandom(13);
        for (int i = 0; i < 200; i++) {
            vals.add(Operands.random(r));
            vals.add(new V(r.nextInt(0x10000), r.nextLong()));
        }
        for (V v : vals) {
            FpuEnv e = new FpuEnv();
            e.cc = Float80.examine(v.se(), v.sig(), false);
            c.add(HostX87.line("fxam", 0x37F, v.se(), v.sig(), 0, 0), Out.of(e),
                    new Spec(false, false, HostCheck.EXC | FpuEnv.CC_MASK));
        }
        assertEquals(0, c.run());
    }

    private static List<V[]> scalePairs(SplittableRandom r) {
        List<V[]> pairs = Operands.pairs(r, 0);
        for (int i = 0; i < 3000; i++) {
            V a = Operands.random(r);
            int exp = F80.BIAS + r.nextInt(-3, 18);
            V b = new V((r.nextBoolean() ? 0x8000 : 0) | exp, Operands.randomSig(r));
            pairs.add(new V[] {a, b});
        }
        return pairs;
    }

    @Test
    void fscale() {
        HostCheck c = new HostCheck("fscale");
        List<V[]> pairs = scalePairs(new SplittableRandom(14));
        for (int rc = 0; rc < 4; rc++) {
            int cw = Operands.cw(rc, rc % 2 == 0 ? FpuEnv.PC_64 : FpuEnv.PC_24); // PC must not matter
            for (V[] p : pairs) {
                FpuEnv e = env(cw);
                Float80.scale(e, p[0].se(), p[0].sig(), p[1].se(), p[1].sig());
                c.add(HostX87.line("fscale", cw, p[0].se(), p[0].sig(), p[1].se(), p[1].sig()), Out.of(e), R_FLAGS);
            }
        }
        assertEquals(0, c.run());
    }

    private static void prem(String op, boolean ieee) {
        HostCheck c = new HostCheck(op);
        SplittableRandom r = new SplittableRandom(op.hashCode());
        List<V[]> pairs = Operands.pairs(r, 4000);
        for (int i = 0; i < 3000; i++) {
            V b = Operands.random(r);
            int eb = b.se() & 0x7FFF;
            int ea = Math.clamp(eb + r.nextInt(-3, 200), 1, 0x7FFE);
            pairs.add(new V[] {new V((r.nextBoolean() ? 0x8000 : 0) | ea, Operands.randomSig(r)), b});
        }
        for (V[] p : pairs) {
            FpuEnv e = new FpuEnv();
            Float80.prem(e, p[0].se(), p[0].sig(), p[1].se(), p[1].sig(), ieee);
            c.add(HostX87.line(op, 0x37F, p[0].se(), p[0].sig(), p[1].se(), p[1].sig()), Out.of(e), R_CC);
        }
        assertEquals(0, c.run());
    }

    @Test
    void fprem() {
        prem("fprem", false);
    }

    @Test
    void fprem1() {
        prem("fprem1", true);
    }

    @Test
    void constants() {
        HostCheck c = new HostCheck("constants");
        String[] ops = {null, "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2"};
        for (int rc = 0; rc < 4; rc++) {
            for (int pc : new int[] {FpuEnv.PC_24, FpuEnv.PC_64}) {
                int cw = Operands.cw(rc, pc);
                for (int k = 1; k < ops.length; k++) {
                    FpuEnv e = env(cw);
                    Float80.loadConstant(e, k);
                    c.add(HostX87.line(ops[k], cw, 0, 0, 0, 0), Out.of(e), R_FLAGS);
                }
            }
        }
        assertEquals(0, c.run());
    }

    @Test
    void storeFloatAndDouble() {
        HostCheck c = new HostCheck("fst m32/m64");
        SplittableRandom r = new SplittableRandom(15);
        List<V> vals = Operands.specials();
        for (int i = 0; i < 3000; i++) {
            vals.add(Operands.random(r));
            int center = switch (r.nextInt(4)) {
                case 0 -> Round.DBL_MIN;
                case 1 -> Round.DBL_MAX;
                case 2 -> Round.FLT_MIN;
                default -> Round.FLT_MAX;
            };
            vals.add(new V((r.nextBoolean() ? 0x8000 : 0) | center + r.nextInt(-60, 60), Operands.randomSig(r)));
        }
        Spec spec = R_FLAGS;
        for (int rc = 0; rc < 4; rc++) {
            int cw = Operands.cw(rc, FpuEnv.PC_24); // PC must not matter
            for (V v : vals) {
                FpuEnv e = env(cw);
                int f = Float80.toFloat(e, v.se(), v.sig());
                c.add(HostX87.line("fst32", cw, v.se(), v.sig(), 0, 0),
                        new Out(0xAAAA, AA << 32 | (f & 0xFFFFFFFFL), 0, 0, e.flags | e.cc), spec);
                e = env(cw);
                long d = Float80.toDouble(e, v.se(), v.sig());
                c.add(HostX87.line("fst64", cw, v.se(), v.sig(), 0, 0), new Out(0xAAAA, d, 0, 0, e.flags | e.cc),
                        spec);
            }
        }
        assertEquals(0, c.run());
    }

    @Test
    void loadFloatAndDouble() {
        HostCheck c = new HostCheck("fld m32/m64");
        SplittableRandom r = new SplittableRandom(16);
        List<Long> bits = new ArrayList<>();
        for (long b : new long[] {0, 1, 0x7FF0000000000000L, 0x7FF0000000000001L, 0x7FF8000000000000L,
                0x7FF4000000000000L, 0x000FFFFFFFFFFFFFL, 0x0010000000000000L, 0x7FEFFFFFFFFFFFFFL}) {
            bits.add(b);
            bits.add(b | Long.MIN_VALUE);
        }
        for (int i = 0; i < 2000; i++) {
            long b = r.nextLong();
            bits.add(switch (r.nextInt(4)) {
                case 0 -> b & 0x800FFFFFFFFFFFFFL;                      // denormal
                case 1 -> b | 0x7FF0000000000000L;                      // NaN/inf
                case 2 -> b & 0x800FFFFFFFFFFFFFL | 0x7FF0000000000000L; // SNaN/inf
                default -> b;
            });
        }
        for (long b : bits) {
            FpuEnv e = new FpuEnv();
            Float80.fromDouble(e, b);
            c.add(HostX87.line("fld64", 0x37F, 0, b, 0, 0), Out.of(e), R_FLAGS);
            int f = (int) (b >>> 32);
            e = new FpuEnv();
            Float80.fromFloat(e, f);
            c.add(HostX87.line("fld32", 0x37F, 0, f & 0xFFFFFFFFL, 0, 0), Out.of(e), R_FLAGS);
        }
        assertEquals(0, c.run());
    }

    @Test
    void storeInteger() {
        HostCheck c = new HostCheck("fist/fisttp m16/m32/m64");
        List<V> vals = intish(new SplittableRandom(17), 1500);
        for (int rc = 0; rc < 4; rc++) {
            int cw = Operands.cw(rc, rc % 2 == 0 ? FpuEnv.PC_64 : FpuEnv.PC_24); // PC must not matter
            for (V v : vals) {
                for (int bits : new int[] {16, 32, 64}) {
                    for (boolean trunc : new boolean[] {false, true}) {
                        if (trunc && rc != 0) {
                            continue;
                        }
                        FpuEnv e = env(cw);
                        long x = Float80.toInt(e, v.se(), v.sig(), bits, trunc);
                        long mem = bits == 64 ? x : AA << bits | x & ((1L << bits) - 1);
                        c.add(HostX87.line((trunc ? "fisttp" : "fist") + bits, cw, v.se(), v.sig(), 0, 0),
                                new Out(0xAAAA, mem, 0, 0, e.flags | e.cc), R_FLAGS);
                    }
                }
            }
        }
        assertEquals(0, c.run());
    }

    @Test
    void packedBcd() {
        HostCheck c = new HostCheck("fbstp/fbld");
        List<V> vals = intish(new SplittableRandom(18), 1500);
        for (int rc = 0; rc < 4; rc++) {
            int cw = Operands.cw(rc, rc % 2 == 0 ? FpuEnv.PC_64 : FpuEnv.PC_24); // PC must not matter
            for (V v : vals) {
                FpuEnv e = env(cw);
                Float80.toBcd(e, v.se(), v.sig());
                c.add(HostX87.line("fbstp", cw, v.se(), v.sig(), 0, 0), Out.of(e), R_FLAGS);
            }
        }
        SplittableRandom r = new SplittableRandom(19);
        for (int i = 0; i < 1000; i++) {
            int hi = r.nextInt(0x10000);
            long lo = r.nextLong();
            if (i % 2 == 0) { // valid digits only
                lo &= 0x7777777777777777L;
                hi &= 0x8077;
            }
            FpuEnv e = new FpuEnv();
            Float80.fromBcd(e, hi, lo);
            c.add(HostX87.line("fbld", 0x37F, hi, lo, 0, 0), Out.of(e), R_FLAGS);
        }
        assertEquals(0, c.run());
    }
}
