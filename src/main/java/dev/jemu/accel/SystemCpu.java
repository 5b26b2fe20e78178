package dev.jemu.accel;

import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * The CPU's system-mode services the loop calls (syscpu's target/x86/system: Interrupts, Reset). An interface so
 * that the loop is tested with a small real-mode implementation before (and independently of) the full one.
 */
public interface SystemCpu {
    /** Sets the power-on / reset state. */
    void powerOn(X86Cpu cpu);

    /** Delivers a fault, trap or software interrupt; may throw a triple fault (see {@link #isTripleFault}). */
    void deliver(X86Cpu cpu, X86Exception e);

    /** Delivers an external interrupt with this vector (after INTA). */
    void deliverExternal(X86Cpu cpu, int vector);

    void deliverNmi(X86Cpu cpu);

    /** True if {@code e}, thrown by a delivery, is the triple fault (shutdown) that resets the machine. */
    boolean isTripleFault(RuntimeException e);

    /** After the CPU's mode registers were set by hand (loaders): recompute the derived mode state. */
    default void refreshModes(X86Cpu cpu) {
    }
}
