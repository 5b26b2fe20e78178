package dev.jemu.hw.ide;

import dev.jemu.block.BlockBackend;

import java.io.IOException;

import static dev.jemu.hw.ide.Ata.*;

/**
 * An ATAPI CD-ROM as QEMU's ide-cd ("QEMU DVD-ROM"): PACKET commands in PIO (DRQ blocks sized by the
 * host's byte count limit in the cylinder registers) or DMA, with the MMC commands SeaBIOS's cdrom.c and
 * Linux's sr/cdrom use: TEST UNIT READY, REQUEST SENSE, INQUIRY, READ CAPACITY, READ(10/12), READ TOC
 * (formats 0 and 1), MODE SENSE(10) pages 1/0xe/0x2a, GET CONFIGURATION, GET EVENT STATUS NOTIFICATION,
 * READ DISC INFORMATION, MECHANISM STATUS, START STOP UNIT (tray), PREVENT ALLOW MEDIUM REMOVAL, SEEK,
 * SET SPEED. The medium is 2048-byte sectors of the image; a drive may be empty.
 */
public final class AtapiCdrom extends IdeDrive {
    public static final int CD_SECTOR = 2048;
    static final int PACKET_SIZE = 12;
    // interrupt reason (in the sector count register)
    static final int INT_REASON_CD = 0x01, INT_REASON_IO = 0x02;
    // sense keys
    public static final int NO_SENSE = 0, NOT_READY = 2, MEDIUM_ERROR = 3, ILLEGAL_REQUEST = 5,
            UNIT_ATTENTION = 6;
    // additional sense codes
    public static final int ASC_NO_SEEK_COMPLETE = 0x02, ASC_ILLEGAL_OPCODE = 0x20, ASC_LOGICAL_BLOCK_OOR = 0x21,
            ASC_INV_FIELD_IN_CMD_PACKET = 0x24, ASC_MEDIUM_MAY_HAVE_CHANGED = 0x28,
            ASC_SAVING_PARAMETERS_NOT_SUPPORTED = 0x39, ASC_MEDIUM_NOT_PRESENT = 0x3a,
            ASC_MEDIA_REMOVAL_PREVENTED = 0x53;
    // MMC opcodes
    public static final int TEST_UNIT_READY = 0x00, REQUEST_SENSE = 0x03, INQUIRY = 0x12, START_STOP = 0x1b,
            PREVENT_ALLOW = 0x1e, READ_CAPACITY = 0x25, READ_10 = 0x28, SEEK_10 = 0x2b, READ_TOC = 0x43,
            GET_CONFIGURATION = 0x46, GET_EVENT_STATUS = 0x4a, READ_DISC_INFO = 0x51, MODE_SENSE_10 = 0x5a,
            READ_12 = 0xa8, SET_SPEED = 0xbb, MECHANISM_STATUS = 0xbd;
    static final int MMC_PROFILE_CD_ROM = 0x0008, MMC_PROFILE_DVD_ROM = 0x0010;
    /** A CD holds at most 80 minutes of 2048-byte sectors; bigger media are DVDs (in 512-byte units). */
    static final long CD_MAX_SECTORS = 80L * 60 * 75 * 2048 / 512;

    private BlockBackend medium;
    private final String serial;
    private final byte[] identify = new byte[SECTOR];
    private final byte[] packet = new byte[PACKET_SIZE];
    private final byte[] reply = new byte[512];
    private final byte[] cdSector = new byte[CD_SECTOR];

    private int senseKey, asc;
    private boolean trayOpen, trayLocked, newMediaEvent;
    private boolean atapiDma;
    // the reply being sent: bytes left, and where they come from (reply[] or CD sectors from readLba)
    private int packetLeft, replyPos;
    private boolean replyFromMedium;
    private long readLba;
    private int cdSectorPos;

