package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.X87;

/**
 * LDMXCSR/STMXCSR and FXSAVE/FXRSTOR (the 512-byte x87+SSE image; REX.W selects the 64-bit FIP/FDP layout).
 * FIP/FDP/FOP are always saved (Intel's behaviour; AMD saves them only while an x87 exception is pending).
 */
public final class SseState {
    private SseState() {}

    /** MXCSR bits that may be set: flags, DAZ, masks, RC, FTZ (no misaligned-SSE mode). */
    public static final int MXCSR_MASK = 0xffff;

    public static void register(OpcodeTable t) {
        t.add("0F AE /0 m", "FXSAVE M", SseState::fxsave);
        t.add("0F AE /1 m", "FXRSTOR M", SseState::fxrstor);
        t.add("0F AE /2 m", "LDMXCSR Md", SseState::ldmxcsr);
        t.add("0F AE /3 m", "STMXCSR Md", SseState::stmxcsr);
    }

    public static void ldmxcsr(X86Cpu c, Insn i) {
        int v = c.mem.read32(c.ea(i));
        if ((v & ~MXCSR_MASK) != 0) throw X86Exception.gp0();
        c.mxcsr = v;
    }

    public static void stmxcsr(X86Cpu c, Insn i) {
        c.mem.write32(c.ea(i), c.mxcsr);
    }

    private static int xmmCount(X86Cpu c) {
        return c.codeBits == 64 ? 16 : 8;
    }

    public static void fxsave(X86Cpu c, Insn i) {
        long a = Sse.aligned(c, i);
        // Probe both ends for writing: the image spans at most two pages.
        c.mem.write8(a, c.mem.read8(a));
        c.mem.write8(a + 511, c.mem.read8(a + 511));
        X87 f = c.fpu;
        c.mem.write16(a, f.fcw);
        c.mem.write16(a + 2, f.statusWord());
        int abridged = 0;
        for (int p = 0; p < 8; p++) if (((f.ftw >> (2 * p)) & 3) != 3) abridged |= 1 << p;
        c.mem.write16(a + 4, abridged);
        c.mem.write16(a + 6, f.fop & 0x7ff);
        if (i.has(Insn.P_REXW)) {
            c.mem.write64(a + 8, f.fip);
            c.mem.write64(a + 16, f.fdp);
        } else {
            c.mem.write32(a + 8, (int) f.fip);
            c.mem.write32(a + 12, f.fcs & 0xffff);
            c.mem.write32(a + 16, (int) f.fdp);
            c.mem.write32(a + 20, f.fds & 0xffff);
        }
        c.mem.write32(a + 24, c.mxcsr);
        c.mem.write32(a + 28, MXCSR_MASK);
        for (int k = 0; k < 8; k++) {
            int p = (f.top + k) & 7;
            long e = a + 32 + 16L * k;
            c.mem.write64(e, f.sig[p]);
            c.mem.write16(e + 8, f.se[p]);
            c.mem.write16(e + 10, 0);
            c.mem.write32(e + 12, 0);
        }
        int n = xmmCount(c);
        for (int k = 0; k < n; k++) {
            c.mem.write64(a + 160 + 16L * k, c.xmm[2 * k]);
            c.mem.write64(a + 168 + 16L * k, c.xmm[2 * k + 1]);
        }
    }

    public static void fxrstor(X86Cpu c, Insn i) {
        long a = Sse.aligned(c, i);
        c.mem.read8(a);
        c.mem.read8(a + 511);
        int mx = c.mem.read32(a + 24);
        if ((mx & ~MXCSR_MASK) != 0) throw X86Exception.gp0();
        X87 f = c.fpu;
        f.fcw = c.mem.read16(a);
        int sw = c.mem.read16(a + 2);
        f.top = (sw >> 11) & 7;
        f.fsw = sw & ~0x3800;
        int abridged = c.mem.read8(a + 4);
        f.fop = c.mem.read16(a + 6) & 0x7ff;
        if (i.has(Insn.P_REXW)) {
            f.fip = c.mem.read64(a + 8);
            f.fdp = c.mem.read64(a + 16);
        } else {
            f.fip = c.mem.read32(a + 8) & 0xffffffffL;
            f.fcs = c.mem.read16(a + 12);
            f.fdp = c.mem.read32(a + 16) & 0xffffffffL;
            f.fds = c.mem.read16(a + 20);
        }
        c.mxcsr = mx;
        for (int k = 0; k < 8; k++) {
            int p = (f.top + k) & 7;
            long e = a + 32 + 16L * k;
            f.sig[p] = c.mem.read64(e);
            f.se[p] = c.mem.read16(e + 8);
        }
        int ftw = 0;
        for (int p = 0; p < 8; p++) {
            int tag = (abridged >> p & 1) == 0 ? 3 : tagOf(f.se[p], f.sig[p]);
            ftw |= tag << (2 * p);
        }
        f.ftw = ftw;
        int n = xmmCount(c);
        for (int k = 0; k < n; k++) {
            c.xmm[2 * k] = c.mem.read64(a + 160 + 16L * k);
            c.xmm[2 * k + 1] = c.mem.read64(a + 168 + 16L * k);
        }
    }

    /** The full x87 tag of a non-empty register: 0 valid, 1 zero, 2 special (NaN, infinity, denormal, unnormal). */
    static int tagOf(int se, long sig) {
        int exp = se & 0x7fff;
        if (exp == 0x7fff) return 2;
        if (exp == 0) return sig == 0 ? 1 : 2;
        return sig < 0 ? 0 : 2;
    }
}
