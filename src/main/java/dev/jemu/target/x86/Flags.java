package dev.jemu.target.x86;

/**
 * Lazy condition codes. Arithmetic instructions record what they did (an operation kind with its operand
 * size, the result and the operands); the six arithmetic flags are derived only when something reads them.
 * The kind is {@code (op << 2) | sizeIndex}, sizeIndex 0..3 for 8, 16, 32, 64 bits.
 *
 * <p>Fields used, per kind: DST result; SRC second operand; SRC1 first operand; AUX carry-in (ADC/SBB),
 * the preserved CF (INC/DEC), or the flags image (EFLAGS). For the shifts SRC is the value before the last
 * one-bit step (see SHL). Instructions whose flags are mostly "unchanged" or constant (rotates, MUL, DIV, BT,
 * BSF, BCD) compute them at once and record an EFLAGS image.
 */
public final class Flags {
    private Flags() {}

    public static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200,
            DF = 0x400, OF = 0x800, IOPL = 0x3000, NT = 0x4000, RF = 0x10000, VM = 0x20000, AC = 0x40000,
            VIF = 0x80000, VIP = 0x100000, ID = 0x200000;
    public static final int ARITH = CF | PF | AF | ZF | SF | OF;

    // Operation kinds (shifted left by 2, size index in the low bits).
    /** Flags given explicitly in AUX. */
    public static final int EFLAGS = 0;
    public static final int ADD = 1 << 2, ADC = 2 << 2, SUB = 3 << 2, SBB = 4 << 2, LOGIC = 5 << 2,
            INC = 6 << 2, DEC = 7 << 2;
    /**
     * Left shifts (SHL, SHLD): SRC is the value before the last one-bit step, DST the result. CF is the bit
     * shifted out last (the MSB of SRC) and OF = MSB(SRC) xor MSB(DST): that is how the host (AMD) defines OF
     * for every count, not only 1. AF is set, as the host does.
     */
    public static final int SHL = 8 << 2;
    /** Right shifts (SHR, SAR, SHRD): as SHL, with CF the low bit of SRC. */
    public static final int SHR = 9 << 2;

    public static int sizeIndex(int size) {
        return switch (size) {
            case 1 -> 0;
            case 2 -> 1;
            case 4 -> 2;
            default -> 3;
        };
    }

    static long mask(int op) {
        return switch (op & 3) {
            case 0 -> 0xffL;
            case 1 -> 0xffffL;
            case 2 -> 0xffffffffL;
            default -> -1L;
        };
    }

    static long signBit(int op) {
        return 0x80L << (8 * ((1 << (op & 3)) - 1));
    }

