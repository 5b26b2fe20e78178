package dev.jemu.target.x86;

/**
 * One decoded instruction: everything its handler needs, computed once and cached with its block.
 * Immutable after decoding (blocks are shared between threads).
 */
public final class Insn {
    // Prefix bits.
    public static final int P_LOCK = 1, P_REP = 2, P_REPNE = 4, P_OPSIZE = 8, P_ADDRSIZE = 16, P_REXW = 32,
            P_SEG = 64;

    /** Linear address of the first byte, and of the next instruction. */
    public long pc, next;
    public int len;
    public Exec exec;
    public Opcode op;
    /** The table entry's argument: ALU operation, condition code, etc. */
    public int arg;
    /** Operand size in bytes (1 for byte forms, else 2, 4 or 8) and address size in bytes (2, 4 or 8). */
    public int osize, asize;
    public int prefixes;
    /** The instruction had a REX prefix (byte registers 4..7 are SPL..DIL). */
    public boolean rex;
    public int modrm = -1;
    /** ModRM.reg with REX.R (or /digit), and ModRM.rm with REX.B (or the register in the opcode's low bits). */
    public int reg, rm;
    /** The E operand is memory; then seg/base/index/scale/disp describe it (base, index -1 when absent). */
    public boolean mem;
    public int seg, base = -1, index = -1, scale;
    public long disp;
    public long imm, imm2;

    public boolean has(int prefix) {
        return (prefixes & prefix) != 0;
    }

    /** The relative branch target (imm holds the sign-extended displacement). */
    public long target() {
        return next + imm;
    }

    @Override
    public String toString() {
        return String.format("%#x: %s", pc, op == null ? "?" : op.form);
    }
}
