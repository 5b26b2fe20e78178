package dev.jemu.user.linux;

import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X87;

/**
 * The x87/SSE state in signal frames: the 512-byte FXSAVE image (the kernel's {@code fxregs_state}), and for
 * i386 frames the legacy FSAVE header in front of it. Written and read through {@link GuestMemory}, so a bad
 * frame address is a {@link GuestMemory.Fault}.
 */
final class FpuImage {
    private FpuImage() {}

    static final int SIZE = 512;
    /** Size of the i386 {@code struct _fpstate_32} header before the FXSAVE image. */
    static final int LEGACY_HEADER = 112;

    /** Writes the FXSAVE image ({@code wide}: 64-bit FIP/FDP, as FXSAVE64 does). */
    static void save(X86Cpu c, GuestMemory m, long a, boolean wide) {
        byte[] img = new byte[SIZE];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(img).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        X87 f = c.fpu;
        b.putShort(0, (short) f.fcw);
        b.putShort(2, (short) f.statusWord());
        b.put(4, (byte) abridgedTag(f));
        b.putShort(6, (short) (f.fop & 0x7ff));
        if (wide) {
            b.putLong(8, f.fip);
            b.putLong(16, f.fdp);
        } else {
            b.putInt(8, (int) f.fip);
            b.putInt(12, f.fcs & 0xffff);
            b.putInt(16, (int) f.fdp);
            b.putInt(20, f.fds & 0xffff);
        }
        b.putInt(24, c.mxcsr);
        b.putInt(28, 0xffff); // MXCSR_MASK
        for (int k = 0; k < 8; k++) {
            int p = (f.top + k) & 7;
            b.putLong(32 + 16 * k, f.sig[p]);
            b.putShort(40 + 16 * k, (short) f.se[p]);
        }
        int n = wide ? 16 : 8;
        for (int k = 0; k < n; k++) {
            b.putLong(160 + 16 * k, c.xmm[2 * k]);
            b.putLong(168 + 16 * k, c.xmm[2 * k + 1]);
        }
        m.write(a, img);
    }

    /** Loads the state from an FXSAVE image. */
    static void restore(X86Cpu c, GuestMemory m, long a, boolean wide) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(m.read(a, SIZE)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        X87 f = c.fpu;
        f.fcw = b.getShort(0) & 0xffff;
        int sw = b.getShort(2) & 0xffff;
        f.top = (sw >> 11) & 7;
        f.fsw = sw & ~0x3800;
        int abridged = b.get(4) & 0xff;
        f.fop = b.getShort(6) & 0x7ff;
        if (wide) {
            f.fip = b.getLong(8);
            f.fdp = b.getLong(16);
        } else {
            f.fip = b.getInt(8) & 0xffffffffL;
            f.fcs = b.getShort(12) & 0xffff;
            f.fdp = b.getInt(16) & 0xffffffffL;
            f.fds = b.getShort(20) & 0xffff;
        }
        c.mxcsr = b.getInt(24) & 0xffff; // reserved bits are cleared, as the kernel sanitizes them
        for (int k = 0; k < 8; k++) {
            int p = (f.top + k) & 7;
            f.sig[p] = b.getLong(32 + 16 * k);
            f.se[p] = b.getShort(40 + 16 * k) & 0xffff;
        }
        int ftw = 0;
        for (int p = 0; p < 8; p++) {
            int tag = ((abridged >> p) & 1) == 0 ? 3 : tagOf(f.se[p], f.sig[p]);
            ftw |= tag << (2 * p);
        }
        f.ftw = ftw;
        int n = wide ? 16 : 8;
        for (int k = 0; k < n; k++) {
            c.xmm[2 * k] = b.getLong(160 + 16 * k);
            c.xmm[2 * k + 1] = b.getLong(168 + 16 * k);
        }
    }

    /** Writes the i386 legacy header (FSAVE-style environment and registers; magic 0 = FXSR data follows). */
    static void saveLegacyHeader(X86Cpu c, GuestMemory m, long a) {
        byte[] img = new byte[LEGACY_HEADER];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(img).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        X87 f = c.fpu;
        b.putInt(0, f.fcw | 0xffff0000);
        b.putInt(4, f.statusWord() | 0xffff0000);
        b.putInt(8, f.ftw | 0xffff0000);
        b.putInt(12, (int) f.fip);
        b.putInt(16, (f.fcs & 0xffff) | ((f.fop & 0x7ff) << 16));
        b.putInt(20, (int) f.fdp);
        b.putInt(24, f.fds | 0xffff0000);
        for (int k = 0; k < 8; k++) {
            int p = (f.top + k) & 7;
            b.putLong(28 + 10 * k, f.sig[p]);
            b.putShort(36 + 10 * k, (short) f.se[p]);
        }
        b.putShort(108, (short) f.statusWord());
        b.putShort(110, (short) 0); // X86_FXSR_MAGIC
        m.write(a, img);
    }

    /** Reads an i386 {@code _fpstate_32}: the FXSAVE part if present (magic 0), else the legacy registers. */
    static void restoreLegacy(X86Cpu c, GuestMemory m, long a) {
        int magic = m.readShort(a + 110);
        if (magic != 0xffff) {
            restore(c, m, a + LEGACY_HEADER, false);
            return;
        }
        X87 f = c.fpu;
        f.fcw = m.readShort(a);
        int sw = m.readShort(a + 4);
        f.top = (sw >> 11) & 7;
        f.fsw = sw & ~0x3800;
        f.ftw = m.readShort(a + 8);
        f.fip = m.readInt(a + 12) & 0xffffffffL;
        int cs = m.readInt(a + 16);
        f.fcs = cs & 0xffff;
        f.fop = (cs >>> 16) & 0x7ff;
        f.fdp = m.readInt(a + 20) & 0xffffffffL;
        f.fds = m.readShort(a + 24);
        for (int k = 0; k < 8; k++) {
            int p = (f.top + k) & 7;
            f.sig[p] = m.readLong(a + 28 + 10 * k);
            f.se[p] = m.readShort(a + 36 + 10 * k);
        }
    }

    /** The state a signal handler starts with (the kernel clears the user FPU state): FNINIT and MXCSR reset. */
    static void resetForHandler(X86Cpu c) {
        c.fpu.reset();
        java.util.Arrays.fill(c.fpu.se, 0);
        java.util.Arrays.fill(c.fpu.sig, 0);
        c.mxcsr = 0x1f80;
        java.util.Arrays.fill(c.xmm, 0);
    }

    private static int abridgedTag(X87 f) {
        int t = 0;
        for (int p = 0; p < 8; p++) if (((f.ftw >> (2 * p)) & 3) != 3) t |= 1 << p;
        return t;
    }

    /** The full x87 tag of a non-empty register: 0 valid, 1 zero, 2 special. */
    private static int tagOf(int se, long sig) {
        int exp = se & 0x7fff;
        if (exp == 0x7fff) return 2;
        if (exp == 0) return sig == 0 ? 1 : 2;
        return sig < 0 ? 0 : 2;
    }
}
