package dev.jemu.hw.ide;

/** ATA/ATAPI register bits and command codes (the ATA-6 and MMC names QEMU's hw/ide uses). */
public final class Ata {
    private Ata() {
    }

    // command block register offsets (from 0x1f0 / 0x170)
    public static final int REG_DATA = 0, REG_ERROR = 1, REG_FEATURE = 1, REG_NSECTOR = 2, REG_SECTOR = 3,
            REG_LCYL = 4, REG_HCYL = 5, REG_SELECT = 6, REG_STATUS = 7, REG_COMMAND = 7;

    // status
    public static final int ERR_STAT = 0x01, INDEX_STAT = 0x02, ECC_STAT = 0x04, DRQ_STAT = 0x08,
            SEEK_STAT = 0x10, SRV_STAT = 0x10, WRERR_STAT = 0x20, READY_STAT = 0x40, BUSY_STAT = 0x80;
    // error
    public static final int AMNF_ERR = 0x01, TRK0_ERR = 0x02, ABRT_ERR = 0x04, MCR_ERR = 0x08, IDNF_ERR = 0x10,
            MC_ERR = 0x20, UNC_ERR = 0x40, BBD_ERR = 0x80;
    // device/head
    public static final int DEV_HS = 0x0f, DEV_SELECT = 0x10, DEV_LBA = 0x40, DEV_ALWAYS_ON = 0xa0;
    // device control (0x3f6)
    public static final int CTRL_NIEN = 0x02, CTRL_SRST = 0x04, CTRL_HOB = 0x80;

    // commands
    public static final int WIN_NOP = 0x00, CFA_REQ_EXT_ERROR = 0x03, WIN_DEVICE_RESET = 0x08,
            WIN_RECAL = 0x10, WIN_READ = 0x20, WIN_READ_ONCE = 0x21, WIN_READ_EXT = 0x24, WIN_READDMA_EXT = 0x25,
            WIN_READ_NATIVE_MAX_EXT = 0x27, WIN_MULTREAD_EXT = 0x29, WIN_WRITE = 0x30, WIN_WRITE_ONCE = 0x31,
            WIN_WRITE_EXT = 0x34, WIN_WRITEDMA_EXT = 0x35, WIN_SET_MAX_EXT = 0x37, WIN_MULTWRITE_EXT = 0x39,
            WIN_VERIFY = 0x40, WIN_VERIFY_ONCE = 0x41, WIN_VERIFY_EXT = 0x42, WIN_SEEK = 0x70,
            WIN_DIAGNOSE = 0x90, WIN_SPECIFY = 0x91, WIN_STANDBYNOW2 = 0x94, WIN_IDLEIMMEDIATE2 = 0x95,
            WIN_STANDBY2 = 0x96, WIN_SETIDLE2 = 0x97, WIN_CHECKPOWERMODE2 = 0x98, WIN_SLEEPNOW2 = 0x99,
            WIN_PACKETCMD = 0xa0, WIN_PIDENTIFY = 0xa1, WIN_MULTREAD = 0xc4, WIN_MULTWRITE = 0xc5,
            WIN_SETMULT = 0xc6, WIN_READDMA = 0xc8, WIN_READDMA_ONCE = 0xc9, WIN_WRITEDMA = 0xca,
            WIN_WRITEDMA_ONCE = 0xcb, WIN_STANDBYNOW1 = 0xe0, WIN_IDLEIMMEDIATE = 0xe1, WIN_STANDBY = 0xe2,
            WIN_SETIDLE1 = 0xe3, WIN_CHECKPOWERMODE1 = 0xe5, WIN_SLEEPNOW1 = 0xe6, WIN_FLUSH_CACHE = 0xe7,
            WIN_FLUSH_CACHE_EXT = 0xea, WIN_IDENTIFY = 0xec, WIN_SETFEATURES = 0xef,
            WIN_READ_NATIVE_MAX = 0xf8, WIN_SET_MAX = 0xf9;

    /** Sectors per DRQ block the drive allows for READ/WRITE MULTIPLE (QEMU's MAX_MULT_SECTORS). */
    public static final int MAX_MULT_SECTORS = 16;
    public static final int SECTOR = 512;

    /** Stores an ATA string: padded with spaces, the two bytes of each word swapped (ATA's byte order). */
    static void padString(byte[] buf, int off, String s, int len) {
        for (int i = 0; i < len; i++) {
            int c = i < s.length() ? s.charAt(i) : ' ';
            buf[off + (i ^ 1)] = (byte) c;
        }
    }

    static void putWord(byte[] buf, int word, int v) {
        buf[2 * word] = (byte) v;
        buf[2 * word + 1] = (byte) (v >>> 8);
    }

    static int getWord(byte[] buf, int word) {
        return (buf[2 * word] & 0xff) | (buf[2 * word + 1] & 0xff) << 8;
    }
}
