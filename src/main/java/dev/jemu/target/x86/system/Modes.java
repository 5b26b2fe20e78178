package dev.jemu.target.x86.system;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.SegmentUnit;
import dev.jemu.target.x86.X86Cpu;

/**
 * Derives the execution mode from the architectural state: real mode (CR0.PE = 0), virtual-8086 (EFLAGS.VM),
 * protected mode, and long mode's 64-bit and compatibility submodes (EFER.LMA with CS.L). Sets the decoding
 * size, the stack size, whether linear addresses are 64-bit, and the segment unit. Called after every change
 * of CR0.PE, EFER.LMA, CS, SS or EFLAGS.VM (far transfers, IRET, task switches, MOV CR0, WRMSR EFER).
 */
public final class Modes {
    private Modes() {}

    public static final long CR0_PE = 1, EFER_LMA = 0x400;

    public static void refresh(X86Cpu c) {
        if ((c.cr0 & CR0_PE) == 0) {
            // Real mode: sizes come from the descriptor caches (left over from protected mode: "unreal" mode).
            Seg.setCpl(c, 0);
            c.codeBits = (c.segAttr[X86Cpu.CS] & Seg.A_DB) != 0 ? 32 : 16;
            c.stackSize = (c.segAttr[X86Cpu.SS] & Seg.A_DB) != 0 ? 4 : 2;
            c.longMode = false;
            c.segments = SegmentUnit.REAL_MODE;
        } else if ((c.eflags & Flags.VM) != 0) {
            Seg.setCpl(c, 3);
            c.codeBits = 16;
            c.stackSize = 2;
            c.longMode = false;
            c.segments = SegmentUnit.REAL_MODE;
        } else {
            boolean lma = (c.efer & EFER_LMA) != 0;
            if (lma && (c.segAttr[X86Cpu.CS] & Seg.A_L) != 0) {
                c.codeBits = 64;
                c.stackSize = 8;
                c.longMode = true;
            } else {
                c.codeBits = (c.segAttr[X86Cpu.CS] & Seg.A_DB) != 0 ? 32 : 16;
                c.stackSize = (c.segAttr[X86Cpu.SS] & Seg.A_DB) != 0 ? 4 : 2;
                c.longMode = false;
            }
            c.segments = Seg.PROTECTED;
        }
    }

    public static boolean protectedMode(X86Cpu c) {
        return (c.cr0 & CR0_PE) != 0 && (c.eflags & Flags.VM) == 0;
    }

    public static boolean v86(X86Cpu c) {
        return (c.cr0 & CR0_PE) != 0 && (c.eflags & Flags.VM) != 0;
    }

    public static boolean longMode(X86Cpu c) {
        return (c.efer & EFER_LMA) != 0;
    }
}
