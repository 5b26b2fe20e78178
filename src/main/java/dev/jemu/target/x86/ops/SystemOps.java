package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/** System instructions for system emulation (control registers, descriptor tables, far transfers, MSRs). */
public final class SystemOps {
    private SystemOps() {}

    public static void register(OpcodeTable t) {
        FarOps.register(t);
        PortOps.register(t);
        DescriptorOps.register(t);
        FastCallOps.register(t);
    }

    /** SYSCALL outside user-mode emulation: system mode implements it with the STAR/LSTAR MSRs. */
    static void syscall(X86Cpu c, Insn i) {
        FastCallOps.syscall(c, i);
    }
}
