package dev.jemu.hw.block;

import dev.jemu.block.BlockBackend;

/**
 * One 3.5" floppy drive and its medium (QEMU's FDrive): head position, the geometry picked from the image
 * size as QEMU's fd_formats table does for a 1.44 MB drive, the data rate the medium needs, the disk-change
 * line (set at insertion, cleared by a seek to another track).
 */
public final class FloppyDrive {
    /** Data rates (DSR/CCR bits 0-1). */
    public static final int RATE_500K = 0, RATE_300K = 1, RATE_250K = 2, RATE_1M = 3;

    /** {total 512-byte sectors, sectors per track, tracks, heads, rate, CMOS drive type}. */
    private static final int[][] FORMATS = {
            {2880, 18, 80, 2, RATE_500K, 4},  // 1.44 MB
            {1440, 9, 80, 2, RATE_250K, 4},   // 720 KB (QEMU lists it under the 1.44 MB drive type)
            {5760, 36, 80, 2, RATE_1M, 5},    // 2.88 MB
            {3200, 20, 80, 2, RATE_500K, 4},  // 1.6 MB
            {3360, 21, 80, 2, RATE_500K, 4},  // 1.68 MB
            {3444, 21, 82, 2, RATE_500K, 4},  // 1.72 MB
            {1600, 10, 80, 2, RATE_250K, 4},  // 800 KB
            {2400, 15, 80, 2, RATE_500K, 2},  // 1.2 MB (5.25")
            {720, 9, 40, 2, RATE_300K, 2},    // 360 KB
            {640, 8, 40, 2, RATE_300K, 2},    // 320 KB
            {360, 9, 40, 1, RATE_300K, 2},    // 180 KB
            {320, 8, 40, 1, RATE_300K, 2},    // 160 KB
    };
    BlockBackend medium;
    int track, head, sect = 1;
    int lastSect, maxTrack, heads, rate;
    int perpendicular;
    boolean mediaChanged = true;
    private int cmosType = 4;

    public FloppyDrive(BlockBackend medium) {
        // an empty drive takes QEMU's isa-fdc fallback type, 2.88 MB (CMOS type 5: QEMU's CMOS byte 0x10 reads
        // 0x50 for a bare command line); a medium picks the type from its size
        if (medium == null) cmosType = 5;
        insert(medium);
    }

    /** Inserts a medium (null: empty drive) and sets the disk-change line. */
    public void insert(BlockBackend m) {
        medium = m;
        mediaChanged = true;
        if (m == null) {
            lastSect = 0;
            maxTrack = 0;
            heads = 2;
            rate = RATE_500K;
            return;
        }
        long total = m.sectors();
        int[] f = FORMATS[0];
        for (int[] g : FORMATS) {
            if (g[0] == total) {
                f = g;
                break;
            }
        }
        lastSect = f[1];
        maxTrack = f[2];
        heads = f[3];
        rate = f[4];
        cmosType = f[5];
    }

    public BlockBackend medium() {
        return medium;
    }

    boolean readOnly() {
        return medium == null || medium.readOnly();
    }

    /** The drive type for CMOS byte 0x10 (4: 1.44 MB drive, 5: 2.88 MB, 2: 1.2 MB 5.25"), as QEMU picks it. */
    public int cmosType() {
        return cmosType;
    }

    public int sectorsPerTrack() {
        return lastSect;
    }

    public int tracks() {
        return maxTrack;
    }

    public int heads() {
        return heads;
    }

    /** The linear sector of the head's position. */
    long sector() {
        return ((long) track * heads + head) * lastSect + sect - 1;
    }

    void recalibrate() {
        head = 0;
        track = 0;
        sect = 1;
    }

    /** QEMU's fd_seek: 0 done, 1 moved to another track, 2 bad track/head or no medium, 3 bad sector. */
    int seek(int h, int t, int s) {
        if (t > maxTrack || (h != 0 && heads == 1)) return 2;
        if (s > lastSect) return 3;
        int ret = 0;
        long target = ((long) t * heads + h) * lastSect + s - 1;
        if (target != sector()) {
            head = h;
            if (track != t) {
                if (medium != null) mediaChanged = false;
                ret = 1;
            }
            track = t;
            sect = s;
        }
        if (medium == null) ret = 2;
        return ret;
    }
}
