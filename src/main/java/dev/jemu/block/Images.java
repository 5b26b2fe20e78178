package dev.jemu.block;

import java.nio.file.Path;

/** Opens the backend a drive asks for, as QEMU's -drive does. */
public final class Images {
    private Images() {
    }

    /**
     * A read-only drive opens its file read-only; -snapshot (or a per-drive snapshot) opens it read-only under
     * a throw-away overlay; anything else opens it read-write ("Could not open 'x': Permission denied" when the
     * file is not writable, as QEMU 7.2 says).
     */
    public static BlockBackend open(Path file, String name, boolean readOnly, boolean snapshot) {
        if (readOnly) return RawImage.open(file, name, true);
        if (snapshot) return SnapshotOverlay.open(file, name);
        return RawImage.open(file, name, false);
    }

    /** Same, naming the image by its path as given. */
    public static BlockBackend open(Path file, boolean readOnly, boolean snapshot) {
        return open(file, file.toString(), readOnly, snapshot);
    }
}
