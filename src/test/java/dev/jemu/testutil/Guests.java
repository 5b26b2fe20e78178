package dev.jemu.testutil;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Guest artifacts that scripts/fetch-guests puts in the cache (${JEMU_CACHE:-$HOME/.cache/jemu}). */
public final class Guests {
    private Guests() {}

    public static Path cacheDir() {
        String env = System.getenv("JEMU_CACHE");
        if (env != null && !env.isEmpty()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "jemu");
    }

    /** Debian's static busybox for "amd64" or "i386"; skips the test when it has not been fetched. */
    public static Path busybox(String debianArch) {
        Path p = cacheDir().resolve(debianArch).resolve("busybox");
        assumeTrue(Files.isExecutable(p), () -> p + " is missing: run scripts/fetch-guests");
        return p;
    }
}
