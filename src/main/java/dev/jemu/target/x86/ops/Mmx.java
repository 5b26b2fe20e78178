package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.X87;
import dev.jemu.target.x86.sse.Lanes;

/**
 * MMX (and the SSE/SSE2/SSSE3 instructions on MMX registers). MMX register n is the significand of x87
 * physical register n; every MMX instruction except EMMS makes TOP 0 and no register empty, and a write
 * sets the register's sign/exponent to all ones. P is the MMX register in ModRM.reg, Q the register or 64-bit
 * memory in ModRM.rm (REX bits are ignored for MMX registers).
 */
public final class Mmx {
    private Mmx() {}

    public static void register(OpcodeTable t) {
        // Element-wise, horizontal, unpack and shift-by-register operations: one row per opcode, the MMX form
        // here and the XMM form (66) in SseInt.
        for (Object[] r : SseInt.BINARY) {
            int arg = (Integer) r[2];
            t.add("NP 0F " + r[0] + " /r", r[1] + " Pq,Qq", Mmx::op, arg);
        }
        t.add("0F 77", "EMMS", Mmx::emms);
        t.add("NP 0F 6E /r", "MOVD Pq,Ey", Mmx::movdPE);
        t.add("NP 0F 7E /r", "MOVD Ey,Pq", Mmx::movdEP);
        t.add("NP 0F 6F /r", "MOVQ Pq,Qq", Mmx::movqPQ);
        t.add("NP 0F 7F /r", "MOVQ Qq,Pq", Mmx::movqQP);
        t.add("NP 0F E7 /r", "MOVNTQ Mq,Pq", Mmx::movntq);
        t.add("NP 0F 70 /r", "PSHUFW Pq,Qq,Ib", Mmx::pshufw);
        t.add("NP 0F C4 /r", "PINSRW Pq,Ry,Ib", Mmx::pinsrw);
        t.add("NP 0F C5 /r", "PEXTRW Gd,Nq,Ib", Mmx::pextrw);
        t.add("NP 0F D7 /r", "PMOVMSKB Gd,Nq", Mmx::pmovmskb);
        t.add("NP 0F F7 /r", "MASKMOVQ Pq,Nq", Mmx::maskmovq);
        t.add("NP 0F 71 /2 r", "PSRLW Nq,Ib", Mmx::shiftImm, Lanes.PSRLW);
        t.add("NP 0F 71 /4 r", "PSRAW Nq,Ib", Mmx::shiftImm, Lanes.PSRAW);
        t.add("NP 0F 71 /6 r", "PSLLW Nq,Ib", Mmx::shiftImm, Lanes.PSLLW);
        t.add("NP 0F 72 /2 r", "PSRLD Nq,Ib", Mmx::shiftImm, Lanes.PSRLD);
        t.add("NP 0F 72 /4 r", "PSRAD Nq,Ib", Mmx::shiftImm, Lanes.PSRAD);
        t.add("NP 0F 72 /6 r", "PSLLD Nq,Ib", Mmx::shiftImm, Lanes.PSLLD);
        t.add("NP 0F 73 /2 r", "PSRLQ Nq,Ib", Mmx::shiftImm, Lanes.PSRLQ);
        t.add("NP 0F 73 /6 r", "PSLLQ Nq,Ib", Mmx::shiftImm, Lanes.PSLLQ);
        // SSSE3 on MMX registers.
        for (Object[] r : Ssse3.BINARY) {
            t.add("NP 0F 38 " + r[0] + " /r", r[1] + " Pq,Qq", Mmx::op, (Integer) r[2]);
        }
        t.add("NP 0F 38 00 /r", "PSHUFB Pq,Qq", Mmx::pshufb);
        t.add("NP 0F 3A 0F /r", "PALIGNR Pq,Qq,Ib", Mmx::palignr);
    }

    // ---- the register file ----

    /**
     * Enters MMX mode: TOP = 0 and no register empty. As on hardware, a non-empty register's full tag is what its
     * contents say (0 valid, 1 zero, 2 special), which is what FSTENV/FSAVE report after MMX code; registers
     * that were empty get that tag now, the others already have it. Call after the loads that can fault.
     */
    public static void enter(X86Cpu c) {
        X87 f = c.fpu;
        f.top = 0;
        int empty = f.ftw & (f.ftw >> 1) & 0x5555;
        if (empty == 0) return;
        int ftw = f.ftw;
        for (int p = 0; p < 8; p++) {
            if ((empty >> (2 * p) & 1) != 0) ftw = (ftw & ~(3 << (2 * p))) | SseState.tagOf(f.se[p], f.sig[p]) << (2 * p);
        }
        f.ftw = ftw;
    }

    /** #MF if an unmasked x87 exception is pending (FSW.ES): checked before anything else. */
    public static void check(X86Cpu c) {
        if ((c.fpu.fsw & 0x80) != 0) throw X86Exception.fault(X86Exception.MF);
    }

    public static long get(X86Cpu c, int n) {
        return c.fpu.sig[n & 7];
    }

    /** Writes MMX register n: the significand, exponent all ones (so the tag is "special"). */
    public static void set(X86Cpu c, int n, long v) {
        X87 f = c.fpu;
        n &= 7;
        f.sig[n] = v;
        f.se[n] = 0xffff;
        f.ftw = (f.ftw & ~(3 << (2 * n))) | 2 << (2 * n);
    }

    /** Q: the MMX register in ModRM.rm or 64-bit memory. */
    static long q(X86Cpu c, Insn i) {
        return i.mem ? c.mem.read64(c.ea(i)) : c.fpu.sig[i.rm & 7];
    }

    // ---- handlers ----

