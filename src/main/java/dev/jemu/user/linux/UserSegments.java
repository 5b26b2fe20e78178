package dev.jemu.user.linux;

import dev.jemu.target.x86.SegmentUnit;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * Segment loading in Linux user mode: the flat user selectors, and the thread's TLS entries installed with
 * set_thread_area (GDT entries 12..14, as an x86-64 kernel numbers them for 32-bit tasks), whose bases glibc
 * reaches through GS.
 */
public final class UserSegments implements SegmentUnit {
    public static final int TLS_FIRST = 12, TLS_COUNT = 3;
    private final boolean is64;
    /** Base and limit of the TLS GDT entries, per thread (copied on clone). */
    public final long[] tlsBase = new long[TLS_COUNT];
    public final long[] tlsLimit = new long[TLS_COUNT];
    public final boolean[] tlsPresent = new boolean[TLS_COUNT];
    /** The user_desc flag bits of each entry (seg_32bit, contents, read_exec_only, limit_in_pages, useable). */
    private final int[] tlsFlags = new int[TLS_COUNT];
    /** The user_desc limit field as given (20 bits; in pages when limit_in_pages). */
    private final int[] tlsRawLimit = new int[TLS_COUNT];

    public UserSegments(boolean is64) {
        this.is64 = is64;
    }

    @Override
    public void load(X86Cpu cpu, int seg, int selector) {
        int index = selector >> 3;
        boolean ldt = (selector & 4) != 0;
        if (selector < 4) {
            if (seg == X86Cpu.SS) throw X86Exception.fault(X86Exception.GP, selector & ~3);
            cpu.segSel[seg] = selector;
            if (!is64) cpu.segBase[seg] = 0;
            return;
        }
        if (ldt) throw X86Exception.fault(X86Exception.GP, selector & ~3);
        if (index >= TLS_FIRST && index < TLS_FIRST + TLS_COUNT && tlsPresent[index - TLS_FIRST]) {
            cpu.segSel[seg] = selector;
            cpu.segBase[seg] = tlsBase[index - TLS_FIRST];
            cpu.segLimit[seg] = (int) tlsLimit[index - TLS_FIRST];
            return;
        }
        // The flat user code and data selectors of Linux.
        if (selector == 0x23 || selector == 0x2b || selector == 0x33) {
            cpu.segSel[seg] = selector;
            cpu.segBase[seg] = 0;
            return;
        }
        throw X86Exception.fault(X86Exception.GP, selector & ~3);
    }

    public UserSegments copy() {
        UserSegments c = new UserSegments(is64);
        System.arraycopy(tlsBase, 0, c.tlsBase, 0, TLS_COUNT);
        System.arraycopy(tlsLimit, 0, c.tlsLimit, 0, TLS_COUNT);
        System.arraycopy(tlsPresent, 0, c.tlsPresent, 0, TLS_COUNT);
        System.arraycopy(tlsFlags, 0, c.tlsFlags, 0, TLS_COUNT);
        System.arraycopy(tlsRawLimit, 0, c.tlsRawLimit, 0, TLS_COUNT);
        return c;
    }

    // ---- set_thread_area / get_thread_area (struct user_desc) ----

    // struct user_desc {u32 entry_number, base_addr, limit; u32 seg_32bit:1, contents:2, read_exec_only:1,
    // limit_in_pages:1, seg_not_present:1, useable:1, lm:1;}
    private static final int SEG_32BIT = 1, CONTENTS = 6, READ_EXEC_ONLY = 8, LIMIT_IN_PAGES = 16,
            SEG_NOT_PRESENT = 32, USEABLE = 64;
    static final int USER_DESC_SIZE = 16;

    /** Linux's LDT_empty() / LDT_zero(): a descriptor that clears the entry. */
    private static boolean clears(long base, int limit, int flags) {
        // Only the named bits count: C leaves the rest of the bit-field word (lm and up) undefined.
        boolean empty = base == 0 && limit == 0 && (flags & 0x7f) == (READ_EXEC_ONLY | SEG_NOT_PRESENT);
        boolean zero = base == 0 && limit == 0 && (flags & 0x7f) == 0;
        return empty || zero;
    }

