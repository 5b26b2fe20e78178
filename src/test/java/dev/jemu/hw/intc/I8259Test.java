package dev.jemu.hw.intc;

import dev.jemu.hw.IrqRecorder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class I8259Test {
    final IrqRecorder intr = new IrqRecorder("intr");
    final I8259 pic = new I8259(intr.line, null);

    void outb(int port, int v) {
        switch (port) {
            case 0x20, 0x21 -> pic.master().write(port & 1, 1, v);
            case 0xa0, 0xa1 -> pic.slave().write(port & 1, 1, v);
            case 0x4d0, 0x4d1 -> pic.elcr().write(port & 1, 1, v);
            default -> throw new IllegalArgumentException();
        }
    }

    int inb(int port) {
        return (int) switch (port) {
            case 0x20, 0x21 -> pic.master().read(port & 1, 1);
            case 0xa0, 0xa1 -> pic.slave().read(port & 1, 1);
            case 0x4d0, 0x4d1 -> pic.elcr().read(port & 1, 1);
            default -> throw new IllegalArgumentException();
        };
    }

    void irq(int n, boolean level) {
        pic.input(n).irqChanged(level);
    }

    /** SeaBIOS src/hw/pic.c pic_setup(), then unmasking IRQs 0, 1 and 8 as its drivers do. */
    void seabiosInit() {
        outb(0x20, 0x11);
        outb(0xa0, 0x11);
        outb(0x21, 0x08);
        outb(0xa1, 0x70);
        outb(0x21, 0x04);
        outb(0xa1, 0x02);
        outb(0x21, 0x01);
        outb(0xa1, 0x01);
        outb(0x21, ~(1 << 2) & 0xff);
        outb(0xa1, 0xff);
    }

    @Test
    void seabiosSetupThenTimerInterruptAndEoi() {
        seabiosInit();
        assertEquals(0xfb, inb(0x21));
        assertEquals(0xff, inb(0xa1));
        irq(0, true);
        assertFalse(intr.level(), "IRQ0 is masked after setup");
        outb(0x21, inb(0x21) & ~1); // enable_hwirq(0)
        assertTrue(intr.level(), "an edge seen while masked stays requested");
        assertEquals(0x08, pic.intAck());
        assertFalse(intr.level());
        assertEquals(0x01, pic.master().isr());
        assertEquals(0x00, pic.master().irr(), "edge request moved to ISR");
        outb(0x20, 0x20); // non-specific EOI
        assertEquals(0, pic.master().isr());
        irq(0, false);
        irq(0, true);
        assertTrue(intr.level(), "a new edge");
        assertEquals(0x08, pic.intAck());
    }

    @Test
    void slaveCascadeDeliversVectorsFromTheSlaveBase() {
        seabiosInit();
        outb(0xa1, 0xfe); // unmask IRQ8 (RTC)
        irq(8, true);
        assertTrue(intr.level());
        assertEquals(0x70, pic.intAck());
        assertEquals(0x01, pic.slave().isr());
        assertEquals(0x04, pic.master().isr(), "the cascade input is in service on the master");
        // Linux mask_and_ack_8259A: specific EOI to the slave, then to master IR2
        outb(0xa0, 0x60);
        outb(0x20, 0x62);
        assertEquals(0, pic.slave().isr());
        assertEquals(0, pic.master().isr());
        assertFalse(intr.level());
    }

    @Test
    void fullyNestedPriorities() {
        seabiosInit();
        outb(0x21, 0x00);
        irq(3, true);
        irq(1, true);
        assertEquals(0x09, pic.intAck(), "IRQ1 outranks IRQ3");
        assertFalse(intr.level(), "IRQ3 waits while the higher IRQ1 is in service");
        irq(0, true);
        assertTrue(intr.level(), "IRQ0 outranks the in-service IRQ1");
        assertEquals(0x08, pic.intAck());
        assertEquals(0x03, pic.master().isr());
        outb(0x20, 0x20); // EOI ends IRQ0, the highest in service
        assertEquals(0x02, pic.master().isr());
        assertFalse(intr.level());
        outb(0x20, 0x20);
        assertTrue(intr.level());
        assertEquals(0x0b, pic.intAck());
    }

    @Test
    void levelTriggeredInputsStayRequestedWhileTheLineIsHigh() {
        seabiosInit();
        outb(0x4d1, 0x0e); // IRQ 9, 10, 11 level (SeaBIOS/QEMU PCI IRQs)
        assertEquals(0x0e, inb(0x4d1));
        outb(0xa1, 0x00);
        irq(11, true);
        assertEquals(0x73, pic.intAck());
        outb(0xa0, 0x20);
        outb(0x20, 0x20);
        assertTrue(intr.level(), "the device still holds its line: requested again");
        irq(11, false);
        assertEquals(0, pic.slave().irr(), "dropping a level line withdraws the request");
        // the master latched the cascade's edge: the datasheet's default IR7, from the slave
        assertTrue(intr.level());
        assertEquals(0x77, pic.intAck());
        assertEquals(0, pic.slave().isr());
        outb(0x20, 0x20);
        assertFalse(intr.level());
    }

    @Test
    void elcrBitsForEdgeOnlyIrqsAreFixed() {
        outb(0x4d0, 0xff);
        outb(0x4d1, 0xff);
        assertEquals(0xf8, inb(0x4d0));
        assertEquals(0xde, inb(0x4d1));
    }

    @Test
    void spuriousInterruptWhenALevelRequestVanishesBeforeAck() {
        seabiosInit();
        outb(0x4d0, 0x80); // IRQ 7 level
        outb(0x21, 0x00);
        irq(5, true);
        outb(0x4d0, 0x20); // IRQ5 level now
        irq(5, false);
        // edge latched before the ELCR change is a level request now gone
        assertEquals(0, pic.master().irr());
        assertEquals(0x0f, pic.intAck(), "IR7 answers a cycle with no request");
        assertEquals(0, pic.master().isr(), "no in-service bit for a spurious IRQ7");
    }

    @Test
    void ocw3SelectsIrrOrIsrAndPollModeAcknowledges() {
        seabiosInit();
        outb(0x21, 0x00);
        irq(4, true);
        irq(6, true);
        assertEquals(0x50, inb(0x20), "IRR read by default");
        outb(0x20, 0x0b);
        assertEquals(0x00, inb(0x20), "ISR read");
        outb(0x20, 0x0c); // poll
        assertEquals(0x84, inb(0x20), "poll answers 0x80 | highest request, acknowledging it");
        assertEquals(0x10, inb(0x20), "ISR read mode persists after the poll");
        outb(0x20, 0x0a);
        assertEquals(0x40, inb(0x20));
        outb(0x20, 0x0c);
        assertEquals(0x00, inb(0x20), "IRQ6 is below the in-service IRQ4");
    }

    @Test
    void autoEoiLeavesNothingInService() {
        outb(0x20, 0x11);
        outb(0x21, 0x20);
        outb(0x21, 0x04);
        outb(0x21, 0x03); // 8086 mode, auto-EOI
        outb(0x21, 0x00);
        irq(1, true);
        assertEquals(0x21, pic.intAck());
        assertEquals(0, pic.master().isr());
        irq(3, true);
        assertTrue(intr.level(), "no EOI needed for the next one");
    }

    @Test
    void rotateOnNonSpecificEoiMakesTheServedLevelLowest() {
        seabiosInit();
        outb(0x21, 0x00);
        irq(1, true);
        irq(4, true);
        assertEquals(0x09, pic.intAck());
        outb(0x20, 0xa0); // rotate on non-specific EOI: IRQ1 becomes lowest, IRQ2 highest
        irq(1, false);
        irq(1, true);
        assertEquals(0x0c, pic.intAck(), "IRQ4 now outranks IRQ1");
        outb(0x20, 0xc7); // set priority: IRQ7 lowest, back to the power-on order
        outb(0x20, 0x64); // specific EOI 4
        assertEquals(0x09, pic.intAck());
    }

    @Test
    void specialMaskModeLetsLowerLevelsThroughAMaskedInServiceLevel() {
        seabiosInit();
        outb(0x21, 0x00);
        irq(1, true);
        assertEquals(0x09, pic.intAck());
        irq(5, true);
        assertFalse(intr.level());
        outb(0x21, 0x02); // mask the in-service IRQ1
        outb(0x20, 0x68); // OCW3: set special mask
        assertTrue(intr.level());
        assertEquals(0x0d, pic.intAck());
        outb(0x20, 0x48); // reset special mask
        assertEquals(0x22, pic.master().isr());
    }

    @Test
    void linuxProbeAndInitWithMaskRestore() {
        // arch/x86/kernel/i8259.c probe_8259A and init_8259A
        outb(0xa1, 0xff);
        outb(0x21, 0xfb);
        assertEquals(0xfb, inb(0x21));
        outb(0x21, 0xff);
        outb(0x20, 0x11);
        outb(0x21, 0x30);
        outb(0x21, 0x04);
        outb(0x21, 0x01);
        outb(0xa0, 0x11);
        outb(0xa1, 0x38);
        outb(0xa1, 0x02);
        outb(0xa1, 0x01);
        assertEquals(0x00, inb(0x21), "ICW1 cleared the mask");
        outb(0x21, 0xfa);
        outb(0xa1, 0xff);
        irq(0, true);
        assertEquals(0x30, pic.intAck());
        irq(1, true);
        assertFalse(intr.level(), "masked");
    }

    @Test
    void saveRestoreKeepsRequestsAndOutput() {
        seabiosInit();
        outb(0x21, 0x00);
        irq(3, true);
        I8259.State s = pic.save();
        IrqRecorder intr2 = new IrqRecorder("intr2");
        I8259 other = new I8259(intr2.line, null);
        other.restore(s);
        assertTrue(intr2.level());
        assertEquals(0x0b, other.intAck());
    }
}
