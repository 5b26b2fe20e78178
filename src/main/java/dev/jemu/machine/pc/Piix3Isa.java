package dev.jemu.machine.pc;

import dev.jemu.hw.core.IrqLine;
import dev.jemu.hw.pci.PciBus;
import dev.jemu.hw.pci.PciDevice;

/**
 * PIIX3 function 0, the PCI-to-ISA bridge (00:01.0, 8086:7000), with QEMU's reset values. Its PIRQ route
 * control registers 0x60-0x63 steer PCI PIRQA#-PIRQD# to ISA IRQs (bit 7 disables a route); an ISA IRQ is
 * the OR of every PIRQ routed to it. The PCI slot swizzle is the i440FX board's: slot s pin p to PIRQ (s+p)&3.
 * Also the reset control register at 0xcf9 (bit 2 going from 0 to 1 resets; bit 1 picks a hard reset).
 */
public final class Piix3Isa extends PciDevice implements PciBus.IntxRouter {
    public static final int PIRQRC = 0x60;

    private final IrqLine[] isaIrqs;
    private final PciBus bus;
    private final Runnable resetRequest;
    private int rcr;
    /** Which ISA IRQs each PIRQ currently drives (to drop stale routes when the registers change). */
    private int driven;

    /** @param isaIrqs the 16 ISA interrupt lines (GSIs 0-15) */
    public Piix3Isa(PciBus bus, IrqLine[] isaIrqs, Runnable resetRequest) {
        super("PIIX3", 0x8086, 0x7000, 0x060100, 0);
        this.bus = bus;
        this.isaIrqs = isaIrqs;
        this.resetRequest = resetRequest;
        setMultiFunction(true);
        resetDevice();
    }

    @Override
    protected void resetDevice() {
        // QEMU's piix3_reset
        set16(COMMAND, 0x0007);
        set16(STATUS, 0x0200);
        int[][] v = {{0x4c, 0x4d}, {0x4e, 0x03}, {0x4f, 0}, {0x60, 0x80}, {0x61, 0x80}, {0x62, 0x80}, {0x63, 0x80},
                {0x69, 0x02}, {0x70, 0x80}, {0x76, 0x0c}, {0x77, 0x0c}, {0x78, 0x02}, {0x79, 0}, {0x80, 0},
                {0x82, 0}, {0xa0, 0x08}, {0xa2, 0}, {0xa3, 0}, {0xa4, 0}, {0xa5, 0}, {0xa6, 0}, {0xa7, 0},
                {0xa8, 0x0f}, {0xaa, 0}, {0xab, 0}, {0xac, 0}, {0xae, 0}};
        for (int[] r : v) set8(r[0], r[1]);
        rcr = 0;
        updateIrqs();
    }

    @Override
    public void configWrite(int off, int size, int value) {
        super.configWrite(off, size, value);
        if (off < PIRQRC + 4 && off + size > PIRQRC) updateIrqs();
    }

    /** The ISA IRQ PIRQ {@code pirq} is routed to, or -1. */
    public int route(int pirq) {
        int r = get8(PIRQRC + pirq);
        return (r & 0x80) != 0 || (r & 0x0f) >= 16 ? -1 : r & 0x0f;
    }

    @Override
    public int pirq(int slot, int pin) {
        return (slot + pin) & 3;
    }

    @Override
    public void setPirq(int pirq, boolean level) {
        updateIrqs();
    }

    private void updateIrqs() {
        int want = 0;
        for (int p = 0; p < 4; p++) {
            int irq = route(p);
            if (irq >= 0 && bus != null && bus.pirqLevel(p)) want |= 1 << irq;
        }
        int changed = want ^ driven;
        driven = want;
        for (int irq = 0; irq < 16; irq++)
            if ((changed & (1 << irq)) != 0 && isaIrqs != null && isaIrqs[irq] != null) isaIrqs[irq].set((want & (1 << irq)) != 0);
    }

    /** Reset control register (port 0xcf9). */
    public int rcrRead() {
        return rcr;
    }

    public void rcrWrite(int v) {
        if ((v & 4) != 0 && (rcr & 4) == 0 && resetRequest != null) {
            rcr = 0;
            resetRequest.run();
            return;
        }
        rcr = v & 0x02; // QEMU keeps the hard-reset bit only
    }
}
