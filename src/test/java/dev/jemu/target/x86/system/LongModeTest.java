package dev.jemu.target.x86.system;

import org.junit.jupiter.api.Test;

/** Long mode: IDT gates, IST, IRETQ, SYSCALL/SYSRET, SWAPGS, compatibility mode (tests/guests/longmode.asm). */
class LongModeTest {
    @Test
    void gatesIstIretqSyscallSwapgsAndCompatibilityMode() {
        GuestRunner.pass("longmode", "ok\n");
    }

    @Test
    void sameAsQemu() throws Exception {
        GuestRunner.sameAsQemu("longmode");
    }
}