    public static void op(X86Cpu c, Insn i) {
        check(c);
        int op = i.arg & 0xff, kind = i.arg >> 8;
        long b;
        // The unpack-low forms read only 32 bits of memory.
        if (kind == Lanes.UNPACK_LO && i.mem) b = c.mem.read32(c.ea(i)) & 0xffffffffL;
        else b = q(c, i);
        enter(c);
        int d = i.reg & 7;
        set(c, d, Lanes.op(kind == Lanes.UNPACK_HI ? op + 1 : op, c.fpu.sig[d], b));
    }

    /** EMMS: every register empty; TOP becomes 0 as well (what AMD hardware does; Intel documents only the tags). */
    public static void emms(X86Cpu c, Insn i) {
        check(c);
        c.fpu.ftw = 0xffff;
        c.fpu.top = 0;
    }

    public static void movdPE(X86Cpu c, Insn i) {
        check(c);
        long v = c.readE(i); // 32 bits zero-extended, or 64 with REX.W
        enter(c);
        set(c, i.reg, v);
    }

    public static void movdEP(X86Cpu c, Insn i) {
        check(c);
        long v = c.fpu.sig[i.reg & 7];
        c.writeE(i, v);
        enter(c);
    }

    public static void movqPQ(X86Cpu c, Insn i) {
        check(c);
        long v = q(c, i);
        enter(c);
        set(c, i.reg, v);
    }

    public static void movntq(X86Cpu c, Insn i) {
        SseMove.memOnly(i);
        movqQP(c, i);
    }

    public static void movqQP(X86Cpu c, Insn i) {
        check(c);
        long v = c.fpu.sig[i.reg & 7];
        if (i.mem) c.mem.write64(c.ea(i), v);
        enter(c);
        if (!i.mem) set(c, i.rm, v);
    }

    public static void pshufw(X86Cpu c, Insn i) {
        check(c);
        long v = q(c, i);
        enter(c);
        set(c, i.reg, Lanes.shufw(v, (int) i.imm));
    }

    public static void pinsrw(X86Cpu c, Insn i) {
        check(c);
        long w = i.mem ? c.mem.read16(c.ea(i)) : c.regs[i.rm] & 0xffff;
        enter(c);
        int sh = 16 * ((int) i.imm & 3);
        int d = i.reg & 7;
        set(c, d, (c.fpu.sig[d] & ~(0xffffL << sh)) | w << sh);
    }

    public static void pextrw(X86Cpu c, Insn i) {
        SseMove.regOnly(i);
        check(c);
        enter(c);
        long v = (c.fpu.sig[i.rm & 7] >>> (16 * ((int) i.imm & 3))) & 0xffff;
        c.setReg(i.reg, 4, false, v);
    }

    public static void pmovmskb(X86Cpu c, Insn i) {
        SseMove.regOnly(i);
        check(c);
        enter(c);
        c.setReg(i.reg, 4, false, Lanes.movmskb(c.fpu.sig[i.rm & 7]));
    }

    /** MASKMOVQ: stores the bytes of P whose mask byte (in N) has its top bit set, at DS:rDI. */
    public static void maskmovq(X86Cpu c, Insn i) {
        check(c);
        long v = c.fpu.sig[i.reg & 7], m = c.fpu.sig[i.rm & 7];
        SseMove.regOnly(i);
        maskStore(c, i, v, m, 0, 0);
        enter(c);
    }

    /**
     * MASKMOVQ / MASKMOVDQU: stores the bytes of v0:v1 whose mask byte in m0:m1 has its top bit set, at
     * seg:rDI (DS unless overridden). The first and last selected bytes (which bound every page touched) are
     * probed for writing before anything is stored.
     */
    static void maskStore(X86Cpu c, Insn i, long v0, long m0, long v1, long m1) {
        long base = c.linear(i.seg, c.regs[X86Cpu.RDI], i.asize);
        long s0 = m0 & 0x8080808080808080L, s1 = m1 & 0x8080808080808080L;
        if ((s0 | s1) == 0) return;
        int first = s0 != 0 ? Long.numberOfTrailingZeros(s0) >> 3 : 8 + (Long.numberOfTrailingZeros(s1) >> 3);
        int last = s1 != 0 ? 8 + ((63 - Long.numberOfLeadingZeros(s1)) >> 3) : (63 - Long.numberOfLeadingZeros(s0)) >> 3;
        c.mem.write8(base + first, c.mem.read8(base + first));
        c.mem.write8(base + last, c.mem.read8(base + last));
        for (int k = 0; k < 16; k++) {
            long m = k < 8 ? m0 : m1, v = k < 8 ? v0 : v1;
            int b = 8 * (k & 7);
            if ((m >>> (b + 7) & 1) != 0) c.mem.write8(base + k, (int) (v >>> b));
        }
    }

    public static void shiftImm(X86Cpu c, Insn i) {
        check(c);
        enter(c);
        int r = i.rm & 7;
        set(c, r, Lanes.shift(i.arg, c.fpu.sig[r], i.imm & 0xff));
    }

    public static void pshufb(X86Cpu c, Insn i) {
        check(c);
        long b = q(c, i);
        enter(c);
        int d = i.reg & 7;
        set(c, d, Lanes.pshufb64(c.fpu.sig[d], b));
    }

    public static void palignr(X86Cpu c, Insn i) {
        check(c);
        long b = q(c, i);
        enter(c);
        int d = i.reg & 7;
        long a = c.fpu.sig[d];
        int n = (int) i.imm & 0xff;
        long r;
        if (n >= 16) r = 0;
        else if (n >= 8) r = n == 8 ? a : a >>> (8 * (n - 8));
        else r = n == 0 ? b : (b >>> (8 * n)) | (a << (64 - 8 * n));
        set(c, d, r);
    }
}
