package dev.jemu.hw.character;

/**
 * The host side of a character device (QEMU's chardev) as a device front end sees it: bytes the guest sends.
 * Bytes toward the guest go the other way, through the front end's own receive methods
 * (e.g. {@link Serial16550#receive}), called on the machine thread by whoever owns the host end.
 */
@FunctionalInterface
public interface CharBackend {
    /** A backend that drops everything (-serial null). */
    CharBackend NULL = b -> {
    };

    /** One byte from the guest. Must not block the machine thread for long. */
    void write(int b);

    /** The guest started or stopped sending a break (serial LCR bit 6). */
    default void setBreak(boolean on) {
    }

    /** A backend writing to an OutputStream, flushing after each byte (stdio, a log file). */
    static CharBackend of(java.io.OutputStream out) {
        return b -> {
            try {
                out.write(b);
                out.flush();
            } catch (java.io.IOException e) {
                // a closed host end loses output, as QEMU's chardevs do
            }
        };
    }
}
