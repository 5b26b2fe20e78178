package dev.jemu.target.x86;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static dev.jemu.target.x86.HostHarness.M0;
import static dev.jemu.target.x86.HostHarness.RAX;
import static dev.jemu.target.x86.HostHarness.RBX;
import static dev.jemu.target.x86.HostHarness.RDX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** MUL, IMUL and DIV/IDIV against the host CPU; #DE cases against the SDM. */
class MulDivTest {
    static final String[] A = {"al", "ax", "eax", "rax"}, B = {"bl", "bx", "ebx", "rbx"};
    static final String[] MEMSIZE = {"byte", "word", "dword", "qword"};
    static final long[][] IMMS = {{}, {0, 1, -1, 3, 0x7b, -128, 127, 1000, -32768, 32767},
            {0, 1, -1, 3, -128, 127, 1000, -70000, 0x7fffffff, -0x80000000L},
            {0, 1, -1, 3, -128, 127, 1000, -70000, 0x7fffffff, -0x80000000L}};

    private static void multiplies(HostHarness h) {
        int sizes = h.bits == 64 ? 4 : 3;
        for (int s = 0; s < sizes; s++) {
            int size = 1 << s;
            long[] vals = h.values(size, 8);
            HostHarness.Form[] forms = {h.form("mul " + B[s]), h.form("imul " + B[s]),
                    h.form("mul " + MEMSIZE[s] + " [MEM]"), h.form("imul " + MEMSIZE[s] + " [MEM]")};
            HostHarness.Form two = s == 0 ? null : h.form("imul " + A[s] + ", " + B[s]);
            HostHarness.Form twoMem = s == 0 ? null : h.form("imul " + A[s] + ", [MEM]");
            for (int j = 0; j < vals.length; j++) {
                for (int k = 0; k < vals.length; k++) {
                    long[] in = h.in();
                    in[RAX] = vals[j];
                    in[RBX] = vals[k];
                    in[M0] = vals[k];
                    if ((j + k) % 3 == 0) for (HostHarness.Form f : forms) f.add(in);
                    if (two != null) two.add(in);
                    if (twoMem != null && (j + k) % 4 == 0) twoMem.add(in);
                }
            }
            for (long imm : IMMS[s]) {
                HostHarness.Form f = h.form("imul " + A[s] + ", " + B[s] + ", " + imm);
                HostHarness.Form m = h.form("imul " + A[s] + ", " + MEMSIZE[s] + " [MEM], " + imm);
                for (long v : vals) {
                    long[] in = h.in();
                    in[RBX] = v;
                    in[M0] = v;
                    f.add(in);
                    m.add(in);
                }
            }
        }
    }

    private static long mask(int size) {
        return size == 8 ? -1L : (1L << (8 * size)) - 1;
    }

    private static BigInteger u(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }

    /** Divisions whose quotient fits: dividend = q * d + r built from a random quotient and remainder. */
    private static void divides(HostHarness h) {
        int sizes = h.bits == 64 ? 4 : 3;
        for (int s = 0; s < sizes; s++) {
            int size = 1 << s, bits = 8 * size;
            long m = mask(size);
            long[] vals = h.values(size, 12);
            HostHarness.Form div = h.form("div " + B[s]), idiv = h.form("idiv " + B[s]);
            HostHarness.Form divM = h.form("div " + MEMSIZE[s] + " [MEM]"), idivM = h.form("idiv " + MEMSIZE[s] + " [MEM]");
            for (long d : vals) {
                if (d == 0) continue;
                for (int k = 0; k < 12; k++) {
                    // unsigned
                    BigInteger bd = u(d);
                    BigInteger q = k < 3 ? BigInteger.valueOf(k == 0 ? 0 : 1).shiftLeft(k == 2 ? bits : 0).subtract(BigInteger.valueOf(k == 2 ? 1 : 0))
                            : u(h.rnd.nextLong() & m);
                    BigInteger r = u(h.rnd.nextLong()).mod(bd);
                    if (k == 3) r = bd.subtract(BigInteger.ONE);
                    BigInteger n = q.multiply(bd).add(r);
                    long[] in = h.in();
                    setDividend(in, size, n);
                    in[RBX] = d;
                    in[M0] = d;
                    div.add(in);
                    divM.add(in);
                    // signed
                    int sh = 64 - bits;
                    long sd = (d << sh) >> sh;
                    BigInteger bsd = BigInteger.valueOf(sd);
                    BigInteger max = BigInteger.ONE.shiftLeft(bits - 1);
                    BigInteger sq = switch (k) {
                        case 0 -> BigInteger.ZERO;
                        case 1 -> max.subtract(BigInteger.ONE);
                        case 2 -> max.negate();
                        default -> BigInteger.valueOf((h.rnd.nextLong() << sh) >> sh);
                    };
                    BigInteger prod = sq.multiply(bsd);
                    BigInteger sr = u(h.rnd.nextLong()).mod(bsd.abs());
                    if (prod.signum() < 0 || (prod.signum() == 0 && h.rnd.nextBoolean())) sr = sr.negate();
                    n = prod.add(sr);
                    in = h.in();
                    setDividend(in, size, n);
                    in[RBX] = d;
                    in[M0] = d;
                    idiv.add(in);
                    idivM.add(in);
                }
            }
        }
    }

