package dev.jemu.hw.ide;

import dev.jemu.block.BlockBackend;
import dev.jemu.block.BlockError;

import java.io.IOException;

import static dev.jemu.hw.ide.Ata.*;

/**
 * An ATA hard disk as QEMU's ide-hd: "QEMU HARDDISK", LBA28 and LBA48, PIO single-sector and MULTIPLE
 * transfers, multiword/Ultra DMA through the channel's bus master, CHS addressing with the geometry QEMU
 * guesses (from the MBR's partition ends, else 16 heads and 63 sectors), FLUSH CACHE to the backend.
 */
public final class AtaDisk extends IdeDrive {
    private final BlockBackend disk;
    private final long totalSectors;
    private final int cylinders, heads, sectorsPerTrack;
    /** 0: none, 1: LBA, 2: LARGE (QEMU's BIOS_ATA_TRANSLATION_*), for the board's CMOS byte 0x39. */
    private final int translation;
    private final String serial;
    private final byte[] identify = new byte[SECTOR];
    private boolean identifySet;
    private int multSectors = MAX_MULT_SECTORS;
    private int reqSectors;
    private boolean writeCache = true;

    /** @param serialIndex QEMU numbers drive serials "QM00001".. in creation order (bus * 2 + unit + 1) */
    public AtaDisk(BlockBackend disk, int serialIndex) {
        if (disk.readOnly()) throw new BlockError("Block node is read-only");
        this.disk = disk;
        this.totalSectors = disk.sectors();
        this.serial = String.format("QM%05d", serialIndex);
        int[] g = guessGeometry(disk, totalSectors);
        cylinders = g[0];
        heads = g[1];
        sectorsPerTrack = g[2];
        translation = g[3];
    }

    @Override
    public boolean present() {
        return true;
    }

    public BlockBackend backend() {
        return disk;
    }

    public long totalSectors() {
        return totalSectors;
    }

    /** {cylinders, heads, sectors per track} as IDENTIFY reports them (the board copies them to CMOS). */
    public int[] geometry() {
        return new int[]{cylinders, heads, sectorsPerTrack};
    }

    /** The BIOS translation hint: 0 none, 1 LBA, 2 LARGE (CMOS 0x39, two bits per drive). */
    public int translation() {
        return translation;
    }

    @Override
    void reset() {
        super.reset();
        multSectors = MAX_MULT_SECTORS;
        reqSectors = 0;
    }

    @Override
    void softResetDone() {
        super.softResetDone();
        channel.raiseIrq();
    }

    @Override
    void setSignature() {
        super.setSignature();
        lcyl = hcyl = 0;
    }

    // ---- geometry (QEMU's hw/block/hd-geometry.c) ----

    static int[] guessGeometry(BlockBackend disk, long total) {
        int[] lchs = guessLchs(disk, total);
        if (lchs == null) {
            int[] p = chsForSize(total);
            return new int[]{p[0], p[1], p[2], autoTranslation(p[0], p[1], p[2])};
        }
        if (lchs[1] > 16) {
            // a BIOS LBA translation was active: any standard physical geometry will do
            int[] p = chsForSize(total);
            return new int[]{p[0], p[1], p[2], (long) p[0] * p[1] <= 131072 ? 2 : 1};
        }
        return new int[]{lchs[0], lchs[1], lchs[2], 0};
    }

    /** Heads and sectors from the end CHS of the MBR's partitions, or null. */
    private static int[] guessLchs(BlockBackend disk, long total) {
        byte[] mbr = new byte[SECTOR];
        try {
            if (total < 1) return null;
            disk.read(0, mbr, 0, SECTOR);
        } catch (IOException e) {
            return null;
        }
        if ((mbr[510] & 0xff) != 0x55 || (mbr[511] & 0xff) != 0xaa) return null;
        for (int i = 0; i < 4; i++) {
            int p = 0x1be + 16 * i;
            long nrSects = (mbr[p + 12] & 0xffL) | (mbr[p + 13] & 0xffL) << 8 | (mbr[p + 14] & 0xffL) << 16
                    | (mbr[p + 15] & 0xffL) << 24;
            int endHead = mbr[p + 5] & 0xff;
            if (nrSects != 0 && endHead != 0) {
                int h = endHead + 1;
                int s = mbr[p + 6] & 63;
                if (s == 0) continue;
                long c = total / ((long) h * s);
                if (c < 1 || c > 16383) continue;
                return new int[]{(int) c, h, s};
            }
        }
        return null;
    }

