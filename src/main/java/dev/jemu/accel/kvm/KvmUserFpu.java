package dev.jemu.accel.kvm;

import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X87;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * struct kvm_fpu (the FXSAVE image's fields: ST(i) in stack order, abridged tag word, XMM0-15, MXCSR) to and
 * from the X86Cpu's x87/SSE state, the way signal frames convert the FXSAVE image.
 */
final class KvmUserFpu {
    private KvmUserFpu() {}

    private static final long FCW = 128, FSW = 130, FTWX = 132, FOP = 134, FIP = 136, FDP = 144, XMM = 152, MXCSR = 408;

    static void fromCpu(X86Cpu c, MemorySegment m) {
        X87 f = c.fpu;
        m.fill((byte) 0);
        for (int k = 0; k < 8; k++) {
            int p = (f.top + k) & 7;
            m.set(JAVA_LONG, 16L * k, f.sig[p]);
            m.set(JAVA_SHORT, 16L * k + 8, (short) f.se[p]);
        }
        m.set(JAVA_SHORT, FCW, (short) f.fcw);
        m.set(JAVA_SHORT, FSW, (short) f.statusWord());
        int abridged = 0;
        for (int p = 0; p < 8; p++) if (((f.ftw >> (2 * p)) & 3) != X87.TAG_EMPTY) abridged |= 1 << p;
        m.set(JAVA_BYTE, FTWX, (byte) abridged);
        m.set(JAVA_SHORT, FOP, (short) (f.fop & 0x7ff));
        m.set(JAVA_LONG, FIP, f.fip);
        m.set(JAVA_LONG, FDP, f.fdp);
        for (int k = 0; k < 32; k++) m.set(JAVA_LONG, XMM + 8L * k, c.xmm[k]);
        m.set(JAVA_INT, MXCSR, c.mxcsr);
    }

    static void toCpu(MemorySegment m, X86Cpu c) {
        X87 f = c.fpu;
        f.fcw = m.get(JAVA_SHORT, FCW) & 0xffff;
        int sw = m.get(JAVA_SHORT, FSW) & 0xffff;
        f.top = (sw >> 11) & 7;
        f.fsw = sw & ~0x3800;
        int abridged = m.get(JAVA_BYTE, FTWX) & 0xff;
        f.fop = m.get(JAVA_SHORT, FOP) & 0x7ff;
        f.fip = m.get(JAVA_LONG, FIP);
        f.fdp = m.get(JAVA_LONG, FDP);
        for (int k = 0; k < 8; k++) {
            int p = (f.top + k) & 7;
            f.sig[p] = m.get(JAVA_LONG, 16L * k);
            f.se[p] = m.get(JAVA_SHORT, 16L * k + 8) & 0xffff;
        }
        int ftw = 0;
        for (int p = 0; p < 8; p++) {
            int tag = ((abridged >> p) & 1) == 0 ? X87.TAG_EMPTY : tagOf(f.se[p], f.sig[p]);
            ftw |= tag << (2 * p);
        }
        f.ftw = ftw;
        for (int k = 0; k < 32; k++) c.xmm[k] = m.get(JAVA_LONG, XMM + 8L * k);
        c.mxcsr = m.get(JAVA_INT, MXCSR);
    }

    /** The full tag of a non-empty register: zero, special (NaN, infinity, denormal, unnormal) or valid. */
    private static int tagOf(int se, long sig) {
        int exp = se & 0x7fff;
        if (exp == 0) return sig == 0 ? X87.TAG_ZERO : X87.TAG_SPECIAL;
        if (exp == 0x7fff || sig >= 0) return X87.TAG_SPECIAL;
        return X87.TAG_VALID;
    }
}
