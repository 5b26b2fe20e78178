package dev.jemu.hw.input;

import dev.jemu.hw.IrqRecorder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.jemu.hw.input.I8042.*;
import static org.junit.jupiter.api.Assertions.*;

class I8042Test {
    final IrqRecorder irq1 = new IrqRecorder("irq1"), irq12 = new IrqRecorder("irq12"), a20 = new IrqRecorder("a20");
    int resets;
    final I8042 kbc = new I8042(new Ps2Keyboard(), new Ps2Mouse(), irq1.line, irq12.line, a20.line, () -> resets++,
            null);

    int status() {
        return (int) kbc.commandPort().read(0, 1);
    }

    int data() {
        return (int) kbc.dataPort().read(0, 1);
    }

    void cmd(int c) {
        kbc.commandPort().write(0, 1, c);
    }

    void out(int d) {
        kbc.dataPort().write(0, 1, d);
    }

    /** Everything waiting in the output buffer, as "k:xx" / "a:xx" (keyboard side / aux side). */
    List<String> drain() {
        List<String> got = new ArrayList<>();
        while ((status() & STAT_OBF) != 0) {
            boolean aux = (status() & STAT_AUX_OBF) != 0;
            got.add(String.format("%s:%02x", aux ? "a" : "k", data()));
        }
        return got;
    }

    /** drivers/input/serio/i8042.c: flush, self test, command byte, AUX detection, as Linux probes. */
    @Test
    void linuxControllerProbe() {
        assertEquals(List.of(), drain(), "i8042_flush: nothing pending at power-on");
        cmd(CMD_SELF_TEST);
        assertEquals(List.of("k:55"), drain());
        assertNotEquals(0, status() & STAT_SYS);
        cmd(CMD_READ_CB);
        int ctr = data();
        assertEquals(CB_KBD_INT | CB_AUX_INT, ctr);
        // i8042_controller_init: interrupts off, kbd enabled, translate on
        ctr = (ctr & ~(CB_KBD_INT | CB_AUX_INT | CB_KBD_DISABLE)) | CB_TRANSLATE | CB_AUX_DISABLE;
        cmd(CMD_WRITE_CB);
        out(ctr);
        cmd(CMD_READ_CB);
        assertEquals(ctr, data());
        // i8042_check_aux: AUX_LOOP echoes through the aux side of the buffer
        cmd(CMD_WRITE_AUX_OBUF);
        out(0x5a);
        assertEquals(List.of("a:5a"), drain());
        assertEquals(0, irq12.rises, "aux interrupt disabled in the command byte");
        // i8042_toggle_aux
        cmd(CMD_AUX_DISABLE);
        cmd(CMD_READ_CB);
        assertEquals(CB_AUX_DISABLE, data() & CB_AUX_DISABLE);
        cmd(CMD_AUX_ENABLE);
        cmd(CMD_READ_CB);
        assertEquals(0, data() & CB_AUX_DISABLE);
        cmd(CMD_KBD_TEST);
        assertEquals(List.of("k:00"), drain());
    }

    void enableTranslatedWithInterrupts() {
        cmd(CMD_WRITE_CB);
        out(CB_KBD_INT | CB_AUX_INT | CB_SYS | CB_TRANSLATE);
    }

    /** atkbd probe as Linux runs it through a translating 8042. */
    @Test
    void atkbdProbeThroughTranslation() {
        enableTranslatedWithInterrupts();
        out(0xff); // reset
        assertEquals(List.of("k:fa", "k:aa"), drain());
        out(Ps2Keyboard.CMD_GET_ID);
        assertEquals(List.of("k:fa", "k:ab", "k:41"), drain(), "ID 0x83 reads 0x41 through translation");
        out(Ps2Keyboard.CMD_SCANCODE);
        assertEquals(List.of("k:fa"), drain());
        out(0);
        assertEquals(List.of("k:fa", "k:41"), drain(), "set 2, translated");
        out(Ps2Keyboard.CMD_SET_LEDS);
        assertEquals(List.of("k:fa"), drain());
        out(0x04);
        assertEquals(List.of("k:fa"), drain());
        assertEquals(4, kbc.keyboard().leds());
        out(Ps2Keyboard.CMD_ECHO);
        assertEquals(List.of("k:ee"), drain());
    }

