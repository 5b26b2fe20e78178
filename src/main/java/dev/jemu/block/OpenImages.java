package dev.jemu.block;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every backend open in this process, so the front end can flush them at exit and on SIGTERM
 * ({@link #flushAll()}, {@link #closeAll()}). A JVM shutdown hook, installed with the first image, closes
 * whatever is still open: SIGTERM and System.exit both run it, so writes are never left unflushed.
 */
public final class OpenImages {
    private static final Set<BlockBackend> open = new LinkedHashSet<>();
    private static boolean hookInstalled;

    private OpenImages() {
    }

    static synchronized void add(BlockBackend b) {
        if (!hookInstalled) {
            hookInstalled = true;
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(OpenImages::closeAll, "jemu-block-flush"));
            } catch (IllegalStateException alreadyShuttingDown) {
                // the process is exiting anyway; closeAll is still called by whoever exits
            }
        }
        open.add(b);
    }

    static synchronized void remove(BlockBackend b) {
        open.remove(b);
    }

    /** The backends open now, in opening order. */
    public static synchronized List<BlockBackend> all() {
        return new ArrayList<>(open);
    }

    /** Flushes every open backend; returns the first error's message, or null if all succeeded. */
    public static String flushAll() {
        String first = null;
        for (BlockBackend b : all()) {
            try {
                b.flush();
            } catch (IOException e) {
                if (first == null) first = "Failed to flush '" + b.name() + "': " + e.getMessage();
            }
        }
        return first;
    }

    /** Flushes and closes every open backend (exit path); returns the first error's message, or null. */
    public static String closeAll() {
        String first = null;
        for (BlockBackend b : all()) {
            try {
                b.close();
            } catch (IOException e) {
                if (first == null) first = "Failed to close '" + b.name() + "': " + e.getMessage();
            }
        }
        return first;
    }
}
