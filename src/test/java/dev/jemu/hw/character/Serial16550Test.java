package dev.jemu.hw.character;

import dev.jemu.hw.IrqRecorder;
import dev.jemu.hw.TestClock;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static dev.jemu.hw.character.Serial16550.*;
import static org.junit.jupiter.api.Assertions.*;

class Serial16550Test {
    final TestClock t = new TestClock();
    final IrqRecorder irq = new IrqRecorder("irq4");
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final Serial16550 uart = new Serial16550(t.clock, irq.line, CharBackend.of(out), null);

    int in(int reg) {
        return (int) uart.read(reg, 1);
    }

    void out(int reg, int v) {
        uart.write(reg, 1, v);
    }

    /** drivers/tty/serial/8250/8250_port.c autoconfig(), as Linux runs it on a PC COM port. */
    String linuxAutoconfig() {
        int scratch = in(IER);
        out(IER, 0);
        int scratch2 = in(IER) & 0x0f;
        out(IER, 0x0f);
        int scratch3 = in(IER) & 0x0f;
        out(IER, scratch);
        if (scratch2 != 0 || scratch3 != 0x0f) return "no uart (IER test)";
        int saveMcr = in(MCR);
        int saveLcr = in(LCR);
        // loopback test (skipped for COM1-4 with UPF_SKIP_TEST, but a 16550 passes it)
        out(MCR, MCR_LOOP | 0x0a);
        int status1 = in(MSR) & 0xf0;
        out(MCR, saveMcr);
        if (status1 != 0x90) return "no uart (loopback test)";
        out(LCR, 0xbf); // UART_LCR_CONF_MODE_B
        out(2, 0);      // UART_EFR
        out(LCR, 0);
        out(FCR, FCR_FE);
        int iir = in(IIR);
        out(LCR, saveLcr);
        String type = switch (iir >> 6) {
            case 0 -> "8250/16450";
            case 1 -> "unknown";
            case 2 -> "16550";
            default -> autoconfig16550a();
        };
        // serial8250_clear_fifos and back to the caller's state
        out(FCR, FCR_FE);
        out(FCR, FCR_FE | FCR_RFR | FCR_XFR);
        out(FCR, 0);
        in(RBR);
        return type;
    }

    String autoconfig16550a() {
        out(LCR, 0x80); // CONF_MODE_A
        if (in(2) == 0) return "16650 candidate (EFR with DLAB)";
        out(LCR, 0xbf);
        if (in(2) == 0) return "16650V2";
        // National Semiconductor SuperIO check through EXCR1
        out(LCR, 0);
        int status1 = in(MCR);
        out(LCR, 0xe0);
        int status2 = in(2);
        if (((status2 ^ status1) & MCR_LOOP) == 0) {
            out(LCR, 0);
            out(MCR, status1 ^ MCR_LOOP);
            out(LCR, 0xe0);
            status2 = in(2);
            out(LCR, 0);
            out(MCR, status1);
            if (((status2 ^ status1) & MCR_LOOP) != 0) return "NS16550A";
        }
        // TI16750: IIR bit 5 only with 64-byte FIFO mode set under DLAB
        out(LCR, 0);
        out(FCR, FCR_FE | 0x20);
        status1 = in(IIR) & (0x20 | 0xc0);
        out(FCR, FCR_FE);
        out(LCR, 0x80);
        out(FCR, FCR_FE | 0x20);
        status2 = in(IIR) & (0x20 | 0xc0);
        out(FCR, FCR_FE);
        out(LCR, 0);
        if (status1 == 0xc0 && status2 == 0xe0) return "16750";
        // XScale: IER bit 6 (UUE) writable
        int ier = in(IER);
        out(IER, ier | 0x40);
        boolean xscale = (in(IER) & 0x40) != 0;
        out(IER, ier);
        return xscale ? "XScale" : "16550A";
    }

    @Test
    void linuxAutoconfigIdentifies16550A() {
        assertEquals("16550A", linuxAutoconfig());
        assertEquals(0, out.size(), "the probe transmits nothing");
        assertFalse(irq.level());
    }

    @Test
    void resetValuesAreQemus() {
        assertEquals(0x01, in(IIR));
        assertEquals(0x60, in(LSR));
        assertEquals(0xb0, in(MSR));
        assertEquals(MCR_OUT2, in(MCR));
        out(LCR, LCR_DLAB);
        assertEquals(12, in(DLL));
        assertEquals(0, in(DLM));
    }

    /** serial8250_startup's test for UARTs that do not re-assert THRE when IER.THRI is toggled. */
    @Test
    void thrEmptyReassertsWhenThriIsReEnabled() {
        out(MCR, MCR_OUT2);
        out(IER, IER_THRI);
        assertTrue(irq.level());
        int iir1 = in(IIR);
        assertEquals(IIR_THRI, iir1 & 0x0f, "enabling THRI with an empty THR interrupts at once");
        assertEquals(IIR_NO_INT, in(IIR) & 0x0f, "reading IIR cleared the THRE source");
        assertFalse(irq.level());
        out(IER, 0);
        out(IER, IER_THRI);
        int iir = in(IIR);
        assertEquals(0, iir & IIR_NO_INT, "no UART_BUG_THRE: THRE re-asserted");
        out(IER, 0);
        assertFalse(irq.level());
    }

    @Test
    void transmitGoesToBackendAndRaisesThre() {
        out(IER, IER_THRI);
        in(IIR); // clear the initial THRE interrupt
        assertFalse(irq.level());
        out(THR, 'h');
        out(THR, 'i');
        assertEquals("hi", out.toString());
        assertEquals(LSR_THRE | LSR_TEMT, in(LSR));
        assertTrue(irq.level(), "THR emptied again");
        assertEquals(IIR_THRI, in(IIR));
    }

