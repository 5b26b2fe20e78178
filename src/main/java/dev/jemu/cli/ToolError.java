package dev.jemu.cli;

/** A user-facing error: printed as one line "TOOL: message" and the tool exits with status 1. */
public final class ToolError extends RuntimeException {
    public ToolError(String message) {
        super(message, null, false, false);
    }
}
