package dev.jemu.target.x86.system;

/** A fault while delivering a double fault: the CPU shuts down (the board resets it, or stops with -no-reboot). */
public final class TripleFault extends RuntimeException {
    public TripleFault(String what) {
        super(what, null, false, false);
    }
}
