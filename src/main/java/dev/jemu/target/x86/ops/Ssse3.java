package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.sse.Lanes;

import static dev.jemu.target.x86.sse.Lanes.*;

/** SSSE3 (maps 0F 38 and 0F 3A) on XMM registers; the MMX forms are registered by {@link Mmx}. */
public final class Ssse3 {
    private Ssse3() {}

    private static int a(int kind, int op) {
        return kind << 8 | op;
    }

    /** Rows of map 0F 38 shared by the MMX (NP) and XMM (66) forms. */
    static final Object[][] BINARY = {
            {"01", "PHADDW", a(HORIZ, PHADDW)}, {"02", "PHADDD", a(HORIZ, PHADDD)},
            {"03", "PHADDSW", a(HORIZ, PHADDSW)}, {"04", "PMADDUBSW", a(LANE, PMADDUBSW)},
            {"05", "PHSUBW", a(HORIZ, PHSUBW)}, {"06", "PHSUBD", a(HORIZ, PHSUBD)},
            {"07", "PHSUBSW", a(HORIZ, PHSUBSW)}, {"08", "PSIGNB", a(LANE, PSIGNB)},
            {"09", "PSIGNW", a(LANE, PSIGNW)}, {"0A", "PSIGND", a(LANE, PSIGND)},
            {"0B", "PMULHRSW", a(LANE, PMULHRSW)}, {"1C", "PABSB", a(LANE, PABSB)},
            {"1D", "PABSW", a(LANE, PABSW)}, {"1E", "PABSD", a(LANE, PABSD)},
    };

    public static void register(OpcodeTable t) {
        for (Object[] r : BINARY) t.add("66 0F 38 " + r[0] + " /r", r[1] + " Vx,Wx", SseInt::op, (Integer) r[2]);
        t.add("66 0F 38 00 /r", "PSHUFB Vx,Wx", Ssse3::pshufb);
        t.add("66 0F 3A 0F /r", "PALIGNR Vx,Wx,Ib", Ssse3::palignr);
    }

    public static void pshufb(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long clo = Sse.wlo(c, i, m), chi = Sse.whi(c, i, m);
        int d = 2 * i.reg;
        long lo = c.xmm[d], hi = c.xmm[d + 1];
        c.xmm[d] = Lanes.pshufb128(lo, hi, clo);
        c.xmm[d + 1] = Lanes.pshufb128(lo, hi, chi);
    }

    /** PALIGNR: the 32-byte value V:W shifted right by imm bytes, low 16 bytes. */
    public static void palignr(X86Cpu c, Insn i) {
        long m = Sse.waddr(c, i);
        long w0 = Sse.wlo(c, i, m), w1 = Sse.whi(c, i, m);
        int d = 2 * i.reg;
        long w2 = c.xmm[d], w3 = c.xmm[d + 1];
        int n = (int) i.imm & 0xff;
        c.xmm[d] = bytesAt(w0, w1, w2, w3, n);
        c.xmm[d + 1] = bytesAt(w0, w1, w2, w3, n + 8);
    }

    /** Eight bytes starting at byte n of the little-endian 32-byte value w0..w3 (zeros past the end). */
    private static long bytesAt(long w0, long w1, long w2, long w3, int n) {
        if (n >= 32) return 0;
        int q = n >> 3, sh = 8 * (n & 7);
        long x = q == 0 ? w0 : q == 1 ? w1 : q == 2 ? w2 : w3;
        long y = q == 0 ? w1 : q == 1 ? w2 : q == 2 ? w3 : 0;
        return sh == 0 ? x : (x >>> sh) | (y << (64 - sh));
    }
}
