package dev.jemu.target.x86;

/**
 * x87 FPU state: eight 80-bit registers (sign+exponent, 64-bit significand), control, status and tag words,
 * and the last instruction/operand pointers. The MMX registers alias the significands.
 * Registers are stored by physical number; ST(i) is physical (TOP + i) & 7.
 */
public final class X87 {
    public int fcw = 0x037f;
    /** Status word without TOP; TOP is kept apart in {@link #top}. */
    public int fsw;
    public int top;
    /** Full tag word, two bits per physical register: 0 valid, 1 zero, 2 special, 3 empty. */
    public int ftw = 0xffff;
    public final int[] se = new int[8];
    public final long[] sig = new long[8];
    public long fip, fdp;
    public int fop, fcs, fds;

    public int statusWord() {
        return (fsw & ~0x3800) | ((top & 7) << 11);
    }

    public void reset() {
        fcw = 0x037f;
        fsw = 0;
        top = 0;
        ftw = 0xffff;
        fip = fdp = 0;
        fop = fcs = fds = 0;
    }
}
