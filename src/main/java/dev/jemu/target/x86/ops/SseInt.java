package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.sse.Lanes;

import static dev.jemu.target.x86.sse.Lanes.*;

/** SSE2 packed integer instructions on XMM registers (the MMX forms of the same rows are in {@link Mmx}). */
public final class SseInt {
    private SseInt() {}

    private static int a(int kind, int op) {
        return kind << 8 | op;
    }

    /** Rows shared by MMX (NP) and SSE2 (66): opcode byte in map 0F, mnemonic, Lanes kind/op. */
    static final Object[][] BINARY = {
            {"60", "PUNPCKLBW", a(UNPACK_LO, UNPCK_BW)}, {"61", "PUNPCKLWD", a(UNPACK_LO, UNPCK_WD)},
            {"62", "PUNPCKLDQ", a(UNPACK_LO, UNPCK_DQ)}, {"63", "PACKSSWB", a(HORIZ, PACKSSWB)},
            {"64", "PCMPGTB", a(LANE, PCMPGTB)}, {"65", "PCMPGTW", a(LANE, PCMPGTW)},
            {"66", "PCMPGTD", a(LANE, PCMPGTD)}, {"67", "PACKUSWB", a(HORIZ, PACKUSWB)},
            {"68", "PUNPCKHBW", a(UNPACK_HI, UNPCK_BW)}, {"69", "PUNPCKHWD", a(UNPACK_HI, UNPCK_WD)},
            {"6A", "PUNPCKHDQ", a(UNPACK_HI, UNPCK_DQ)}, {"6B", "PACKSSDW", a(HORIZ, PACKSSDW)},
            {"74", "PCMPEQB", a(LANE, PCMPEQB)}, {"75", "PCMPEQW", a(LANE, PCMPEQW)},
            {"76", "PCMPEQD", a(LANE, PCMPEQD)},
            {"D1", "PSRLW", a(SHIFT, PSRLW)}, {"D2", "PSRLD", a(SHIFT, PSRLD)}, {"D3", "PSRLQ", a(SHIFT, PSRLQ)},
            {"D4", "PADDQ", a(LANE, PADDQ)}, {"D5", "PMULLW", a(LANE, PMULLW)},
            {"D8", "PSUBUSB", a(LANE, PSUBUSB)}, {"D9", "PSUBUSW", a(LANE, PSUBUSW)},
            {"DA", "PMINUB", a(LANE, PMINUB)}, {"DB", "PAND", a(LANE, PAND)},
            {"DC", "PADDUSB", a(LANE, PADDUSB)}, {"DD", "PADDUSW", a(LANE, PADDUSW)},
            {"DE", "PMAXUB", a(LANE, PMAXUB)}, {"DF", "PANDN", a(LANE, PANDN)},
            {"E0", "PAVGB", a(LANE, PAVGB)}, {"E1", "PSRAW", a(SHIFT, PSRAW)}, {"E2", "PSRAD", a(SHIFT, PSRAD)},
            {"E3", "PAVGW", a(LANE, PAVGW)}, {"E4", "PMULHUW", a(LANE, PMULHUW)},
            {"E5", "PMULHW", a(LANE, PMULHW)}, {"E8", "PSUBSB", a(LANE, PSUBSB)},
            {"E9", "PSUBSW", a(LANE, PSUBSW)}, {"EA", "PMINSW", a(LANE, PMINSW)}, {"EB", "POR", a(LANE, POR)},
            {"EC", "PADDSB", a(LANE, PADDSB)}, {"ED", "PADDSW", a(LANE, PADDSW)},
            {"EE", "PMAXSW", a(LANE, PMAXSW)}, {"EF", "PXOR", a(LANE, PXOR)},
            {"F1", "PSLLW", a(SHIFT, PSLLW)}, {"F2", "PSLLD", a(SHIFT, PSLLD)}, {"F3", "PSLLQ", a(SHIFT, PSLLQ)},
            {"F4", "PMULUDQ", a(LANE, PMULUDQ)}, {"F5", "PMADDWD", a(LANE, PMADDWD)},
            {"F6", "PSADBW", a(LANE, PSADBW)}, {"F8", "PSUBB", a(LANE, PSUBB)}, {"F9", "PSUBW", a(LANE, PSUBW)},
            {"FA", "PSUBD", a(LANE, PSUBD)}, {"FB", "PSUBQ", a(LANE, PSUBQ)}, {"FC", "PADDB", a(LANE, PADDB)},
            {"FD", "PADDW", a(LANE, PADDW)}, {"FE", "PADDD", a(LANE, PADDD)},
    };

