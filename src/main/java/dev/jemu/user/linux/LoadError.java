package dev.jemu.user.linux;

/** A program that cannot be loaded; the message is the reason shown after "Error loading FILE: ". */
public final class LoadError extends Exception {
    public LoadError(String message) {
        super(message, null, false, false);
    }
}