    public AtapiCdrom(BlockBackend medium, int serialIndex) {
        this.medium = medium;
        this.serial = String.format("QM%05d", serialIndex);
        buildIdentify();
    }

    @Override
    public boolean present() {
        return true;
    }

    public BlockBackend medium() {
        return medium;
    }

    /** Changes the medium (null: eject); the guest sees UNIT ATTENTION and a new-media event. */
    public void changeMedium(BlockBackend m) {
        medium = m;
        trayOpen = false;
        senseKey = UNIT_ATTENTION;
        asc = ASC_MEDIUM_MAY_HAVE_CHANGED;
        newMediaEvent = m != null;
    }

    private boolean mediaPresent() {
        return medium != null && !trayOpen;
    }

    /** The medium's size in 2048-byte sectors. */
    private long cdSectors() {
        return mediaPresent() ? (medium.length() / SECTOR) >> 2 : 0;
    }

    @Override
    void reset() {
        super.reset();
        senseKey = asc = 0;
        packetLeft = 0;
        atapiDma = false;
        trayLocked = trayOpen = false;
    }

    @Override
    void setSignature() {
        super.setSignature();
        lcyl = 0x14;
        hcyl = 0xeb;
    }

    @Override
    void softResetDone() {
        super.softResetDone();
        status = 0; // a packet device shows no DRDY after reset
    }

    private void buildIdentify() {
        byte[] p = identify;
        putWord(p, 0, (2 << 14) | (5 << 8) | (1 << 7) | (2 << 5));
        padString(p, 20, serial, 20);
        putWord(p, 20, 3);
        putWord(p, 21, 512);
        putWord(p, 22, 4);
        padString(p, 46, "2.5+", 8);
        padString(p, 54, "QEMU DVD-ROM", 40);
        putWord(p, 48, 1);
        putWord(p, 49, 1 << 9 | 1 << 8);
        putWord(p, 53, 7);
        putWord(p, 62, 7);
        putWord(p, 63, 7);
        putWord(p, 64, 3);
        putWord(p, 65, 0xb4);
        putWord(p, 66, 0xb4);
        putWord(p, 67, 0x12c);
        putWord(p, 68, 0xb4);
        putWord(p, 71, 30);
        putWord(p, 72, 30);
        putWord(p, 80, 0x1e);
        putWord(p, 88, 0x3f | (1 << 13));
    }

    public byte[] identifyData() {
        return identify.clone();
    }

    // ---- ATA commands a packet device accepts ----

    @Override
    boolean command(int cmd) {
        switch (cmd) {
            case WIN_PIDENTIFY -> {
                System.arraycopy(identify, 0, buf, 0, SECTOR);
                status = READY_STAT | SEEK_STAT;
                transferStart(SECTOR, false, END_NONE);
                channel.raiseIrq();
                return false;
            }
            case WIN_IDENTIFY -> {
                // ATA IDENTIFY aborts with the packet signature in place, which is how hosts find ATAPI
                setSignature();
                abort();
                return true;
            }
            case WIN_PACKETCMD -> {
                if ((feature & 0x02) != 0) break; // overlapped commands are not supported
                status = READY_STAT | SEEK_STAT;
                atapiDma = (feature & 1) != 0;
                nsector = 1;
                transferStart(PACKET_SIZE, true, END_PACKET);
                return false;
            }
            case WIN_DEVICE_RESET -> {
                reset();
                setSignature();
                status = 0;
                error = 0x01;
                return false;
            }
            case WIN_DIAGNOSE -> {
                setSignature();
                status = 0;
                error = 0x01;
                return false;
            }
            case WIN_SETFEATURES -> {
                int f = feature & 0xff;
                if (f == 0x03 || f == 0x02 || f == 0x82 || f == 0xcc || f == 0x66 || f == 0xaa || f == 0x55) {
                    status = READY_STAT;
                    return true;
                }
            }
            case WIN_CHECKPOWERMODE1, WIN_CHECKPOWERMODE2 -> {
                nsector = 0xff;
                status = READY_STAT;
                return true;
            }
            case WIN_STANDBYNOW1, WIN_IDLEIMMEDIATE, WIN_SLEEPNOW1 -> {
                status = READY_STAT;
                return true;
            }
            default -> {
            }
        }
        abort();
        return true;
    }

