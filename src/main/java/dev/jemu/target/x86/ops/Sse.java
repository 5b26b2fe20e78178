package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * SSE, SSE2, SSE3 and SSSE3 (XMM forms), plus FXSAVE/FXRSTOR and LDMXCSR/STMXCSR. The rows live in the
 * sub-groups registered here; this class holds the operand helpers they share.
 *
 * <p>XMM register n is {@code c.xmm[2n]} (low 64 bits) and {@code c.xmm[2n + 1]} (high). V is the register in
 * ModRM.reg ({@code i.reg}), W the register or memory in ModRM.rm. Legacy-SSE 16-byte memory operands must be
 * 16-byte aligned (#GP(0)) except for the explicitly unaligned moves (MOVUPS/MOVDQU/LDDQU).
 * Every handler loads all its operands before writing anything, so faults are precise.
 */
public final class Sse {
    private Sse() {}

    public static void register(OpcodeTable t) {
        SseMove.register(t);
        SseInt.register(t);
        SseFloat.register(t);
        SseConvert.register(t);
        Ssse3.register(t);
        SseState.register(t);
    }

    /** The address of a 16-byte memory operand that must be aligned. */
    static long aligned(X86Cpu c, Insn i) {
        long a = c.ea(i);
        if ((a & 15) != 0) throw X86Exception.gp0();
        return a;
    }

    /** Low half of W (a register, or aligned memory at {@code a} = {@link #aligned}). */
    static long wlo(X86Cpu c, Insn i, long a) {
        return i.mem ? c.mem.read64(a) : c.xmm[2 * i.rm];
    }

    /** High half of W (call after {@link #wlo} so that a fault on the low half comes first). */
    static long whi(X86Cpu c, Insn i, long a) {
        return i.mem ? c.mem.read64(a + 8) : c.xmm[2 * i.rm + 1];
    }

    /** The address for W when it is 16-byte aligned memory, else 0 (for register forms). */
    static long waddr(X86Cpu c, Insn i) {
        return i.mem ? aligned(c, i) : 0;
    }

    /** The low 64 bits of W as a 64-bit operand (no alignment requirement). */
    static long w64(X86Cpu c, Insn i) {
        return i.mem ? c.mem.read64(c.ea(i)) : c.xmm[2 * i.rm];
    }

    /** The low 32 bits of W as a 32-bit operand. */
    static int w32(X86Cpu c, Insn i) {
        return i.mem ? c.mem.read32(c.ea(i)) : (int) c.xmm[2 * i.rm];
    }

    /**
     * Stores 16 bytes. A store that crosses a page first probes the last byte for writing, so that a fault on the
     * second page leaves the first one unwritten.
     */
    static void store128(X86Cpu c, long a, long lo, long hi) {
        if ((a & 0xfff) > 0xff0) c.mem.write8(a + 15, c.mem.read8(a + 15));
        c.mem.write64(a, lo);
        c.mem.write64(a + 8, hi);
    }
}