    @Test
    void keysAreSet2OnTheWireAndSet1ThroughTranslation() {
        Ps2Keyboard k = kbc.keyboard();
        cmd(CMD_WRITE_CB);
        out(CB_KBD_INT);
        k.keyEvent(0x1e, true); // A
        k.keyEvent(0x1e, false);
        k.keyEvent(0x9d, true); // right Ctrl
        k.keyEvent(0x9d, false);
        k.keyEvent(0x41, true); // F7, the odd one
        assertEquals(List.of("k:1c", "k:f0", "k:1c", "k:e0", "k:14", "k:e0", "k:f0", "k:14", "k:83"), drain());
        enableTranslatedWithInterrupts();
        k.keyEvent(0x1e, true);
        k.keyEvent(0x1e, false);
        k.keyEvent(0xc8, true); // Up
        k.keyEvent(0xc8, false);
        k.keyEvent(0x41, false);
        assertEquals(List.of("k:1e", "k:9e", "k:e0", "k:48", "k:e0", "k:c8", "k:c1"), drain());
        k.keyEvent(Ps2Keyboard.QNUM_PAUSE, true);
        assertEquals(List.of("k:e1", "k:1d", "k:45", "k:e1", "k:9d", "k:c5"), drain(),
                "set 2 Pause translates to the set 1 sequence");
        k.keyEvent(Ps2Keyboard.QNUM_PRINT, true);
        k.keyEvent(Ps2Keyboard.QNUM_PRINT, false);
        assertEquals(List.of("k:e0", "k:2a", "k:e0", "k:37", "k:e0", "k:b7", "k:e0", "k:aa"), drain());
    }

    @Test
    void everySet1KeyRoundTripsThroughSet2AndTheTranslationTable() {
        Set<Integer> seen = new HashSet<>();
        for (int c = 1; c < 0x80; c++) {
            int s2 = Ps2Keyboard.SET1_TO_SET2[c] & 0xff;
            if (s2 == 0) continue;
            assertTrue(seen.add(s2), "set 2 code used twice: " + Integer.toHexString(s2));
            assertEquals(c, Ps2Keyboard.TRANSLATE[s2] & 0xff, "set 1 0x" + Integer.toHexString(c));
        }
        assertTrue(seen.size() >= 0x58, "all keys of a 102-key board: " + seen.size());
    }

    @Test
    void selectingScancodeSet1SendsSet1Directly() {
        Ps2Keyboard k = kbc.keyboard();
        cmd(CMD_WRITE_CB);
        out(0); // no translation
        for (int b : new int[]{Ps2Keyboard.CMD_SCANCODE, 1, Ps2Keyboard.CMD_SCANCODE}) {
            out(b);
            assertEquals(List.of("k:fa"), drain());
        }
        out(0);
        assertEquals(List.of("k:fa", "k:01"), drain());
        assertEquals(1, kbc.keyboard().scancodeSet());
        k.keyEvent(0x10, true); // Q
        k.keyEvent(0x10, false);
        assertEquals(List.of("k:10", "k:90"), drain());
    }

    @Test
    void interruptPerByteWithAFreshEdgeAfterEachRead() {
        enableTranslatedWithInterrupts();
        kbc.keyboard().keyEvent(0x1e, true);
        kbc.keyboard().keyEvent(0x30, true);
        assertTrue(irq1.level());
        assertEquals(1, irq1.rises);
        assertEquals(0x1e, data());
        assertEquals(2, irq1.rises, "the next byte arrives with a new rising edge");
        assertEquals(0x30, data());
        assertFalse(irq1.level());
        assertEquals(0x30, data(), "an empty buffer reads the last byte again");
    }

    @Test
    void disabledKeyboardInterfaceHoldsKeysUntilEnabled() {
        enableTranslatedWithInterrupts();
        cmd(CMD_KBD_DISABLE);
        kbc.keyboard().keyEvent(0x1c, true);
        assertEquals(0, status() & STAT_OBF);
        assertFalse(irq1.level());
        cmd(CMD_KBD_ENABLE);
        assertTrue(irq1.level());
        assertEquals(List.of("k:1c"), drain());
    }

    @Test
    void keyboardBufferDropsWholeEventsWhenFullAndScanningCanBeDisabled() {
        Ps2Keyboard k = kbc.keyboard();
        cmd(CMD_KBD_DISABLE);
        int queued = 0;
        for (int i = 0; i < 10; i++) if (k.keyEvent(0x9d, false)) queued++; // E0 F0 14: 3 bytes each
        assertEquals(5, queued);
        cmd(CMD_KBD_ENABLE);
        assertEquals(15, drain().size());
        out(Ps2Keyboard.CMD_RESET_DISABLE);
        drain();
        assertFalse(k.keyEvent(0x1e, true));
        out(Ps2Keyboard.CMD_ENABLE);
        drain();
        assertTrue(k.keyEvent(0x1e, true));
    }

