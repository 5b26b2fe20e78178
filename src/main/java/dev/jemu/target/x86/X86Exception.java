package dev.jemu.target.x86;

/**
 * A guest exception or a request to leave the execution loop (user-mode syscall, HLT).
 * Thrown by instruction handlers; the execution loop restores RIP to the faulting instruction for faults.
 * No stack trace: these are guest events, not Java errors.
 */
public final class X86Exception extends RuntimeException {
    // Architectural vectors.
    public static final int DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8,
            TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18, XM = 19;
    /** Pseudo-vectors: reasons to leave the loop that are not guest exceptions. */
    public static final int EXIT_SYSCALL = 0x100, EXIT_HLT = 0x101, EXIT_INTERRUPT = 0x102;

    public final int vector;
    public final int errorCode;
    public final boolean hasErrorCode;
    /** For #PF: the faulting linear address (CR2). */
    public final long address;
    /** True for INT n / INT3 / INTO / SYSCALL: RIP already points past the instruction. */
    public final boolean trap;

    private X86Exception(int vector, int errorCode, boolean hasErrorCode, long address, boolean trap) {
        super(null, null, false, false);
        this.vector = vector;
        this.errorCode = errorCode;
        this.hasErrorCode = hasErrorCode;
        this.address = address;
        this.trap = trap;
    }

    public static X86Exception fault(int vector) {
        return new X86Exception(vector, 0, false, 0, false);
    }

    public static X86Exception fault(int vector, int errorCode) {
        return new X86Exception(vector, errorCode, true, 0, false);
    }

    public static X86Exception pageFault(long address, int errorCode) {
        return new X86Exception(PF, errorCode, true, address, false);
    }

    /** A software interrupt or other trap-like event: RIP has moved past the instruction. */
    public static X86Exception trap(int vector) {
        return new X86Exception(vector, 0, false, 0, true);
    }

    public static X86Exception ud() {
        return fault(UD);
    }

    public static X86Exception gp0() {
        return fault(GP, 0);
    }

    @Override
    public String getMessage() {
        return "x86 exception " + vector + (hasErrorCode ? " error " + errorCode : "")
                + (vector == PF ? String.format(" address %#x", address) : "");
    }
}