    public static void register(OpcodeTable t) {
        for (Object[] r : BINARY) t.add("66 0F " + r[0] + " /r", r[1] + " Vx,Wx", SseInt::op, (Integer) r[2]);
        t.add("66 0F 6C /r", "PUNPCKLQDQ Vx,Wx", SseInt::op, a(UNPACK_LO, UNPCK_QDQ));
        t.add("66 0F 6D /r", "PUNPCKHQDQ Vx,Wx", SseInt::op, a(UNPACK_HI, UNPCK_QDQ));
        t.add("66 0F 70 /r", "PSHUFD Vx,Wx,Ib", SseInt::pshufd);
        t.add("F3 0F 70 /r", "PSHUFHW Vx,Wx,Ib", SseInt::pshufhw);
        t.add("F2 0F 70 /r", "PSHUFLW Vx,Wx,Ib", SseInt::pshuflw);
        t.add("66 0F 71 /2 r", "PSRLW Ux,Ib", SseInt::shiftImm, PSRLW);
        t.add("66 0F 71 /4 r", "PSRAW Ux,Ib", SseInt::shiftImm, PSRAW);
        t.add("66 0F 71 /6 r", "PSLLW Ux,Ib", SseInt::shiftImm, PSLLW);
        t.add("66 0F 72 /2 r", "PSRLD Ux,Ib", SseInt::shiftImm, PSRLD);
        t.add("66 0F 72 /4 r", "PSRAD Ux,Ib", SseInt::shiftImm, PSRAD);
        t.add("66 0F 72 /6 r", "PSLLD Ux,Ib", SseInt::shiftImm, PSLLD);
        t.add("66 0F 73 /2 r", "PSRLQ Ux,Ib", SseInt::shiftImm, PSRLQ);
        t.add("66 0F 73 /6 r", "PSLLQ Ux,Ib", SseInt::shiftImm, PSLLQ);
        t.add("66 0F 73 /3 r", "PSRLDQ Ux,Ib", SseInt::psrldq);
        t.add("66 0F 73 /7 r", "PSLLDQ Ux,Ib", SseInt::pslldq);
        t.add("66 0F C4 /r", "PINSRW Vx,Ry,Ib", SseInt::pinsrw);
        t.add("66 0F C5 /r", "PEXTRW Gd,Ux,Ib", SseInt::pextrw);
        t.add("66 0F D7 /r", "PMOVMSKB Gd,Ux", SseInt::pmovmskb);
    }

    /** V = V op W, as {@link Lanes} describes for the row's kind. */
    public static void op(X86Cpu c, Insn i) {
        int op = i.arg & 0xff, kind = i.arg >> 8;
        long m = Sse.waddr(c, i);
        long blo = Sse.wlo(c, i, m), bhi = Sse.whi(c, i, m);
        int d = 2 * i.reg;
        long alo = c.xmm[d], ahi = c.xmm[d + 1];
        long rlo, rhi;
        switch (kind) {
            case LANE -> {
                rlo = Lanes.op(op, alo, blo);
                rhi = Lanes.op(op, ahi, bhi);
            }
            case HORIZ -> {
                rlo = Lanes.op(op, alo, ahi);
                rhi = Lanes.op(op, blo, bhi);
            }
            case UNPACK_LO -> {
                rlo = Lanes.op(op, alo, blo);
                rhi = Lanes.op(op + 1, alo, blo);
            }
            case UNPACK_HI -> {
                rlo = Lanes.op(op, ahi, bhi);
                rhi = Lanes.op(op + 1, ahi, bhi);
            }
            default -> { // SHIFT: the count is the low quadword of W
                rlo = Lanes.shift(op, alo, blo);
                rhi = Lanes.shift(op, ahi, blo);
            }
        }
        c.xmm[d] = rlo;
        c.xmm[d + 1] = rhi;
    }

