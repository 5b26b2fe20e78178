package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.system.Modes;
import dev.jemu.target.x86.system.Seg;

/** LGDT/LIDT/SGDT/SIDT, LLDT/SLDT/LTR/STR, LAR/LSL/VERR/VERW. */
public final class DescriptorOps {
    private DescriptorOps() {}

    public static void register(OpcodeTable t) {
        t.add("0F 01 /0 m", "SGDT M", DescriptorOps::sdt, 0);
        t.add("0F 01 /1 m", "SIDT M", DescriptorOps::sdt, 1);
        t.add("0F 01 /2 m", "LGDT M", DescriptorOps::ldt, 0);
        t.add("0F 01 /3 m", "LIDT M", DescriptorOps::ldt, 1);
        t.add("0F 00 /0", "SLDT Ew", DescriptorOps::sldtStr, 0);
        t.add("0F 00 /1", "STR Ew", DescriptorOps::sldtStr, 1);
        t.add("0F 00 /2", "LLDT Ew", DescriptorOps::lldt);
        t.add("0F 00 /3", "LTR Ew", DescriptorOps::ltr);
        t.add("0F 00 /4", "VERR Ew", DescriptorOps::verrw, 0);
        t.add("0F 00 /5", "VERW Ew", DescriptorOps::verrw, 1);
        t.add("0F 02 /r", "LAR Gv,Ew", DescriptorOps::larLsl, 0);
        t.add("0F 03 /r", "LSL Gv,Ew", DescriptorOps::larLsl, 1);
    }

    private static void ring0(X86Cpu c) {
        if (c.userMode || c.cpl != 0) throw X86Exception.gp0();
    }

    /** SLDT, STR, LLDT, LTR, LAR... exist only in protected mode (#UD in real and v8086 mode). */
    private static void protectedOnly(X86Cpu c) {
        if (!Modes.protectedMode(c) && !c.userMode) throw X86Exception.ud();
    }

    /** LGDT/LIDT: limit (16 bits), then a 24-bit (16-bit operand), 32-bit or 64-bit (64-bit mode) base. */
    public static void ldt(X86Cpu c, Insn i) {
        ring0(c);
        long a = c.ea(i);
        int limit = c.mem.read16(a);
        long off = a - c.segBase[i.seg] + 2;
        long pa = c.linear(i.seg, off, i.asize);
        long base = c.codeBits == 64 ? c.mem.read64(pa) : c.mem.read32(pa) & 0xffffffffL;
        if (c.codeBits != 64 && i.osize == 2) base &= 0xffffff;
        if (i.arg == 0) {
            c.gdtBase = base;
            c.gdtLimit = limit;
        } else {
            c.idtBase = base;
            c.idtLimit = limit;
        }
    }

    public static void sdt(X86Cpu c, Insn i) {
        if (c.userMode) throw X86Exception.gp0();
        long a = c.ea(i);
        long base = i.arg == 0 ? c.gdtBase : c.idtBase;
        int limit = i.arg == 0 ? c.gdtLimit : c.idtLimit;
        long pa = c.linear(i.seg, a - c.segBase[i.seg] + 2, i.asize);
        int n = c.codeBits == 64 ? 8 : 4;
        c.mem.probeWrite(pa, n);
        c.mem.write16(a, limit);
        c.mem.write(pa, n, base);
    }

    public static void sldtStr(X86Cpu c, Insn i) {
        protectedOnly(c);
        int v = i.arg == 0 ? c.ldtrSel : c.trSel;
        if (i.mem) c.mem.write16(c.ea(i), v);
        else c.setReg(i.rm, i.osize, false, v);
    }

    private static int selector(X86Cpu c, Insn i) {
        return i.mem ? c.mem.read16(c.ea(i)) : (int) c.regs[i.rm] & 0xffff;
    }

    public static void lldt(X86Cpu c, Insn i) {
        protectedOnly(c);
        ring0(c);
        int sel = selector(c, i);
        if ((sel & 0xfffc) == 0) {
            c.ldtrSel = sel;
            c.ldtrBase = 0;
            c.ldtrLimit = 0;
            c.ldtrAttr = 0;
            return;
        }
        if ((sel & 4) != 0) throw X86Exception.fault(X86Exception.GP, sel & 0xfffc);
        long d = Seg.read(c, sel, X86Exception.GP, 0);
        int a = Seg.attr(d);
        if (Seg.systemType(a) != 2) throw X86Exception.fault(X86Exception.GP, sel & 0xfffc);
        if ((a & Seg.A_P) == 0) throw X86Exception.fault(X86Exception.NP, sel & 0xfffc);
        long base = Seg.base(d);
        if (Modes.longMode(c)) base |= (Seg.readHigh(c, sel, X86Exception.GP, 0) & 0xffffffffL) << 32;
        c.ldtrSel = sel;
        c.ldtrBase = base;
        c.ldtrLimit = Seg.limit(d);
        c.ldtrAttr = a;
    }

