package dev.jemu.target.x86.system;

import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.SegmentUnit;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * Segment descriptors in protected and long mode: reading them from the GDT/LDT, the checks of each kind of
 * segment load, and the descriptor cache. A descriptor is handled as its two dwords (lo, hi) packed in a long
 * (lo in the low half). {@code X86Cpu.segAttr} holds the descriptor's attribute bits as the CPU keeps them
 * (like VMX access rights): bits 0-3 type, 4 S, 5-6 DPL, 7 P, 12 AVL, 13 L, 14 D/B, 15 G, i.e.
 * {@code (hi >> 8) & 0xf0ff}. A null selector loaded into a data register leaves attr 0 (not present).
 */
public final class Seg {
    private Seg() {}

    public static final int A_ACCESSED = 1, A_WRITE = 2, A_CONFORM = 4, A_CODE = 8, A_S = 0x10, A_P = 0x80,
            A_L = 0x2000, A_DB = 0x4000, A_G = 0x8000;

    /** The protected-mode rules for MOV/POP Sreg, LDS... */
    public static final SegmentUnit PROTECTED = Seg::loadData;

    // ---- descriptor fields ----

    public static int attr(long d) {
        return (int) (d >>> 40) & 0xf0ff;
    }

    public static long base(long d) {
        return ((d >>> 16) & 0xffffff) | ((d >>> 32) & 0xff000000L);
    }

    public static int limit(long d) {
        int l = (int) (d & 0xffff) | (int) ((d >>> 32) & 0xf0000);
        return (d & (1L << 55)) != 0 ? (l << 12) | 0xfff : l;
    }

    public static int dpl(int attr) {
        return (attr >> 5) & 3;
    }

    public static boolean isCode(int attr) {
        return (attr & (A_S | A_CODE)) == (A_S | A_CODE);
    }

    public static boolean isData(int attr) {
        return (attr & (A_S | A_CODE)) == A_S;
    }

    /** System descriptor type (S = 0): the low 4 bits, or -1 for a code/data descriptor. */
    public static int systemType(int attr) {
        return (attr & A_S) != 0 ? -1 : attr & 0xf;
    }

    // ---- privilege and implicit supervisor accesses ----

    /** Memory for the CPU's implicit supervisor accesses (GDT, LDT, IDT, TSS, inner stacks) whatever the CPL. */
    public static SoftMmu sys(X86Cpu c) {
        return c.supervisorMem();
    }

    /** Changes the CPL (and with it the TLB that memory accesses use). */
    public static void setCpl(X86Cpu c, int cpl) {
        c.setCpl(cpl);
    }

    // ---- tables ----

    /** What {@link #address} returns for a selector beyond the table's limit (never a descriptor's address: unaligned). */
    public static final long BEYOND_LIMIT = -1;

    /**
     * Linear address of the descriptor for {@code sel}, or {@link #BEYOND_LIMIT}. Compare with it, not with 0:
     * a 64-bit kernel's tables live at negative (upper-half) addresses.
     */
    public static long address(X86Cpu c, int sel, int bytes) {
        int index = sel & 0xfff8;
        long base;
        int limit;
        if ((sel & 4) != 0) {
            if ((c.ldtrSel & 0xfffc) == 0 || (c.ldtrAttr & A_P) == 0) return BEYOND_LIMIT;
            base = c.ldtrBase;
            limit = c.ldtrLimit;
        } else {
            base = c.gdtBase;
            limit = c.gdtLimit;
        }
        if (Integer.toUnsignedLong(index) + bytes - 1 > Integer.toUnsignedLong(limit)) return BEYOND_LIMIT;
        long a = base + index;
        return (c.efer & 0x400) != 0 ? a : a & 0xffffffffL;
    }

    /** The descriptor for {@code sel}; throws {@code vector(sel & 0xfffc | ext)} if beyond the table's limit. */
    public static long read(X86Cpu c, int sel, int vector, int ext) {
        long a = address(c, sel, 8);
        if (a == BEYOND_LIMIT) throw X86Exception.fault(vector, (sel & 0xfffc) | ext);
        return sys(c).read64(a);
    }

    /** The high 8 bytes of a 16-byte (long mode) system descriptor for {@code sel}. */
    public static long readHigh(X86Cpu c, int sel, int vector, int ext) {
        long a = address(c, sel, 16);
        if (a == BEYOND_LIMIT) throw X86Exception.fault(vector, (sel & 0xfffc) | ext);
        return sys(c).read64(a + 8);
    }

    /** Sets the accessed bit of a code/data descriptor in memory, as the CPU does on a load. */
    public static void setAccessed(X86Cpu c, int sel, long d) {
        if ((d & (1L << 40)) != 0) return;
        long a = address(c, sel, 8);
        sys(c).write32(a + 4, (int) (d >>> 32) | 0x100);
    }

    /** Fills the descriptor cache of {@code seg}. */
    public static void cache(X86Cpu c, int seg, int sel, long d) {
        c.segSel[seg] = sel & 0xffff;
        c.segBase[seg] = base(d);
        c.segLimit[seg] = limit(d);
        c.segAttr[seg] = attr(d) | A_ACCESSED;
    }

