package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * Decimal arithmetic adjustments: DAA DAS AAA AAS AAM AAD (invalid in 64-bit mode).
 *
 * <p>Undefined flags as the host (AMD) sets them, measured with 32-bit native runs: DAA/DAS set OF as for the
 * add or subtract of the correction (0, 6, 0x60 or 0x66) to AL; AAA/AAS set SF ZF PF OF from the 16-bit add or
 * subtract of 0x106 to AX (or from AX itself when no adjustment is made), before AL is masked; AAM clears CF
 * AF OF; AAD sets every flag as the 8-bit add of AH * base to AL.
 */
public final class Bcd {
    private Bcd() {}

    public static void register(OpcodeTable t) {
        t.add("27", "DAA i64", Bcd::daa);
        t.add("2F", "DAS i64", Bcd::das);
        t.add("37", "AAA i64", Bcd::aaa);
        t.add("3F", "AAS i64", Bcd::aas);
        t.add("D4", "AAM Ib i64", Bcd::aam);
        t.add("D5", "AAD Ib i64", Bcd::aad);
    }

    private static void setAl(X86Cpu c, long al) {
        c.setReg(X86Cpu.RAX, 1, false, al);
    }

    public static void daa(X86Cpu c, Insn i) {
        int f = Flags.compute(c);
        int al = (int) c.regs[X86Cpu.RAX] & 0xff, old = al;
        boolean cf = (f & Flags.CF) != 0, af = (f & Flags.AF) != 0;
        boolean newCf = false;
        if ((al & 0xf) > 9 || af) {
            al += 6;
            newCf = cf || al > 0xff;
            al &= 0xff;
            af = true;
        } else {
            af = false;
        }
        if (old > 0x99 || cf) {
            al = (al + 0x60) & 0xff;
            newCf = true;
        } else {
            newCf = false;
        }
        setAl(c, al);
        Flags.set(c, Flags.szp(al, 1) | (newCf ? Flags.CF : 0) | (af ? Flags.AF : 0)
                | ((~old & al & 0x80) != 0 ? Flags.OF : 0));
    }

    public static void das(X86Cpu c, Insn i) {
        int f = Flags.compute(c);
        int al = (int) c.regs[X86Cpu.RAX] & 0xff, old = al;
        boolean cf = (f & Flags.CF) != 0, af = (f & Flags.AF) != 0;
        boolean newCf = false;
        if ((al & 0xf) > 9 || af) {
            newCf = cf || al < 6;
            al = (al - 6) & 0xff;
            af = true;
        } else {
            af = false;
        }
        if (old > 0x99 || cf) {
            al = (al - 0x60) & 0xff;
            newCf = true;
        }
        setAl(c, al);
        Flags.set(c, Flags.szp(al, 1) | (newCf ? Flags.CF : 0) | (af ? Flags.AF : 0)
                | ((old & ~al & 0x80) != 0 ? Flags.OF : 0));
    }

    private static void asciiAdjust(X86Cpu c, boolean add) {
        int f = Flags.compute(c);
        int ax = (int) c.regs[X86Cpu.RAX] & 0xffff;
        int r = ax, adj = 0;
        if ((ax & 0xf) > 9 || (f & Flags.AF) != 0) {
            r = (add ? ax + 0x106 : ax - 0x106) & 0xffff;
            adj = Flags.CF | Flags.AF;
            if (((add ? ~ax & r : ax & ~r) & 0x8000) != 0) adj |= Flags.OF;
        }
        c.setReg(X86Cpu.RAX, 2, false, r & 0xff0f);
        Flags.set(c, Flags.szp(r, 2) | adj);
    }

    public static void aaa(X86Cpu c, Insn i) {
        asciiAdjust(c, true);
    }

    public static void aas(X86Cpu c, Insn i) {
        asciiAdjust(c, false);
    }

    public static void aam(X86Cpu c, Insn i) {
        int base = (int) i.imm & 0xff;
        if (base == 0) throw X86Exception.fault(X86Exception.DE);
        int al = (int) c.regs[X86Cpu.RAX] & 0xff;
        int r = al % base;
        c.setReg(X86Cpu.RAX, 2, false, ((al / base) << 8) | r);
        Flags.set(c, Flags.szp(r, 1));
    }

    public static void aad(X86Cpu c, Insn i) {
        int base = (int) i.imm & 0xff;
        int ax = (int) c.regs[X86Cpu.RAX];
        long al = ax & 0xff, t = (((ax >> 8) & 0xff) * base) & 0xff;
        long r = al + t;
        c.setReg(X86Cpu.RAX, 2, false, r & 0xff);
        c.setCc(Flags.ADD, 1, r, al, t);
    }
}