    /**
     * set_thread_area: installs the user_desc at {@code uinfo} (entry_number -1 picks a free TLS entry and
     * writes its number back). Segment registers holding the entry's selector are reloaded, as Linux does.
     */
    public static long setThreadArea(X86Cpu cpu, GuestMemory m, long uinfo) {
        int entry = m.readInt(uinfo);
        long base = m.readInt(uinfo + 4) & 0xffffffffL;
        int limit = m.readInt(uinfo + 8);
        int flags = m.readInt(uinfo + 12);
        UserSegments us = (UserSegments) cpu.segments;
        boolean clear = clears(base, limit, flags);
        // tls_desc_okay(): 32-bit, data (contents 0 or 1) and present, unless it clears the entry.
        if (!clear && ((flags & SEG_32BIT) == 0 || ((flags & CONTENTS) >> 1) > 1 || (flags & SEG_NOT_PRESENT) != 0)) {
            return -Errno.EINVAL;
        }
        if (entry == -1) {
            for (int k = 0; k < TLS_COUNT && entry == -1; k++) if (!us.tlsPresent[k]) entry = TLS_FIRST + k;
            if (entry == -1) return -Errno.ESRCH;
            m.writeInt(uinfo, entry);
        }
        if (entry < TLS_FIRST || entry >= TLS_FIRST + TLS_COUNT) return -Errno.EINVAL;
        int k = entry - TLS_FIRST;
        if (clear) {
            us.tlsPresent[k] = false;
            us.tlsBase[k] = 0;
            us.tlsLimit[k] = 0;
            us.tlsFlags[k] = 0;
            us.tlsRawLimit[k] = 0;
        } else {
            int raw = limit & 0xfffff;
            us.tlsPresent[k] = true;
            us.tlsBase[k] = base;
            us.tlsRawLimit[k] = raw;
            us.tlsLimit[k] = (flags & LIMIT_IN_PAGES) != 0 ? ((long) raw << 12) | 0xfff : raw;
            us.tlsFlags[k] = flags & (SEG_32BIT | CONTENTS | READ_EXEC_ONLY | LIMIT_IN_PAGES | USEABLE);
        }
        int sel = (entry << 3) | 3;
        for (int s : new int[] {X86Cpu.DS, X86Cpu.ES, X86Cpu.FS, X86Cpu.GS}) {
            if (cpu.segSel[s] != sel) continue;
            if (us.tlsPresent[k]) {
                cpu.segBase[s] = us.tlsBase[k];
                cpu.segLimit[s] = (int) us.tlsLimit[k];
            } else {
                // The kernel's reload of a now-empty selector fails and leaves the null selector.
                cpu.segSel[s] = 0;
                cpu.segBase[s] = 0;
            }
        }
        return 0;
    }

    /** get_thread_area: fills the user_desc for the entry named by its entry_number. */
    public static long getThreadArea(X86Cpu cpu, GuestMemory m, long uinfo) {
        int entry = m.readInt(uinfo);
        if (entry < TLS_FIRST || entry >= TLS_FIRST + TLS_COUNT) return -Errno.EINVAL;
        UserSegments us = (UserSegments) cpu.segments;
        int k = entry - TLS_FIRST;
        m.buffer(uinfo, USER_DESC_SIZE, true);
        m.writeInt(uinfo + 4, (int) us.tlsBase[k]);
        m.writeInt(uinfo + 8, us.tlsRawLimit[k]);
        // An empty entry reads back as Linux's fill_user_desc() shows a zero descriptor: not present, read-only.
        m.writeInt(uinfo + 12, us.tlsPresent[k] ? us.tlsFlags[k] : READ_EXEC_ONLY | SEG_NOT_PRESENT);
        return 0;
    }

    /**
     * The TLS argument of clone with CLONE_SETTLS, applied to the new thread's CPU: an FS base on x86-64, a
     * struct user_desc (read from the parent's memory) on i386. Returns 0 or a negative errno. For the shared
     * clone implementation.
     */
    public static long cloneTls(X86Cpu child, GuestMemory parentMem, boolean is64, long tls) {
        if (is64) {
            if (tls < 0 || tls >= (1L << 47)) return -Errno.EPERM;
            child.segBase[X86Cpu.FS] = tls;
            return 0;
        }
        // do_set_thread_area(p, -1, tls, 0): the entry must be named (no allocation for clone).
        if (parentMem.readInt(tls) == -1) return -Errno.EINVAL;
        return setThreadArea(child, parentMem, tls);
    }
}