    @Override
    boolean setsDsc(int cmd) {
        return cmd == WIN_SETFEATURES || cmd == WIN_CHECKPOWERMODE1 || cmd == WIN_CHECKPOWERMODE2;
    }

    @Override
    void blockDone(int action) {
        switch (action) {
            case END_PACKET -> {
                System.arraycopy(buf, 0, packet, 0, PACKET_SIZE);
                transferStop();
                packetCommand();
            }
            case END_ATAPI_REPLY -> replyNext();
            default -> transferStop();
        }
    }

    // ---- replies ----

    private void cmdOk() {
        error = 0;
        status = READY_STAT | SEEK_STAT;
        nsector = (nsector & ~7) | INT_REASON_IO | INT_REASON_CD;
        if (packet[0] != REQUEST_SENSE) senseKey = asc = 0;
        channel.raiseIrq();
    }

    private void cmdError(int key, int code) {
        transferStop();
        error = key << 4;
        status = READY_STAT | ERR_STAT;
        nsector = (nsector & ~7) | INT_REASON_IO | INT_REASON_CD;
        senseKey = key;
        asc = code;
        channel.raiseIrq();
    }

    /** Sends {@code size} bytes of {@link #reply}, at most {@code maxLen} (the host's allocation length). */
    private void replyBuffer(int size, int maxLen) {
        replyFromMedium = false;
        replyPos = 0;
        startReply(Math.min(size, maxLen));
    }

    private void startReply(int size) {
        packetLeft = size;
        if (atapiDma) {
            dmaCmd = DMA_ATAPI;
            startDma(DMA_ATAPI);
            return;
        }
        status = READY_STAT | SEEK_STAT;
        replyNext();
    }

    /** The next PIO DRQ block of the reply, or the end of the command (QEMU's ide_atapi_cmd_reply_end). */
    private void replyNext() {
        if (packetLeft <= 0) {
            transferStop();
            cmdOk();
            return;
        }
        int limit = (lcyl & 0xff) | (hcyl & 0xff) << 8;
        if (limit == 0xffff || limit == 0) limit = 0xfffe;
        int size = packetLeft;
        if (size > limit) size = limit & ~1;
        lcyl = size & 0xff;
        hcyl = (size >> 8) & 0xff;
        try {
            fill(buf, 0, size);
        } catch (IOException e) {
            cmdError(MEDIUM_ERROR, ASC_NO_SEEK_COMPLETE);
            return;
        }
        packetLeft -= size;
        nsector = (nsector & ~7) | INT_REASON_IO;
        status = READY_STAT | SEEK_STAT;
        transferStart(size, false, END_ATAPI_REPLY);
        channel.raiseIrq();
    }

    /** Copies the next {@code len} bytes of the reply into {@code dst}. */
    private void fill(byte[] dst, int off, int len) throws IOException {
        if (!replyFromMedium) {
            System.arraycopy(reply, replyPos, dst, off, len);
            replyPos += len;
            return;
        }
        while (len > 0) {
            if (cdSectorPos == CD_SECTOR) {
                medium.read(readLba * CD_SECTOR, cdSector, 0, CD_SECTOR);
                readLba++;
                cdSectorPos = 0;
            }
            int n = Math.min(len, CD_SECTOR - cdSectorPos);
            System.arraycopy(cdSector, cdSectorPos, dst, off, n);
            cdSectorPos += n;
            off += n;
            len -= n;
        }
    }

