package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.sse.Approx;
import dev.jemu.target.x86.sse.SimdFp;

import static dev.jemu.target.x86.sse.SimdFp.*;

/**
 * SSE/SSE2/SSE3 floating-point arithmetic: ADD SUB MUL DIV MIN MAX SQRT in packed and scalar, single and
 * double forms, CMPxx, (U)COMISx, ADDSUB, HADD/HSUB, RCP/RSQRT. Every handler loads its operands, computes all
 * lanes between {@link SimdFp#begin} and {@link SimdFp#end} (which may raise #XM), and only then writes.
 */
public final class SseArith {
    private SseArith() {}

    public static void register(OpcodeTable t) {
        String[][] ops = {{"58", "ADD"}, {"59", "MUL"}, {"5C", "SUB"}, {"5D", "MIN"}, {"5E", "DIV"},
                {"5F", "MAX"}, {"51", "SQRT"}};
        int[] codes = {ADD, MUL, SUB, MIN, DIV, MAX, SQRT};
        for (int k = 0; k < ops.length; k++) {
            String o = ops[k][0], n = ops[k][1];
            t.add("NP 0F " + o + " /r", n + "PS Vx,Wx", SseArith::ps, codes[k]);
            t.add("66 0F " + o + " /r", n + "PD Vx,Wx", SseArith::pd, codes[k]);
            t.add("F3 0F " + o + " /r", n + "SS Vx,Wss", SseArith::ss, codes[k]);
            t.add("F2 0F " + o + " /r", n + "SD Vx,Wsd", SseArith::sd, codes[k]);
        }
        t.add("NP 0F C2 /r", "CMPPS Vx,Wx,Ib", SseArith::cmpps);
        t.add("66 0F C2 /r", "CMPPD Vx,Wx,Ib", SseArith::cmppd);
        t.add("F3 0F C2 /r", "CMPSS Vx,Wss,Ib", SseArith::cmpss);
        t.add("F2 0F C2 /r", "CMPSD Vx,Wsd,Ib", SseArith::cmpsd);
        t.add("NP 0F 2E /r", "UCOMISS Vss,Wss", SseArith::comiss, 0);
        t.add("NP 0F 2F /r", "COMISS Vss,Wss", SseArith::comiss, 1);
        t.add("66 0F 2E /r", "UCOMISD Vsd,Wsd", SseArith::comisd, 0);
        t.add("66 0F 2F /r", "COMISD Vsd,Wsd", SseArith::comisd, 1);
        t.add("F2 0F D0 /r", "ADDSUBPS Vx,Wx", SseArith::addsubps);
        t.add("66 0F D0 /r", "ADDSUBPD Vx,Wx", SseArith::addsubpd);
        t.add("F2 0F 7C /r", "HADDPS Vx,Wx", SseArith::hps, ADD);
        t.add("F2 0F 7D /r", "HSUBPS Vx,Wx", SseArith::hps, SUB);
        t.add("66 0F 7C /r", "HADDPD Vx,Wx", SseArith::hpd, ADD);
        t.add("66 0F 7D /r", "HSUBPD Vx,Wx", SseArith::hpd, SUB);
        t.add("NP 0F 53 /r", "RCPPS Vx,Wx", SseArith::approxPs, 0);
        t.add("F3 0F 53 /r", "RCPSS Vx,Wss", SseArith::approxSs, 0);
        t.add("NP 0F 52 /r", "RSQRTPS Vx,Wx", SseArith::approxPs, 1);
        t.add("F3 0F 52 /r", "RSQRTSS Vx,Wss", SseArith::approxSs, 1);
    }

    private static long pair32(int lo, int hi) {
        return (lo & 0xffffffffL) | (long) hi << 32;
    }

    private static long ps2(X86Cpu c, int op, long a, long b) {
        int lo = SimdFp.arith32(c, op, (int) a, (int) b);
        return pair32(lo, SimdFp.arith32(c, op, (int) (a >>> 32), (int) (b >>> 32)));
    }

