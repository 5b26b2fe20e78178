package dev.jemu.target.x86;

/**
 * One entry of the opcode map: the SDM-style form ("ADD Eb,Gb"), how to decode it, and its handler.
 * An entry may instead select among sub-entries (by mandatory prefix, by ModRM.mod, ModRM.reg, or the
 * register form's low ModRM bits), as the SDM's opcode tables do.
 */
public final class Opcode {
    // Immediate kinds.
    static final int I_NONE = 0, I_B = 1, I_W = 2, I_Z = 3, I_V = 4, I_JB = 5, I_JZ = 6, I_MOFFS = 7, I_AP = 8,
            I_D = 9;
    // Selector kinds.
    static final int SEL_NONE = 0, SEL_PREFIX = 1, SEL_MOD = 2, SEL_REG = 3, SEL_RM = 4;
    // Flags.
    public static final int D64 = 1, F64 = 2, I64 = 4, O64 = 8, END = 16, LOCK = 32, BYTE = 64, MODRM = 128;

    public final String form;
    public final String mnemonic;
    final Exec exec;
    final int arg;
    int flags;
    int imm1 = I_NONE, imm2 = I_NONE;

    /** Registered with a mandatory prefix (66 then selects the form and is not an operand-size prefix). */
    boolean mandatory;
    int select = SEL_NONE;
    /** SEL_PREFIX: [none, 66, F3, F2]; SEL_MOD: [memory, register]; SEL_REG: [reg 0..7]; SEL_RM: [modrm & 0x3f]. */
    Opcode[] sub;
    /** For a 64-bit-mode-only entry (o64): what the same bytes mean outside 64-bit mode, or null (#UD). */
    Opcode legacy;

    Opcode(String form, Exec exec, int arg) {
        this.form = form;
        this.exec = exec;
        this.arg = arg;
        int sp = form.indexOf(' ');
        this.mnemonic = sp < 0 ? form : form.substring(0, sp);
    }

    static Opcode selector(int kind, int size) {
        Opcode o = new Opcode("(select)", null, 0);
        o.select = kind;
        o.sub = new Opcode[size];
        return o;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
