package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;

/**
 * Bit instructions: BT BTS BTR BTC, BSF BSR, TZCNT LZCNT POPCNT, BSWAP.
 *
 * <p>Flags as the host (AMD) sets them: BT* set CF and keep the rest; BSF/BSR set ZF (source zero) and keep
 * the rest, leaving the destination untouched (all 64 bits) when the source is zero; TZCNT/LZCNT set CF
 * (source zero) and ZF (result zero), clear SF, AF and PF and keep OF; POPCNT sets ZF and clears the others.
 */
public final class BitOps {
    private BitOps() {}

    static final int BT = 0, BTS = 1, BTR = 2, BTC = 3;

    public static void register(OpcodeTable t) {
        t.add("0F A3 /r", "BT Ev,Gv", BitOps::btEG, BT);
        t.add("0F AB /r", "BTS Ev,Gv lock", BitOps::btEG, BTS);
        t.add("0F B3 /r", "BTR Ev,Gv lock", BitOps::btEG, BTR);
        t.add("0F BB /r", "BTC Ev,Gv lock", BitOps::btEG, BTC);
        t.add("0F BA /4", "BT Ev,Ib", BitOps::btEI, BT);
        t.add("0F BA /5", "BTS Ev,Ib lock", BitOps::btEI, BTS);
        t.add("0F BA /6", "BTR Ev,Ib lock", BitOps::btEI, BTR);
        t.add("0F BA /7", "BTC Ev,Ib lock", BitOps::btEI, BTC);
        // The F3 forms first: an unprefixed row added later fills the other prefix slots.
        t.add("F3 0F BC /r", "TZCNT Gv,Ev", BitOps::tzcnt);
        t.add("F3 0F BD /r", "LZCNT Gv,Ev", BitOps::lzcnt);
        t.add("0F BC /r", "BSF Gv,Ev", BitOps::bsf);
        t.add("0F BD /r", "BSR Gv,Ev", BitOps::bsr);
        t.add("F3 0F B8 /r", "POPCNT Gv,Ev", BitOps::popcnt);
        t.add("0F C8+r", "BSWAP Zv", BitOps::bswap);
    }

    // ---- BT, BTS, BTR, BTC ----

    /** CF = the tested bit; the other flags unchanged. */
    private static void btFlags(X86Cpu c, long bit) {
        Flags.set(c, (Flags.compute(c) & ~Flags.CF) | (int) bit);
    }

    private static long apply(int op, long v, long m) {
        return switch (op) {
            case BTS -> v | m;
            case BTR -> v & ~m;
            case BTC -> v ^ m;
            default -> v;
        };
    }

    /**
     * A register bit offset addresses memory beyond the operand: it is a signed number of bits counted from the
     * operand's address, so the word read is {@code ea + size * floor(offset / bits)}.
     */
    public static void btEG(X86Cpu c, Insn i) {
        int size = i.osize, bits = 8 * size;
        long off = c.readG(i);
        if (!i.mem) {
            bitOp(c, i, i.arg, c.getReg(i.rm, size, i.rex), (int) off & (bits - 1), 0, false);
            return;
        }
        int sh = 64 - bits;
        long soff = (off << sh) >> sh;
        long displacement = (soff >> (bits == 16 ? 4 : bits == 32 ? 5 : 6)) * size;
        long a = i.disp + displacement;
        if (i.base >= 0) a += c.regs[i.base];
        if (i.index >= 0) a += c.regs[i.index] << i.scale;
        bitOp(c, i, i.arg, 0, (int) soff & (bits - 1), c.linear(i.seg, a, i.asize), true);
    }

    public static void btEI(X86Cpu c, Insn i) {
        int bit = (int) i.imm & (8 * i.osize - 1);
        if (!i.mem) bitOp(c, i, i.arg, c.getReg(i.rm, i.osize, i.rex), bit, 0, false);
        else bitOp(c, i, i.arg, 0, bit, c.ea(i), true);
    }

    private static void bitOp(X86Cpu c, Insn i, int op, long regValue, int bit, long addr, boolean mem) {
        int size = i.osize;
        long m = 1L << bit;
        if (!mem) {
            if (op != BT) c.setReg(i.rm, size, i.rex, apply(op, regValue, m));
            btFlags(c, (regValue >>> bit) & 1);
            return;
        }
        long old;
        if (op == BT) {
            old = c.mem.read(addr, size);
        } else if (i.has(Insn.P_LOCK)) {
            do {
                old = c.mem.read(addr, size);
            } while (c.mem.cmpxchg(addr, size, old, apply(op, old, m)) != old);
        } else {
            old = c.mem.read(addr, size);
            c.mem.write(addr, size, apply(op, old, m));
        }
        btFlags(c, (old >>> bit) & 1);
    }

    // ---- scans and counts ----

    public static void bsf(X86Cpu c, Insn i) {
        long v = c.readE(i);
        int f = Flags.compute(c) & ~Flags.ZF;
        if (v == 0) {
            Flags.set(c, f | Flags.ZF);
            return;
        }
        c.writeG(i, Long.numberOfTrailingZeros(v));
        Flags.set(c, f);
    }

    public static void bsr(X86Cpu c, Insn i) {
        long v = c.readE(i);
        int f = Flags.compute(c) & ~Flags.ZF;
        if (v == 0) {
            Flags.set(c, f | Flags.ZF);
            return;
        }
        c.writeG(i, 63 - Long.numberOfLeadingZeros(v));
        Flags.set(c, f);
    }

    private static void countFlags(X86Cpu c, long v, long r) {
        int f = Flags.compute(c) & Flags.OF;
        if (v == 0) f |= Flags.CF;
        if (r == 0) f |= Flags.ZF;
        Flags.set(c, f);
    }

    public static void tzcnt(X86Cpu c, Insn i) {
        long v = c.readE(i);
        long r = v == 0 ? 8L * i.osize : Long.numberOfTrailingZeros(v);
        c.writeG(i, r);
        countFlags(c, v, r);
    }

    public static void lzcnt(X86Cpu c, Insn i) {
        long v = c.readE(i);
        long r = Long.numberOfLeadingZeros(v) - (64 - 8 * i.osize);
        c.writeG(i, r);
        countFlags(c, v, r);
    }

    public static void popcnt(X86Cpu c, Insn i) {
        long v = c.readE(i);
        c.writeG(i, Long.bitCount(v));
        Flags.set(c, v == 0 ? Flags.ZF : 0);
    }

    /** BSWAP; with a 16-bit operand the host clears the low word (the SDM calls the result undefined). */
    public static void bswap(X86Cpu c, Insn i) {
        switch (i.osize) {
            case 2 -> c.setReg(i.rm, 2, i.rex, 0);
            case 4 -> c.setReg(i.rm, 4, i.rex, Integer.reverseBytes((int) c.regs[i.rm]) & 0xffffffffL);
            default -> c.regs[i.rm] = Long.reverseBytes(c.regs[i.rm]);
        }
    }
}
