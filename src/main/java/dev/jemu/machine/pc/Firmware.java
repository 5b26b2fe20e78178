package dev.jemu.machine.pc;

import dev.jemu.cli.ToolError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds and loads firmware images the way QEMU does: a name is looked up in the -L directories first, then in
 * the built-in data directories (Debian's /usr/share/seabios and /usr/share/qemu); a path with a slash is used
 * as given.
 */
public final class Firmware {
    public static final String DEFAULT_BIOS = "bios-256k.bin";
    public static final List<Path> BUILTIN_DIRS = List.of(Path.of("/usr/share/seabios"), Path.of("/usr/share/qemu"));

    private Firmware() {
    }

    /** The file for {@code name}, or null if no directory has it. */
    public static Path find(String name, List<Path> dataDirs) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isRegularFile(p) ? p : null;
        }
        List<Path> dirs = new ArrayList<>();
        if (dataDirs != null) dirs.addAll(dataDirs);
        dirs.addAll(BUILTIN_DIRS);
        for (Path d : dirs) {
            Path p = d.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    /**
     * Loads the PC BIOS: {@code bios} (-bios) or the default; its size must be a non-zero multiple of 64 KiB, as
     * QEMU requires. Errors are one line, naming the package that provides the default.
     */
    public static byte[] loadBios(Path bios, List<Path> dataDirs) {
        String name = bios == null ? DEFAULT_BIOS : bios.toString();
        Path p = bios != null && Files.isRegularFile(bios) ? bios : find(name, dataDirs);
        if (p == null) {
            if (bios == null)
                throw new ToolError("could not find PC BIOS '" + name + "' (install the seabios package, or give -L DIR / -bios FILE)");
            throw new ToolError("could not load PC BIOS '" + name + "'");
        }
        byte[] data;
        try {
            data = Files.readAllBytes(p);
        } catch (IOException e) {
            throw new ToolError("could not load PC BIOS '" + name + "'");
        }
        if (data.length == 0 || data.length % 65536 != 0 || data.length > 16 << 20)
            throw new ToolError("could not load PC BIOS '" + name + "'");
        return data;
    }
}