    public static void shiftImm(X86Cpu c, Insn i) {
        int r = 2 * i.rm;
        long n = i.imm & 0xff;
        c.xmm[r] = Lanes.shift(i.arg, c.xmm[r], n);
        c.xmm[r + 1] = Lanes.shift(i.arg, c.xmm[r + 1], n);
    }

    public static void psrldq(X86Cpu c, Insn i) {
        int r = 2 * i.rm;
        int n = (int) i.imm & 0xff;
        long lo = c.xmm[r], hi = c.xmm[r + 1];
        if (n >= 16) {
            lo = hi = 0;
        } else if (n >= 8) {
            lo = hi >>> (8 * (n - 8));
            hi = 0;
        } else if (n > 0) {
            lo = (lo >>> (8 * n)) | (hi << (64 - 8 * n));
            hi = hi >>> (8 * n);
        }
        c.xmm[r] = lo;
        c.xmm[r + 1] = hi;
    }

    public static void pslldq(X86Cpu c, Insn i) {
        int r = 2 * i.rm;
        int n = (int) i.imm & 0xff;
        long lo = c.xmm[r], hi = c.xmm[r + 1];
        if (n >= 16) {
            lo = hi = 0;
        } else if (n >= 8) {
            hi = lo << (8 * (n - 8));
            lo = 0;
        } else if (n > 0) {
            hi = (hi << (8 * n)) | (lo >>> (64 - 8 * n));
            lo = lo << (8 * n);
        }
        c.xmm[r] = lo;
        c.xmm[r + 1] = hi;
    }

    public static void pshufd(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long lo = Sse.wlo(c, i, m), hi = Sse.whi(c, i, m);
        int imm = (int) i.imm;
        long r = 0, s = 0;
        for (int k = 0; k < 2; k++) {
            int sel = (imm >> (2 * k)) & 3;
            r |= (((sel < 2 ? lo : hi) >>> (32 * (sel & 1))) & 0xffffffffL) << (32 * k);
            sel = (imm >> (2 * k + 4)) & 3;
            s |= (((sel < 2 ? lo : hi) >>> (32 * (sel & 1))) & 0xffffffffL) << (32 * k);
        }
        c.xmm[2 * i.reg] = r;
        c.xmm[2 * i.reg + 1] = s;
    }

    public static void pshufhw(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long lo = Sse.wlo(c, i, m), hi = Sse.whi(c, i, m);
        c.xmm[2 * i.reg] = lo;
        c.xmm[2 * i.reg + 1] = Lanes.shufw(hi, (int) i.imm);
    }

    public static void pshuflw(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long lo = Sse.wlo(c, i, m), hi = Sse.whi(c, i, m);
        c.xmm[2 * i.reg] = Lanes.shufw(lo, (int) i.imm);
        c.xmm[2 * i.reg + 1] = hi;
    }

    public static void pinsrw(X86Cpu c, Insn i) {
        long w = i.mem ? c.mem.read16(c.ea(i)) : c.regs[i.rm] & 0xffff;
        int n = (int) i.imm & 7;
        int r = 2 * i.reg + (n >> 2), sh = 16 * (n & 3);
        c.xmm[r] = (c.xmm[r] & ~(0xffffL << sh)) | w << sh;
    }

    public static void pextrw(X86Cpu c, Insn i) {
        SseMove.regOnly(i);
        int n = (int) i.imm & 7;
        long v = (c.xmm[2 * i.rm + (n >> 2)] >>> (16 * (n & 3))) & 0xffff;
        c.setReg(i.reg, 4, false, v);
    }

    public static void pmovmskb(X86Cpu c, Insn i) {
        SseMove.regOnly(i);
        int r = 2 * i.rm;
        c.setReg(i.reg, 4, false, Lanes.movmskb(c.xmm[r]) | Lanes.movmskb(c.xmm[r + 1]) << 8);
    }
}
