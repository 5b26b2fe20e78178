package dev.jemu.target.x86.fpu;

/** Unsigned 128-bit helpers on (hi, lo) long pairs, without allocation. */
final class U128 {
    private U128() {}

    private static final long M32 = 0xFFFFFFFFL;

    /**
     * Quotient of the 128-bit {@code (u1:u0)} by {@code v}, where v has bit 63 set and u1 < v (unsigned), so the
     * quotient fits 64 bits. The remainder is {@code u0 - q * v} (mod 2^64). Knuth's algorithm D with 32-bit
     * digits (Hacker's Delight divlu).
     */
    static long div(long u1, long u0, long v) {
        long vn1 = v >>> 32, vn0 = v & M32;
        long un1 = u0 >>> 32, un0 = u0 & M32;
        long q1 = Long.divideUnsigned(u1, vn1);
        long rhat = u1 - q1 * vn1;
        while (Long.compareUnsigned(q1, M32) > 0 || Long.compareUnsigned(q1 * vn0, (rhat << 32) | un1) > 0) {
            q1--;
            rhat += vn1;
            if (Long.compareUnsigned(rhat, M32) > 0) {
                break;
            }
        }
        long un21 = ((u1 << 32) | un1) - q1 * v;
        long q0 = Long.divideUnsigned(un21, vn1);
        rhat = un21 - q0 * vn1;
        while (Long.compareUnsigned(q0, M32) > 0 || Long.compareUnsigned(q0 * vn0, (rhat << 32) | un0) > 0) {
            q0--;
            rhat += vn1;
            if (Long.compareUnsigned(rhat, M32) > 0) {
                break;
            }
        }
        return (q1 << 32) | q0;
    }

    /** Whether (ah:al) > (bh:bl), unsigned. */
    static boolean greater(long ah, long al, long bh, long bl) {
        return ah != bh ? Long.compareUnsigned(ah, bh) > 0 : Long.compareUnsigned(al, bl) > 0;
    }

    /**
     * floor(sqrt(nh:nl)) for nh >= 2^62 (the root then has bit 63 set). A double estimate refined by one
     * Newton step, then corrected to the exact floor.
     */
    static long sqrt(long nh, long nl) {
        long q;
        if (nh == -1L) {
            q = -1L; // root within 1/2 of 2^64: the floor is 2^64-1
        } else {
            double hd = (double) (nh >>> 1) * 2.0; // ~nh as unsigned
            long q0 = ((long) (Math.sqrt(hd * 0.25) * 0x1p32)) << 1; // ~sqrt(nh) * 2^32, bit 63 set
            if (q0 >= 0) {
                q0 = F80.J; // the estimate fell just below 2^63
            }
            if (Long.compareUnsigned(nh, q0) >= 0) {
                q0 = -1L;
            }
            long d = div(nh, nl, q0);
            // q = (q0 + d) / 2 without overflow
            q = (q0 >>> 1) + (d >>> 1) + (q0 & d & 1);
        }
        // correct to the floor: q*q <= n < (q+1)^2
        while (greater(Math.unsignedMultiplyHigh(q, q), q * q, nh, nl)) {
            q--;
        }
        while (q != -1L) {
            long q1 = q + 1;
            if (greater(Math.unsignedMultiplyHigh(q1, q1), q1 * q1, nh, nl)) {
                break;
            }
            q = q1;
        }
        return q;
    }
}
