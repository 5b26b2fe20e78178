package dev.jemu.user.linux;

import dev.jemu.target.x86.SegmentUnit;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * Segment loading in Linux user mode: the flat user selectors, and the thread's TLS entries installed with
 * set_thread_area (GDT entries 12..14 on i386), whose bases glibc reaches through GS.
 */
public final class UserSegments implements SegmentUnit {
    public static final int TLS_FIRST = 12, TLS_COUNT = 3;
    private final boolean is64;
    /** Base and limit of the TLS GDT entries, per thread (copied on clone). */
    public final long[] tlsBase = new long[TLS_COUNT];
    public final long[] tlsLimit = new long[TLS_COUNT];
    public final boolean[] tlsPresent = new boolean[TLS_COUNT];

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
        return c;
    }
}
