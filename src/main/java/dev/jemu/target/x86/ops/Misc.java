package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.CpuModel;
import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/** Flag instructions, NOPs and hints, fences, CPUID, RDTSC/RDTSCP, SYSCALL (user mode), UD2, HLT. */
public final class Misc {
    private Misc() {}

    public static void register(OpcodeTable t) {
        t.add("F8", "CLC", Misc::flag, 0);
        t.add("F9", "STC", Misc::flag, 1);
        t.add("F5", "CMC", Misc::flag, 2);
        t.add("FC", "CLD", Misc::flag, 3);
        t.add("FD", "STD", Misc::flag, 4);
        t.add("FA", "CLI", Misc::cli);
        t.add("FB", "STI end", Misc::sti);
        t.add("F4", "HLT end", Misc::hlt);
        t.add("0F 1F /r", "NOP Ev", Misc::nop);
        for (int b = 0x19; b <= 0x1e; b++) t.add(String.format("0F %02X /r", b), "NOP Ev", Misc::nop);
        t.add("0F 18 /r", "PREFETCH Mb", Misc::nop);
        t.add("0F 0D /r", "PREFETCHW Mb", Misc::nop);
        t.add("0F 0B", "UD2 end", Misc::ud);
        t.add("0F B9 /r", "UD1 Gv,Ev end", Misc::ud);
        t.add("0F FF /r", "UD0 Gv,Ev end", Misc::ud);
        t.add("0F A2", "CPUID", Misc::cpuid);
        t.add("0F 31", "RDTSC", Misc::rdtsc);
        t.add("0F 05", "SYSCALL o64 end", Misc::syscall);
        t.add("0F AE E8+i", "LFENCE", Misc::fence);
        t.add("0F AE F0+i", "MFENCE", Misc::fence);
        t.add("0F AE F8+i", "SFENCE", Misc::fence);
        t.add("0F AE /7 m", "CLFLUSH Mb", Misc::nop);
    }

    public static void nop(X86Cpu c, Insn i) {
    }

    public static void ud(X86Cpu c, Insn i) {
        throw X86Exception.ud();
    }

    public static void fence(X86Cpu c, Insn i) {
        java.lang.invoke.VarHandle.fullFence();
    }

    public static void flag(X86Cpu c, Insn i) {
        switch (i.arg) {
            case 0 -> c.setArithFlags(0, Flags.CF);
            case 1 -> c.setArithFlags(Flags.CF, 0);
            case 2 -> {
                if (c.cf()) c.setArithFlags(0, Flags.CF);
                else c.setArithFlags(Flags.CF, 0);
            }
            case 3 -> c.eflags &= ~Flags.DF;
            default -> c.eflags |= Flags.DF;
        }
    }

    private static int cpl(X86Cpu c) {
        return c.cpl;
    }

    public static void cli(X86Cpu c, Insn i) {
        if (cpl(c) > ((c.eflags >> 12) & 3)) throw X86Exception.gp0();
        c.eflags &= ~Flags.IF;
    }

    public static void sti(X86Cpu c, Insn i) {
        if (cpl(c) > ((c.eflags >> 12) & 3)) throw X86Exception.gp0();
        if ((c.eflags & Flags.IF) == 0 && c.intc != null) {
            // interrupts stay blocked until the next instruction has run; then the loop samples INTR
            c.interruptShadowEnd = c.rip;
            c.exitRequest = true;
        }
        c.eflags |= Flags.IF;
    }

    public static void hlt(X86Cpu c, Insn i) {
        if (cpl(c) != 0) throw X86Exception.gp0();
        throw X86Exception.trap(X86Exception.EXIT_HLT);
    }

    public static void cpuid(X86Cpu c, Insn i) {
        int[] out = new int[4];
        c.model.cpuid((int) c.regs[X86Cpu.RAX], (int) c.regs[X86Cpu.RCX], out);
        c.regs[X86Cpu.RAX] = out[0] & 0xffffffffL;
        c.regs[X86Cpu.RBX] = out[1] & 0xffffffffL;
        c.regs[X86Cpu.RCX] = out[2] & 0xffffffffL;
        c.regs[X86Cpu.RDX] = out[3] & 0xffffffffL;
    }

    /** The time-stamp counter: host nanoseconds, a 1 GHz clock that only moves forward. */
    public static long tsc() {
        return System.nanoTime();
    }

    public static void rdtsc(X86Cpu c, Insn i) {
        if ((c.cr4 & 4) != 0 && c.cpl != 0) throw X86Exception.gp0(); // CR4.TSD
        long t = tsc() + c.msrs.tscOffset;
        c.regs[X86Cpu.RAX] = t & 0xffffffffL;
        c.regs[X86Cpu.RDX] = t >>> 32;
    }

    public static void syscall(X86Cpu c, Insn i) {
        if (c.userMode) throw X86Exception.trap(X86Exception.EXIT_SYSCALL);
        SystemOps.syscall(c, i);
    }

    static boolean has1Edx(X86Cpu c, int bit) {
        return (c.model.features1Edx & bit) != 0 || bit == CpuModel.FPU;
    }
}