    @Override
    void runDma(BusMasterDma bm) {
        dmaCmd = DMA_NONE;
        while (packetLeft > 0) {
            int n = Math.min(packetLeft, BUF_SIZE);
            try {
                fill(buf, 0, n);
            } catch (IOException e) {
                bm.setInactive(false);
                cmdError(MEDIUM_ERROR, ASC_NO_SEEK_COMPLETE);
                return;
            }
            int moved = bm.transfer(buf, 0, n, true);
            packetLeft -= moved;
            if (moved < n) {
                status = READY_STAT | SEEK_STAT;
                bm.setInactive(false);
                return;
            }
        }
        cmdOk();
        bm.setInactive(bm.prdsLeft());
    }

    // ---- the packet commands (QEMU's hw/ide/atapi.c) ----

    private static int be16(byte[] b, int o) {
        return (b[o] & 0xff) << 8 | (b[o + 1] & 0xff);
    }

    private static long be32(byte[] b, int o) {
        return (long) be16(b, o) << 16 | be16(b, o + 2);
    }

    private static void putBe16(byte[] b, int o, int v) {
        b[o] = (byte) (v >> 8);
        b[o + 1] = (byte) v;
    }

    private static void putBe32(byte[] b, int o, long v) {
        putBe16(b, o, (int) (v >>> 16));
        putBe16(b, o + 2, (int) v);
    }

    private void packetCommand() {
        int op = packet[0] & 0xff;
        // a pending unit attention fails every command but INQUIRY, REQUEST SENSE and GET EVENT STATUS
        if (senseKey == UNIT_ATTENTION && op != INQUIRY && op != REQUEST_SENSE && op != GET_EVENT_STATUS) {
            error = MC_ERR | (UNIT_ATTENTION << 4);
            status = ERR_STAT;
            nsector = 0;
            channel.raiseIrq();
            return;
        }
        boolean checkReady = switch (op) {
            case TEST_UNIT_READY, READ_CAPACITY, READ_10, READ_12, SEEK_10, READ_TOC, READ_DISC_INFO -> true;
            default -> false;
        };
        if (checkReady && !mediaPresent()) {
            cmdError(NOT_READY, ASC_MEDIUM_NOT_PRESENT);
            return;
        }
        java.util.Arrays.fill(reply, (byte) 0);
        switch (op) {
            case TEST_UNIT_READY, SET_SPEED -> cmdOk();
            case REQUEST_SENSE -> {
                int max = packet[4] & 0xff;
                reply[0] = (byte) (0x70 | 0x80);
                reply[2] = (byte) senseKey;
                reply[7] = 10;
                reply[12] = (byte) asc;
                if (senseKey == UNIT_ATTENTION) senseKey = NO_SENSE;
                replyBuffer(18, max);
            }
            case INQUIRY -> {
                int max = packet[4] & 0xff;
                if ((packet[1] & 1) != 0) {
                    // vital product data: only the list of supported pages
                    if ((packet[2] & 0xff) != 0) {
                        cmdError(ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CMD_PACKET);
                        return;
                    }
                    reply[0] = 0x05;
                    reply[3] = 1;
                    replyBuffer(5, max);
                    return;
                }
                reply[0] = 0x05; // CD-ROM
                reply[1] = (byte) 0x80; // removable
                reply[3] = 0x21;
                reply[4] = 31;
                pad8(reply, 8, "QEMU", 8);
                pad8(reply, 16, "QEMU DVD-ROM", 16);
                pad8(reply, 32, "2.5+", 4);
                replyBuffer(36, max);
            }
            case READ_CAPACITY -> {
                long total = cdSectors();
                putBe32(reply, 0, total - 1);
                putBe32(reply, 4, CD_SECTOR);
                replyBuffer(8, 8);
            }
            case READ_10, READ_12 -> {
                long lba = be32(packet, 2);
                long n = op == READ_10 ? be16(packet, 7) : be32(packet, 6);
                if (n == 0) {
                    cmdOk();
                    return;
                }
                if (lba + n > cdSectors()) {
                    cmdError(ILLEGAL_REQUEST, ASC_LOGICAL_BLOCK_OOR);
                    return;
                }
                replyFromMedium = true;
                readLba = lba;
                cdSectorPos = CD_SECTOR;
                startReply((int) Math.min(n * CD_SECTOR, Integer.MAX_VALUE & ~(CD_SECTOR - 1)));
            }
            case SEEK_10 -> {
                if (be32(packet, 2) >= cdSectors()) {
                    cmdError(ILLEGAL_REQUEST, ASC_LOGICAL_BLOCK_OOR);
                    return;
                }
                cmdOk();
            }
            case READ_TOC -> readToc();
            case MODE_SENSE_10 -> modeSense();
            case GET_CONFIGURATION -> getConfiguration();
            case GET_EVENT_STATUS -> getEventStatus();
            case READ_DISC_INFO -> {
                int max = be16(packet, 7);
                if ((packet[1] & 7) != 0) {
                    cmdError(ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CMD_PACKET);
                    return;
                }
                reply[1] = 32;
                reply[2] = 0xe;
                reply[3] = 1;
                reply[4] = 1;
                reply[5] = 1;
                reply[6] = 1;
                reply[7] = 0x20;
                replyBuffer(34, max);
            }
            case MECHANISM_STATUS -> {
                int max = be16(packet, 8);
                reply[5] = 1;
                replyBuffer(8, max);
            }
            case START_STOP -> {
                boolean loej = (packet[4] & 2) != 0, start = (packet[4] & 1) != 0;
                if (loej) {
                    if (!start && !trayOpen && trayLocked) {
                        cmdError(medium != null ? NOT_READY : ILLEGAL_REQUEST, ASC_MEDIA_REMOVAL_PREVENTED);
                        return;
                    }
                    trayOpen = !start;
                }
                cmdOk();
            }
            case PREVENT_ALLOW -> {
                trayLocked = (packet[4] & 1) != 0;
                cmdOk();
            }
            default -> cmdError(ILLEGAL_REQUEST, ASC_ILLEGAL_OPCODE);
        }
    }

