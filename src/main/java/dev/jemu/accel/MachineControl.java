package dev.jemu.accel;

/**
 * The running machine as devices and host threads see it: requests that end or reset it, and the way in for
 * threads other than the vCPU's (QEMU's BQL). Every method is safe from any thread.
 */
public interface MachineControl {
    /** The guest asked for a system reset (i8042 0xFE, port 0xCF9, port 0x92 bit 0). */
    void requestReset();

    /** The guest powered off (ACPI S5, Bochs shutdown port, APM): the emulator exits 0 (or stops with -no-shutdown). */
    void requestPowerOff();

    /** isa-debug-exit: the emulator exits with {@code status}. */
    void requestExit(int status);

    /** Wakes a halted vCPU to look at its interrupt pins again (call holding the machine lock, or via {@link #runLocked}). */
    void wake();

    /** Runs {@code work} on the machine (devices) from another thread: kicks the vCPU out of guest code first. */
    void runLocked(Runnable work);
}
