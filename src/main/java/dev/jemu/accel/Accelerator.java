package dev.jemu.accel;

/** Runs a machine's vCPU (QEMU's AccelClass + its vCPU thread): tcg now, perhaps kvm later. */
public interface Accelerator {
    /** "tcg", ... */
    String name();

    /** Runs the machine on the calling thread until it ends; returns the emulator's exit status. */
    int run();

    /** Asks the running machine to end with {@code status} (Ctrl-A x, SIGTERM); safe from any thread. */
    void shutdown(int status);
}
