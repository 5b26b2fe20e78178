package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.system.Modes;
import dev.jemu.target.x86.system.Seg;

/**
 * SYSCALL/SYSRET (STAR, LSTAR, CSTAR, FMASK), SYSENTER/SYSEXIT (SYSENTER_CS/ESP/EIP) and SWAPGS in system
 * mode. These load flat segment caches from the MSRs without reading descriptors, as the CPU does.
 */
public final class FastCallOps {
    private FastCallOps() {}

    private static final long EFER_SCE = 1;
    private static final int CODE = Seg.A_P | Seg.A_S | Seg.A_CODE | Seg.A_WRITE | Seg.A_ACCESSED | Seg.A_G;
    private static final int DATA = Seg.A_P | Seg.A_S | Seg.A_WRITE | Seg.A_ACCESSED | Seg.A_G | Seg.A_DB;

    public static void register(OpcodeTable t) {
        t.add("0F 07", "SYSRET end", FastCallOps::sysret);
        t.add("0F 34", "SYSENTER end", FastCallOps::sysenter);
        t.add("0F 35", "SYSEXIT end", FastCallOps::sysexit);
        t.add("0F 01 F8", "SWAPGS o64", FastCallOps::swapgs);
    }

    private static void flat(X86Cpu c, int seg, int sel, int attr) {
        c.segSel[seg] = sel & 0xffff;
        c.segBase[seg] = 0;
        c.segLimit[seg] = 0xffffffff;
        c.segAttr[seg] = attr;
    }

    public static void syscall(X86Cpu c, Insn i) {
        if ((c.efer & EFER_SCE) == 0) throw X86Exception.ud();
        int sel = (int) (c.msrs.star >>> 32) & 0xffff;
        if (Modes.longMode(c)) {
            c.regs[X86Cpu.RCX] = c.rip;
            c.regs[11] = c.getEflags() & ~Flags.RF;
            long target = c.codeBits == 64 ? c.msrs.lstar : c.msrs.cstar;
            c.setEflags(0, (int) c.msrs.fmask | Flags.RF);
            flat(c, X86Cpu.CS, sel & 0xfffc, CODE | Seg.A_L);
            flat(c, X86Cpu.SS, (sel + 8) & 0xfffc, DATA);
            Seg.setCpl(c, 0);
            Modes.refresh(c);
            c.rip = target;
        } else {
            c.regs[X86Cpu.RCX] = c.rip & 0xffffffffL;
            c.setEflags(0, Flags.IF | Flags.VM | Flags.RF);
            flat(c, X86Cpu.CS, sel & 0xfffc, CODE | Seg.A_DB);
            flat(c, X86Cpu.SS, (sel + 8) & 0xfffc, DATA);
            Seg.setCpl(c, 0);
            Modes.refresh(c);
            c.rip = c.msrs.star & 0xffffffffL;
        }
    }

    public static void sysret(X86Cpu c, Insn i) {
        if ((c.efer & EFER_SCE) == 0) throw X86Exception.ud();
        if (!Modes.protectedMode(c) || c.cpl != 0) throw X86Exception.gp0();
        int sel = (int) (c.msrs.star >>> 48) & 0xffff;
        if (Modes.longMode(c)) {
            boolean to64 = i.osize == 8;
            long rip = c.regs[X86Cpu.RCX];
            if (to64 && (rip << 16 >> 16) != rip) throw X86Exception.gp0(); // non-canonical
            c.setEflags((int) c.regs[11], 0x3c7fd7);
            if (to64) flat(c, X86Cpu.CS, (sel + 16) | 3, CODE | Seg.A_L | (3 << 5));
            else flat(c, X86Cpu.CS, sel | 3, CODE | Seg.A_DB | (3 << 5));
            flat(c, X86Cpu.SS, (sel + 8) | 3, DATA | (3 << 5));
            Seg.setCpl(c, 3);
            Modes.refresh(c);
            c.rip = to64 ? rip : rip & 0xffffffffL;
        } else {
            flat(c, X86Cpu.CS, sel | 3, CODE | Seg.A_DB | (3 << 5));
            flat(c, X86Cpu.SS, (sel + 8) | 3, DATA | (3 << 5));
            c.eflags |= Flags.IF;
            Seg.setCpl(c, 3);
            Modes.refresh(c);
            c.rip = c.regs[X86Cpu.RCX] & 0xffffffffL;
        }
        c.exitRequest = true;
    }

    public static void sysenter(X86Cpu c, Insn i) {
        if (c.userMode || (c.cr0 & Modes.CR0_PE) == 0) throw X86Exception.gp0();
        int cs = (int) c.msrs.sysenterCs & 0xfffc;
        if (cs == 0) throw X86Exception.gp0();
        boolean lm = Modes.longMode(c);
        c.setEflags(0, Flags.IF | Flags.VM | Flags.RF);
        flat(c, X86Cpu.CS, cs, CODE | (lm ? Seg.A_L : Seg.A_DB));
        flat(c, X86Cpu.SS, cs + 8, DATA);
        Seg.setCpl(c, 0);
        Modes.refresh(c);
        c.regs[X86Cpu.RSP] = lm ? c.msrs.sysenterEsp : c.msrs.sysenterEsp & 0xffffffffL;
        c.rip = lm ? c.msrs.sysenterEip : c.msrs.sysenterEip & 0xffffffffL;
    }

    public static void sysexit(X86Cpu c, Insn i) {
        if (c.userMode || !Modes.protectedMode(c) || c.cpl != 0) throw X86Exception.gp0();
        int cs = (int) c.msrs.sysenterCs & 0xfffc;
        if (cs == 0) throw X86Exception.gp0();
        boolean to64 = i.osize == 8;
        if (to64) {
            flat(c, X86Cpu.CS, (cs + 32) | 3, CODE | Seg.A_L | (3 << 5));
            flat(c, X86Cpu.SS, (cs + 40) | 3, DATA | (3 << 5));
        } else {
            flat(c, X86Cpu.CS, (cs + 16) | 3, CODE | Seg.A_DB | (3 << 5));
            flat(c, X86Cpu.SS, (cs + 24) | 3, DATA | (3 << 5));
        }
        Seg.setCpl(c, 3);
        Modes.refresh(c);
        c.regs[X86Cpu.RSP] = to64 ? c.regs[X86Cpu.RCX] : c.regs[X86Cpu.RCX] & 0xffffffffL;
        c.rip = to64 ? c.regs[X86Cpu.RDX] : c.regs[X86Cpu.RDX] & 0xffffffffL;
    }

    public static void swapgs(X86Cpu c, Insn i) {
        if (c.userMode || c.cpl != 0) throw X86Exception.gp0();
        long t = c.segBase[X86Cpu.GS];
        c.segBase[X86Cpu.GS] = c.msrs.kernelGsBase;
        c.msrs.kernelGsBase = t;
    }
}
