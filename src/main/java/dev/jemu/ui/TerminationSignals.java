package dev.jemu.ui;

import dev.jemu.accel.Accelerator;

/**
 * SIGTERM, SIGINT and SIGHUP end a running machine the way QEMU's do: one line "terminating on signal N" on
 * stderr, then an orderly shutdown with status 0 (images flushed; -no-shutdown does not hold it back).
 * QEMU adds "from pid P (name)" when the kernel says who sent it; the JVM's signal API does not tell us.
 * Under -nographic the terminal is raw, so Ctrl-C reaches the guest, not this handler, as with QEMU.
 */
@SuppressWarnings("removal")
public final class TerminationSignals {
    private TerminationSignals() {}

    public static void install(String tool, Accelerator accel) {
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    System.err.println(tool + ": terminating on signal " + sig.getNumber());
                    accel.shutdown(0);
                });
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal (run with -Xrs): its default action applies
            }
        }
    }
}
