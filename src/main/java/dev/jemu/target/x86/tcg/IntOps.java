package dev.jemu.target.x86.tcg;

import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.ops.MulDiv;

/** Integer helpers of translated code: the parts of MulDiv.div that can fault (#DE), as values. */
public final class IntOps {
    private IntOps() {}

    /** DIV r/m64: the quotient of hi:lo / d, or #DE when d is 0 or the quotient does not fit 64 bits. */
    public static long divq(long hi, long lo, long d) {
        if (Long.compareUnsigned(hi, d) >= 0) throw X86Exception.fault(X86Exception.DE); // (also d == 0)
        return hi == 0 ? Long.divideUnsigned(lo, d) : MulDiv.divu128(hi, lo, d);
    }

    /** DIV r/m32: the quotient of the 64-bit n / d, or #DE when d is 0 or the quotient does not fit 32 bits. */
    public static long divl(long n, long d) {
        if (d == 0) throw X86Exception.fault(X86Exception.DE);
        long q = Long.divideUnsigned(n, d);
        if ((q >>> 32) != 0) throw X86Exception.fault(X86Exception.DE);
        return q;
    }
}
