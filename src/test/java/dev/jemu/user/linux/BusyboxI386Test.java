package dev.jemu.user.linux;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's busybox-static for i386 (scripts/fetch-guests puts it in ~/.cache/jemu/i386/busybox) under
 * jemu-i386, compared with the host kernel running the same binary.
 */
class BusyboxI386Test {
    private static Path busybox() {
        String cache = System.getenv().getOrDefault("JEMU_CACHE", System.getProperty("user.home") + "/.cache/jemu");
        Path p = Path.of(cache, "i386", "busybox");
        assumeTrue(Files.isExecutable(p), "no i386 busybox in the cache (scripts/fetch-guests busybox-i386)");
        return p;
    }

    @Test
    void echoAndListRoot() {
        Run32.Result n = Run32.assertSameAsNative(busybox(), "sh", "-c", "echo hi; ls /");
        assertEquals(true, n.text().startsWith("hi\n"));
    }

    @Test
    void appletsOverFilesAndPipes() {
        Run32.assertSameAsNative(busybox(), "sh", "-c",
                "echo 'b a c' > f && tr ' ' '\\n' < f | sort | wc -l && cat f | wc -c && ls -l f | cut -c1-10 "
                        + "&& mkdir d && touch d/x && find d | sort && rm -r d f && ls");
    }
}