    public static void ps(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long blo = Sse.wlo(c, i, m), bhi = Sse.whi(c, i, m);
        int d = 2 * i.reg;
        long alo = c.xmm[d], ahi = c.xmm[d + 1];
        int s = SimdFp.begin(c);
        long rlo = ps2(c, i.arg, alo, blo), rhi = ps2(c, i.arg, ahi, bhi);
        SimdFp.end(c, s);
        c.xmm[d] = rlo;
        c.xmm[d + 1] = rhi;
    }

    public static void pd(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long blo = Sse.wlo(c, i, m), bhi = Sse.whi(c, i, m);
        int d = 2 * i.reg;
        long alo = c.xmm[d], ahi = c.xmm[d + 1];
        int s = SimdFp.begin(c);
        long rlo = SimdFp.arith64(c, i.arg, alo, blo), rhi = SimdFp.arith64(c, i.arg, ahi, bhi);
        SimdFp.end(c, s);
        c.xmm[d] = rlo;
        c.xmm[d + 1] = rhi;
    }

    public static void ss(X86Cpu c, Insn i) {
        int b = Sse.w32(c, i);
        int d = 2 * i.reg;
        int s = SimdFp.begin(c);
        int r = SimdFp.arith32(c, i.arg, (int) c.xmm[d], b);
        SimdFp.end(c, s);
        c.xmm[d] = (c.xmm[d] & 0xffffffff00000000L) | (r & 0xffffffffL);
    }

    public static void sd(X86Cpu c, Insn i) {
        long b = Sse.w64(c, i);
        int d = 2 * i.reg;
        int s = SimdFp.begin(c);
        long r = SimdFp.arith64(c, i.arg, c.xmm[d], b);
        SimdFp.end(c, s);
        c.xmm[d] = r;
    }

    public static void cmpps(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long blo = Sse.wlo(c, i, m), bhi = Sse.whi(c, i, m);
        int d = 2 * i.reg, p = (int) i.imm & 7;
        long alo = c.xmm[d], ahi = c.xmm[d + 1];
        int s = SimdFp.begin(c);
        long rlo = pair32(SimdFp.cmp32(c, p, (int) alo, (int) blo),
                SimdFp.cmp32(c, p, (int) (alo >>> 32), (int) (blo >>> 32)));
        long rhi = pair32(SimdFp.cmp32(c, p, (int) ahi, (int) bhi),
                SimdFp.cmp32(c, p, (int) (ahi >>> 32), (int) (bhi >>> 32)));
        SimdFp.end(c, s);
        c.xmm[d] = rlo;
        c.xmm[d + 1] = rhi;
    }

    public static void cmppd(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long blo = Sse.wlo(c, i, m), bhi = Sse.whi(c, i, m);
        int d = 2 * i.reg, p = (int) i.imm & 7;
        long alo = c.xmm[d], ahi = c.xmm[d + 1];
        int s = SimdFp.begin(c);
        long rlo = SimdFp.cmp64(c, p, alo, blo), rhi = SimdFp.cmp64(c, p, ahi, bhi);
        SimdFp.end(c, s);
        c.xmm[d] = rlo;
        c.xmm[d + 1] = rhi;
    }

    public static void cmpss(X86Cpu c, Insn i) {
        int b = Sse.w32(c, i);
        int d = 2 * i.reg;
        int s = SimdFp.begin(c);
        int r = SimdFp.cmp32(c, (int) i.imm & 7, (int) c.xmm[d], b);
        SimdFp.end(c, s);
        c.xmm[d] = (c.xmm[d] & 0xffffffff00000000L) | (r & 0xffffffffL);
    }

    public static void cmpsd(X86Cpu c, Insn i) {
        long b = Sse.w64(c, i);
        int d = 2 * i.reg;
        int s = SimdFp.begin(c);
        long r = SimdFp.cmp64(c, (int) i.imm & 7, c.xmm[d], b);
        SimdFp.end(c, s);
        c.xmm[d] = r;
    }

    private static final int COMI_MASK = Flags.ZF | Flags.PF | Flags.CF | Flags.OF | Flags.SF | Flags.AF;

