package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.system.FarTransfer;
import dev.jemu.target.x86.system.Interrupts;

/** Far JMP/CALL/RET, IRET, LDS/LES/LSS/LFS/LGS and INT1: the decoding side of {@link FarTransfer}. */
public final class FarOps {
    private FarOps() {}

    public static void register(OpcodeTable t) {
        t.add("EA", "JMPF Ap i64 end", FarOps::jmpA);
        t.add("9A", "CALLF Ap i64 end", FarOps::callA);
        t.add("FF /5 m", "JMPF Mp end", FarOps::jmpM);
        t.add("FF /3 m", "CALLF Mp end", FarOps::callM);
        t.add("CA", "RETF Iw end", FarOps::retf);
        t.add("CB", "RETF end", FarOps::retf);
        t.add("CF", "IRET end", FarOps::iret);
        t.add("C4 /r m", "LES Gz,Mp i64", FarOps::lxs, X86Cpu.ES);
        t.add("C5 /r m", "LDS Gz,Mp i64", FarOps::lxs, X86Cpu.DS);
        t.add("0F B2 /r m", "LSS Gv,Mp", FarOps::lxs, X86Cpu.SS);
        t.add("0F B4 /r m", "LFS Gv,Mp", FarOps::lxs, X86Cpu.FS);
        t.add("0F B5 /r m", "LGS Gv,Mp", FarOps::lxs, X86Cpu.GS);
        t.add("F1", "INT1 end", FarOps::int1);
    }

    private static void systemOnly(X86Cpu c) {
        if (c.userMode) throw X86Exception.gp0();
    }

    public static void jmpA(X86Cpu c, Insn i) {
        systemOnly(c);
        FarTransfer.jmp(c, (int) i.imm2 & 0xffff, i.imm, i.osize);
    }

    public static void callA(X86Cpu c, Insn i) {
        systemOnly(c);
        FarTransfer.call(c, (int) i.imm2 & 0xffff, i.imm, i.osize);
    }

    /** The m16:16/32/64 pointer of a memory operand: offset first, then the selector. */
    private static long pointerOffset(X86Cpu c, Insn i, long a) {
        return c.mem.read(a, i.osize);
    }

    private static int pointerSelector(X86Cpu c, Insn i, long a) {
        long off = a - c.segBase[i.seg] + i.osize;
        return c.mem.read16(c.linear(i.seg, off, i.asize));
    }

    public static void jmpM(X86Cpu c, Insn i) {
        systemOnly(c);
        long a = c.ea(i);
        long off = pointerOffset(c, i, a);
        FarTransfer.jmp(c, pointerSelector(c, i, a), off, i.osize);
    }

    public static void callM(X86Cpu c, Insn i) {
        systemOnly(c);
        long a = c.ea(i);
        long off = pointerOffset(c, i, a);
        FarTransfer.call(c, pointerSelector(c, i, a), off, i.osize);
    }

    public static void retf(X86Cpu c, Insn i) {
        systemOnly(c);
        FarTransfer.retf(c, i.osize, (int) i.imm & 0xffff);
    }

    public static void iret(X86Cpu c, Insn i) {
        systemOnly(c);
        FarTransfer.iret(c, i.osize);
    }

    public static void lxs(X86Cpu c, Insn i) {
        long a = c.ea(i);
        long off = pointerOffset(c, i, a);
        int sel = pointerSelector(c, i, a);
        c.loadSegment(i.arg, sel);
        c.writeG(i, off);
    }

    public static void int1(X86Cpu c, Insn i) {
        if (c.userMode) throw X86Exception.trap(X86Exception.DB);
        Interrupts.icebp(c);
    }
}