    /** Puts the double-width dividend into AX, DX:AX, EDX:EAX or RDX:RAX (keeping the other register bits). */
    private static void setDividend(long[] in, int size, BigInteger n) {
        int bits = 8 * size;
        BigInteger two = BigInteger.ONE.shiftLeft(2 * bits);
        if (n.signum() < 0) n = n.add(two);
        long lo = n.mod(BigInteger.ONE.shiftLeft(bits)).longValue();
        long hi = n.shiftRight(bits).longValue();
        long m = mask(size);
        if (size == 1) {
            in[RAX] = (in[RAX] & ~0xffffL) | ((hi & 0xff) << 8) | (lo & 0xff);
        } else {
            in[RAX] = (in[RAX] & ~m) | (lo & m);
            in[RDX] = (in[RDX] & ~m) | (hi & m);
        }
    }

    @Test
    void multipliesMatchHost64() {
        HostHarness h = new HostHarness(64, 21);
        multiplies(h);
        h.check(false);
    }

    @Test
    void multipliesMatchHost32And16() {
        HostHarness h = new HostHarness(32, 22);
        multiplies(h);
        h.check(true);
    }

    @Test
    void dividesMatchHost64() {
        HostHarness h = new HostHarness(64, 23);
        divides(h);
        h.check(false);
    }

    @Test
    void dividesMatchHost32And16() {
        HostHarness h = new HostHarness(32, 24);
        divides(h);
        h.check(true);
    }

    /** Runs one instruction that must raise #DE and checks that nothing changed. */
    private static void expectDivideError(int bits, String insn, long rax, long rdx, long rbx) {
        CpuTester t = new CpuTester(bits);
        t.cpu.regs[X86Cpu.RAX] = rax;
        t.cpu.regs[X86Cpu.RDX] = rdx;
        t.cpu.regs[X86Cpu.RBX] = rbx;
        t.cpu.setEflags(Flags.CF | Flags.ZF | Flags.OF, Flags.ARITH);
        X86Exception e = HostHarness.run(t, bits, CpuTester.nasm(bits, "nop\n" + insn + "\nhlt"));
        assertNotNull(e, insn);
        assertEquals(X86Exception.DE, e.vector, insn);
        assertEquals(bits == 16 ? 1 : CpuTester.CODE + 1, t.cpu.rip, insn);
        assertEquals(rax, t.cpu.regs[X86Cpu.RAX], insn);
        assertEquals(rdx, t.cpu.regs[X86Cpu.RDX], insn);
        assertEquals(rbx, t.cpu.regs[X86Cpu.RBX], insn);
        assertEquals(Flags.CF | Flags.ZF | Flags.OF, t.flags() & Flags.ARITH, insn);
    }

    @Test
    void divideErrorsChangeNothing() {
        for (String s : new String[]{"div bl", "div bx", "div ebx", "div rbx", "idiv bl", "idiv bx", "idiv ebx", "idiv rbx"}) {
            expectDivideError(64, s, 0x1234, 0x5678, 0); // zero divisor
            if (!s.endsWith("rbx")) expectDivideError(64, s, 0x1234, 0x5678, 0xffffffff00000000L); // zero in its width
        }
        // quotient too large
        expectDivideError(64, "div bl", 0x0500, 0, 5);
        expectDivideError(64, "div bx", 0, 7, 7);
        expectDivideError(64, "div ebx", 0, 0x10, 0x10);
        expectDivideError(64, "div rbx", 0, -1L, 0xffffffffffffffffL);
        expectDivideError(32, "div ebx", 0, 1, 1);
        expectDivideError(16, "div bx", 0, 1, 1);
        expectDivideError(64, "idiv bl", 0x0080, 0, 1); // +128 / 1
        expectDivideError(64, "idiv bl", 0xff80, 0, 0xff); // -128 / -1
        expectDivideError(64, "idiv bx", 0x8000, 0xffff, 0xffff); // -32768 / -1
        expectDivideError(64, "idiv ebx", 0x80000000L, 0xffffffffL, 0xffffffffL);
        expectDivideError(64, "idiv rbx", Long.MIN_VALUE, -1L, -1L); // most negative / -1
        expectDivideError(64, "idiv rbx", 0, 1, 2); // 2^64 / 2
        expectDivideError(64, "idiv rbx", 0, Long.MIN_VALUE, Long.MIN_VALUE); // -2^127 / -2^63 = 2^64
        expectDivideError(64, "idiv rbx", Long.MIN_VALUE, 0, 1); // 2^63 / 1
        expectDivideError(32, "idiv ebx", 0x80000000L, 0xffffffffL, 0xffffffffL);
        expectDivideError(16, "idiv bx", 0x8000, 0xffff, 0xffff);
    }

    @Test
    void idiv128EdgeQuotients() {
        CpuTester t = new CpuTester(64);
        // -2^63 / 1 and 2^63 / -1 (the latter gives -2^63, which fits)
        t.cpu.regs[X86Cpu.RAX] = Long.MIN_VALUE;
        t.cpu.regs[X86Cpu.RDX] = -1L;
        t.cpu.regs[X86Cpu.RBX] = 1;
        assertEquals(null, t.run(CpuTester.nasm(64, "idiv rbx\nhlt")));
        assertEquals(Long.MIN_VALUE, t.cpu.regs[X86Cpu.RAX]);
        assertEquals(0, t.cpu.regs[X86Cpu.RDX]);
        t.cpu.regs[X86Cpu.RAX] = Long.MIN_VALUE;
        t.cpu.regs[X86Cpu.RDX] = 0;
        t.cpu.regs[X86Cpu.RBX] = -1L;
        assertEquals(null, t.run(CpuTester.nasm(64, "idiv rbx\nhlt")));
        assertEquals(Long.MIN_VALUE, t.cpu.regs[X86Cpu.RAX]);
        assertEquals(0, t.cpu.regs[X86Cpu.RDX]);
    }
}
