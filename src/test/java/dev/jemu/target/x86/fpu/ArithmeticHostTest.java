package dev.jemu.target.x86.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jemu.target.x86.fpu.HostCheck.Out;
import dev.jemu.target.x86.fpu.Operands.V;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** FADD FSUB FMUL FDIV FSQRT and the compares, bit for bit against the host x87, in every RC and PC. */
class ArithmeticHostTest {
    interface Op2 {
        void run(FpuEnv e, int ase, long asig, int bse, long bsig);
    }

    private static final int[] PCS = {FpuEnv.PC_24, FpuEnv.PC_53, FpuEnv.PC_64, 1}; // 1: reserved

    static Out java(int cw, Op2 op, V a, V b) {
        FpuEnv e = new FpuEnv();
        e.setControlWord(cw);
        op.run(e, a.se(), a.sig(), b.se(), b.sig());
        return Out.of(e);
    }

    private static void binary(String name, String hostOp, Op2 op, int randoms) {
        HostCheck c = new HostCheck(name);
        SplittableRandom r = new SplittableRandom(name.hashCode());
        List<V[]> pairs = Operands.pairs(r, randoms);
        for (int rc = 0; rc < 4; rc++) {
            for (int pc : PCS) {
                int cw = Operands.cw(rc, pc);
                for (V[] p : pairs) {
                    c.add(HostX87.line(hostOp, cw, p[0].se(), p[0].sig(), p[1].se(), p[1].sig()),
                            java(cw, op, p[0], p[1]), HostCheck.ARITH);
                }
            }
        }
        assertEquals(0, c.run(), name + " mismatches");
    }

    @Test
    void add() {
        binary("fadd", "add", Float80::add, 3000);
    }

    @Test
    void addOperandsSwapped() {
        binary("fadd (b in st0)", "addr", Float80::add, 300);
    }

    @Test
    void sub() {
        binary("fsub", "sub", Float80::sub, 3000);
    }

    @Test
    void subReversed() {
        binary("fsubr", "subr", Float80::sub, 300);
    }

    @Test
    void mul() {
        binary("fmul", "mul", Float80::mul, 3000);
    }

    @Test
    void div() {
        binary("fdiv", "div", Float80::div, 3000);
    }

    @Test
    void divReversed() {
        binary("fdivr", "divr", Float80::div, 300);
    }

    @Test
    void sqrt() {
        HostCheck c = new HostCheck("fsqrt");
        SplittableRandom r = new SplittableRandom(7);
        List<V> vals = Operands.specials();
        for (int i = 0; i < 3000; i++) {
            V v = Operands.random(r);
            vals.add(i % 2 == 0 ? new V(v.se() & 0x7FFF, v.sig()) : v);
        }
        for (int rc = 0; rc < 4; rc++) {
            for (int pc : PCS) {
                int cw = Operands.cw(rc, pc);
                for (V v : vals) {
                    c.add(HostX87.line("sqrt", cw, v.se(), v.sig(), 0, 0),
                            java(cw, (e, as, am, bs, bm) -> Float80.sqrt(e, as, am), v, v), HostCheck.ARITH);
                }
            }
        }
        assertEquals(0, c.run(), "fsqrt mismatches");
    }

    @Test
    void compare() {
        HostCheck c = new HostCheck("fcom/fucom");
        SplittableRandom r = new SplittableRandom(8);
        List<V[]> pairs = Operands.pairs(r, 2000);
        for (int i = 0; i < 300; i++) {
            V a = Operands.random(r);
            pairs.add(new V[] {a, a});
            pairs.add(new V[] {a, new V(a.se(), a.sig() ^ 1)});
        }
        HostCheck.Spec spec = new HostCheck.Spec(false, false, HostCheck.EXC | FpuEnv.CC_MASK);
        for (V[] p : pairs) {
            for (boolean quiet : new boolean[] {false, true}) {
                FpuEnv e = new FpuEnv();
                Float80.compare(e, p[0].se(), p[0].sig(), p[1].se(), p[1].sig(), quiet);
                c.add(HostX87.line(quiet ? "fucom" : "fcom", 0x37F, p[0].se(), p[0].sig(), p[1].se(), p[1].sig()),
                        Out.of(e), spec);
            }
        }
        assertEquals(0, c.run(), "compare mismatches");
    }

    /** Unmasked exceptions: OE/UE wrap the exponent by 24576, IE/DE/ZE leave ST0 unchanged (C1 compared too). */
    @Test
    void unmaskedExceptions() {
        HostCheck c = new HostCheck("unmasked exceptions");
        SplittableRandom r = new SplittableRandom(9);
        String[] names = {"add", "sub", "mul", "div", "sqrt", "fscale", "frndint", "fprem", "fprem1"};
        Op2[] ops = {Float80::add, Float80::sub, Float80::mul, Float80::div,
            (e, as, am, bs, bm) -> Float80.sqrt(e, as, am), Float80::scale,
            (e, as, am, bs, bm) -> Float80.roundToInt(e, as, am),
            (e, as, am, bs, bm) -> Float80.prem(e, as, am, bs, bm, false),
            (e, as, am, bs, bm) -> Float80.prem(e, as, am, bs, bm, true)};
        List<V[]> pairs = Operands.pairs(r, 4000);
        for (V[] p : pairs) {
            int k = r.nextInt(ops.length);
            int cw = Operands.cw(r.nextInt(4), PCS[r.nextInt(3)]) & ~0x3F | r.nextInt(64);
            if (r.nextInt(3) == 0) {
                cw &= ~0x3F;
            }
            FpuEnv e = new FpuEnv();
            e.setControlWord(cw);
            ops[k].run(e, p[0].se(), p[0].sig(), p[1].se(), p[1].sig());
            Out o = e.storeResult() ? Out.of(e) : new Out(p[0].se(), p[0].sig(), 0, 0, e.flags | e.cc);
            c.add(HostX87.line(names[k], cw, p[0].se(), p[0].sig(), p[1].se(), p[1].sig()), o, HostCheck.ARITH);
        }
        assertEquals(0, c.run(), "unmasked mismatches");
    }
}
