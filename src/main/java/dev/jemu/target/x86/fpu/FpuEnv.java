package dev.jemu.target.x86.fpu;

/**
 * The context of one x87 arithmetic operation: the control word settings that steer it (rounding control,
 * precision control, exception masks), the exception flags it accumulates, the condition codes it sets, and
 * its results.
 *
 * <p>One instance per virtual CPU, reused for every operation, so nothing is allocated per instruction.
 * Operations in {@link Float80} write their primary result to {@link #se}/{@link #sig}, a second result (where
 * the instruction produces two) to {@link #se2}/{@link #sig2}, OR their exceptions into {@link #flags}
 * (sticky: clear them yourself, e.g. with {@link #clearFlags()} before each instruction) and replace
 * {@link #cc} with the condition code bits the operation defines.
 *
 * <p>Bit layouts are the status word's, so the instruction handler can merge them directly:
 * exceptions IE..PE are bits 0-5, condition codes C0 (bit 8), C1 (bit 9), C2 (bit 10), C3 (bit 14).
 */
public final class FpuEnv {
    // rounding control, encoded as in control word bits 10-11
    public static final int RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3;
    // precision control, encoded as in control word bits 8-9 (1 is reserved and rounds to 64 bits, as the host does)
    public static final int PC_24 = 0, PC_53 = 2, PC_64 = 3;

    // exception flags / masks (status word and control word bits 0-5)
    public static final int IE = 0x01, DE = 0x02, ZE = 0x04, OE = 0x08, UE = 0x10, PE = 0x20;
    public static final int ALL_EXCEPTIONS = 0x3F;
    // condition codes (status word positions)
    public static final int C0 = 0x0100, C1 = 0x0200, C2 = 0x0400, C3 = 0x4000;
    public static final int CC_MASK = C0 | C1 | C2 | C3;

    /** Rounding control, one of RC_*. */
    public int rc = RC_NEAREST;
    /** Precision control, one of PC_*; affects only FADD/FSUB/FMUL/FDIV/FSQRT as on the x87. */
    public int pc = PC_64;
    /** Exception masks (a set bit masks the exception, as in the control word). */
    public int masks = ALL_EXCEPTIONS;

    /** Accumulated exception flags IE..PE (sticky). */
    public int flags;
    /** Condition codes set by the last operation (C1 = "rounded up" for arithmetic). */
    public int cc;

    /** Primary result: sign/exponent word and 64-bit significand. */
    public int se;
    public long sig;
    /** Secondary result (FXTRACT exponent, FSINCOS sine, FPTAN tangent): see each operation. */
    public int se2;
    public long sig2;

    public FpuEnv() {}

    /** Takes RC, PC and the exception masks from an x87 control word. */
    public void setControlWord(int cw) {
        masks = cw & ALL_EXCEPTIONS;
        pc = (cw >>> 8) & 3;
        rc = (cw >>> 10) & 3;
    }

    /** The control word bits this context models (plus the always-one bit 6). */
    public int controlWord() {
        return masks | 0x40 | (pc << 8) | (rc << 10);
    }

    public void clearFlags() {
        flags = 0;
    }

    /** Exceptions raised so far that are unmasked, i.e. that make the instruction fault (#MF / FERR#). */
    public int unmaskedFlags() {
        return flags & ~masks & ALL_EXCEPTIONS;
    }

    /**
     * Whether the result of a register-destination operation should be written: false when an unmasked invalid,
     * denormal or divide-by-zero exception occurred (the x87 then leaves the destination unchanged). Unmasked
     * overflow/underflow still store (with the exponent wrapped by 24576), unmasked precision stores too.
     */
    public boolean storeResult() {
        return (flags & ~masks & (IE | DE | ZE)) == 0;
    }

    /**
     * Whether a memory-destination result (FST/FIST/FISTTP/FBSTP) should be written: false when any unmasked
     * exception other than precision occurred.
     */
    public boolean storeMemoryResult() {
        return (flags & ~masks & (IE | DE | ZE | OE | UE)) == 0;
    }

    void raise(int f) {
        flags |= f;
    }

    void result(int se, long sig) {
        this.se = se;
        this.sig = sig;
    }

    void result2(int se, long sig) {
        this.se2 = se;
        this.sig2 = sig;
    }
}