    static boolean ult(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    /** PF for the low byte of {@code v}: set when it has an even number of one bits. */
    public static int parity(long v) {
        return (0x9669 >>> ((int) (v ^ (v >>> 4)) & 0xf) & 1) << 2;
    }

    /** ZF, SF and PF of a result of {@code size} bytes. */
    public static int szp(long r, int size) {
        int sh = 64 - 8 * size;
        long s = (r << sh) >> sh;
        return (s == 0 ? ZF : 0) | (s < 0 ? SF : 0) | parity(r);
    }

    public static boolean cf(X86Cpu c) {
        int op = c.ccOp;
        long m = mask(op);
        return switch (op & ~3) {
            case EFLAGS -> (c.ccAux & CF) != 0;
            case ADD -> ult(c.ccDst & m, c.ccSrc1 & m);
            case ADC -> c.ccAux != 0 ? Long.compareUnsigned(c.ccDst & m, c.ccSrc1 & m) <= 0 : ult(c.ccDst & m, c.ccSrc1 & m);
            case SUB -> ult(c.ccSrc1 & m, c.ccSrc & m);
            case SBB -> c.ccAux != 0 ? Long.compareUnsigned(c.ccSrc1 & m, c.ccSrc & m) <= 0 : ult(c.ccSrc1 & m, c.ccSrc & m);
            case LOGIC -> false;
            case INC, DEC -> c.ccAux != 0;
            case SHL -> (c.ccSrc & signBit(op)) != 0;
            case SHR -> (c.ccSrc & 1) != 0;
            default -> throw new IllegalStateException("cc op " + op);
        };
    }

    public static boolean zf(X86Cpu c) {
        if ((c.ccOp & ~3) == EFLAGS) return (c.ccAux & ZF) != 0;
        return (c.ccDst & mask(c.ccOp)) == 0;
    }

    public static boolean sf(X86Cpu c) {
        if ((c.ccOp & ~3) == EFLAGS) return (c.ccAux & SF) != 0;
        return (c.ccDst & signBit(c.ccOp)) != 0;
    }

    public static boolean pf(X86Cpu c) {
        if ((c.ccOp & ~3) == EFLAGS) return (c.ccAux & PF) != 0;
        return parity(c.ccDst) != 0;
    }

    public static boolean af(X86Cpu c) {
        int op = c.ccOp;
        return switch (op & ~3) {
            case EFLAGS -> (c.ccAux & AF) != 0;
            case ADD, ADC, SUB, SBB -> ((c.ccDst ^ c.ccSrc ^ c.ccSrc1) & 0x10) != 0;
            case INC -> (c.ccDst & 0xf) == 0;
            case DEC -> (c.ccDst & 0xf) == 0xf;
            case SHL, SHR -> true;
            default -> false;
        };
    }

    public static boolean of(X86Cpu c) {
        int op = c.ccOp;
        long sb = signBit(op);
        return switch (op & ~3) {
            case EFLAGS -> (c.ccAux & OF) != 0;
            case ADD, ADC -> ((c.ccSrc1 ^ c.ccDst) & (c.ccSrc ^ c.ccDst) & sb) != 0;
            case SUB, SBB -> ((c.ccSrc1 ^ c.ccSrc) & (c.ccSrc1 ^ c.ccDst) & sb) != 0;
            case LOGIC -> false;
            case INC -> (c.ccDst & mask(op)) == sb;
            case DEC -> (c.ccDst & mask(op)) == sb - 1;
            case SHL, SHR -> ((c.ccSrc ^ c.ccDst) & sb) != 0;
            default -> throw new IllegalStateException("cc op " + op);
        };
    }

    /** The six arithmetic flags as EFLAGS bits. */
    public static int compute(X86Cpu c) {
        int op = c.ccOp;
        int kind = op & ~3;
        if (kind == EFLAGS) return (int) c.ccAux & ARITH;
        long m = mask(op), sb = signBit(op);
        long d = c.ccDst, s1 = c.ccSrc1, s = c.ccSrc;
        int f = ((d & m) == 0 ? ZF : 0) | ((d & sb) != 0 ? SF : 0) | parity(d);
        switch (kind) {
            case ADD, ADC -> {
                boolean carry = c.ccAux != 0 && kind == ADC ? Long.compareUnsigned(d & m, s1 & m) <= 0 : ult(d & m, s1 & m);
                if (carry) f |= CF;
                f |= (int) (d ^ s ^ s1) & AF;
                if (((s1 ^ d) & (s ^ d) & sb) != 0) f |= OF;
            }
            case SUB, SBB -> {
                boolean borrow = c.ccAux != 0 && kind == SBB ? Long.compareUnsigned(s1 & m, s & m) <= 0 : ult(s1 & m, s & m);
                if (borrow) f |= CF;
                f |= (int) (d ^ s ^ s1) & AF;
                if (((s1 ^ s) & (s1 ^ d) & sb) != 0) f |= OF;
            }
            case LOGIC -> { }
            case INC -> {
                if (c.ccAux != 0) f |= CF;
                if ((d & 0xf) == 0) f |= AF;
                if ((d & m) == sb) f |= OF;
            }
            case DEC -> {
                if (c.ccAux != 0) f |= CF;
                if ((d & 0xf) == 0xf) f |= AF;
                if ((d & m) == sb - 1) f |= OF;
            }
            case SHL -> {
                if ((s & sb) != 0) f |= CF;
                f |= AF;
                if (((s ^ d) & sb) != 0) f |= OF;
            }
            case SHR -> {
                if ((s & 1) != 0) f |= CF;
                f |= AF;
                if (((s ^ d) & sb) != 0) f |= OF;
            }
            default -> throw new IllegalStateException("cc op " + op);
        }
        return f;
    }

    /**
     * Evaluates condition code {@code cc} (the low nibble of Jcc/SETcc/CMOVcc). After CMP/SUB the common
     * conditions compare the operands directly, and after logic operations (TEST, AND...) they test the
     * sign-extended result, instead of deriving flags.
     */
    public static boolean cond(X86Cpu c, int cc) {
        int op = c.ccOp;
        int kind = op & ~3;
        if (kind == SUB) {
            long m = mask(op);
            long a = c.ccSrc1 & m, b = c.ccSrc & m;
            switch (cc) {
                case 2: return ult(a, b);
                case 3: return !ult(a, b);
                case 4: return a == b;
                case 5: return a != b;
                case 6: return Long.compareUnsigned(a, b) <= 0;
                case 7: return Long.compareUnsigned(a, b) > 0;
                case 0xc: case 0xd: case 0xe: case 0xf: {
                    int sh = 64 - 8 * (1 << (op & 3));
                    long sa = (c.ccSrc1 << sh) >> sh, sbv = (c.ccSrc << sh) >> sh;
                    return switch (cc) {
                        case 0xc -> sa < sbv;
                        case 0xd -> sa >= sbv;
                        case 0xe -> sa <= sbv;
                        default -> sa > sbv;
                    };
                }
                default: break;
            }
        } else if (kind == LOGIC) {
            // CF = OF = 0: every condition is a test of the result.
            int sh = 64 - 8 * (1 << (op & 3));
            long r = (c.ccDst << sh) >> sh;
            return switch (cc) {
                case 0, 2 -> false;
                case 1, 3 -> true;
                case 4, 6 -> r == 0;
                case 5, 7 -> r != 0;
                case 8, 0xc -> r < 0;
                case 9, 0xd -> r >= 0;
                case 0xa -> parity(r) != 0;
                case 0xb -> parity(r) == 0;
                case 0xe -> r <= 0;
                default -> r > 0;
            };
        }
        return switch (cc) {
            case 0 -> of(c);
            case 1 -> !of(c);
            case 2 -> cf(c);
            case 3 -> !cf(c);
            case 4 -> zf(c);
            case 5 -> !zf(c);
            case 6 -> cf(c) || zf(c);
            case 7 -> !cf(c) && !zf(c);
            case 8 -> sf(c);
            case 9 -> !sf(c);
            case 0xa -> pf(c);
            case 0xb -> !pf(c);
            case 0xc -> sf(c) != of(c);
            case 0xd -> sf(c) == of(c);
            case 0xe -> zf(c) || sf(c) != of(c);
            default -> !zf(c) && sf(c) == of(c);
        };
    }

    /** Records an explicit flags image: the arithmetic flags {@code f}. */
    public static void set(X86Cpu c, int f) {
        c.ccOp = EFLAGS;
        c.ccAux = f & ARITH;
    }
}
