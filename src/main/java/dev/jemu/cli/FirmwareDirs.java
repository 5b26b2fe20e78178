package dev.jemu.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where firmware (bios-256k.bin, vgabios-stdvga.bin) is looked for after the -L directories. */
public final class FirmwareDirs {
    private FirmwareDirs() {}

    /** $JEMU_FIRMWARE_DIR, the cache the scripts fill, then Debian's seabios package directory. */
    public static List<Path> defaults() {
        List<Path> dirs = new ArrayList<>();
        String env = System.getenv("JEMU_FIRMWARE_DIR");
        if (env != null && !env.isEmpty()) dirs.add(Path.of(env));
        String home = System.getProperty("user.home");
        if (home != null) dirs.add(Path.of(home, ".cache", "jemu", "seabios", "usr", "share", "seabios"));
        dirs.add(Path.of("/usr/share/seabios"));
        dirs.add(Path.of("/usr/share/qemu"));
        return dirs;
    }
}
