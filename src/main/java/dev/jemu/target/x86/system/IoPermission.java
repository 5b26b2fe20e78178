package dev.jemu.target.x86.system;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/** Who may use which I/O port: IOPL, and the TSS bitmap when CPL > IOPL or in virtual-8086 mode. */
public final class IoPermission {
    private IoPermission() {}

    /** #GP(0) unless the current privilege may access ports [port, port+size); also when there is no I/O bus. */
    public static void check(X86Cpu c, int port, int size) {
        if (c.io == null) throw X86Exception.gp0();
        if ((c.cr0 & Modes.CR0_PE) == 0) return;
        boolean vm = (c.eflags & Flags.VM) != 0;
        if (!vm && c.cpl <= ((c.eflags >> 12) & 3)) return;
        if (!Tss.ioAllowed(c, port, size)) throw X86Exception.gp0();
    }

    /** True if CLI/STI/POPF(IF)/IN... are allowed by IOPL alone (CPL <= IOPL; v8086 needs IOPL 3). */
    public static boolean ioplAllows(X86Cpu c) {
        return c.cpl <= ((c.eflags >> 12) & 3);
    }
}
