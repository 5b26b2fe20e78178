package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * MUL, IMUL (one-, two- and three-operand forms), DIV, IDIV.
 *
 * <p>Flags as the host (AMD) sets them: multiplications set CF = OF = "the high half is significant" and keep
 * SF, ZF, AF and PF; divisions keep CF and OF, set AF and clear SF, ZF and PF. A division that faults (#DE on a
 * zero divisor or a quotient that does not fit) changes nothing.
 */
public final class MulDiv {
    private MulDiv() {}

    public static void register(OpcodeTable t) {
        t.add("F6 /4", "MUL Eb", MulDiv::mul);
        t.add("F7 /4", "MUL Ev", MulDiv::mul);
        t.add("F6 /5", "IMUL Eb", MulDiv::imul1);
        t.add("F7 /5", "IMUL Ev", MulDiv::imul1);
        t.add("0F AF /r", "IMUL Gv,Ev", MulDiv::imulGE);
        t.add("69 /r", "IMUL Gv,Ev,Iz", MulDiv::imulGEI);
        t.add("6B /r", "IMUL Gv,Ev,Ib", MulDiv::imulGEI);
        t.add("F6 /6", "DIV Eb", MulDiv::div);
        t.add("F7 /6", "DIV Ev", MulDiv::div);
        t.add("F6 /7", "IDIV Eb", MulDiv::idiv);
        t.add("F7 /7", "IDIV Ev", MulDiv::idiv);
    }

    private static final int RAX = X86Cpu.RAX, RDX = X86Cpu.RDX;

    /** CF and OF from {@code overflow}; the other flags unchanged. */
    private static void mulFlags(X86Cpu c, boolean overflow) {
        int f = Flags.compute(c) & ~(Flags.CF | Flags.OF);
        Flags.set(c, overflow ? f | Flags.CF | Flags.OF : f);
    }

    private static long sx(long v, int size) {
        int sh = 64 - 8 * size;
        return (v << sh) >> sh;
    }

    public static void mul(X86Cpu c, Insn i) {
        long b = c.readE(i);
        switch (i.osize) {
            case 1 -> {
                long r = (c.regs[RAX] & 0xff) * b;
                c.setReg(RAX, 2, false, r);
                mulFlags(c, r > 0xff);
            }
            case 2 -> {
                long r = (c.regs[RAX] & 0xffff) * b;
                c.setReg(RAX, 2, false, r);
                c.setReg(RDX, 2, false, r >>> 16);
                mulFlags(c, r > 0xffff);
            }
            case 4 -> {
                long r = (c.regs[RAX] & 0xffffffffL) * b;
                c.setReg(RAX, 4, false, r);
                c.setReg(RDX, 4, false, r >>> 32);
                mulFlags(c, (r >>> 32) != 0);
            }
            default -> {
                long a = c.regs[RAX];
                long hi = Math.unsignedMultiplyHigh(a, b);
                c.regs[RAX] = a * b;
                c.regs[RDX] = hi;
                mulFlags(c, hi != 0);
            }
        }
    }

    public static void imul1(X86Cpu c, Insn i) {
        long b = sx(c.readE(i), i.osize);
        switch (i.osize) {
            case 1 -> {
                long r = (byte) c.regs[RAX] * b;
                c.setReg(RAX, 2, false, r);
                mulFlags(c, r != (byte) r);
            }
            case 2 -> {
                long r = (short) c.regs[RAX] * b;
                c.setReg(RAX, 2, false, r);
                c.setReg(RDX, 2, false, r >> 16);
                mulFlags(c, r != (short) r);
            }
            case 4 -> {
                long r = (int) c.regs[RAX] * b;
                c.setReg(RAX, 4, false, r);
                c.setReg(RDX, 4, false, r >> 32);
                mulFlags(c, r != (int) r);
            }
            default -> {
                long a = c.regs[RAX];
                long lo = a * b, hi = Math.multiplyHigh(a, b);
                c.regs[RAX] = lo;
                c.regs[RDX] = hi;
                mulFlags(c, hi != (lo >> 63));
            }
        }
    }

    /** Truncating signed product of {@code size} bytes; sets the flags. */
    private static long imul(X86Cpu c, int size, long a, long b) {
        a = sx(a, size);
        b = sx(b, size);
        long r = a * b;
        boolean overflow = switch (size) {
            case 2 -> r != (short) r;
            case 4 -> r != (int) r;
            default -> Math.multiplyHigh(a, b) != (r >> 63);
        };
        mulFlags(c, overflow);
        return r;
    }

    public static void imulGE(X86Cpu c, Insn i) {
        c.writeG(i, imul(c, i.osize, c.readG(i), c.readE(i)));
    }

    public static void imulGEI(X86Cpu c, Insn i) {
        c.writeG(i, imul(c, i.osize, c.readE(i), i.imm));
    }

    // ---- division ----

    /** Flags after a division: CF and OF unchanged, AF set, SF ZF PF clear. */
    private static void divFlags(X86Cpu c) {
        Flags.set(c, (Flags.compute(c) & (Flags.CF | Flags.OF)) | Flags.AF);
    }

