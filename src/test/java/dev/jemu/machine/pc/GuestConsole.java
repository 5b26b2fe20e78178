package dev.jemu.machine.pc;

import dev.jemu.testutil.Jemu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A guest run watched on its console: the emulator's stdout is read as it comes, and the run is killed as soon
 * as {@code until} holds (for guests such as memtest86+ or iPXE that never end by themselves) or at the
 * timeout. The caller looks at what was printed (and at the VT100 screen it painted).
 */
final class GuestConsole {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final Vt100Screen screen = new Vt100Screen();
    boolean reached;
    Duration elapsed;
    String stderr = "";

    /** Runs {@code cmd} until {@code until} holds for this console or {@code timeout} passes. */
    static GuestConsole run(List<String> cmd, Duration timeout, Predicate<GuestConsole> until) {
        GuestConsole c = new GuestConsole();
        long start = System.nanoTime();
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.PIPE).start();
            Thread errPump = Thread.ofVirtual().start(() -> {
                try {
                    c.stderr = new String(p.getErrorStream().readAllBytes());
                } catch (IOException ignored) {
                    // the process went away
                }
            });
            Thread killer = Thread.ofVirtual().start(() -> {
                try {
                    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) kill(p);
                } catch (InterruptedException ignored) {
                    // the run ended first
                }
            });
            InputStream in = p.getInputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (c) {
                    c.out.write(buf, 0, n);
                    c.screen.feed(buf, 0, n);
                    if (until.test(c)) {
                        c.reached = true;
                        break;
                    }
                }
            }
            kill(p);
            killer.interrupt();
            errPump.join(5000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        c.elapsed = Duration.ofNanos(System.nanoTime() - start);
        return c;
    }

    static GuestConsole run(String tool, List<String> args, Duration timeout, Predicate<GuestConsole> until) {
        return run(Jemu.command(tool, args), timeout, until);
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String text() {
        return out.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** For failure messages: how long it ran, the screen, the end of the output and of stderr. */
    String describe() {
        String t = text();
        return "ran " + elapsed.toMillis() + " ms, condition " + (reached ? "reached" : "NOT reached") + "\nscreen:\n" + screen
                + "\noutput tail:\n" + (t.length() > 2000 ? t.substring(t.length() - 2000) : t)
                + "\nstderr:\n" + (stderr.length() > 2000 ? stderr.substring(stderr.length() - 2000) : stderr);
    }
}
