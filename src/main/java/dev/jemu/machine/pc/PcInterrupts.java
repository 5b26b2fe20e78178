package dev.jemu.machine.pc;

import dev.jemu.hw.intc.I8259;
import dev.jemu.hw.intc.LocalApic;
import dev.jemu.target.x86.InterruptController;
import dev.jemu.target.x86.X86Cpu;

/**
 * The interrupt pins of the pc machine's CPU, as QEMU's cpu_get_pic_interrupt resolves them: the local APIC's
 * pending vector, and the 8259 pair's INT through LINT0 in ExtINT mode (or with the APIC disabled in
 * IA32_APIC_BASE). An 8259 request is answered first, as in QEMU, since ExtINT ignores the APIC's priority.
 * Whenever something may have become deliverable the board sets {@code cpu.exitRequest} and runs the loop's kick,
 * so a running block ends and a halted vCPU wakes.
 */
public final class PcInterrupts implements InterruptController {
    private final I8259 pic;
    private final LocalApic lapic;
    private final X86Cpu cpu;
    private final Runnable kick;

    PcInterrupts(I8259 pic, LocalApic lapic, X86Cpu cpu, Runnable kick) {
        this.pic = pic;
        this.lapic = lapic;
        this.cpu = cpu;
        this.kick = kick;
    }

    /** A pin may have gone active: make the loop look. */
    void wake() {
        cpu.exitRequest = true;
        if (kick != null) kick.run();
    }

    private boolean picReaches() {
        return pic.intrPending() && (lapic.acceptsPic() || lapic.extIntPending());
    }

    @Override
    public boolean intr() {
        return picReaches() || lapic.pendingVector() >= 0;
    }

    @Override
    public int acknowledge() {
        if (picReaches()) {
            lapic.takeExtInt();
            return pic.intAck();
        }
        if (lapic.pendingVector() >= 0) return lapic.acknowledge();
        return lapic.globallyEnabled() ? lapic.acknowledge() : pic.intAck(); // spurious
    }

    @Override
    public boolean takeNmi() {
        return lapic.takeNmi();
    }
}