    private static X86Exception de() {
        return X86Exception.fault(X86Exception.DE);
    }

    public static void div(X86Cpu c, Insn i) {
        long d = c.readE(i);
        if (d == 0) throw de();
        switch (i.osize) {
            case 1 -> {
                long n = c.regs[RAX] & 0xffff;
                long q = n / d;
                if (q > 0xff) throw de();
                c.setReg(RAX, 2, false, ((n % d) << 8) | q);
            }
            case 2 -> {
                long n = ((c.regs[RDX] & 0xffff) << 16) | (c.regs[RAX] & 0xffff);
                long q = n / d;
                if (q > 0xffff) throw de();
                c.setReg(RAX, 2, false, q);
                c.setReg(RDX, 2, false, n % d);
            }
            case 4 -> {
                long n = ((c.regs[RDX] & 0xffffffffL) << 32) | (c.regs[RAX] & 0xffffffffL);
                long q = Long.divideUnsigned(n, d);
                if ((q >>> 32) != 0) throw de();
                c.setReg(RAX, 4, false, q);
                c.setReg(RDX, 4, false, Long.remainderUnsigned(n, d));
            }
            default -> {
                long hi = c.regs[RDX], lo = c.regs[RAX];
                if (Long.compareUnsigned(hi, d) >= 0) throw de();
                long q = divu128(hi, lo, d);
                c.regs[RAX] = q;
                c.regs[RDX] = lo - q * d;
            }
        }
        divFlags(c);
    }

    public static void idiv(X86Cpu c, Insn i) {
        long d = sx(c.readE(i), i.osize);
        if (d == 0) throw de();
        switch (i.osize) {
            case 1 -> {
                long n = (short) c.regs[RAX];
                long q = n / d;
                if (q != (byte) q) throw de();
                c.setReg(RAX, 2, false, ((n % d & 0xff) << 8) | (q & 0xff));
            }
            case 2 -> {
                long n = (int) ((c.regs[RDX] << 16) | (c.regs[RAX] & 0xffff));
                long q = n / d;
                if (q != (short) q) throw de();
                c.setReg(RAX, 2, false, q);
                c.setReg(RDX, 2, false, n % d);
            }
            case 4 -> {
                long n = (c.regs[RDX] << 32) | (c.regs[RAX] & 0xffffffffL);
                if (n == Long.MIN_VALUE && d == -1) throw de();
                long q = n / d;
                if (q != (int) q) throw de();
                c.setReg(RAX, 4, false, q);
                c.setReg(RDX, 4, false, n % d);
            }
            default -> {
                long hi = c.regs[RDX], lo = c.regs[RAX];
                boolean negN = hi < 0, negD = d < 0;
                // Magnitudes as unsigned 128/64-bit values.
                long mhi = hi, mlo = lo;
                if (negN) {
                    mlo = -lo;
                    mhi = ~hi + (lo == 0 ? 1 : 0);
                }
                long md = negD ? -d : d;
                if (Long.compareUnsigned(mhi, md) >= 0) throw de();
                long q = divu128(mhi, mlo, md);
                long r = mlo - q * md;
                boolean negQ = negN != negD;
                // The quotient must fit: at most 2^63 - 1, or 2^63 when negative.
                if (q < 0 && !(negQ && q == Long.MIN_VALUE)) throw de();
                c.regs[RAX] = negQ ? -q : q;
                c.regs[RDX] = negN ? -r : r;
            }
        }
        divFlags(c);
    }

    /**
     * Unsigned 128/64-bit division (hi:lo / d) for hi < d, so the quotient fits 64 bits: the long division
     * of Hacker's Delight (divlu), in 32-bit digits after normalising d.
     */
    public static long divu128(long hi, long lo, long d) {
        if (hi == 0) return Long.divideUnsigned(lo, d);
        int s = Long.numberOfLeadingZeros(d);
        d <<= s;
        long un32 = s == 0 ? hi : (hi << s) | (lo >>> (64 - s));
        long un10 = lo << s;
        long vn1 = d >>> 32, vn0 = d & 0xffffffffL;
        long un1 = un10 >>> 32, un0 = un10 & 0xffffffffL;
        long q1 = Long.divideUnsigned(un32, vn1);
        long rhat = un32 - q1 * vn1;
        while (Long.compareUnsigned(q1, 0xffffffffL) > 0
                || Long.compareUnsigned(q1 * vn0, (rhat << 32) | un1) > 0) {
            q1--;
            rhat += vn1;
            if (Long.compareUnsigned(rhat, 0xffffffffL) > 0) break;
        }
        long un21 = (un32 << 32) + un1 - q1 * d;
        long q0 = Long.divideUnsigned(un21, vn1);
        rhat = un21 - q0 * vn1;
        while (Long.compareUnsigned(q0, 0xffffffffL) > 0
                || Long.compareUnsigned(q0 * vn0, (rhat << 32) | un0) > 0) {
            q0--;
            rhat += vn1;
            if (Long.compareUnsigned(rhat, 0xffffffffL) > 0) break;
        }
        return (q1 << 32) | q0;
    }
}