    @Test
    void mouseResetDetectionAndStreamPackets() {
        cmd(CMD_WRITE_CB);
        out(CB_KBD_INT | CB_AUX_INT | CB_TRANSLATE);
        cmd(CMD_WRITE_AUX);
        out(Ps2Mouse.CMD_RESET);
        assertTrue(irq12.level());
        assertEquals(List.of("a:fa", "a:aa", "a:00"), drain());
        for (int rate : new int[]{200, 100, 80}) {
            cmd(CMD_WRITE_AUX);
            out(Ps2Mouse.CMD_SET_SAMPLE);
            assertEquals(List.of("a:fa"), drain());
            cmd(CMD_WRITE_AUX);
            out(rate);
            assertEquals(List.of("a:fa"), drain());
        }
        cmd(CMD_WRITE_AUX);
        out(Ps2Mouse.CMD_GET_ID);
        assertEquals(List.of("a:fa", "a:03"), drain(), "IntelliMouse after 200-100-80");
        Ps2Mouse m = kbc.mouse();
        m.event(5, -3, 1, Ps2Mouse.BUTTON_LEFT);
        assertEquals(List.of(), drain(), "reporting still disabled");
        cmd(CMD_WRITE_AUX);
        out(Ps2Mouse.CMD_ENABLE);
        assertEquals(List.of("a:fa"), drain());
        m.event(5, -3, 1, Ps2Mouse.BUTTON_LEFT);
        assertEquals(List.of("a:29", "a:05", "a:fd", "a:01"), drain());
        m.event(200, 0, 0, 0);
        assertEquals(List.of("a:08", "a:7f", "a:00", "a:00", "a:08", "a:49", "a:00", "a:00"), drain(),
                "200 goes out as 127 + 73");
        cmd(CMD_WRITE_AUX);
        out(Ps2Mouse.CMD_STATUS);
        assertEquals(List.of("a:fa", "a:20", "a:02", "a:50"), drain(), "enabled, resolution 2, rate 80");
    }

    @Test
    void aNewCommandDropsRepliesNobodyRead() {
        out(Ps2Keyboard.CMD_GET_ID); // FA waits in the output buffer, AB 83 in the keyboard
        out(Ps2Keyboard.CMD_ECHO);
        assertEquals(List.of("k:fa", "k:ee"), drain());
    }

    @Test
    void keyboardDataTakesPriorityOverMouseData() {
        cmd(CMD_WRITE_CB);
        out(CB_KBD_INT | CB_AUX_INT);
        cmd(CMD_WRITE_AUX);
        out(Ps2Mouse.CMD_ENABLE);
        assertEquals(List.of("a:fa"), drain());
        cmd(CMD_AUX_DISABLE);
        kbc.mouse().event(1, 1, 0, 0);
        kbc.keyboard().keyEvent(0x02, true);
        cmd(CMD_AUX_ENABLE);
        assertEquals(List.of("k:16", "a:08", "a:01", "a:01"), drain());
    }

    @Test
    void a20GateAndResetThroughTheOutputPort() {
        cmd(CMD_READ_OUTPUT);
        int port = data();
        assertEquals(OUT_A20 | OUT_RESET, port & 3);
        cmd(CMD_WRITE_OUTPUT);
        out(port & ~OUT_A20);
        assertFalse(a20.level());
        assertFalse(kbc.a20());
        cmd(CMD_ENABLE_A20);
        assertTrue(a20.level());
        assertEquals(0, resets);
        cmd(CMD_RESET);
        assertEquals(1, resets);
        cmd(0xff); // pulse nothing
        assertEquals(1, resets);
        cmd(CMD_WRITE_OUTPUT);
        out(OUT_A20); // bit 0 low: reset
        assertEquals(2, resets);
    }

    @Test
    void statusReflectsLastWriteAndSaveRestore() {
        out(0xf4);
        assertEquals(0, status() & STAT_CMD);
        cmd(CMD_READ_CB);
        assertEquals(STAT_CMD, status() & STAT_CMD);
        drain();
        enableTranslatedWithInterrupts();
        kbc.keyboard().keyEvent(0x1e, true);
        kbc.keyboard().keyEvent(0x1e, false);
        I8042.State s = kbc.save();
        IrqRecorder k2 = new IrqRecorder("k2");
        I8042 other = new I8042(new Ps2Keyboard(), new Ps2Mouse(), k2.line, new IrqRecorder("m").line,
                new IrqRecorder("a").line, () -> { }, null);
        other.restore(s);
        assertTrue(k2.level());
        assertEquals(0x1e, other.dataPort().read(0, 1));
        assertEquals(0x9e, other.dataPort().read(0, 1));
    }
}