    private static int[] chsForSize(long total) {
        long c = total / (16 * 63);
        c = Math.max(2, Math.min(16383, c));
        return new int[]{(int) c, 16, 63};
    }

    private static int autoTranslation(int c, int h, int s) {
        return (c <= 1024 && h <= 16 && s <= 63) ? 0 : 1; // QEMU's hd_bios_chs_auto_trans: NONE or LBA
    }

    // ---- IDENTIFY (QEMU's ide_identify) ----

    private void buildIdentify() {
        byte[] p = identify;
        if (!identifySet) {
            java.util.Arrays.fill(p, (byte) 0);
            putWord(p, 0, 0x0040);
            putWord(p, 1, cylinders);
            putWord(p, 3, heads);
            putWord(p, 4, 512 * sectorsPerTrack);
            putWord(p, 5, 512);
            putWord(p, 6, sectorsPerTrack);
            padString(p, 20, serial, 20);
            putWord(p, 20, 3);
            putWord(p, 21, 512);
            putWord(p, 22, 4);
            padString(p, 46, "2.5+", 8);
            padString(p, 54, "QEMU HARDDISK", 40);
            putWord(p, 47, 0x8000 | MAX_MULT_SECTORS);
            putWord(p, 48, 1);
            putWord(p, 49, (1 << 11) | (1 << 9) | (1 << 8));
            putWord(p, 51, 0x200);
            putWord(p, 52, 0x200);
            putWord(p, 53, 1 | (1 << 1) | (1 << 2));
            putWord(p, 54, cylinders);
            putWord(p, 55, heads);
            putWord(p, 56, sectorsPerTrack);
            int old = cylinders * heads * sectorsPerTrack;
            putWord(p, 57, old);
            putWord(p, 58, old >>> 16);
            putWord(p, 62, 0x07);
            putWord(p, 63, 0x07);
            putWord(p, 64, 0x03);
            putWord(p, 65, 120);
            putWord(p, 66, 120);
            putWord(p, 67, 120);
            putWord(p, 68, 120);
            putWord(p, 80, 0xf0);
            putWord(p, 81, 0x16);
            putWord(p, 82, (1 << 14) | (1 << 5) | 1);
            putWord(p, 83, (1 << 14) | (1 << 13) | (1 << 12) | (1 << 10));
            putWord(p, 84, 1 << 14);
            putWord(p, 86, (1 << 13) | (1 << 12) | (1 << 10));
            putWord(p, 87, 1 << 14);
            putWord(p, 88, 0x3f | (1 << 13));
            putWord(p, 93, 1 | (1 << 14) | 0x2000);
            long lba28 = Math.min(totalSectors, (1 << 28) - 1);
            putWord(p, 60, (int) lba28);
            putWord(p, 61, (int) (lba28 >>> 16));
            putWord(p, 100, (int) totalSectors);
            putWord(p, 101, (int) (totalSectors >>> 16));
            putWord(p, 102, (int) (totalSectors >>> 32));
            putWord(p, 103, (int) (totalSectors >>> 48));
            identifySet = true;
        }
        // the live parts
        putWord(p, 59, multSectors != 0 ? 0x100 | multSectors : 0);
        putWord(p, 85, (1 << 14) | (writeCache ? 1 << 5 : 0) | 1);
    }

    /** The IDENTIFY DEVICE data (for tests and the board's firmware tables). */
    public byte[] identifyData() {
        buildIdentify();
        return identify.clone();
    }

    // ---- commands ----