    public static void comiss(X86Cpu c, Insn i) {
        int b = Sse.w32(c, i);
        int s = SimdFp.begin(c);
        int f = SimdFp.comi32(c, (int) c.xmm[2 * i.reg], b, i.arg != 0);
        SimdFp.end(c, s);
        c.setEflags(f, COMI_MASK);
    }

    public static void comisd(X86Cpu c, Insn i) {
        long b = Sse.w64(c, i);
        int s = SimdFp.begin(c);
        int f = SimdFp.comi64(c, c.xmm[2 * i.reg], b, i.arg != 0);
        SimdFp.end(c, s);
        c.setEflags(f, COMI_MASK);
    }

    public static void addsubps(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long blo = Sse.wlo(c, i, m), bhi = Sse.whi(c, i, m);
        int d = 2 * i.reg;
        long alo = c.xmm[d], ahi = c.xmm[d + 1];
        int s = SimdFp.begin(c);
        long rlo = pair32(SimdFp.arith32(c, SUB, (int) alo, (int) blo),
                SimdFp.arith32(c, ADD, (int) (alo >>> 32), (int) (blo >>> 32)));
        long rhi = pair32(SimdFp.arith32(c, SUB, (int) ahi, (int) bhi),
                SimdFp.arith32(c, ADD, (int) (ahi >>> 32), (int) (bhi >>> 32)));
        SimdFp.end(c, s);
        c.xmm[d] = rlo;
        c.xmm[d + 1] = rhi;
    }

    public static void addsubpd(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long blo = Sse.wlo(c, i, m), bhi = Sse.whi(c, i, m);
        int d = 2 * i.reg;
        long alo = c.xmm[d], ahi = c.xmm[d + 1];
        int s = SimdFp.begin(c);
        long rlo = SimdFp.arith64(c, SUB, alo, blo), rhi = SimdFp.arith64(c, ADD, ahi, bhi);
        SimdFp.end(c, s);
        c.xmm[d] = rlo;
        c.xmm[d + 1] = rhi;
    }

    /** HADDPS/HSUBPS: adjacent pairs of V, then of W. */
    public static void hps(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long blo = Sse.wlo(c, i, m), bhi = Sse.whi(c, i, m);
        int d = 2 * i.reg;
        long alo = c.xmm[d], ahi = c.xmm[d + 1];
        int s = SimdFp.begin(c);
        int op = i.arg;
        long rlo = pair32(SimdFp.arith32(c, op, (int) alo, (int) (alo >>> 32)),
                SimdFp.arith32(c, op, (int) ahi, (int) (ahi >>> 32)));
        long rhi = pair32(SimdFp.arith32(c, op, (int) blo, (int) (blo >>> 32)),
                SimdFp.arith32(c, op, (int) bhi, (int) (bhi >>> 32)));
        SimdFp.end(c, s);
        c.xmm[d] = rlo;
        c.xmm[d + 1] = rhi;
    }

    public static void hpd(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long blo = Sse.wlo(c, i, m), bhi = Sse.whi(c, i, m);
        int d = 2 * i.reg;
        long alo = c.xmm[d], ahi = c.xmm[d + 1];
        int s = SimdFp.begin(c);
        long rlo = SimdFp.arith64(c, i.arg, alo, ahi), rhi = SimdFp.arith64(c, i.arg, blo, bhi);
        SimdFp.end(c, s);
        c.xmm[d] = rlo;
        c.xmm[d + 1] = rhi;
    }

    public static void approxPs(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long blo = Sse.wlo(c, i, m), bhi = Sse.whi(c, i, m);
        boolean sqrt = i.arg != 0;
        c.xmm[2 * i.reg] = pair32(Approx.approx(sqrt, (int) blo), Approx.approx(sqrt, (int) (blo >>> 32)));
        c.xmm[2 * i.reg + 1] = pair32(Approx.approx(sqrt, (int) bhi), Approx.approx(sqrt, (int) (bhi >>> 32)));
    }

    public static void approxSs(X86Cpu c, Insn i) {
        int b = Sse.w32(c, i);
        int d = 2 * i.reg;
        int r = Approx.approx(i.arg != 0, b);
        c.xmm[d] = (c.xmm[d] & 0xffffffff00000000L) | (r & 0xffffffffL);
    }
}
