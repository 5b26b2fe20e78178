package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/** PUSH, POP, PUSHF/POPF, PUSHA/POPA, ENTER, LEAVE, and pushes/pops of segment registers. */
public final class Stack {
    private Stack() {}

    public static void register(OpcodeTable t) {
        t.add("50+r", "PUSH Zv d64", Stack::pushZ);
        t.add("58+r", "POP Zv d64", Stack::popZ);
        t.add("68", "PUSH Iz d64", Stack::pushI);
        t.add("6A", "PUSH Ib d64", Stack::pushI);
        t.add("FF /6", "PUSH Ev d64", Stack::pushE);
        t.add("8F /0", "POP Ev d64", Stack::popE);
        t.add("9C", "PUSHF d64", Stack::pushf);
        t.add("9D", "POPF d64 end", Stack::popf);
        t.add("60", "PUSHA i64", Stack::pusha);
        t.add("61", "POPA i64", Stack::popa);
        t.add("C8", "ENTER Iw,Ib d64", Stack::enter);
        t.add("C9", "LEAVE d64", Stack::leave);
        t.add("06", "PUSH ES i64", Stack::pushSeg, X86Cpu.ES);
        t.add("0E", "PUSH CS i64", Stack::pushSeg, X86Cpu.CS);
        t.add("16", "PUSH SS i64", Stack::pushSeg, X86Cpu.SS);
        t.add("1E", "PUSH DS i64", Stack::pushSeg, X86Cpu.DS);
        t.add("0F A0", "PUSH FS d64", Stack::pushSeg, X86Cpu.FS);
        t.add("0F A8", "PUSH GS d64", Stack::pushSeg, X86Cpu.GS);
        t.add("07", "POP ES i64", Stack::popSeg, X86Cpu.ES);
        t.add("17", "POP SS i64 end", Stack::popSeg, X86Cpu.SS);
        t.add("1F", "POP DS i64", Stack::popSeg, X86Cpu.DS);
        t.add("0F A1", "POP FS d64", Stack::popSeg, X86Cpu.FS);
        t.add("0F A9", "POP GS d64", Stack::popSeg, X86Cpu.GS);
    }

    public static void pushZ(X86Cpu c, Insn i) {
        c.push(i.osize, c.getReg(i.rm, i.osize, false));
    }

    public static void popZ(X86Cpu c, Insn i) {
        long v = c.pop(i.osize);
        c.setReg(i.rm, i.osize, false, v);
    }

    public static void pushI(X86Cpu c, Insn i) {
        c.push(i.osize, i.imm);
    }

    public static void pushE(X86Cpu c, Insn i) {
        c.push(i.osize, c.readE(i));
    }

    public static void popE(X86Cpu c, Insn i) {
        // The destination address is computed with RSP already incremented; restore it if the store faults.
        long sp = c.regs[X86Cpu.RSP];
        long v = c.pop(i.osize);
        try {
            c.writeE(i, v);
        } catch (X86Exception e) {
            c.regs[X86Cpu.RSP] = sp;
            throw e;
        }
    }

    /** PUSHF/POPF in virtual-8086 mode need IOPL 3 (there is no VME). */
    private static void v86Check(X86Cpu c) {
        if ((c.eflags & Flags.VM) != 0 && ((c.eflags >> 12) & 3) < 3) throw X86Exception.gp0();
    }

    public static void pushf(X86Cpu c, Insn i) {
        v86Check(c);
        // VM and RF are never pushed.
        c.push(i.osize, c.getEflags() & ~(Flags.VM | Flags.RF));
    }

    public static void popf(X86Cpu c, Insn i) {
        v86Check(c);
        long v = c.pop(i.osize);
        int mask = Flags.ARITH | Flags.TF | Flags.DF | Flags.NT;
        if (i.osize > 2) mask |= Flags.AC | Flags.ID;
        // IF and IOPL are changed only with enough privilege; user mode (CPL 3, IOPL 0) keeps them.
        int cpl = c.cpl;
        int iopl = (c.eflags >> 12) & 3;
        if (cpl == 0) mask |= Flags.IOPL | Flags.IF;
        else if (cpl <= iopl) mask |= Flags.IF;
        c.setEflags((int) v, mask);
        if (c.intc != null && (c.eflags & Flags.IF) != 0) c.exitRequest = true; // let the loop sample INTR
    }

    public static void pusha(X86Cpu c, Insn i) {
        long sp = c.regs[X86Cpu.RSP];
        for (int r = 0; r < 8; r++) c.push(i.osize, r == X86Cpu.RSP ? sp : c.regs[r]);
    }

    public static void popa(X86Cpu c, Insn i) {
        for (int r = 7; r >= 0; r--) {
            long v = c.pop(i.osize);
            if (r != X86Cpu.RSP) c.setReg(r, i.osize, false, v);
        }
    }

    public static void enter(X86Cpu c, Insn i) {
        int size = i.osize;
        int level = (int) i.imm2 & 31;
        long frame;
        c.push(size, c.getReg(X86Cpu.RBP, size, false));
        frame = c.stackPointer();
        if (level > 0) {
            long bp = c.getReg(X86Cpu.RBP, c.stackSize, false);
            for (int k = 1; k < level; k++) {
                bp -= size;
                c.push(size, c.mem.read(c.linear(X86Cpu.SS, bp, c.stackSize), size));
            }
            c.push(size, frame);
        }
        c.setReg(X86Cpu.RBP, size, false, frame);
        c.setReg(X86Cpu.RSP, c.stackSize, false, c.stackPointer() - (i.imm & 0xffff));
    }

    public static void leave(X86Cpu c, Insn i) {
        long bp = c.getReg(X86Cpu.RBP, c.stackSize, false);
        long v = c.mem.read(c.linear(X86Cpu.SS, bp, c.stackSize), i.osize);
        c.setReg(X86Cpu.RSP, c.stackSize, false, bp + i.osize);
        c.setReg(X86Cpu.RBP, i.osize, false, v);
    }

    public static void pushSeg(X86Cpu c, Insn i) {
        c.push(i.osize, c.segSel[i.arg]);
    }

    public static void popSeg(X86Cpu c, Insn i) {
        long sp = c.regs[X86Cpu.RSP];
        int sel = (int) c.pop(i.osize) & 0xffff;
        try {
            c.loadSegment(i.arg, sel);
        } catch (X86Exception e) {
            c.regs[X86Cpu.RSP] = sp;
            throw e;
        }
    }
}