    public static void cacheNull(X86Cpu c, int seg, int sel) {
        c.segSel[seg] = sel & 0xffff;
        c.segBase[seg] = 0;
        c.segLimit[seg] = 0;
        c.segAttr[seg] = 0;
    }

    /** Real-mode / virtual-8086 style cache: base = sel * 16, a 64 KiB present writable data segment. */
    public static void cacheReal(X86Cpu c, int seg, int sel, int dpl) {
        c.segSel[seg] = sel & 0xffff;
        c.segBase[seg] = (long) (sel & 0xffff) << 4;
        c.segLimit[seg] = 0xffff;
        c.segAttr[seg] = A_P | A_S | A_WRITE | A_ACCESSED | (dpl << 5) | (seg == X86Cpu.CS ? A_CODE : 0);
    }

    // ---- loads ----

    /** MOV/POP/LxS to a data segment register or SS in protected mode, with every check. */
    public static void loadData(X86Cpu c, int seg, int sel) {
        int cpl = c.cpl, rpl = sel & 3;
        if (seg == X86Cpu.SS) {
            if ((sel & 0xfffc) == 0) {
                // 64-bit mode allows a null SS below ring 3 (RPL must equal CPL).
                if (c.codeBits == 64 && cpl != 3 && rpl == cpl) {
                    cacheNull(c, seg, sel);
                    c.segAttr[seg] = (cpl << 5) | A_P | A_S | A_WRITE | A_DB; // usable as a flat stack
                    c.interruptShadowEnd = c.rip;
                    return;
                }
                throw X86Exception.gp0();
            }
            long d = read(c, sel, X86Exception.GP, 0);
            int a = attr(d);
            if (rpl != cpl || !isData(a) || (a & A_WRITE) == 0 || dpl(a) != cpl)
                throw X86Exception.fault(X86Exception.GP, sel & 0xfffc);
            if ((a & A_P) == 0) throw X86Exception.fault(X86Exception.SS, sel & 0xfffc);
            setAccessed(c, sel, d);
            cache(c, seg, sel, d);
            c.stackSize = c.codeBits == 64 ? 8 : (a & A_DB) != 0 ? 4 : 2;
            c.interruptShadowEnd = c.rip;
            return;
        }
        if ((sel & 0xfffc) == 0) {
            cacheNull(c, seg, sel);
            return;
        }
        long d = read(c, sel, X86Exception.GP, 0);
        int a = attr(d);
        if ((a & A_S) == 0 || (isCode(a) && (a & A_WRITE) == 0)) throw X86Exception.fault(X86Exception.GP, sel & 0xfffc);
        if ((isData(a) || (a & A_CONFORM) == 0) && (rpl > dpl(a) || cpl > dpl(a)))
            throw X86Exception.fault(X86Exception.GP, sel & 0xfffc);
        if ((a & A_P) == 0) throw X86Exception.fault(X86Exception.NP, sel & 0xfffc);
        setAccessed(c, sel, d);
        cache(c, seg, sel, d);
    }

    /**
     * Checks a stack segment for a privilege change (from a TSS or popped by RET/IRET): {@code vector} is #TS
     * for a TSS stack and #GP for a popped one; not present is #SS. Returns the descriptor.
     */
    public static long checkStack(X86Cpu c, int sel, int rplWanted, int vector, int ext) {
        if ((sel & 0xfffc) == 0) throw X86Exception.fault(vector, ext);
        long d = read(c, sel, vector, ext);
        int a = attr(d);
        if ((sel & 3) != rplWanted || dpl(a) != rplWanted || !isData(a) || (a & A_WRITE) == 0)
            throw X86Exception.fault(vector, (sel & 0xfffc) | ext);
        if ((a & A_P) == 0) throw X86Exception.fault(X86Exception.SS, (sel & 0xfffc) | ext);
        return d;
    }

    /** After a return to an outer level: data registers the new CPL may not use become null (SDM RET/IRET). */
    public static void validateDataSegments(X86Cpu c) {
        for (int s : new int[] {X86Cpu.ES, X86Cpu.DS, X86Cpu.FS, X86Cpu.GS}) {
            int a = c.segAttr[s];
            if ((isData(a) || (isCode(a) && (a & A_CONFORM) == 0)) && dpl(a) < c.cpl) cacheNull(c, s, 0);
        }
    }

    /** Sets the CS cache for a far transfer (selector RPL becomes the new CPL) and the modes that follow. */
    public static void loadCs(X86Cpu c, int sel, long d, int cpl) {
        cache(c, X86Cpu.CS, (sel & 0xfffc) | cpl, d);
        setCpl(c, cpl);
        Modes.refresh(c);
    }

    /** The limit check of a far transfer's target (not in 64-bit code). */
    public static void checkLimit(long rip, long d, boolean to64) {
        if (!to64 && Long.compareUnsigned(rip, Integer.toUnsignedLong(limit(d))) > 0) throw X86Exception.gp0();
    }
}
