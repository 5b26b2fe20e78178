package dev.jemu.user.linux;

import org.junit.jupiter.api.Test;

/**
 * Processes against the host: fork + pipe + wait statuses (exit, signal, stop, continue), waitid, vfork,
 * execve of itself and of a #! script, exec errors, posix_spawn, process groups and sessions, orphans.
 */
class ProcessesTest {
    @Test
    void forkExecWaitAndGroups() {
        LinuxPrograms.assertSameAsNative(LinuxPrograms.c("procs"), 0);
    }

    /** MAP_SHARED anonymous and file mappings shared with children (process-shared mutex = shared futex). */
    @Test
    void sharedMemoryAcrossFork() {
        LinuxPrograms.assertSameAsNative(LinuxPrograms.c("shm"), 0);
    }

    /** /proc/self, /proc/thread-self, /proc/PID and task/TID describe the guest, not the JVM. */
    @Test
    void procDescribesTheGuest() {
        LinuxPrograms.assertSameAsNative(LinuxPrograms.c("procfs"), 0);
    }

    /** Raw fork/wait4 with an exit code and a SIGSEGV death, encoded into the exit status. */
    @Test
    void rawForkWaitStatuses() {
        LinuxPrograms.assertSameAsNative(LinuxPrograms.asm("rawfork"), 181);
    }
}
