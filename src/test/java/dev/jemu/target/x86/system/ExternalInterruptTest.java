package dev.jemu.target.x86.system;

import dev.jemu.tcg.TcgOptions;
import dev.jemu.testutil.SystemHarness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** External interrupts through the harness's test line: IF masking, HLT wake-up (tests/guests/irq.asm). */
class ExternalInterruptTest {
    @Test
    void heldWhileIfIsClearAndWakesHlt() {
        // Interpreter only: with the translator on for everything (jemu.jit=all) the guest stays halted after the
        // interrupt returns (to be looked at with the system-mode translator work).
        SystemHarness.Result r = SystemHarness.runGuest("irq", TcgOptions.of(TcgOptions.Mode.OFF));
        assertEquals(0, r.status(), () -> "irq: failed check " + r);
        assertEquals("ok\n", r.text());
    }
}
