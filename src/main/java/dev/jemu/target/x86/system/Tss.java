package dev.jemu.target.x86.system;

import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/** Reads the stack pointers of the current task's TSS (16-, 32- and 64-bit formats). */
final class Tss {
    private Tss() {}

    static boolean is32(X86Cpu c) {
        return (c.trAttr & 8) != 0;
    }

    private static long addr(X86Cpu c, int offset) {
        long a = c.trBase + offset;
        return (c.efer & Modes.EFER_LMA) != 0 ? a : a & 0xffffffffL;
    }

    /** SS:ESP for privilege level {@code dpl} from a 16/32-bit TSS: returns ss << 32 | esp. #TS(TR) if the TSS is too short. */
    static long stackFor(X86Cpu c, int dpl, int ext) {
        boolean t32 = is32(c);
        int index = t32 ? dpl * 8 + 4 : dpl * 4 + 2;
        int size = t32 ? 8 : 4;
        if ((c.trAttr & Seg.A_P) == 0 || index + size - 1 > c.trLimit)
            throw X86Exception.fault(X86Exception.TS, (c.trSel & 0xfffc) | ext);
        long sp = t32 ? Seg.sys(c).read32(addr(c, index)) & 0xffffffffL : Seg.sys(c).read16(addr(c, index));
        long ss = Seg.sys(c).read16(addr(c, index + (t32 ? 4 : 2)));
        return ss << 32 | sp;
    }

    /** RSPn (ist = 0) or ISTn (ist 1..7) from a 64-bit TSS. */
    static long stack64(X86Cpu c, int dpl, int ist, int ext) {
        int index = ist != 0 ? 0x1c + 8 * ist : 4 + 8 * dpl;
        if (index + 7 > c.trLimit) throw X86Exception.fault(X86Exception.TS, (c.trSel & 0xfffc) | ext);
        return Seg.sys(c).read64(addr(c, index));
    }

    /** The I/O permission bitmap: true if every port of [port, port+size) is allowed (32-bit TSS only). */
    static boolean ioAllowed(X86Cpu c, int port, int size) {
        if (!is32(c) || (c.trAttr & Seg.A_P) == 0 || c.trLimit < 0x67) return false;
        int base = Seg.sys(c).read16(addr(c, 0x66));
        int byteOff = base + (port >> 3);
        if (byteOff + 1 > c.trLimit) return false;
        int bits = Seg.sys(c).read16(addr(c, byteOff));
        int mask = ((1 << size) - 1) << (port & 7);
        return (bits & mask) == 0;
    }
}
