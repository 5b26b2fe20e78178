package dev.jemu.target.x86;

import dev.jemu.target.x86.fpu.FpuEnv;

/**
 * x87 FPU state: eight 80-bit registers (sign+exponent, 64-bit significand), control, status and tag words,
 * and the last instruction/operand pointers. The MMX registers alias the significands.
 * Registers are stored by physical number; ST(i) is physical (TOP + i) & 7.
 *
 * <p>The tag word keeps, per physical register, 3 for empty and otherwise the tag computed from the value when
 * it was written (0 valid, 1 zero, 2 special). Only "empty or not" is architectural state: FNSTENV/FNSAVE
 * recompute the full tags from the contents (MMX writes leave tag 0 on registers that hold a NaN pattern).
 *
 * <p>ES (and B, its copy) in {@link #fsw} means "an unmasked exception is pending": the next waiting x87
 * instruction raises #MF. It is set whenever an exception flag is set whose mask bit is clear, and recomputed
 * when the control word or status word is loaded (FLDCW, FLDENV, FRSTOR, FNSTENV's masking).
 */
public final class X87 {
    // Status word bits.
    public static final int IE = 0x01, DE = 0x02, ZE = 0x04, OE = 0x08, UE = 0x10, PE = 0x20, SF = 0x40,
            ES = 0x80, C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000, B = 0x8000;
    public static final int EXCEPTIONS = 0x3f, CC = C0 | C1 | C2 | C3;
    public static final int TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3;

    public int fcw = 0x037f;
    /** Status word without TOP; TOP is kept apart in {@link #top}. */
    public int fsw;
    public int top;
    /** Full tag word, two bits per physical register: 0 valid, 1 zero, 2 special, 3 empty. */
    public int ftw = 0xffff;
    public final int[] se = new int[8];
    public final long[] sig = new long[8];
    /** Last non-control instruction: offset (RIP in 64-bit mode), CS selector, opcode; its memory operand. */
    public long fip, fdp;
    public int fop, fcs, fds;

    /** The arithmetic library's context (rounding, precision, masks, results), reused by every instruction. */
    public final FpuEnv env = new FpuEnv();

    public int statusWord() {
        return (fsw & ~0x3800) | ((top & 7) << 11);
    }

    /** Loads the whole status word (TOP included); ES and B follow the unmasked flags. */
    public void setStatusWord(int sw) {
        top = (sw >> 11) & 7;
        fsw = sw & ~0x3800 & 0xffff;
        updateErrorSummary();
    }

    /** FNINIT. */
    public void reset() {
        fcw = 0x037f;
        fsw = 0;
        top = 0;
        ftw = 0xffff;
        fip = fdp = 0;
        fop = fcs = fds = 0;
    }

    /** Recomputes ES and B: set exactly when an exception flag is set and unmasked. */
    public void updateErrorSummary() {
        if ((fsw & ~fcw & EXCEPTIONS) != 0) fsw |= ES | B;
        else fsw &= ~(ES | B);
    }

    /** Sets exception flags (and ES/B when one of them is unmasked). */
    public void raise(int flags) {
        fsw |= flags;
        if ((flags & ~fcw & EXCEPTIONS) != 0) fsw |= ES | B;
    }

    // ---- the register stack ----

    /** Physical register number of ST(i). */
    public int phys(int i) {
        return (top + i) & 7;
    }

    public boolean isEmpty(int p) {
        return ((ftw >> (2 * p)) & 3) == TAG_EMPTY;
    }

    public int tag(int p) {
        return (ftw >> (2 * p)) & 3;
    }

    /** Writes physical register p and its tag. */
    public void set(int p, int se, long sig) {
        this.se[p] = se;
        this.sig[p] = sig;
        ftw = (ftw & ~(3 << (2 * p))) | (tagOf(se, sig) << (2 * p));
    }

    public void free(int p) {
        ftw |= TAG_EMPTY << (2 * p);
    }

    /** TOP - 1, then ST(0) = value (the caller has checked for overflow). */
    public void push(int se, long sig) {
        top = (top - 1) & 7;
        set(top, se, sig);
    }

    /** Marks ST(0) empty and TOP + 1. */
    public void pop() {
        ftw |= TAG_EMPTY << (2 * top);
        top = (top + 1) & 7;
    }

    /** The tag of a non-empty register from its contents: valid, zero or special (NaN, inf, denormal, unnormal). */
    public static int tagOf(int se, long sig) {
        int exp = se & 0x7fff;
        if (exp == 0x7fff) return TAG_SPECIAL;
        if (exp == 0) return sig == 0 ? TAG_ZERO : TAG_SPECIAL;
        return sig < 0 ? TAG_VALID : TAG_SPECIAL;
    }

    /** The tag word as FNSTENV/FNSAVE store it: empty as recorded, the rest computed from the contents. */
    public int tagWord() {
        int tw = 0;
        for (int p = 0; p < 8; p++) {
            int t = isEmpty(p) ? TAG_EMPTY : tagOf(se[p], sig[p]);
            tw |= t << (2 * p);
        }
        return tw;
    }

    /** Loads a tag word (FLDENV/FRSTOR): only empty versus not empty counts, the rest follows the contents. */
    public void loadTagWord(int tw) {
        int t = 0;
        for (int p = 0; p < 8; p++) {
            int e = ((tw >> (2 * p)) & 3) == TAG_EMPTY ? TAG_EMPTY : tagOf(se[p], sig[p]);
            t |= e << (2 * p);
        }
        ftw = t;
    }
}
