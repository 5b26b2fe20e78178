package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.sse.SimdFp;

/**
 * SSE/SSE2 conversions between single, double, 32/64-bit integers (general registers, XMM lanes) and MMX
 * pairs. Rounding follows MXCSR.RC except for the truncating CVTT* forms; invalid conversions to integer give
 * the integer indefinite (0x80000000 / 0x8000000000000000).
 */
public final class SseConvert {
    private SseConvert() {}

    private static final int ROUND = 0, TRUNC = 1;

    public static void register(OpcodeTable t) {
        t.add("NP 0F 2A /r", "CVTPI2PS Vx,Qq", SseConvert::cvtpi2ps);
        t.add("66 0F 2A /r", "CVTPI2PD Vx,Qq", SseConvert::cvtpi2pd);
        t.add("F3 0F 2A /r", "CVTSI2SS Vx,Ey", SseConvert::cvtsi2ss);
        t.add("F2 0F 2A /r", "CVTSI2SD Vx,Ey", SseConvert::cvtsi2sd);
        t.add("NP 0F 2C /r", "CVTTPS2PI Pq,Wq", SseConvert::cvtps2pi, TRUNC);
        t.add("66 0F 2C /r", "CVTTPD2PI Pq,Wx", SseConvert::cvtpd2pi, TRUNC);
        t.add("F3 0F 2C /r", "CVTTSS2SI Gy,Wss", SseConvert::cvtss2si, TRUNC);
        t.add("F2 0F 2C /r", "CVTTSD2SI Gy,Wsd", SseConvert::cvtsd2si, TRUNC);
        t.add("NP 0F 2D /r", "CVTPS2PI Pq,Wq", SseConvert::cvtps2pi, ROUND);
        t.add("66 0F 2D /r", "CVTPD2PI Pq,Wx", SseConvert::cvtpd2pi, ROUND);
        t.add("F3 0F 2D /r", "CVTSS2SI Gy,Wss", SseConvert::cvtss2si, ROUND);
        t.add("F2 0F 2D /r", "CVTSD2SI Gy,Wsd", SseConvert::cvtsd2si, ROUND);
        t.add("NP 0F 5A /r", "CVTPS2PD Vx,Wq", SseConvert::cvtps2pd);
        t.add("66 0F 5A /r", "CVTPD2PS Vx,Wx", SseConvert::cvtpd2ps);
        t.add("F3 0F 5A /r", "CVTSS2SD Vx,Wss", SseConvert::cvtss2sd);
        t.add("F2 0F 5A /r", "CVTSD2SS Vx,Wsd", SseConvert::cvtsd2ss);
        t.add("NP 0F 5B /r", "CVTDQ2PS Vx,Wx", SseConvert::cvtdq2ps);
        t.add("66 0F 5B /r", "CVTPS2DQ Vx,Wx", SseConvert::cvtps2dq, ROUND);
        t.add("F3 0F 5B /r", "CVTTPS2DQ Vx,Wx", SseConvert::cvtps2dq, TRUNC);
        t.add("66 0F E6 /r", "CVTTPD2DQ Vx,Wx", SseConvert::cvtpd2dq, TRUNC);
        t.add("F2 0F E6 /r", "CVTPD2DQ Vx,Wx", SseConvert::cvtpd2dq, ROUND);
        t.add("F3 0F E6 /r", "CVTDQ2PD Vx,Wq", SseConvert::cvtdq2pd);
    }

    private static long pair32(long lo, long hi) {
        return (lo & 0xffffffffL) | hi << 32;
    }

    /** An MMX source (register: the instruction switches to MMX mode) or 64-bit memory. */
    private static long mmxSource(X86Cpu c, Insn i) {
        if (i.mem) return c.mem.read64(c.ea(i));
        Mmx.check(c);
        Mmx.enter(c);
        return c.fpu.sig[i.rm & 7];
    }

    public static void cvtpi2ps(X86Cpu c, Insn i) {
        long v = i.mem ? c.mem.read64(c.ea(i)) : c.fpu.sig[i.rm & 7];
        if (!i.mem) Mmx.check(c);
        int s = SimdFp.begin(c);
        long r = pair32(SimdFp.intToF32(c, (int) v), SimdFp.intToF32(c, (int) (v >>> 32)));
        SimdFp.end(c, s);
        if (!i.mem) Mmx.enter(c);
        c.xmm[2 * i.reg] = r;
    }

    public static void cvtpi2pd(X86Cpu c, Insn i) {
        long v = mmxSource(c, i);
        c.xmm[2 * i.reg] = Double.doubleToRawLongBits((int) v);
        c.xmm[2 * i.reg + 1] = Double.doubleToRawLongBits((int) (v >>> 32));
    }

    public static void cvtsi2ss(X86Cpu c, Insn i) {
        long v = SseMove.readEy(c, i);
        if (!i.has(Insn.P_REXW)) v = (int) v;
        int d = 2 * i.reg;
        int s = SimdFp.begin(c);
        int r = SimdFp.intToF32(c, v);
        SimdFp.end(c, s);
        c.xmm[d] = (c.xmm[d] & 0xffffffff00000000L) | (r & 0xffffffffL);
    }

    public static void cvtsi2sd(X86Cpu c, Insn i) {
        long v = SseMove.readEy(c, i);
        if (!i.has(Insn.P_REXW)) v = (int) v;
        int s = SimdFp.begin(c);
        long r = SimdFp.intToF64(c, v);
        SimdFp.end(c, s);
        c.xmm[2 * i.reg] = r;
    }

