package dev.jemu.target.x86.system;

import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.X86Cpu;

/**
 * Stack accesses of far transfers, interrupts and task switches on a stack that may not be the current one:
 * the caller keeps SS base, the stack pointer and its mask in locals and commits them only after every access
 * succeeded, so a fault leaves the state untouched.
 */
final class StackOps {
    private StackOps() {}

    static long mask(int stackBytes) {
        return stackBytes == 8 ? -1L : stackBytes == 4 ? 0xffffffffL : 0xffffL;
    }

    private static long lin(X86Cpu c, long ssBase, long sp, long mask) {
        long a = ssBase + (sp & mask);
        return (c.efer & Modes.EFER_LMA) != 0 && mask == -1L ? a : a & 0xffffffffL;
    }

    /** Writes {@code v} below {@code sp}; returns the new stack pointer. */
    static long push(X86Cpu c, SoftMmu m, long ssBase, long sp, long mask, int size, long v) {
        sp = (sp - size) & mask;
        m.write(lin(c, ssBase, sp, mask), size, v);
        return sp;
    }

    static long read(X86Cpu c, SoftMmu m, long ssBase, long sp, long mask, int size) {
        return m.read(lin(c, ssBase, sp, mask), size);
    }

    /** Stores a stack pointer into RSP keeping the bits outside {@code mask} (a 16-bit stack keeps ESP's top). */
    static void setSp(X86Cpu c, long sp, long mask) {
        if (mask == 0xffffL) c.regs[X86Cpu.RSP] = (c.regs[X86Cpu.RSP] & ~0xffffL) | (sp & 0xffff);
        else c.regs[X86Cpu.RSP] = sp & mask;
    }
}
