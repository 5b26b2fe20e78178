package dev.jemu.target.x86;

/**
 * The interrupt pins of an x86 core as the execution loop sees them: INTR (from the 8259 or the local APIC)
 * and NMI. The loop samples them at instruction boundaries when EFLAGS.IF and the interrupt shadow allow.
 * Implementations wake a halted vCPU (by setting {@link X86Cpu#exitRequest} and notifying its loop) when a
 * pin becomes active.
 */
public interface InterruptController {
    /** True if a maskable interrupt is being requested. */
    boolean intr();

    /** The interrupt-acknowledge cycle: returns the vector of the highest-priority request (and marks it in service). */
    int acknowledge();

    /** True if an NMI is pending; consuming it clears it. */
    default boolean takeNmi() {
        return false;
    }
}