    public static void cvtps2pi(X86Cpu c, Insn i) {
        long v = Sse.w64(c, i);
        Mmx.check(c);
        boolean tr = i.arg == TRUNC;
        int s = SimdFp.begin(c);
        long lo = SimdFp.toInt(c, SimdFp.f32Value(c, (int) v), tr, false);
        long hi = SimdFp.toInt(c, SimdFp.f32Value(c, (int) (v >>> 32)), tr, false);
        SimdFp.end(c, s);
        Mmx.enter(c);
        Mmx.set(c, i.reg, pair32(lo, hi));
    }

    public static void cvtpd2pi(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long a = Sse.wlo(c, i, m), b = Sse.whi(c, i, m);
        Mmx.check(c);
        boolean tr = i.arg == TRUNC;
        int s = SimdFp.begin(c);
        long lo = SimdFp.toInt(c, SimdFp.f64Value(c, a), tr, false);
        long hi = SimdFp.toInt(c, SimdFp.f64Value(c, b), tr, false);
        SimdFp.end(c, s);
        Mmx.enter(c);
        Mmx.set(c, i.reg, pair32(lo, hi));
    }

    public static void cvtss2si(X86Cpu c, Insn i) {
        int v = Sse.w32(c, i);
        boolean is64 = i.has(Insn.P_REXW);
        int s = SimdFp.begin(c);
        long r = SimdFp.toInt(c, SimdFp.f32Value(c, v), i.arg == TRUNC, is64);
        SimdFp.end(c, s);
        c.setReg(i.reg, is64 ? 8 : 4, false, r);
    }

    public static void cvtsd2si(X86Cpu c, Insn i) {
        long v = Sse.w64(c, i);
        boolean is64 = i.has(Insn.P_REXW);
        int s = SimdFp.begin(c);
        long r = SimdFp.toInt(c, SimdFp.f64Value(c, v), i.arg == TRUNC, is64);
        SimdFp.end(c, s);
        c.setReg(i.reg, is64 ? 8 : 4, false, r);
    }

    public static void cvtps2pd(X86Cpu c, Insn i) {
        long v = Sse.w64(c, i);
        int s = SimdFp.begin(c);
        long lo = SimdFp.f32to64(c, (int) v), hi = SimdFp.f32to64(c, (int) (v >>> 32));
        SimdFp.end(c, s);
        c.xmm[2 * i.reg] = lo;
        c.xmm[2 * i.reg + 1] = hi;
    }

    public static void cvtpd2ps(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long a = Sse.wlo(c, i, m), b = Sse.whi(c, i, m);
        int s = SimdFp.begin(c);
        long r = pair32(SimdFp.f64to32(c, a), SimdFp.f64to32(c, b));
        SimdFp.end(c, s);
        c.xmm[2 * i.reg] = r;
        c.xmm[2 * i.reg + 1] = 0;
    }

    public static void cvtss2sd(X86Cpu c, Insn i) {
        int v = Sse.w32(c, i);
        int s = SimdFp.begin(c);
        long r = SimdFp.f32to64(c, v);
        SimdFp.end(c, s);
        c.xmm[2 * i.reg] = r;
    }

    public static void cvtsd2ss(X86Cpu c, Insn i) {
        long v = Sse.w64(c, i);
        int d = 2 * i.reg;
        int s = SimdFp.begin(c);
        int r = SimdFp.f64to32(c, v);
        SimdFp.end(c, s);
        c.xmm[d] = (c.xmm[d] & 0xffffffff00000000L) | (r & 0xffffffffL);
    }

    public static void cvtdq2ps(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long a = Sse.wlo(c, i, m), b = Sse.whi(c, i, m);
        int s = SimdFp.begin(c);
        long lo = pair32(SimdFp.intToF32(c, (int) a), SimdFp.intToF32(c, (int) (a >>> 32)));
        long hi = pair32(SimdFp.intToF32(c, (int) b), SimdFp.intToF32(c, (int) (b >>> 32)));
        SimdFp.end(c, s);
        c.xmm[2 * i.reg] = lo;
        c.xmm[2 * i.reg + 1] = hi;
    }

    public static void cvtps2dq(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long a = Sse.wlo(c, i, m), b = Sse.whi(c, i, m);
        boolean tr = i.arg == TRUNC;
        int s = SimdFp.begin(c);
        long lo = pair32(SimdFp.toInt(c, SimdFp.f32Value(c, (int) a), tr, false),
                SimdFp.toInt(c, SimdFp.f32Value(c, (int) (a >>> 32)), tr, false));
        long hi = pair32(SimdFp.toInt(c, SimdFp.f32Value(c, (int) b), tr, false),
                SimdFp.toInt(c, SimdFp.f32Value(c, (int) (b >>> 32)), tr, false));
        SimdFp.end(c, s);
        c.xmm[2 * i.reg] = lo;
        c.xmm[2 * i.reg + 1] = hi;
    }

    public static void cvtpd2dq(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long a = Sse.wlo(c, i, m), b = Sse.whi(c, i, m);
        boolean tr = i.arg == TRUNC;
        int s = SimdFp.begin(c);
        long r = pair32(SimdFp.toInt(c, SimdFp.f64Value(c, a), tr, false),
                SimdFp.toInt(c, SimdFp.f64Value(c, b), tr, false));
        SimdFp.end(c, s);
        c.xmm[2 * i.reg] = r;
        c.xmm[2 * i.reg + 1] = 0;
    }

    public static void cvtdq2pd(X86Cpu c, Insn i) {
        long v = Sse.w64(c, i);
        c.xmm[2 * i.reg] = Double.doubleToRawLongBits((int) v);
        c.xmm[2 * i.reg + 1] = Double.doubleToRawLongBits((int) (v >>> 32));
    }
}
