package dev.jemu.target.x86.system;

import dev.jemu.target.x86.X86Cpu;

/** The power-on / RESET state of an x86 core (SDM vol. 3, 9.1.1), as QEMU sets it. */
public final class Reset {
    private Reset() {}

    public static void powerOn(X86Cpu c) {
        java.util.Arrays.fill(c.regs, 0);
        int[] id = new int[4];
        c.model.cpuid(1, 0, id);
        c.regs[X86Cpu.RDX] = id[0] & 0xffffffffL; // family/model/stepping signature
        c.rip = 0xfff0;
        c.setEflags(0, -1);
        c.eflags = 0x2;
        c.cr0 = 0x60000010L;
        c.cr2 = c.cr3 = c.cr4 = 0;
        c.efer = 0;
        for (int s = 0; s < 6; s++) {
            c.segSel[s] = 0;
            c.segBase[s] = 0;
            c.segLimit[s] = 0xffff;
            c.segAttr[s] = Seg.A_P | Seg.A_S | Seg.A_WRITE | Seg.A_ACCESSED;
        }
        c.segSel[X86Cpu.CS] = 0xf000;
        c.segBase[X86Cpu.CS] = 0xffff0000L;
        c.segAttr[X86Cpu.CS] = Seg.A_P | Seg.A_S | Seg.A_CODE | Seg.A_WRITE | Seg.A_ACCESSED; // execute/read
        c.gdtBase = c.idtBase = 0;
        c.gdtLimit = c.idtLimit = 0xffff;
        c.ldtrSel = c.trSel = 0;
        c.ldtrBase = c.trBase = 0;
        c.ldtrLimit = c.trLimit = 0xffff;
        c.ldtrAttr = Seg.A_P | 2;
        c.trAttr = Seg.A_P | 11;
        c.dr[0] = c.dr[1] = c.dr[2] = c.dr[3] = 0;
        c.dr[6] = 0xffff0ff0L;
        c.dr[7] = 0x400;
        c.msrs.kernelGsBase = c.msrs.star = c.msrs.lstar = c.msrs.cstar = c.msrs.fmask = 0;
        c.msrs.sysenterCs = c.msrs.sysenterEsp = c.msrs.sysenterEip = 0;
        java.util.Arrays.fill(c.xmm, 0);
        c.mxcsr = 0x1f80;
        c.fpu.reset();
        c.halted = false;
        c.interruptShadowEnd = -1;
        c.userMode = false;
        Modes.refresh(c);
    }
}