    @Override
    boolean setsDsc(int cmd) {
        return switch (cmd) {
            case WIN_FLUSH_CACHE, WIN_FLUSH_CACHE_EXT, WIN_SEEK, WIN_SETFEATURES, WIN_SPECIFY, WIN_VERIFY,
                 WIN_VERIFY_ONCE, WIN_VERIFY_EXT, WIN_SETMULT, WIN_READ_NATIVE_MAX, WIN_READ_NATIVE_MAX_EXT,
                 WIN_CHECKPOWERMODE1, WIN_CHECKPOWERMODE2, WIN_STANDBYNOW1, WIN_STANDBYNOW2, WIN_IDLEIMMEDIATE,
                 WIN_IDLEIMMEDIATE2, WIN_STANDBY, WIN_STANDBY2, WIN_SETIDLE1, WIN_SETIDLE2, WIN_SLEEPNOW1,
                 WIN_SLEEPNOW2, WIN_NOP -> true;
            default -> cmd >= WIN_RECAL && cmd <= 0x1f;
        };
    }

    @Override
    boolean command(int cmd) {
        switch (cmd) {
            case WIN_IDENTIFY -> {
                buildIdentify();
                System.arraycopy(identify, 0, buf, 0, SECTOR);
                status = READY_STAT | SEEK_STAT;
                transferStart(SECTOR, false, END_NONE);
                channel.raiseIrq();
                return false;
            }
            case WIN_READ, WIN_READ_ONCE, WIN_READ_EXT -> {
                lba48Transform(cmd == WIN_READ_EXT);
                reqSectors = 1;
                sectorRead();
                return false;
            }
            case WIN_MULTREAD, WIN_MULTREAD_EXT -> {
                if (multSectors == 0) break;
                lba48Transform(cmd == WIN_MULTREAD_EXT);
                reqSectors = multSectors;
                sectorRead();
                return false;
            }
            case WIN_WRITE, WIN_WRITE_ONCE, WIN_WRITE_EXT, WIN_MULTWRITE, WIN_MULTWRITE_EXT -> {
                boolean mult = cmd == WIN_MULTWRITE || cmd == WIN_MULTWRITE_EXT;
                if (mult && multSectors == 0) break;
                lba48Transform(cmd == WIN_WRITE_EXT || cmd == WIN_MULTWRITE_EXT);
                reqSectors = mult ? multSectors : 1;
                status = READY_STAT | SEEK_STAT;
                transferStart(Math.min(nsector, reqSectors) * SECTOR, true, END_SECTOR_WRITE);
                return false;
            }
            case WIN_READDMA, WIN_READDMA_ONCE, WIN_READDMA_EXT -> {
                lba48Transform(cmd == WIN_READDMA_EXT);
                startDma(DMA_READ);
                return false;
            }
            case WIN_WRITEDMA, WIN_WRITEDMA_ONCE, WIN_WRITEDMA_EXT -> {
                lba48Transform(cmd == WIN_WRITEDMA_EXT);
                startDma(DMA_WRITE);
                return false;
            }
            case WIN_VERIFY, WIN_VERIFY_ONCE, WIN_VERIFY_EXT -> {
                lba48Transform(cmd == WIN_VERIFY_EXT);
                long s = currentSector();
                if (!rangeOk(s, nsector)) {
                    abort();
                    return true;
                }
                setSector(s + nsector - 1);
                status = READY_STAT;
                return true;
            }
            case WIN_SETMULT -> {
                int n = nsector & 0xff;
                if (n > MAX_MULT_SECTORS || (n & (n - 1)) != 0) break;
                multSectors = n;
                status = READY_STAT;
                return true;
            }
            case WIN_FLUSH_CACHE, WIN_FLUSH_CACHE_EXT -> {
                try {
                    disk.flush();
                } catch (IOException e) {
                    status = READY_STAT | ERR_STAT;
                    error = ABRT_ERR;
                    return true;
                }
                status = READY_STAT;
                return true;
            }
            case WIN_SETFEATURES -> {
                if (setFeatures()) {
                    status = READY_STAT;
                    return true;
                }
            }
            case WIN_SPECIFY, WIN_SEEK, WIN_NOP, WIN_STANDBYNOW1, WIN_STANDBYNOW2, WIN_IDLEIMMEDIATE,
                 WIN_IDLEIMMEDIATE2, WIN_STANDBY, WIN_STANDBY2, WIN_SETIDLE1, WIN_SETIDLE2, WIN_SLEEPNOW1,
                 WIN_SLEEPNOW2 -> {
                if (cmd == WIN_NOP) break; // NOP always aborts (ATA: "command aborted" is its result)
                status = READY_STAT;
                return true;
            }
            case WIN_CHECKPOWERMODE1, WIN_CHECKPOWERMODE2 -> {
                nsector = 0xff; // active or idle
                status = READY_STAT;
                return true;
            }
            case WIN_DIAGNOSE -> {
                setSignature();
                status = READY_STAT | SEEK_STAT;
                error = 0x01;
                channel.raiseIrq();
                return false;
            }
            case WIN_READ_NATIVE_MAX, WIN_READ_NATIVE_MAX_EXT -> {
                boolean ext = cmd == WIN_READ_NATIVE_MAX_EXT;
                lba48 = ext;
                if (!ext && totalSectors > (1 << 28)) {
                    setSector((1 << 28) - 1);
                } else {
                    setSector(totalSectors - 1);
                }
                status = READY_STAT;
                return true;
            }
            default -> {
                if (cmd >= WIN_RECAL && cmd <= 0x1f) {
                    status = READY_STAT;
                    return true;
                }
            }
        }
        abort();
        return true;
    }