    public static void ltr(X86Cpu c, Insn i) {
        protectedOnly(c);
        ring0(c);
        int sel = selector(c, i);
        if ((sel & 0xfffc) == 0) throw X86Exception.gp0();
        if ((sel & 4) != 0) throw X86Exception.fault(X86Exception.GP, sel & 0xfffc);
        long d = Seg.read(c, sel, X86Exception.GP, 0);
        int a = Seg.attr(d), type = Seg.systemType(a);
        boolean lm = Modes.longMode(c);
        if (lm ? type != 9 : type != 1 && type != 9) throw X86Exception.fault(X86Exception.GP, sel & 0xfffc);
        if ((a & Seg.A_P) == 0) throw X86Exception.fault(X86Exception.NP, sel & 0xfffc);
        long base = Seg.base(d);
        if (lm) base |= (Seg.readHigh(c, sel, X86Exception.GP, 0) & 0xffffffffL) << 32;
        long addr = Seg.address(c, sel, 8);
        Seg.sys(c).write32(addr + 4, (int) (d >>> 32) | 0x200); // busy
        c.trSel = sel;
        c.trBase = base;
        c.trLimit = Seg.limit(d);
        c.trAttr = a | 2;
    }

    /** The descriptor for VERR/VERW/LAR/LSL, or 0 when the selector is null or beyond the table (ZF = 0). */
    private static long probe(X86Cpu c, int sel) {
        if ((sel & 0xfffc) == 0) return 0;
        long addr = Seg.address(c, sel, 8);
        return addr == Seg.BEYOND_LIMIT ? 0 : Seg.sys(c).read64(addr);
    }

    private static boolean privilegeOk(X86Cpu c, int a, int sel) {
        if (Seg.isCode(a) && (a & Seg.A_CONFORM) != 0) return true;
        return Seg.dpl(a) >= Math.max(c.cpl, sel & 3);
    }

    public static void verrw(X86Cpu c, Insn i) {
        protectedOnly(c);
        int sel = selector(c, i);
        long d = probe(c, sel);
        int a = Seg.attr(d);
        boolean ok = d != 0 && (a & Seg.A_S) != 0;
        if (ok) {
            if (i.arg == 0) ok = Seg.isData(a) || (a & Seg.A_WRITE) != 0; // data, or readable code
            else ok = Seg.isData(a) && (a & Seg.A_WRITE) != 0;
            if (ok) ok = i.arg == 0 ? privilegeOk(c, a, sel) : Seg.dpl(a) >= Math.max(c.cpl, sel & 3);
        }
        c.setArithFlags(ok ? Flags.ZF : 0, ok ? 0 : Flags.ZF);
    }

    public static void larLsl(X86Cpu c, Insn i) {
        protectedOnly(c);
        int sel = selector(c, i);
        long d = probe(c, sel);
        int a = Seg.attr(d);
        boolean ok = d != 0;
        if (ok && (a & Seg.A_S) == 0) {
            int type = a & 0xf;
            boolean lm = Modes.longMode(c);
            if (i.arg == 0) ok = lm ? type == 2 || type == 9 || type == 11 || type == 12
                    : type != 0 && type != 8 && type != 10 && type != 13 && type != 14 && type != 15;
            else ok = lm ? type == 2 || type == 9 || type == 11 : type == 1 || type == 2 || type == 3 || type == 9 || type == 11;
        }
        if (ok) ok = privilegeOk(c, a, sel);
        if (ok) {
            long v = i.arg == 0 ? (d >>> 32) & (i.osize == 2 ? 0xff00L : 0x00f0ff00L) : Integer.toUnsignedLong(Seg.limit(d));
            c.setReg(i.reg, i.osize, i.rex, v);
        }
        c.setArithFlags(ok ? Flags.ZF : 0, ok ? 0 : Flags.ZF);
    }
}
