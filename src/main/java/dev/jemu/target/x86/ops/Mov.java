package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/** Data movement: MOV, MOVZX/MOVSX/MOVSXD, LEA, XCHG, CMOVcc, SETcc, CBW/CWD families, LAHF/SAHF, XLAT. */
public final class Mov {
    private Mov() {}

    public static void register(OpcodeTable t) {
        t.add("88 /r", "MOV Eb,Gb", Mov::movEG);
        t.add("89 /r", "MOV Ev,Gv", Mov::movEG);
        t.add("8A /r", "MOV Gb,Eb", Mov::movGE);
        t.add("8B /r", "MOV Gv,Ev", Mov::movGE);
        t.add("8C /r", "MOV Ev,Sw", Mov::movESeg);
        t.add("8D /r", "LEA Gv,M", Mov::lea);
        t.add("8E /r", "MOV Sw,Ew end", Mov::movSegE);
        t.add("A0", "MOV AL,Ob", Mov::movAO);
        t.add("A1", "MOV rAX,Ov", Mov::movAO);
        t.add("A2", "MOV Ob,AL", Mov::movOA);
        t.add("A3", "MOV Ov,rAX", Mov::movOA);
        t.add("B0+r", "MOV Zb,Ib", Mov::movZI);
        t.add("B8+r", "MOV Zv,Iv", Mov::movZI);
        t.add("C6 /0", "MOV Eb,Ib", Mov::movEI);
        t.add("C7 /0", "MOV Ev,Iz", Mov::movEI);
        t.add("0F B6 /r", "MOVZX Gv,Eb", Mov::movzx, 1);
        t.add("0F B7 /r", "MOVZX Gv,Ew", Mov::movzx, 2);
        t.add("0F BE /r", "MOVSX Gv,Eb", Mov::movsx, 1);
        t.add("0F BF /r", "MOVSX Gv,Ew", Mov::movsx, 2);
        t.add("63 /r", "MOVSXD Gv,Ed o64", Mov::movsx, 4);
        t.add("63 /r", "ARPL Ew,Gw i64", Mov::arpl);
        t.add("86 /r", "XCHG Eb,Gb lock", Mov::xchgEG);
        t.add("87 /r", "XCHG Ev,Gv lock", Mov::xchgEG);
        t.add("90+r", "XCHG Zv,rAX", Mov::xchgZA);
        t.add("98", "CBW", Mov::cbw);
        t.add("99", "CWD", Mov::cwd);
        t.add("9E", "SAHF", Mov::sahf);
        t.add("9F", "LAHF", Mov::lahf);
        t.add("D7", "XLAT", Mov::xlat);
        for (int cc = 0; cc < 16; cc++) {
            t.add(String.format("0F %02X /r", 0x40 + cc), "CMOVcc Gv,Ev", Mov::cmov, cc);
            t.add(String.format("0F %02X /r", 0x90 + cc), "SETcc Eb", Mov::setcc, cc);
        }
    }

    public static void movEG(X86Cpu c, Insn i) {
        c.writeE(i, c.readG(i));
    }

    public static void movGE(X86Cpu c, Insn i) {
        c.writeG(i, c.readE(i));
    }

    public static void movEI(X86Cpu c, Insn i) {
        c.writeE(i, i.imm);
    }

    public static void movZI(X86Cpu c, Insn i) {
        c.setReg(i.rm, i.osize, i.rex, i.imm);
    }

    public static void movAO(X86Cpu c, Insn i) {
        c.setReg(X86Cpu.RAX, i.osize, false, c.mem.read(c.ea(i), i.osize));
    }

    public static void movOA(X86Cpu c, Insn i) {
        c.mem.write(c.ea(i), i.osize, c.getReg(X86Cpu.RAX, i.osize, false));
    }

    public static void movESeg(X86Cpu c, Insn i) {
        int seg = i.reg & 7;
        if (seg > 5) throw X86Exception.ud();
        long sel = c.segSel[seg];
        if (i.mem) c.mem.write16(c.ea(i), (int) sel);
        else c.setReg(i.rm, i.osize, false, sel); // register destination: zero-extended to the operand size
    }

    public static void movSegE(X86Cpu c, Insn i) {
        int seg = i.reg & 7;
        if (seg == X86Cpu.CS || seg > 5) throw X86Exception.ud();
        int sel = i.mem ? c.mem.read16(c.ea(i)) : (int) c.regs[i.rm] & 0xffff;
        c.loadSegment(seg, sel);
    }

    public static void lea(X86Cpu c, Insn i) {
        if (!i.mem) throw X86Exception.ud();
        long a = i.disp;
        if (i.base >= 0) a += c.regs[i.base];
        if (i.index >= 0) a += c.regs[i.index] << i.scale;
        c.writeG(i, a); // truncated to the operand size (address size masking is subsumed unless asize > osize)
        if (i.asize < i.osize) c.writeG(i, a & (i.asize == 4 ? 0xffffffffL : 0xffff));
    }

