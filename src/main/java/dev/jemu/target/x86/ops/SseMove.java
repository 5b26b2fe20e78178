package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * SSE/SSE2/SSE3 data movement: full, scalar, half and duplicating moves, MOVD/MOVQ between XMM and general
 * registers or MMX, non-temporal stores (plain stores here), MASKMOVDQU, MOVMSKPS/PD, LDDQU.
 * Rows whose register and memory forms differ share one handler that looks at {@code i.mem}.
 */
public final class SseMove {
    private SseMove() {}

    private static final int UNALIGNED = 0, ALIGNED = 1;

    public static void register(OpcodeTable t) {
        t.add("NP 0F 10 /r", "MOVUPS Vx,Wx", SseMove::load, UNALIGNED);
        t.add("66 0F 10 /r", "MOVUPD Vx,Wx", SseMove::load, UNALIGNED);
        t.add("F3 0F 10 /r", "MOVSS Vx,Wss", SseMove::movssLoad);
        t.add("F2 0F 10 /r", "MOVSD Vx,Wsd", SseMove::movsdLoad);
        t.add("NP 0F 11 /r", "MOVUPS Wx,Vx", SseMove::store, UNALIGNED);
        t.add("66 0F 11 /r", "MOVUPD Wx,Vx", SseMove::store, UNALIGNED);
        t.add("F3 0F 11 /r", "MOVSS Wss,Vss", SseMove::movssStore);
        t.add("F2 0F 11 /r", "MOVSD Wsd,Vsd", SseMove::movsdStore);
        t.add("NP 0F 12 /r", "MOVLPS Vq,Mq", SseMove::movlps);
        t.add("66 0F 12 /r", "MOVLPD Vq,Mq", SseMove::movlpd);
        t.add("F3 0F 12 /r", "MOVSLDUP Vx,Wx", SseMove::movsldup);
        t.add("F2 0F 12 /r", "MOVDDUP Vx,Wsd", SseMove::movddup);
        t.add("NP 0F 13 /r", "MOVLPS Mq,Vq", SseMove::movlpsStore);
        t.add("66 0F 13 /r", "MOVLPD Mq,Vq", SseMove::movlpsStore);
        t.add("NP 0F 16 /r", "MOVHPS Vdq,Mq", SseMove::movhps);
        t.add("66 0F 16 /r", "MOVHPD Vdq,Mq", SseMove::movhpd);
        t.add("F3 0F 16 /r", "MOVSHDUP Vx,Wx", SseMove::movshdup);
        t.add("NP 0F 17 /r", "MOVHPS Mq,Vq", SseMove::movhpsStore);
        t.add("66 0F 17 /r", "MOVHPD Mq,Vq", SseMove::movhpsStore);
        t.add("NP 0F 28 /r", "MOVAPS Vx,Wx", SseMove::load, ALIGNED);
        t.add("66 0F 28 /r", "MOVAPD Vx,Wx", SseMove::load, ALIGNED);
        t.add("NP 0F 29 /r", "MOVAPS Wx,Vx", SseMove::store, ALIGNED);
        t.add("66 0F 29 /r", "MOVAPD Wx,Vx", SseMove::store, ALIGNED);
        t.add("NP 0F 2B /r", "MOVNTPS Mx,Vx", SseMove::storeNt);
        t.add("66 0F 2B /r", "MOVNTPD Mx,Vx", SseMove::storeNt);
        t.add("NP 0F 50 /r", "MOVMSKPS Gd,Ux", SseMove::movmskps);
        t.add("66 0F 50 /r", "MOVMSKPD Gd,Ux", SseMove::movmskpd);
        t.add("66 0F 6E /r", "MOVD Vx,Ey", SseMove::movdVE);
        t.add("66 0F 7E /r", "MOVD Ey,Vx", SseMove::movdEV);
        t.add("F3 0F 7E /r", "MOVQ Vx,Wq", SseMove::movqVW);
        t.add("66 0F D6 /r", "MOVQ Wq,Vq", SseMove::movqWV);
        t.add("F3 0F D6 /r", "MOVQ2DQ Vdq,Nq", SseMove::movq2dq);
        t.add("F2 0F D6 /r", "MOVDQ2Q Pq,Uq", SseMove::movdq2q);
        t.add("66 0F 6F /r", "MOVDQA Vx,Wx", SseMove::load, ALIGNED);
        t.add("F3 0F 6F /r", "MOVDQU Vx,Wx", SseMove::load, UNALIGNED);
        t.add("66 0F 7F /r", "MOVDQA Wx,Vx", SseMove::store, ALIGNED);
        t.add("F3 0F 7F /r", "MOVDQU Wx,Vx", SseMove::store, UNALIGNED);
        t.add("66 0F E7 /r", "MOVNTDQ Mx,Vx", SseMove::storeNt);
        t.add("NP 0F C3 /r", "MOVNTI My,Gy", SseMove::movnti);
        t.add("66 0F F7 /r", "MASKMOVDQU Vdq,Udq", SseMove::maskmovdqu);
        t.add("F2 0F F0 /r", "LDDQU Vx,Mx", SseMove::lddqu);
    }

