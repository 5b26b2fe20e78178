package dev.jemu.target.x86.system;

import org.junit.jupiter.api.Test;

/** Virtual-8086 mode: IOPL-sensitive instructions, I/O bitmap, INT n to ring 0 and IRET back (tests/guests/v86.asm). */
class V86ModeTest {
    @Test
    void ioplSensitiveInstructionsPortsAndInterrupts() {
        GuestRunner.pass("v86", "v86\nok\n");
    }

    @Test
    void sameAsQemu() throws Exception {
        GuestRunner.sameAsQemu("v86");
    }
}
