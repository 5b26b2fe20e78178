package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.system.IoPermission;

/**
 * IN, OUT, INS, OUTS (with REP) through {@link X86Cpu#io}. In protected mode with CPL > IOPL, and always in
 * virtual-8086 mode, the TSS I/O permission bitmap decides (#GP(0) when a port is not allowed).
 */
public final class PortOps {
    private PortOps() {}

    public static void register(OpcodeTable t) {
        t.add("E4", "IN AL,Ib", PortOps::inI);
        t.add("E5", "IN eAX,Ib", PortOps::inI);
        t.add("E6", "OUT Ib,AL", PortOps::outI);
        t.add("E7", "OUT Ib,eAX", PortOps::outI);
        t.add("EC", "IN AL,DX", PortOps::inD);
        t.add("ED", "IN eAX,DX", PortOps::inD);
        t.add("EE", "OUT DX,AL", PortOps::outD);
        t.add("EF", "OUT DX,eAX", PortOps::outD);
        t.add("6C", "INS Yb,DX", PortOps::ins);
        t.add("6D", "INS Yz,DX", PortOps::ins);
        t.add("6E", "OUTS DX,Xb", PortOps::outs);
        t.add("6F", "OUTS DX,Xz", PortOps::outs);
    }

    private static int size(Insn i) {
        return Math.min(i.osize, 4);
    }

    private static void in(X86Cpu c, int port, int size) {
        IoPermission.check(c, port, size);
        c.setReg(X86Cpu.RAX, size, false, c.io.in(port, size));
    }

    private static void out(X86Cpu c, int port, int size) {
        IoPermission.check(c, port, size);
        c.io.out(port, size, c.getReg(X86Cpu.RAX, size, false));
    }

    public static void inI(X86Cpu c, Insn i) {
        in(c, (int) i.imm & 0xff, size(i));
    }

    public static void outI(X86Cpu c, Insn i) {
        out(c, (int) i.imm & 0xff, size(i));
    }

    public static void inD(X86Cpu c, Insn i) {
        in(c, (int) c.regs[X86Cpu.RDX] & 0xffff, size(i));
    }

    public static void outD(X86Cpu c, Insn i) {
        out(c, (int) c.regs[X86Cpu.RDX] & 0xffff, size(i));
    }

    private static long amask(int asize) {
        return asize == 8 ? -1L : asize == 4 ? 0xffffffffL : 0xffffL;
    }

    public static void ins(X86Cpu c, Insn i) {
        int size = size(i), as = i.asize, port = (int) c.regs[X86Cpu.RDX] & 0xffff;
        IoPermission.check(c, port, size);
        long d = (c.eflags & Flags.DF) != 0 ? -size : size;
        boolean rep = (i.prefixes & (Insn.P_REP | Insn.P_REPNE)) != 0;
        long cx = rep ? c.getReg(X86Cpu.RCX, as, false) : 1;
        long di = c.getReg(X86Cpu.RDI, as, false);
        while (cx != 0) {
            long a = c.linear(X86Cpu.ES, di, as);
            c.mem.probeWrite(a, size); // the destination must be writable before the port is read
            c.mem.write(a, size, c.io.in(port, size));
            di = (di + d) & amask(as);
            c.setReg(X86Cpu.RDI, as, false, di);
            cx--;
            if (rep) c.setReg(X86Cpu.RCX, as, false, cx);
        }
    }

    public static void outs(X86Cpu c, Insn i) {
        int size = size(i), as = i.asize, port = (int) c.regs[X86Cpu.RDX] & 0xffff;
        IoPermission.check(c, port, size);
        long d = (c.eflags & Flags.DF) != 0 ? -size : size;
        boolean rep = (i.prefixes & (Insn.P_REP | Insn.P_REPNE)) != 0;
        long cx = rep ? c.getReg(X86Cpu.RCX, as, false) : 1;
        long si = c.getReg(X86Cpu.RSI, as, false);
        while (cx != 0) {
            c.io.out(port, size, c.mem.read(c.linear(i.seg, si, as), size));
            si = (si + d) & amask(as);
            c.setReg(X86Cpu.RSI, as, false, si);
            cx--;
            if (rep) c.setReg(X86Cpu.RCX, as, false, cx);
        }
    }
}