    static void memOnly(Insn i) {
        if (!i.mem) throw X86Exception.ud();
    }

    static void regOnly(Insn i) {
        if (i.mem) throw X86Exception.ud();
    }

    /** A 32-bit general operand, or 64-bit with REX.W (MOVD/MOVQ, MOVNTI, CVTSI2SS...), in any code size. */
    static long readEy(X86Cpu c, Insn i) {
        int size = i.has(Insn.P_REXW) ? 8 : 4;
        return i.mem ? c.mem.read(c.ea(i), size) : c.getReg(i.rm, size, i.rex);
    }

    static void writeEy(X86Cpu c, Insn i, long v) {
        int size = i.has(Insn.P_REXW) ? 8 : 4;
        if (i.mem) c.mem.write(c.ea(i), size, v);
        else c.setReg(i.rm, size, i.rex, v);
    }

    public static void load(X86Cpu c, Insn i) {
        long a = i.mem ? (i.arg == ALIGNED ? Sse.aligned(c, i) : c.ea(i)) : 0;
        long lo = Sse.wlo(c, i, a), hi = Sse.whi(c, i, a);
        c.xmm[2 * i.reg] = lo;
        c.xmm[2 * i.reg + 1] = hi;
    }

    public static void store(X86Cpu c, Insn i) {
        long lo = c.xmm[2 * i.reg], hi = c.xmm[2 * i.reg + 1];
        if (i.mem) {
            Sse.store128(c, i.arg == ALIGNED ? Sse.aligned(c, i) : c.ea(i), lo, hi);
        } else {
            c.xmm[2 * i.rm] = lo;
            c.xmm[2 * i.rm + 1] = hi;
        }
    }

    public static void storeNt(X86Cpu c, Insn i) {
        memOnly(i);
        Sse.store128(c, Sse.aligned(c, i), c.xmm[2 * i.reg], c.xmm[2 * i.reg + 1]);
    }

    public static void lddqu(X86Cpu c, Insn i) {
        memOnly(i);
        long a = c.ea(i);
        long lo = c.mem.read64(a), hi = c.mem.read64(a + 8);
        c.xmm[2 * i.reg] = lo;
        c.xmm[2 * i.reg + 1] = hi;
    }

    public static void movssLoad(X86Cpu c, Insn i) {
        int d = 2 * i.reg;
        if (i.mem) {
            c.xmm[d] = c.mem.read32(c.ea(i)) & 0xffffffffL;
            c.xmm[d + 1] = 0;
        } else {
            c.xmm[d] = (c.xmm[d] & 0xffffffff00000000L) | (c.xmm[2 * i.rm] & 0xffffffffL);
        }
    }

    public static void movssStore(X86Cpu c, Insn i) {
        long v = c.xmm[2 * i.reg] & 0xffffffffL;
        if (i.mem) {
            c.mem.write32(c.ea(i), (int) v);
        } else {
            int d = 2 * i.rm;
            c.xmm[d] = (c.xmm[d] & 0xffffffff00000000L) | v;
        }
    }

    public static void movsdLoad(X86Cpu c, Insn i) {
        int d = 2 * i.reg;
        if (i.mem) {
            c.xmm[d] = c.mem.read64(c.ea(i));
            c.xmm[d + 1] = 0;
        } else {
            c.xmm[d] = c.xmm[2 * i.rm];
        }
    }

    public static void movsdStore(X86Cpu c, Insn i) {
        long v = c.xmm[2 * i.reg];
        if (i.mem) c.mem.write64(c.ea(i), v);
        else c.xmm[2 * i.rm] = v;
    }

    /** MOVLPS xmm, m64 / MOVHLPS xmm, xmm. */
    public static void movlps(X86Cpu c, Insn i) {
        c.xmm[2 * i.reg] = i.mem ? c.mem.read64(c.ea(i)) : c.xmm[2 * i.rm + 1];
    }