    @Test
    void dlabSwitchesOffsetsZeroAndOneToTheDivisor() {
        out(LCR, LCR_DLAB | 3);
        out(DLL, 1);
        out(DLM, 0);
        out(LCR, 3);
        out(IER, 0x05);
        out(THR, 'x');
        assertEquals(0x05, in(IER));
        assertEquals("x", out.toString());
        out(LCR, LCR_DLAB | 3);
        assertEquals(1, in(DLL));
        assertEquals(0, in(DLM));
        // 115200 baud, 8N1: 10 bits per character
        assertEquals(86_805, uart.charTimeNs());
    }

    @Test
    void nonFifoReceiveOverrunAndLineStatusInterrupt() {
        out(IER, IER_RDI | IER_RLSI);
        assertEquals(1, uart.canReceive());
        uart.receive('a');
        assertEquals(0, uart.canReceive());
        assertTrue(irq.level());
        assertEquals(IIR_RDI, in(IIR));
        uart.receive('b'); // overrun: the second byte replaces the first, OE set
        assertEquals(IIR_RLSI, in(IIR), "line status has the highest priority");
        assertEquals(LSR_DR | LSR_OE | LSR_THRE | LSR_TEMT, in(LSR));
        assertEquals(IIR_RDI, in(IIR), "reading LSR cleared OE");
        assertEquals('b', in(RBR));
        assertEquals(IIR_NO_INT, in(IIR));
        assertFalse(irq.level());
    }

    @Test
    void fifoTriggerLevelAndCharacterTimeout() {
        out(LCR, LCR_DLAB);
        out(DLL, 1); // 115200 baud
        out(LCR, 3);
        out(FCR, FCR_FE | FCR_RFR | FCR_XFR | 0x80); // trigger level 8
        out(IER, IER_RDI);
        assertEquals(0xc1, in(IIR), "FIFOs enabled: IIR bits 7-6 set");
        assertEquals(8, uart.canReceive());
        for (char c : "abcde".toCharArray()) uart.receive(c);
        assertFalse(irq.level(), "below the trigger level");
        assertEquals(3, uart.canReceive());
        // no more data: after 4 character times the timeout interrupt fires
        t.advance(4 * uart.charTimeNs() - 1);
        assertFalse(irq.level());
        t.advance(1);
        assertTrue(irq.level());
        assertEquals(0xcc, in(IIR), "character timeout indication");
        assertEquals('a', in(RBR));
        assertFalse(irq.level(), "reading RBR clears the timeout");
        for (char c : "fghij".toCharArray()) uart.receive(c);
        assertTrue(irq.level(), "9 bytes reach the trigger level");
        assertEquals(0xc4, in(IIR));
        StringBuilder got = new StringBuilder();
        while ((in(LSR) & LSR_DR) != 0) got.append((char) in(RBR));
        assertEquals("bcdefghij", got.toString());
        assertFalse(irq.level());
        t.advance(10 * uart.charTimeNs());
        assertFalse(irq.level(), "empty FIFO: no timeout");
    }

    @Test
    void fifoOverrunKeepsContents() {
        out(FCR, FCR_FE);
        for (int i = 0; i < 17; i++) uart.receive('A' + i);
        assertEquals(0, uart.canReceive());
        assertEquals(LSR_OE, in(LSR) & LSR_OE);
        StringBuilder got = new StringBuilder();
        while ((in(LSR) & LSR_DR) != 0) got.append((char) in(RBR));
        assertEquals("ABCDEFGHIJKLMNOP", got.toString());
    }

    @Test
    void loopbackEchoesTransmitAndDisconnectsTheLine() {
        out(MCR, MCR_LOOP | MCR_OUT2 | MCR_RTS);
        out(IER, IER_RDI);
        out(THR, 0x5a);
        assertEquals(0, out.size(), "loopback output does not reach the line");
        assertTrue(irq.level());
        assertEquals(0x5a, in(RBR));
        uart.receive('z');
        assertEquals(0, in(LSR) & LSR_DR, "the external line is disconnected in loopback");
        assertEquals(0x80 | 0x10, in(MSR), "OUT2 -> DCD, RTS -> CTS");
        out(MCR, MCR_LOOP | MCR_DTR | MCR_OUT1);
        assertEquals(0x20 | 0x40, in(MSR), "DTR -> DSR, OUT1 -> RI");
    }

    @Test
    void modemStatusDeltasInterruptAndClearOnRead() {
        out(IER, IER_MSI);
        uart.setModemInputs(MSR_DSR | MSR_CTS); // DCD dropped
        assertTrue(irq.level());
        assertEquals(IIR_MSI, in(IIR));
        assertEquals(MSR_DSR | MSR_CTS | MSR_DDCD, in(MSR));
        assertFalse(irq.level());
        assertEquals(MSR_DSR | MSR_CTS, in(MSR));
    }

    @Test
    void scratchRegisterAndSaveRestore() {
        out(SCR, 0xa5);
        out(FCR, FCR_FE | 0x40);
        out(IER, IER_RDI);
        uart.receive('q');
        uart.receive('r');
        Serial16550.State s = uart.save();
        Serial16550 other = new Serial16550(t.clock, new IrqRecorder("x").line, CharBackend.NULL, null);
        other.restore(s);
        assertEquals(0xa5, other.read(SCR, 1));
        assertEquals('q', other.read(RBR, 1));
        assertEquals('r', other.read(RBR, 1));
        assertEquals(0xc1, other.read(IIR, 1));
    }
}
