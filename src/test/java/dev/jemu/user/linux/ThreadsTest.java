package dev.jemu.user.linux;

import org.junit.jupiter.api.Test;

/** Guest threads against the host: pthread create/join, mutexes, condition variables, barriers, atomics, TLS,
 * thread-directed and process-directed signals, and the process outliving its main thread. */
class ThreadsTest {
    @Test
    void pthreadsFutexesAndSignals() {
        LinuxPrograms.assertSameAsNative(LinuxPrograms.c("threads"), 0);
    }

    /** clone with CLONE_VM|CLONE_THREAD|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID and a futex wait. */
    @Test
    void rawCloneAndFutex() {
        LinuxPrograms.assertSameAsNative(LinuxPrograms.asm("rawthread"), 160);
    }
}
