package dev.jemu.target.x86;

/**
 * How a selector becomes a segment base and limit. Real mode shifts the selector; protected mode reads the
 * GDT/LDT (system mode); Linux user mode knows only the flat selectors and the TLS entries of set_thread_area.
 */
public interface SegmentUnit {
    /** Loads {@code seg} with {@code selector} or throws the guest's fault (#GP, #NP, #SS). */
    void load(X86Cpu cpu, int seg, int selector);

    SegmentUnit REAL_MODE = (cpu, seg, selector) -> {
        cpu.segSel[seg] = selector;
        cpu.segBase[seg] = (long) selector << 4;
    };
}