    private static void pad8(byte[] b, int off, String s, int len) {
        for (int i = 0; i < len; i++) b[off + i] = (byte) (i < s.length() ? s.charAt(i) : ' ');
    }

    private void readToc() {
        int max = be16(packet, 7);
        int format = packet[9] >> 6 & 3;
        if (format == 0) format = packet[2] & 0xf;
        boolean msf = (packet[1] & 2) != 0;
        int startTrack = packet[6] & 0xff;
        long total = cdSectors();
        switch (format) {
            case 0 -> {
                if (startTrack > 1 && startTrack != 0xaa) {
                    cmdError(ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CMD_PACKET);
                    return;
                }
                int q = 2;
                reply[q++] = 1; // first track
                reply[q++] = 1; // last track
                if (startTrack <= 1) {
                    reply[q++] = 0;
                    reply[q++] = 0x14; // data track, ADR 1
                    reply[q++] = 1;
                    reply[q++] = 0;
                    q = address(q, 0, msf);
                }
                reply[q++] = 0;
                reply[q++] = 0x16;
                reply[q++] = (byte) 0xaa; // lead-out
                reply[q++] = 0;
                q = address(q, total, msf);
                putBe16(reply, 0, q - 2);
                replyBuffer(q, max);
            }
            case 1 -> {
                // multi-session: one session
                reply[1] = 0x0a;
                reply[2] = 1;
                reply[3] = 1;
                replyBuffer(12, max);
            }
            default -> cmdError(ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CMD_PACKET);
        }
    }

