package dev.jemu.user.linux;

/** Guest threads (clone with CLONE_VM|CLONE_THREAD), futexes. */
final class Threads {
    private Threads() {}

    /** A thread ended while its process goes on: clear and wake its child-tid word (pthread_join). */
    static void threadExited(LinuxThread t) {
        if (t.clearChildTid != 0) {
            try {
                t.proc.mem.writeInt(t.clearChildTid, 0);
            } catch (GuestMemory.Fault ignored) {
                // the guest unmapped it; nothing to wake
            }
        }
    }
}
