package dev.jemu.block;

/**
 * An image that cannot be opened or used, with QEMU's wording ("Could not open 'x.img': No such file or
 * directory"). The caller adds the option prefix ("-drive file=x.img: ") where QEMU prints one.
 */
public final class BlockError extends RuntimeException {
    public BlockError(String message) {
        super(message, null, false, false);
    }
}
