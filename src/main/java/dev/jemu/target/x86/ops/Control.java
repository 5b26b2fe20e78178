package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/** Near control transfers: JMP, Jcc, CALL, RET, LOOP family, JrCXZ; INT n, INT3, INTO. */
public final class Control {
    private Control() {}

    public static void register(OpcodeTable t) {
        for (int cc = 0; cc < 16; cc++) {
            t.add(String.format("%02X", 0x70 + cc), "Jcc Jb f64 end", Control::jcc, cc);
            t.add(String.format("0F %02X", 0x80 + cc), "Jcc Jz f64 end", Control::jcc, cc);
        }
        t.add("EB", "JMP Jb f64 end", Control::jmp);
        t.add("E9", "JMP Jz f64 end", Control::jmp);
        t.add("E8", "CALL Jz f64 end", Control::call);
        t.add("FF /4", "JMP Ev f64 end", Control::jmpE);
        t.add("FF /2", "CALL Ev f64 end", Control::callE);
        t.add("C3", "RET f64 end", Control::ret);
        t.add("C2", "RET Iw f64 end", Control::ret);
        t.add("E0", "LOOPNE Jb f64 end", Control::loop, 0);
        t.add("E1", "LOOPE Jb f64 end", Control::loop, 1);
        t.add("E2", "LOOP Jb f64 end", Control::loop, 2);
        t.add("E3", "JrCXZ Jb f64 end", Control::jcxz);
        t.add("CC", "INT3 end", Control::int3);
        t.add("CD", "INT Ib end", Control::intN);
        t.add("CE", "INTO i64 end", Control::into);
        t.add("62 /r", "BOUND Gv,Ma i64", Control::bound);
    }

    /** Truncates a branch target to the operand size (16-bit IP, 32-bit EIP). */
    static long ip(long target, int osize) {
        return switch (osize) {
            case 2 -> target & 0xffff;
            case 4 -> target & 0xffffffffL;
            default -> target;
        };
    }

    public static void jcc(X86Cpu c, Insn i) {
        if (c.cond(i.arg)) c.rip = ip(i.next + i.imm, i.osize);
    }

    public static void jmp(X86Cpu c, Insn i) {
        c.rip = ip(i.next + i.imm, i.osize);
    }

    public static void call(X86Cpu c, Insn i) {
        c.push(i.osize, i.next);
        c.rip = ip(i.next + i.imm, i.osize);
    }

    public static void jmpE(X86Cpu c, Insn i) {
        c.rip = ip(c.readE(i), i.osize);
    }

    public static void callE(X86Cpu c, Insn i) {
        long target = c.readE(i);
        c.push(i.osize, i.next);
        c.rip = ip(target, i.osize);
    }

    public static void ret(X86Cpu c, Insn i) {
        long target = c.pop(i.osize);
        if (i.imm != 0) c.setReg(X86Cpu.RSP, c.stackSize, false, c.stackPointer() + (i.imm & 0xffff));
        c.rip = ip(target, i.osize);
    }

    public static void loop(X86Cpu c, Insn i) {
        long cx = c.getReg(X86Cpu.RCX, i.asize, false) - 1;
        c.setReg(X86Cpu.RCX, i.asize, false, cx);
        long m = i.asize == 8 ? -1L : i.asize == 4 ? 0xffffffffL : 0xffff;
        boolean go = (cx & m) != 0;
        if (i.arg == 0) go &= !c.cond(4);
        else if (i.arg == 1) go &= c.cond(4);
        if (go) c.rip = ip(i.next + i.imm, i.osize);
    }

    public static void jcxz(X86Cpu c, Insn i) {
        if (c.getReg(X86Cpu.RCX, i.asize, false) == 0) c.rip = ip(i.next + i.imm, i.osize);
    }

    public static void int3(X86Cpu c, Insn i) {
        throw X86Exception.trap(X86Exception.BP);
    }

    public static void intN(X86Cpu c, Insn i) {
        throw X86Exception.trap((int) i.imm & 0xff);
    }

    /** BOUND: #BR unless lower <= index <= upper (signed, operand-size bounds pair in memory). */
    public static void bound(X86Cpu c, Insn i) {
        if (!i.mem) throw X86Exception.ud();
        long a = c.ea(i);
        int sh = 64 - 8 * i.osize;
        long lo = (c.mem.read(a, i.osize) << sh) >> sh;
        long hi = (c.mem.read(c.linear(i.seg, a - c.segBase[i.seg] + i.osize, i.asize), i.osize) << sh) >> sh;
        long idx = (c.getReg(i.reg, i.osize, false) << sh) >> sh;
        if (idx < lo || idx > hi) throw X86Exception.fault(X86Exception.BR);
    }

    public static void into(X86Cpu c, Insn i) {
        if (c.cond(0)) throw X86Exception.trap(X86Exception.OF);
    }
}
