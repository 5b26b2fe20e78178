package dev.jemu.machine.pc;

import dev.jemu.hw.intc.I8259;
import dev.jemu.target.x86.InterruptController;
import dev.jemu.target.x86.X86Cpu;

/**
 * The interrupt pins of the pc machine's CPU: INTR from the 8259 pair (through the local APIC's LINT0 as
 * ExtINT once the APIC is wired). When INTR rises the board sets {@code cpu.exitRequest} and runs the loop's
 * kick, so a running block ends and a halted vCPU wakes.
 */
public final class PcInterrupts implements InterruptController {
    private final I8259 pic;
    private final X86Cpu cpu;
    private final Runnable kick;

    PcInterrupts(I8259 pic, X86Cpu cpu, Runnable kick) {
        this.pic = pic;
        this.cpu = cpu;
        this.kick = kick;
    }

    /** INTR (or another pin) went active: make the loop look. */
    void wake() {
        cpu.exitRequest = true;
        if (kick != null) kick.run();
    }

    @Override
    public boolean intr() {
        return pic.intrPending();
    }

    @Override
    public int acknowledge() {
        return pic.intAck();
    }
}
