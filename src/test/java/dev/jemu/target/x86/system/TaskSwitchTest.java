package dev.jemu.target.x86.system;

import org.junit.jupiter.api.Test;

/**
 * Hardware task switches (tests/guests/task.asm): JMP/CALL/INT/#DF through TSS descriptors and task gates,
 * IRET with NT, busy bits, back links, CR3/LDT of the new task, 16-bit TSS, a ring-3 task with its own I/O
 * bitmap, the #GP/#TS/#NP checks before the switch and a fault of the new task after it.
 */
class TaskSwitchTest {
    static final String TEXT = "jmp ok\ncall ok\ndf ok\nchecks ok\nnew task fault ok\ntss16 ok\nring 3 task\ntask ok\n";

    @Test
    void taskSwitches() {
        GuestRunner.pass("task", TEXT);
    }

    @Test
    void sameAsQemu() throws Exception {
        GuestRunner.sameAsQemu("task");
    }
}