    public static void movlpd(X86Cpu c, Insn i) {
        memOnly(i);
        c.xmm[2 * i.reg] = c.mem.read64(c.ea(i));
    }

    public static void movlpsStore(X86Cpu c, Insn i) {
        memOnly(i);
        c.mem.write64(c.ea(i), c.xmm[2 * i.reg]);
    }

    /** MOVHPS xmm, m64 / MOVLHPS xmm, xmm. */
    public static void movhps(X86Cpu c, Insn i) {
        c.xmm[2 * i.reg + 1] = i.mem ? c.mem.read64(c.ea(i)) : c.xmm[2 * i.rm];
    }

    public static void movhpd(X86Cpu c, Insn i) {
        memOnly(i);
        c.xmm[2 * i.reg + 1] = c.mem.read64(c.ea(i));
    }

    public static void movhpsStore(X86Cpu c, Insn i) {
        memOnly(i);
        c.mem.write64(c.ea(i), c.xmm[2 * i.reg + 1]);
    }

    public static void movsldup(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long lo = Sse.wlo(c, i, m), hi = Sse.whi(c, i, m);
        c.xmm[2 * i.reg] = (lo & 0xffffffffL) | lo << 32;
        c.xmm[2 * i.reg + 1] = (hi & 0xffffffffL) | hi << 32;
    }

    public static void movshdup(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long lo = Sse.wlo(c, i, m), hi = Sse.whi(c, i, m);
        c.xmm[2 * i.reg] = (lo >>> 32) | (lo & 0xffffffff00000000L);
        c.xmm[2 * i.reg + 1] = (hi >>> 32) | (hi & 0xffffffff00000000L);
    }

    public static void movddup(X86Cpu c, Insn i) {
        long v = Sse.w64(c, i);
        c.xmm[2 * i.reg] = v;
        c.xmm[2 * i.reg + 1] = v;
    }

    public static void movmskps(X86Cpu c, Insn i) {
        regOnly(i);
        long lo = c.xmm[2 * i.rm], hi = c.xmm[2 * i.rm + 1];
        int m = (int) (lo >>> 31 & 1 | lo >>> 62 & 2 | hi >>> 29 & 4 | hi >>> 60 & 8);
        c.setReg(i.reg, 4, false, m);
    }

    public static void movmskpd(X86Cpu c, Insn i) {
        regOnly(i);
        int m = (int) (c.xmm[2 * i.rm] >>> 63 | (c.xmm[2 * i.rm + 1] >>> 63) << 1);
        c.setReg(i.reg, 4, false, m);
    }

    public static void movdVE(X86Cpu c, Insn i) {
        long v = readEy(c, i);
        c.xmm[2 * i.reg] = v;
        c.xmm[2 * i.reg + 1] = 0;
    }

    public static void movdEV(X86Cpu c, Insn i) {
        writeEy(c, i, c.xmm[2 * i.reg]);
    }

    public static void movqVW(X86Cpu c, Insn i) {
        long v = Sse.w64(c, i);
        c.xmm[2 * i.reg] = v;
        c.xmm[2 * i.reg + 1] = 0;
    }

    public static void movqWV(X86Cpu c, Insn i) {
        long v = c.xmm[2 * i.reg];
        if (i.mem) {
            c.mem.write64(c.ea(i), v);
        } else {
            c.xmm[2 * i.rm] = v;
            c.xmm[2 * i.rm + 1] = 0;
        }
    }

    public static void movq2dq(X86Cpu c, Insn i) {
        regOnly(i);
        Mmx.check(c);
        Mmx.enter(c);
        c.xmm[2 * i.reg] = c.fpu.sig[i.rm & 7];
        c.xmm[2 * i.reg + 1] = 0;
    }

    public static void movdq2q(X86Cpu c, Insn i) {
        regOnly(i);
        Mmx.check(c);
        Mmx.enter(c);
        Mmx.set(c, i.reg, c.xmm[2 * i.rm]);
    }

    public static void movnti(X86Cpu c, Insn i) {
        memOnly(i);
        int size = i.has(Insn.P_REXW) ? 8 : 4;
        c.mem.write(c.ea(i), size, c.getReg(i.reg, size, i.rex));
    }

    public static void maskmovdqu(X86Cpu c, Insn i) {
        regOnly(i);
        Mmx.maskStore(c, i, c.xmm[2 * i.reg], c.xmm[2 * i.rm], c.xmm[2 * i.reg + 1], c.xmm[2 * i.rm + 1]);
    }
}
