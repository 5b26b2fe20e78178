package dev.jemu.target.x86.system;

import org.junit.jupiter.api.Test;

/** Real-mode system behaviour (tests/guests/realmode.asm). */
class RealModeTest {
    @Test
    void interruptsFarTransfersSegmentLoadsAndPorts() {
        GuestRunner.pass("realmode", "rep-outs\nok\n");
    }

    @Test
    void sameAsQemu() throws Exception {
        GuestRunner.sameAsQemu("realmode");
    }
}
