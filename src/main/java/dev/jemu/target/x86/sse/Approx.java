package dev.jemu.target.x86.sse;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * RCPPS/RCPSS and RSQRTPS/RSQRTSS. The architecture only bounds their error (1.5 * 2^-12), and vendors
 * differ; jemu reproduces AMD Zen (measured on an EPYC), whose result depends only on the top 12 bits of the
 * significand (and, for the square root, the exponent's parity) and has a 12-bit significand. The tables
 * (zen-rcp-rsqrt.bin) hold those 4096 + 8192 entries. Zero and denormal inputs give infinity, results that
 * would be denormal are flushed to zero, NaNs are quieted, and no MXCSR flags are raised.
 */
public final class Approx {
    private Approx() {}

    /** RCP: the 12-bit fraction of 1/x (exponent fixed) for x = 1.f, by the top 12 bits of f. */
    private static final char[] RCP = new char[4096];
    /** RSQRT for x in [0.5, 2): bit 12 = result exponent - 126, bits 11..0 the fraction. */
    private static final char[] RSQ = new char[8192];

    static {
        try (InputStream in = Approx.class.getResourceAsStream("zen-rcp-rsqrt.bin")) {
            DataInputStream d = new DataInputStream(in);
            for (int k = 0; k < RCP.length; k++) RCP[k] = d.readChar();
            for (int k = 0; k < RSQ.length; k++) RSQ[k] = d.readChar();
        } catch (IOException | NullPointerException e) {
            throw new ExceptionInInitializerError("missing zen-rcp-rsqrt.bin");
        }
    }

    public static int approx(boolean sqrt, int a) {
        return sqrt ? rsqrt(a) : rcp(a);
    }

    public static int rcp(int a) {
        int sign = a & 0x80000000, e = (a >>> 23) & 0xff, frac = a & 0x7fffff;
        if (e == 0xff) return frac != 0 ? a | 0x400000 : sign;
        if (e == 0) return sign | 0x7f800000;
        int re = 253 - e;
        if (re <= 0) return sign;
        return sign | re << 23 | RCP[frac >>> 11] << 11;
    }

    public static int rsqrt(int a) {
        int sign = a & 0x80000000, e = (a >>> 23) & 0xff, frac = a & 0x7fffff;
        if (e == 0xff && frac != 0) return a | 0x400000;
        if (e == 0) return sign | 0x7f800000;
        if (sign != 0) return SimdFp.QNAN32;
        if (e == 0xff) return 0;
        int j, idx;
        if ((e & 1) != 0) {
            j = (e - 127) / 2;
            idx = 4096 + (frac >>> 11);
        } else {
            j = (e - 126) / 2;
            idx = frac >>> 11;
        }
        int v = RSQ[idx];
        return (126 + (v >> 12) - j) << 23 | (v & 0xfff) << 11;
    }
}