    /** SET FEATURES subcommands QEMU accepts. */
    private boolean setFeatures() {
        switch (feature & 0xff) {
            case 0x02 -> writeCache = true;
            case 0x82 -> writeCache = false;
            case 0xcc, 0x66, 0xaa, 0x55, 0x05, 0x85, 0x69, 0x67, 0x96, 0x9a, 0x42, 0xc2 -> {
            }
            case 0x03 -> {
                // transfer mode: record it in IDENTIFY's selected-mode bits as a drive does
                buildIdentify();
                int val = nsector & 7, type = (nsector & 0xff) >> 3;
                switch (type) {
                    case 0, 1 -> {
                        putWord(identify, 62, 0x07);
                        putWord(identify, 63, 0x07);
                        putWord(identify, 88, 0x3f);
                    }
                    case 2 -> {
                        putWord(identify, 62, 0x07 | (1 << (val + 8)));
                        putWord(identify, 63, 0x07);
                        putWord(identify, 88, 0x3f);
                    }
                    case 4 -> {
                        putWord(identify, 62, 0x07);
                        putWord(identify, 63, 0x07 | (1 << (val + 8)));
                        putWord(identify, 88, 0x3f);
                    }
                    case 8 -> {
                        putWord(identify, 62, 0x07);
                        putWord(identify, 63, 0x07);
                        putWord(identify, 88, 0x3f | (1 << (val + 8)));
                    }
                    default -> {
                        return false;
                    }
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    // ---- addressing (QEMU's ide_get_sector / ide_set_sector) ----

    long currentSector() {
        if ((select & DEV_LBA) != 0) {
            if (lba48)
                return (long) (hobHcyl & 0xff) << 40 | (long) (hobLcyl & 0xff) << 32 | (long) (hobSector & 0xff) << 24
                        | (hcyl & 0xff) << 16 | (lcyl & 0xff) << 8 | (sector & 0xff);
            return (long) (select & 0x0f) << 24 | (hcyl & 0xff) << 16 | (lcyl & 0xff) << 8 | (sector & 0xff);
        }
        return ((long) ((hcyl & 0xff) << 8 | (lcyl & 0xff))) * heads * sectorsPerTrack
                + (long) (select & DEV_HS) * sectorsPerTrack + ((sector & 0xff) - 1);
    }

    void setSector(long n) {
        if ((select & DEV_LBA) != 0) {
            if (lba48) {
                sector = (int) n & 0xff;
                lcyl = (int) (n >>> 8) & 0xff;
                hcyl = (int) (n >>> 16) & 0xff;
                hobSector = (int) (n >>> 24) & 0xff;
                hobLcyl = (int) (n >>> 32) & 0xff;
                hobHcyl = (int) (n >>> 40) & 0xff;
            } else {
                select = (select & ~0x0f) | (int) ((n >>> 24) & 0x0f);
                hcyl = (int) (n >>> 16) & 0xff;
                lcyl = (int) (n >>> 8) & 0xff;
                sector = (int) n & 0xff;
            }
        } else {
            long cyl = n / ((long) heads * sectorsPerTrack);
            long r = n % ((long) heads * sectorsPerTrack);
            hcyl = (int) (cyl >>> 8) & 0xff;
            lcyl = (int) cyl & 0xff;
            select = (select & ~DEV_HS) | (int) ((r / sectorsPerTrack) & DEV_HS);
            sector = (int) (r % sectorsPerTrack) + 1;
        }
    }

    private boolean rangeOk(long s, long n) {
        return s >= 0 && s <= totalSectors && n <= totalSectors - s;
    }

    // ---- PIO transfers ----

    /** Reads the next DRQ block, or ends the command when no sectors are left (QEMU's ide_sector_read). */
    private void sectorRead() {
        status = READY_STAT | SEEK_STAT;
        error = 0;
        if (nsector == 0) {
            transferStop();
            return;
        }
        long s = currentSector();
        int n = Math.min(nsector, reqSectors);
        if (!rangeOk(s, n)) {
            abort();
            channel.raiseIrq();
            return;
        }
        try {
            disk.readSectors(s, buf, 0, n);
        } catch (IOException e) {
            abort();
            channel.raiseIrq();
            return;
        }
        nsector -= n;
        setSector(s + n);
        transferStart(n * SECTOR, false, END_SECTOR_READ);
        channel.raiseIrq();
    }

    /** A DRQ block of write data has arrived (QEMU's ide_sector_write). */
    private void sectorWrite() {
        long s = currentSector();
        int n = Math.min(nsector, reqSectors);
        if (!rangeOk(s, n)) {
            abort();
            channel.raiseIrq();
            return;
        }
        try {
            disk.writeSectors(s, buf, 0, n);
        } catch (IOException e) {
            abort();
            channel.raiseIrq();
            return;
        }
        status = READY_STAT | SEEK_STAT;
        nsector -= n;
        if (nsector == 0) transferStop();
        else transferStart(Math.min(nsector, reqSectors) * SECTOR, true, END_SECTOR_WRITE);
        setSector(s + n);
        channel.raiseIrq();
    }

    @Override
    void blockDone(int action) {
        switch (action) {
            case END_SECTOR_READ -> sectorRead();
            case END_SECTOR_WRITE -> sectorWrite();
            default -> transferStop();
        }
    }

    // ---- DMA (QEMU's ide_dma_cb, run to completion) ----

    @Override
    void runDma(BusMasterDma bm) {
        boolean toMemory = dmaCmd == DMA_READ;
        long s = currentSector();
        if (!rangeOk(s, nsector)) {
            dmaError(bm);
            return;
        }
        int chunkSectors = BUF_SIZE / SECTOR;
        while (nsector > 0) {
            int n = Math.min(nsector, chunkSectors);
            int bytes = n * SECTOR;
            int moved;
            try {
                if (toMemory) {
                    disk.readSectors(s, buf, 0, n);
                    moved = bm.transfer(buf, 0, bytes, true);
                } else {
                    moved = bm.transfer(buf, 0, bytes, false);
                    int whole = moved / SECTOR;
                    if (whole > 0) disk.writeSectors(s, buf, 0, whole);
                }
            } catch (IOException e) {
                dmaError(bm);
                return;
            }
            int done = moved / SECTOR;
            nsector -= done;
            s += done;
            setSector(s);
            if (moved < bytes) {
                // the PRDs were too short: the bus master stops, no interrupt (as QEMU)
                dmaCmd = DMA_NONE;
                status = READY_STAT | SEEK_STAT;
                bm.setInactive(false);
                return;
            }
        }
        dmaCmd = DMA_NONE;
        status = READY_STAT | SEEK_STAT;
        channel.raiseIrq();
        bm.setInactive(bm.prdsLeft());
    }
}