    /** A TOC address: LBA, or MSF with the 2-second lead-in (QEMU's lba_to_msf). */
    private int address(int q, long lba, boolean msf) {
        if (msf) {
            long l = lba + 150;
            reply[q++] = 0;
            reply[q++] = (byte) (l / 75 / 60);
            reply[q++] = (byte) (l / 75 % 60);
            reply[q++] = (byte) (l % 75);
        } else {
            putBe32(reply, q, lba);
            q += 4;
        }
        return q;
    }

    private void modeSense() {
        int max = be16(packet, 7);
        int action = (packet[2] & 0xff) >> 6, code = packet[2] & 0x3f;
        if (action == 3) {
            cmdError(ILLEGAL_REQUEST, ASC_SAVING_PARAMETERS_NOT_SUPPORTED);
            return;
        }
        if (action != 0) {
            cmdError(ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CMD_PACKET);
            return;
        }
        switch (code) {
            case 0x01 -> { // read/write error recovery
                putBe16(reply, 0, 16 - 2);
                reply[2] = 0x70;
                reply[8] = 0x01;
                reply[9] = 16 - 10;
                reply[11] = 0x05;
                replyBuffer(16, max);
            }
            case 0x0e -> { // audio control
                putBe16(reply, 0, 24 - 2);
                reply[2] = 0x70;
                reply[8] = 0x0e;
                reply[9] = 24 - 10;
                replyBuffer(24, max);
            }
            case 0x2a -> { // capabilities
                putBe16(reply, 0, 30 - 2);
                reply[2] = 0x70;
                reply[8] = 0x2a;
                reply[9] = 30 - 10;
                reply[10] = 0x3b;
                reply[12] = 0x71;
                reply[13] = 3 << 5;
                reply[14] = (byte) ((1 << 0) | (1 << 3) | (1 << 5) | (trayLocked ? 1 << 1 : 0));
                putBe16(reply, 16, 704);
                reply[19] = 2;
                putBe16(reply, 20, 512);
                putBe16(reply, 22, 704);
                replyBuffer(30, max);
            }
            default -> cmdError(ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CMD_PACKET);
        }
    }

    private void getConfiguration() {
        if (packet[2] != 0 || packet[3] != 0) {
            cmdError(ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CMD_PACKET);
            return;
        }
        int max = Math.min(be16(packet, 7), SECTOR);
        long sectors512 = mediaPresent() ? medium.length() / SECTOR : 0;
        int current = !mediaPresent() ? 0 : sectors512 > CD_MAX_SECTORS ? MMC_PROFILE_DVD_ROM : MMC_PROFILE_CD_ROM;
        putBe16(reply, 6, current);
        reply[10] = 0x02 | 0x01; // persistent, current
        int len = 12;
        int[] profiles = {MMC_PROFILE_DVD_ROM, MMC_PROFILE_CD_ROM};
        for (int i = 0; i < profiles.length; i++) {
            int o = 12 + 4 * i;
            putBe16(reply, o, profiles[i]);
            reply[o + 2] = (byte) (profiles[i] == current ? 1 : 0);
            reply[11] += 4;
            len += 4;
        }
        putBe32(reply, 0, len - 4);
        replyBuffer(len, max);
    }

    private void getEventStatus() {
        int max = be16(packet, 7);
        if ((packet[1] & 1) == 0) { // only polled mode
            cmdError(ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CMD_PACKET);
            return;
        }
        final int media = 4;
        reply[3] = 1 << media; // supported event classes
        int used;
        if ((packet[4] & (1 << media)) != 0) {
            reply[2] = media;
            int mediaStatus = trayOpen ? 1 : medium != null ? 2 : 0;
            int event = 0;
            if (!trayOpen && newMediaEvent) {
                event = 2;
                newMediaEvent = false;
            }
            reply[4] = (byte) event;
            reply[5] = (byte) mediaStatus;
            used = 8;
        } else {
            reply[2] = (byte) 0x80; // no event available
            used = 4;
        }
        putBe16(reply, 0, used - 4);
        replyBuffer(used, max);
    }
}
