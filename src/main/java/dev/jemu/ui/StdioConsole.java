package dev.jemu.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.IntConsumer;

/**
 * The terminal as a serial console (-nographic, -serial stdio): raw mode while jemu runs (restored on exit, also
 * on SIGTERM/SIGINT through the shutdown hook), and, when multiplexed as QEMU's -nographic console is, QEMU's
 * Ctrl-A commands: x quits, h helps, c would switch to the monitor, b sends a break, Ctrl-A Ctrl-A sends Ctrl-A.
 */
public final class StdioConsole {
    public static final int CTRL_A = 0x01;

    /** What the console drives. */
    public interface Target {
        /** A byte typed for the guest. */
        void input(int b);

        /** Ctrl-A b. */
        default void sendBreak() {
        }

        /** Ctrl-A x: end the emulator. */
        void quit();
    }

    private final String tool;
    private final boolean mux;
    private final PrintStream out;
    private String savedStty;
    private boolean escape;

    public StdioConsole(String tool, boolean mux, PrintStream out) {
        this.tool = tool;
        this.mux = mux;
        this.out = out;
    }

    /** Interprets one typed byte (Ctrl-A commands when multiplexed); visible for tests. */
    public void typed(int b, Target t) {
        if (!mux) {
            t.input(b);
            return;
        }
        if (escape) {
            escape = false;
            switch (b) {
                case 'x', 'X' -> {
                    out.print("\r\n" + tool + ": Terminated\r\n");
                    out.flush();
                    t.quit();
                }
                case 'h', 'H', '?' -> {
                    out.print(help());
                    out.flush();
                }
                case 'c', 'C' -> {
                    out.print("\r\n" + tool + ": the monitor is not available yet\r\n");
                    out.flush();
                }
                case 'b', 'B' -> t.sendBreak();
                case CTRL_A -> t.input(CTRL_A);
                default -> { } // QEMU ignores other commands
            }
            return;
        }
        if (b == CTRL_A) escape = true;
        else t.input(b);
    }

    static String help() {
        return "\r\nC-a h    print this help\r\n"
                + "C-a x    exit emulator\r\n"
                + "C-a s    save disk data back to file (if -snapshot)\r\n"
                + "C-a t    toggle console timestamps\r\n"
                + "C-a b    send break (magic sysrq)\r\n"
                + "C-a c    switch between console and monitor\r\n"
                + "C-a C-a  sends C-a\r\n";
    }

    /** Puts the terminal in raw mode (if stdin is one) and starts the reader thread. */
    public void start(InputStream in, Target t) {
        if (isTty()) {
            savedStty = stty("-g");
            if (savedStty != null) {
                stty(mux ? "raw -echo" : "raw -echo isig");
                Runtime.getRuntime().addShutdownHook(new Thread(this::restore, "jemu-tty-restore"));
            }
        }
        Thread r = Thread.ofPlatform().daemon().name("jemu-stdin").start(() -> {
            try {
                int b;
                while ((b = in.read()) >= 0) typed(b, t);
            } catch (IOException e) {
                // stdin closed: no more input, as QEMU
            }
        });
    }

    /** Restores the terminal (idempotent). */
    public synchronized void restore() {
        if (savedStty != null) {
            stty(savedStty.trim());
            savedStty = null;
        }
    }

    static boolean isTty() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    private static String stty(String args) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "stty " + args + " < /dev/tty")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] o = p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? new String(o) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** stdout for the guest's bytes (unbuffered through the CharBackend's flush). */
    public static OutputStream stdout() {
        return new java.io.FileOutputStream(java.io.FileDescriptor.out);
    }

    static void drop(IntConsumer c) {
    }
}
