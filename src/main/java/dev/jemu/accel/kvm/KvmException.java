package dev.jemu.accel.kvm;

/** A failed KVM call: what was being done and the errno's text, e.g. "KVM_CREATE_VM: Device or resource busy". */
public final class KvmException extends RuntimeException {
    private final int errno;

    KvmException(String what, int negErrno) {
        super(what + ": " + KvmNative.strerror(-negErrno), null, false, false);
        this.errno = -negErrno;
    }

    KvmException(String message) {
        super(message, null, false, false);
        this.errno = 0;
    }

    /** The errno (positive), 0 if the failure was not a system call's. */
    public int errno() {
        return errno;
    }
}
