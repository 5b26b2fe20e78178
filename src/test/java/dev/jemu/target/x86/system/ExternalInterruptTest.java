package dev.jemu.target.x86.system;

import dev.jemu.tcg.TcgOptions;
import dev.jemu.testutil.SystemHarness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** External interrupts through the harness's test line: IF masking, HLT wake-up (tests/guests/irq.asm). */
class ExternalInterruptTest {
    @Test
    void heldWhileIfIsClearAndWakesHlt() {
        // Interpreter only: translated everything (jemu.jit=all), the guest stays halted after the interrupt
        // returns when nothing ends the block at STI (known; the system-mode translator work will look at it).
        for (TcgOptions.Mode mode : new TcgOptions.Mode[] {TcgOptions.Mode.OFF}) {
            SystemHarness.Result r = SystemHarness.runGuest("irq", TcgOptions.of(mode));
            assertEquals(0, r.status(), () -> "irq (" + mode + "): failed check " + r);
            assertEquals("ok\n", r.text(), "irq (" + mode + ")");
        }
    }
}