    public static void movzx(X86Cpu c, Insn i) {
        long v = i.mem ? c.mem.read(c.ea(i), i.arg) : c.getReg(i.rm, i.arg, i.rex);
        c.writeG(i, v);
    }

    public static void movsx(X86Cpu c, Insn i) {
        long v = i.mem ? c.mem.read(c.ea(i), i.arg) : c.getReg(i.rm, i.arg, i.rex);
        int sh = 64 - 8 * i.arg;
        c.writeG(i, (v << sh) >> sh);
    }

    public static void xchgEG(X86Cpu c, Insn i) {
        long g = c.readG(i);
        if (i.mem) {
            long a = c.ea(i);
            long old;
            do {
                old = c.mem.read(a, i.osize);
            } while (c.mem.cmpxchg(a, i.osize, old, g) != old); // XCHG with memory is always locked
            c.writeG(i, old);
        } else {
            long e = c.getReg(i.rm, i.osize, i.rex);
            c.setReg(i.rm, i.osize, i.rex, g);
            c.writeG(i, e);
        }
    }

    public static void xchgZA(X86Cpu c, Insn i) {
        if (i.rm == X86Cpu.RAX) {
            // 90 is NOP (even in 64-bit mode, where XCHG EAX,EAX would otherwise zero-extend); F3 90 is PAUSE.
            if (i.osize != 8 || !i.has(Insn.P_REXW)) {
                if (i.has(Insn.P_REP)) Thread.onSpinWait();
                return;
            }
        }
        long a = c.getReg(X86Cpu.RAX, i.osize, false);
        c.setReg(X86Cpu.RAX, i.osize, false, c.getReg(i.rm, i.osize, false));
        c.setReg(i.rm, i.osize, false, a);
    }

    public static void cbw(X86Cpu c, Insn i) {
        long a = c.regs[X86Cpu.RAX];
        switch (i.osize) {
            case 2 -> c.setReg(X86Cpu.RAX, 2, false, (byte) a);
            case 4 -> c.setReg(X86Cpu.RAX, 4, false, (short) a);
            default -> c.regs[X86Cpu.RAX] = (int) a;
        }
    }

    public static void cwd(X86Cpu c, Insn i) {
        long a = c.regs[X86Cpu.RAX];
        switch (i.osize) {
            case 2 -> c.setReg(X86Cpu.RDX, 2, false, ((short) a) >> 15);
            case 4 -> c.setReg(X86Cpu.RDX, 4, false, ((int) a) >> 31);
            default -> c.regs[X86Cpu.RDX] = a >> 63;
        }
    }

    public static void sahf(X86Cpu c, Insn i) {
        int ah = (int) (c.regs[X86Cpu.RAX] >>> 8) & 0xff;
        c.setEflags(ah, Flags.SF | Flags.ZF | Flags.AF | Flags.PF | Flags.CF);
    }

    public static void lahf(X86Cpu c, Insn i) {
        int f = (c.getEflags() & (Flags.SF | Flags.ZF | Flags.AF | Flags.PF | Flags.CF)) | 2;
        c.regs[X86Cpu.RAX] = (c.regs[X86Cpu.RAX] & ~0xff00L) | ((long) f << 8);
    }

    public static void xlat(X86Cpu c, Insn i) {
        long off = c.regs[X86Cpu.RBX] + (c.regs[X86Cpu.RAX] & 0xff);
        c.setReg(X86Cpu.RAX, 1, false, c.mem.read8(c.linear(i.seg, off, i.asize)));
    }

    public static void cmov(X86Cpu c, Insn i) {
        long v = c.readE(i); // the source is read (and may fault) even when the condition is false
        if (c.cond(i.arg)) c.writeG(i, v);
        else if (i.osize == 4) c.regs[i.reg] &= 0xffffffffL; // a 32-bit CMOV zero-extends even when false
    }

    public static void setcc(X86Cpu c, Insn i) {
        c.writeE(i, c.cond(i.arg) ? 1 : 0);
    }

    /** ARPL: raises the RPL of the destination selector to the source's; ZF tells whether it changed. */
    public static void arpl(X86Cpu c, Insn i) {
        // #UD in real and v8086 mode (a user-mode process is always in protected mode)
        if (!c.userMode && ((c.cr0 & 1) == 0 || (c.eflags & Flags.VM) != 0)) throw X86Exception.ud();
        long dst = i.mem ? c.mem.read16(c.ea(i)) : c.getReg(i.rm, 2, i.rex);
        long src = c.getReg(i.reg, 2, i.rex);
        if ((dst & 3) < (src & 3)) {
            long v = (dst & ~3L) | (src & 3);
            if (i.mem) c.mem.write16(c.ea(i), (int) v);
            else c.setReg(i.rm, 2, i.rex, v);
            c.setArithFlags(Flags.ZF, 0);
        } else {
            c.setArithFlags(0, Flags.ZF);
        }
    }
}
