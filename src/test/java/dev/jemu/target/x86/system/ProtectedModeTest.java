package dev.jemu.target.x86.system;

import org.junit.jupiter.api.Test;

/** Protected-mode segmentation, exceptions, privilege and gates (tests/guests/pm.asm). */
class ProtectedModeTest {
    @Test
    void segmentationExceptionsPrivilegeAndGates() {
        GuestRunner.pass("pm", "pm ok\nring 3\nok\n");
    }

    @Test
    void sameAsQemu() throws Exception {
        GuestRunner.sameAsQemu("pm");
    }
}
