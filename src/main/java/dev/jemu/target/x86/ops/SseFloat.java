package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;

import static dev.jemu.target.x86.sse.Lanes.*;

/** SSE/SSE2/SSE3 floating-point instructions: logic, shuffles and unpacks here; arithmetic in {@link SseArith}. */
public final class SseFloat {
    private SseFloat() {}

    private static int a(int kind, int op) {
        return kind << 8 | op;
    }

    public static void register(OpcodeTable t) {
        String[][] logic = {{"54", "AND"}, {"55", "ANDN"}, {"56", "OR"}, {"57", "XOR"}};
        int[] ops = {PAND, PANDN, POR, PXOR};
        for (int k = 0; k < 4; k++) {
            t.add("NP 0F " + logic[k][0] + " /r", logic[k][1] + "PS Vx,Wx", SseInt::op, a(LANE, ops[k]));
            t.add("66 0F " + logic[k][0] + " /r", logic[k][1] + "PD Vx,Wx", SseInt::op, a(LANE, ops[k]));
        }
        t.add("NP 0F 14 /r", "UNPCKLPS Vx,Wx", SseInt::op, a(UNPACK_LO, UNPCK_DQ));
        t.add("NP 0F 15 /r", "UNPCKHPS Vx,Wx", SseInt::op, a(UNPACK_HI, UNPCK_DQ));
        t.add("66 0F 14 /r", "UNPCKLPD Vx,Wx", SseInt::op, a(UNPACK_LO, UNPCK_QDQ));
        t.add("66 0F 15 /r", "UNPCKHPD Vx,Wx", SseInt::op, a(UNPACK_HI, UNPCK_QDQ));
        t.add("NP 0F C6 /r", "SHUFPS Vx,Wx,Ib", SseFloat::shufps);
        t.add("66 0F C6 /r", "SHUFPD Vx,Wx,Ib", SseFloat::shufpd);
        SseArith.register(t);
    }

    private static long dword(long lo, long hi, int n) {
        return ((n < 2 ? lo : hi) >>> (32 * (n & 1))) & 0xffffffffL;
    }

    public static void shufps(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long blo = Sse.wlo(c, i, m), bhi = Sse.whi(c, i, m);
        int d = 2 * i.reg, imm = (int) i.imm;
        long alo = c.xmm[d], ahi = c.xmm[d + 1];
        c.xmm[d] = dword(alo, ahi, imm & 3) | dword(alo, ahi, (imm >> 2) & 3) << 32;
        c.xmm[d + 1] = dword(blo, bhi, (imm >> 4) & 3) | dword(blo, bhi, (imm >> 6) & 3) << 32;
    }

    public static void shufpd(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long blo = Sse.wlo(c, i, m), bhi = Sse.whi(c, i, m);
        int d = 2 * i.reg, imm = (int) i.imm;
        long alo = c.xmm[d], ahi = c.xmm[d + 1];
        c.xmm[d] = (imm & 1) == 0 ? alo : ahi;
        c.xmm[d + 1] = (imm & 2) == 0 ? blo : bhi;
    }
}
