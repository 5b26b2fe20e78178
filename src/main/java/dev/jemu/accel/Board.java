package dev.jemu.accel;

import dev.jemu.hw.core.VirtualClock;
import dev.jemu.memory.PhysMemory;
import dev.jemu.target.x86.InterruptController;
import dev.jemu.target.x86.PortIo;
import dev.jemu.target.x86.X86Cpu;

/**
 * What the vCPU loop needs from a machine (machine/pc/PcMachine is adapted to it in SystemMain): memory, ports,
 * the interrupt pins, the clock whose timers the loop runs, and a reset of the devices. The board reports
 * guest requests (reset, power-off, debug-exit) through the {@link MachineControl} it is given.
 */
public interface Board {
    PhysMemory phys();

    PortIo portIo();

    /** The CPU's INTR/NMI pins; the controller sets {@code cpu.exitRequest} and calls {@link MachineControl#wake} when they rise. */
    InterruptController interrupts(X86Cpu cpu);

    VirtualClock clock();

    /** Resets the devices (system reset: triple fault, keyboard-controller reset, port 0xcf9). */
    void reset();

    /** Told, before the CPU starts, how to report guest requests. */
    void attach(MachineControl control);

    /** Called once before the first instruction (after the CPU's power-on state): loads -kernel etc. */
    default void boot(X86Cpu cpu) {
    }
}
