package dev.jemu.target.x86.system;

import dev.jemu.testutil.SystemHarness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs a tests/guests image in the SystemHarness and, when installed, under qemu-system-x86_64 too. */
final class GuestRunner {
    private GuestRunner() {}

    /** Runs {@code name} and asserts it exits with status 0 (every check passed) printing {@code text}. */
    static SystemHarness.Result pass(String name, String text) {
        SystemHarness.Result r = SystemHarness.runGuest(name);
        assertEquals(0, r.status(), () -> name + ": failed check " + r);
        assertEquals(text, r.text(), name);
        return r;
    }

    /** Runs {@code name} under QEMU (TCG): returns {exit status of the guest, debugcon text}, or null without QEMU. */
    static Object[] qemu(String name) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64"))) return null;
        byte[] image = SystemHarness.assemble(name);
        Path dir = Files.createTempDirectory("jemu-qemu");
        Path bios = dir.resolve("bios.bin"), out = dir.resolve("debugcon.txt");
        Files.write(bios, image);
        Process p = new ProcessBuilder("/usr/bin/qemu-system-x86_64", "-bios", bios.toString(), "-display", "none",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-debugcon", "file:" + out, "-no-reboot")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("QEMU timed out on " + name);
        }
        int code = p.exitValue();
        String text = Files.exists(out) ? Files.readString(out) : "";
        Files.deleteIfExists(bios);
        Files.deleteIfExists(out);
        Files.delete(dir);
        // isa-debug-exit: status*2+1; a normal exit (e.g. -no-reboot on a triple fault) is 0
        return new Object[] {code % 2 == 1 ? code >> 1 : SystemHarness.TRIPLE_FAULT, text};
    }

    /** Runs {@code name} in jemu and QEMU and asserts the same status and debugcon text. */
    static void sameAsQemu(String name) throws Exception {
        Object[] q = qemu(name);
        org.junit.jupiter.api.Assumptions.assumeTrue(q != null, "qemu-system-x86_64 is not installed");
        SystemHarness.Result r = SystemHarness.runGuest(name);
        assertEquals(q[0], r.status(), name + ": status (jemu " + r + ", qemu debugcon: " + q[1] + ")");
        assertEquals(q[1], r.text(), name + ": debugcon");
    }
}
