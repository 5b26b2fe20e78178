package dev.jemu.hw.ide;

import dev.jemu.block.BlockBackend;
import dev.jemu.block.RawImage;
import dev.jemu.hw.IrqRecorder;
import dev.jemu.hw.core.DmaMemory;
import dev.jemu.hw.core.IoBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.jemu.hw.ide.Ata.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The ATA disk and ATAPI CD-ROM driven through the legacy ports with the register sequences of SeaBIOS's
 * src/hw/ata.c (ata_pio_transfer, send_atapi_cmd) and Linux's libata-sff (SRST, signature, bus mastering).
 */
class IdeTest {
    @TempDir
    Path dir;
    final IoBus io = new IoBus(null);
    final IrqRecorder irq14 = new IrqRecorder("irq14"), irq15 = new IrqRecorder("irq15");
    final byte[] ram = new byte[1 << 20];
    final DmaMemory mem = new DmaMemory() {
        public boolean read(long a, byte[] d, int o, int l) {
            if (a < 0 || a + l > ram.length) return false;
            System.arraycopy(ram, (int) a, d, o, l);
            return true;
        }

        public boolean write(long a, byte[] s, int o, int l) {
            if (a < 0 || a + l > ram.length) return false;
            System.arraycopy(s, o, ram, (int) a, l);
            return true;
        }
    };
    Piix3Ide ide = new Piix3Ide(mem, irq14.line, irq15.line);

    {
        new dev.jemu.hw.pci.PciBus(io, new dev.jemu.hw.core.MmioBus(null), null).plug(ide, 1, 1);
    }
    BlockBackend disk, cd;

    @AfterEach
    void close() throws IOException {
        if (disk != null) disk.close();
        if (cd != null) cd.close();
    }

    /** A disk image whose every sector starts with its LBA (little-endian) and is filled with its low byte. */
    Path image(String name, int sectors, int sectorSize) throws IOException {
        byte[] d = new byte[sectors * sectorSize];
        for (int s = 0; s < sectors; s++) {
            java.util.Arrays.fill(d, s * sectorSize, (s + 1) * sectorSize, (byte) s);
            d[s * sectorSize] = (byte) s;
            d[s * sectorSize + 1] = (byte) (s >> 8);
            d[s * sectorSize + 2] = (byte) (s >> 16);
        }
        Path p = dir.resolve(name);
        Files.write(p, d);
        return p;
    }

    void setupDisk(int sectors) throws IOException {
        disk = RawImage.open(image("d.img", sectors, 512), "d.img", false);
        ide.channel(0).attach(0, new AtaDisk(disk, 1));
        ide.mapLegacy(io);
    }

    void setupCd(int cdSectors) throws IOException {
        cd = RawImage.open(image("c.iso", cdSectors, 2048), "c.iso", true);
        ide.channel(1).attach(0, new AtapiCdrom(cd, 3));
        ide.mapLegacy(io);
    }

    int in(int port) {
        return io.read(port, 1);
    }

    void out(int port, int v) {
        io.write(port, 1, v);
    }

    int inw(int port) {
        return io.read(port, 2);
    }

    /** SeaBIOS's ata_cmd_data_in for an LBA28 command (ata.c: send_cmd + ata_pio_transfer). */
    void lba28(int base, int cmd, long lba, int count) {
        out(base + 6, 0xe0 | (int) ((lba >> 24) & 0xf));
        out(base + 2, count);
        out(base + 3, (int) lba);
        out(base + 4, (int) (lba >> 8));
        out(base + 5, (int) (lba >> 16));
        out(base + 7, cmd);
    }

    byte[] readBlock(int base, int bytes) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i += 2) {
            int w = inw(base);
            b[i] = (byte) w;
            b[i + 1] = (byte) (w >> 8);
        }
        return b;
    }

    @Test
    void identifyDevice() throws IOException {
        setupDisk(2048 * 16); // 16 MiB: 32768 sectors -> 32 cylinders of 16 heads, 63 sectors
        out(0x1f6, 0xa0);
        out(0x1f7, WIN_IDENTIFY);
        assertTrue(irq14.level());
        assertEquals(READY_STAT | SEEK_STAT | DRQ_STAT, in(0x1f7));
        assertFalse(irq14.level(), "reading status acknowledges the interrupt");
        byte[] id = readBlock(0x1f0, 512);
        assertEquals(READY_STAT | SEEK_STAT, in(0x3f6));
        assertEquals(0x0040, getWord(id, 0));
        assertEquals(32768 / (16 * 63), getWord(id, 1));
        assertEquals(16, getWord(id, 3));
        assertEquals(63, getWord(id, 6));
        assertEquals(32768, getWord(id, 60) | getWord(id, 61) << 16);
        assertEquals(32768, getWord(id, 100));
        assertNotEquals(0, getWord(id, 83) & (1 << 10), "LBA48");
        assertNotEquals(0, getWord(id, 49) & (1 << 9), "LBA");
        assertEquals(0x8000 | 16, getWord(id, 47));
        assertEquals(0x100 | 16, getWord(id, 59));
        // ATA strings swap the bytes of each word
        assertEquals("EQUMH RADDSI K", new String(id, 54, 14, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals("MQ0000 1", new String(id, 20, 8, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void pioReadLba28AndChs() throws IOException {
        setupDisk(4096);
        lba28(0x1f0, WIN_READ, 1234, 2);
        assertEquals(1, irq14.rises);
        assertEquals(READY_STAT | SEEK_STAT | DRQ_STAT, in(0x1f7));
        byte[] s = readBlock(0x1f0, 512);
        assertEquals(1234 & 0xff, s[0] & 0xff);
        assertEquals(1234 >> 8, s[1]);
        assertEquals(2, irq14.rises, "an interrupt for each DRQ block");
        s = readBlock(0x1f0, 512);
        assertEquals(1235 & 0xff, s[0] & 0xff);
        assertEquals(READY_STAT | SEEK_STAT, in(0x1f7));
        assertEquals(2, irq14.rises, "no interrupt after the last block of a read");
        // the registers point past the transfer
        assertEquals(1236 & 0xff, in(0x1f3));
        assertEquals(1236 >> 8, in(0x1f4));
        // CHS: cylinder 1, head 2, sector 5 with 16 heads / 63 sectors -> LBA (1*16+2)*63+4
        out(0x1f6, 0xa2);
        out(0x1f2, 1);
        out(0x1f3, 5);
        out(0x1f4, 1);
        out(0x1f5, 0);
        out(0x1f7, WIN_READ);
        s = readBlock(0x1f0, 512);
        int lba = (16 + 2) * 63 + 4;
        assertEquals(lba & 0xff, s[0] & 0xff);
        assertEquals(lba >> 8, s[1]);
    }

    @Test
    void readPastTheEndAborts() throws IOException {
        setupDisk(100);
        lba28(0x1f0, WIN_READ, 99, 2);
        assertEquals(99, readBlock(0x1f0, 512)[0]); // each block is checked on its own, as in QEMU
        assertEquals(READY_STAT | ERR_STAT, in(0x1f7));
        assertEquals(ABRT_ERR, in(0x1f1));
    }

    @Test
    void pioWriteReachesTheFileAndLba48() throws IOException {
        setupDisk(1024);
        // LBA48 write of 2 sectors at 700 (Linux's ata_tf_load: HOB bytes first, then the low bytes)
        out(0x1f6, 0x40);
        out(0x1f2, 0);
        out(0x1f3, 0);
        out(0x1f4, 0);
        out(0x1f5, 0);
        out(0x1f2, 2);
        out(0x1f3, 700 & 0xff);
        out(0x1f4, 700 >> 8);
        out(0x1f5, 0);
        out(0x1f7, WIN_WRITE_EXT);
        assertEquals(0, irq14.rises, "PIO out: no interrupt before the first block");
        assertEquals(READY_STAT | SEEK_STAT | DRQ_STAT, in(0x1f7));
        for (int i = 0; i < 256; i++) io.write(0x1f0, 2, 0xa55a);
        assertEquals(1, irq14.rises);
        assertEquals(READY_STAT | SEEK_STAT | DRQ_STAT, in(0x1f7));
        for (int i = 0; i < 128; i++) io.write(0x1f0, 4, 0x12345678); // 32-bit PIO
        assertEquals(2, irq14.rises);
        assertEquals(READY_STAT | SEEK_STAT, in(0x1f7));
        out(0x1f7, WIN_FLUSH_CACHE_EXT);
        assertEquals(READY_STAT | SEEK_STAT, in(0x1f7));
        byte[] f = Files.readAllBytes(dir.resolve("d.img"));
        assertEquals(0x5a, f[700 * 512] & 0xff);
        assertEquals(0xa5, f[700 * 512 + 511] & 0xff);
        assertEquals(0x78, f[701 * 512] & 0xff);
        assertEquals(0x12, f[701 * 512 + 3] & 0xff);
        assertEquals(702 & 0xff, f[702 * 512] & 0xff, "untouched");
        // HOB readback: the high bytes of the final LBA
        out(0x3f6, CTRL_HOB);
        assertEquals(0, in(0x1f3));
        out(0x3f6, 0);
        assertEquals(702 & 0xff, in(0x1f3));
    }

    @Test
    void readMultiple() throws IOException {
        setupDisk(1024);
        lba28(0x1f0, WIN_MULTREAD, 0, 20);
        readBlock(0x1f0, 16 * 512); // QEMU's default: 16 sectors per block
        readBlock(0x1f0, 4 * 512);
        assertEquals(READY_STAT | SEEK_STAT, in(0x1f7));
        out(0x1f6, 0xe0);
        out(0x1f2, 0);
        out(0x1f7, WIN_SETMULT); // 0 turns multiple mode off
        lba28(0x1f0, WIN_MULTREAD, 0, 1);
        assertEquals(READY_STAT | ERR_STAT, in(0x1f7));
        out(0x1f6, 0xe0);
        out(0x1f2, 3);
        out(0x1f7, WIN_SETMULT); // 3 is not a power of two
        assertEquals(READY_STAT | ERR_STAT, in(0x1f7));
        out(0x1f2, 4);
        out(0x1f7, WIN_SETMULT);
        assertEquals(READY_STAT | SEEK_STAT, in(0x1f7));
        int rises = irq14.rises;
        lba28(0x1f0, WIN_MULTREAD, 10, 6);
        assertEquals(READY_STAT | SEEK_STAT | DRQ_STAT, in(0x1f7));
        byte[] b = readBlock(0x1f0, 4 * 512);
        assertEquals(13, b[3 * 512]);
        assertEquals(READY_STAT | SEEK_STAT | DRQ_STAT, in(0x1f7));
        b = readBlock(0x1f0, 2 * 512);
        assertEquals(15, b[512]);
        assertEquals(rises + 2, irq14.rises);
        assertEquals(READY_STAT | SEEK_STAT, in(0x1f7));
    }

    @Test
    void busMasterDmaReadAndWrite() throws IOException {
        setupDisk(1024);
        ide.configWrite(Piix3Ide.BAR0 + 16, 4, 0xc000);
        ide.configWrite(Piix3Ide.COMMAND, 2, Piix3Ide.CMD_IO | Piix3Ide.CMD_MASTER);
        int bmi = 0xc000;
        // PRD table at 0x1000: 512 bytes to 0x2000, then 1024 bytes to 0x8000 (last)
        putPrd(0x1000, 0x2000, 512, false);
        putPrd(0x1008, 0x8000, 1024, true);
        io.write(bmi + 4, 4, 0x1000);
        io.write(bmi + 2, 1, BusMasterDma.STATUS_INT | BusMasterDma.STATUS_ERROR); // clear
        // Linux's order: command first, then START
        lba28(0x1f0, WIN_READDMA, 40, 3);
        assertEquals(READY_STAT | SEEK_STAT | DRQ_STAT, in(0x3f6));
        io.write(bmi, 1, BusMasterDma.CMD_READ | BusMasterDma.CMD_START);
        assertEquals(BusMasterDma.STATUS_INT, io.read(bmi + 2, 1), "interrupt, not active: PRDs were exact");
        assertTrue(irq14.level());
        assertEquals(READY_STAT | SEEK_STAT, in(0x1f7));
        assertEquals(40, ram[0x2000]);
        assertEquals(41, ram[0x8000]);
        assertEquals(42, ram[0x8200]);
        io.write(bmi, 1, 0);
        // a write by DMA, START set first (SeaBIOS's order), PRD longer than the transfer: ACTIVE stays
        java.util.Arrays.fill(ram, 0x4000, 0x4200, (byte) 0xee);
        putPrd(0x1000, 0x4000, 4096, true);
        io.write(bmi + 2, 1, BusMasterDma.STATUS_INT);
        io.write(bmi, 1, BusMasterDma.CMD_START);
        lba28(0x1f0, WIN_WRITEDMA, 5, 1);
        assertEquals(BusMasterDma.STATUS_INT | BusMasterDma.STATUS_ACTIVE, io.read(bmi + 2, 1));
        io.write(bmi, 1, 0);
        assertEquals(BusMasterDma.STATUS_INT, io.read(bmi + 2, 1));
        assertEquals((byte) 0xee, Files.readAllBytes(dir.resolve("d.img"))[5 * 512 + 17]);
    }

    void putPrd(int at, int addr, int count, boolean last) {
        ram[at] = (byte) addr;
        ram[at + 1] = (byte) (addr >> 8);
        ram[at + 2] = (byte) (addr >> 16);
        ram[at + 3] = (byte) (addr >> 24);
        ram[at + 4] = (byte) count;
        ram[at + 5] = (byte) (count >> 8);
        ram[at + 6] = 0;
        ram[at + 7] = (byte) (last ? 0x80 : 0);
    }

    @Test
    void softResetSignatureAndAbsentSlave() throws IOException {
        setupDisk(1024);
        setupCdOnly();
        // Linux's ata_bus_softreset: SRST with nIEN, then release
        out(0x3f6, CTRL_NIEN | CTRL_SRST);
        assertEquals(BUSY_STAT | SEEK_STAT, in(0x3f6));
        out(0x3f6, CTRL_NIEN);
        assertEquals(READY_STAT | SEEK_STAT, in(0x1f7));
        assertEquals(0, irq14.rises, "nIEN masks the diagnostic's interrupt");
        assertEquals(1, in(0x1f1));
        assertEquals(1, in(0x1f2));
        assertEquals(1, in(0x1f3));
        assertEquals(0, in(0x1f4));
        assertEquals(0, in(0x1f5));
        // ata_devchk on the absent slave: the pattern does not stick
        out(0x1f6, 0xb0);
        out(0x1f2, 0x55);
        out(0x1f3, 0xaa);
        assertEquals(0, in(0x1f2));
        assertEquals(0, in(0x1f3));
        assertEquals(0, in(0x1f7));
        out(0x1f7, WIN_IDENTIFY); // ignored
        assertEquals(0, irq14.rises);
        // the ATAPI signature on the secondary master
        out(0x376, CTRL_SRST);
        out(0x376, 0);
        assertEquals(0, in(0x177), "a packet device shows no DRDY after reset");
        assertEquals(0x14, in(0x174));
        assertEquals(0xeb, in(0x175));
        assertEquals(0, irq15.rises);
    }

    void setupCdOnly() throws IOException {
        cd = RawImage.open(image("c.iso", 64, 2048), "c.iso", true);
        ide.channel(1).attach(0, new AtapiCdrom(cd, 3));
    }

    @Test
    void unknownCommandAborts() throws IOException {
        setupDisk(64);
        out(0x1f6, 0xa0);
        out(0x1f7, 0xfe);
        assertEquals(1, irq14.rises);
        assertEquals(READY_STAT | ERR_STAT, in(0x1f7));
        assertEquals(ABRT_ERR, in(0x1f1));
        out(0x1f7, WIN_CHECKPOWERMODE1);
        assertEquals(0xff, in(0x1f2));
        out(0x1f7, WIN_DIAGNOSE);
        assertEquals(1, in(0x1f1));
        assertEquals(READY_STAT | SEEK_STAT, in(0x1f7));
    }

    // ---- ATAPI ----

    /** SeaBIOS's send_atapi_cmd + ata_pio_transfer: byte count limit in the cylinder registers, PACKET. */
    byte[] packet(byte[] cdb, int byteLimit) {
        out(0x176, 0xa0);
        out(0x171, 0);
        out(0x174, byteLimit & 0xff);
        out(0x175, byteLimit >> 8);
        out(0x177, WIN_PACKETCMD);
        assertEquals(READY_STAT | SEEK_STAT | DRQ_STAT, in(0x376));
        assertEquals(1, in(0x172), "interrupt reason: command out");
        byte[] p = java.util.Arrays.copyOf(cdb, 12);
        for (int i = 0; i < 12; i += 2) io.write(0x170, 2, (p[i] & 0xff) | (p[i + 1] & 0xff) << 8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while ((in(0x177) & DRQ_STAT) != 0) {
            assertEquals(2, in(0x172), "interrupt reason: data in");
            int n = in(0x174) | in(0x175) << 8;
            assertTrue(n <= byteLimit);
            out.writeBytes(readBlock(0x170, n));
        }
        return out.toByteArray();
    }

    @Test
    void atapiIdentifyAndInquiry() throws IOException {
        setupCd(64);
        out(0x176, 0xa0);
        out(0x177, WIN_IDENTIFY);
        assertEquals(READY_STAT | ERR_STAT, in(0x177));
        assertEquals(0x14, in(0x174));
        assertEquals(0xeb, in(0x175));
        out(0x177, WIN_PIDENTIFY);
        byte[] id = readBlock(0x170, 512);
        assertEquals(0x85c0, getWord(id, 0));
        assertEquals("EQUMD DVR-MO", new String(id, 54, 12, java.nio.charset.StandardCharsets.US_ASCII));
        byte[] inq = packet(new byte[]{AtapiCdrom.INQUIRY, 0, 0, 0, 36}, 0xfffe);
        assertEquals(36, inq.length);
        assertEquals(5, inq[0]);
        assertEquals((byte) 0x80, inq[1]);
        assertEquals("QEMU    QEMU DVD-ROM    2.5+", new String(inq, 8, 28, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(3, in(0x172), "status phase");
        assertEquals(READY_STAT | SEEK_STAT, in(0x177));
    }

    @Test
    void atapiCapacityReadAndToc() throws IOException {
        setupCd(64);
        byte[] cap = packet(new byte[]{AtapiCdrom.READ_CAPACITY}, 8);
        assertArrayEquals(new byte[]{0, 0, 0, 63, 0, 0, 8, 0}, cap);
        // READ(10) of 2 sectors from LBA 10 with a byte limit of 2048: two DRQ blocks
        int rises = irq15.rises;
        byte[] data = packet(new byte[]{AtapiCdrom.READ_10, 0, 0, 0, 0, 10, 0, 0, 2}, 2048);
        assertEquals(4096, data.length);
        assertEquals(10, data[0]);
        assertEquals(11, data[2048]);
        assertEquals(11, data[4095]);
        assertEquals(rises + 3, irq15.rises, "one per DRQ block and one for the status");
        // READ TOC format 0, LBA addresses
        byte[] toc = packet(new byte[]{AtapiCdrom.READ_TOC, 0, 0, 0, 0, 0, 0, 0, 100}, 0xfffe);
        assertArrayEquals(new byte[]{0, 18, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0, 0, 0x16, (byte) 0xaa, 0, 0, 0, 0, 64}, toc);
        // MSF: lead-out at 64 + 150 frames = 0:02:64
        toc = packet(new byte[]{AtapiCdrom.READ_TOC, 2, 0, 0, 0, 0, 0, 0, 100}, 0xfffe);
        assertEquals(0, toc[17]);
        assertEquals(2, toc[18]);
        assertEquals(64, toc[19]);
        byte[] ms = packet(new byte[]{AtapiCdrom.READ_TOC, 0, 1, 0, 0, 0, 0, 0, 12}, 0xfffe);
        assertArrayEquals(new byte[]{0, 10, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, ms);
    }

    @Test
    void atapiErrorsAndSense() throws IOException {
        setupCd(16);
        byte[] none = packet(new byte[]{AtapiCdrom.READ_10, 0, 0, 0, 0, 16, 0, 0, 1}, 2048);
        assertEquals(0, none.length);
        assertEquals(READY_STAT | ERR_STAT, in(0x177));
        assertEquals(AtapiCdrom.ILLEGAL_REQUEST << 4, in(0x171));
        byte[] sense = packet(new byte[]{AtapiCdrom.REQUEST_SENSE, 0, 0, 0, 18}, 0xfffe);
        assertEquals(0xf0, sense[0] & 0xff);
        assertEquals(AtapiCdrom.ILLEGAL_REQUEST, sense[2]);
        assertEquals(AtapiCdrom.ASC_LOGICAL_BLOCK_OOR, sense[12]);
        packet(new byte[]{AtapiCdrom.TEST_UNIT_READY}, 0);
        assertEquals(READY_STAT | SEEK_STAT, in(0x177));
        packet(new byte[]{(byte) 0xe7}, 0);
        assertEquals(AtapiCdrom.ILLEGAL_REQUEST << 4, in(0x171));
        // open the tray: no medium
        packet(new byte[]{AtapiCdrom.START_STOP, 0, 0, 0, 2}, 0);
        packet(new byte[]{AtapiCdrom.TEST_UNIT_READY}, 0);
        assertEquals(AtapiCdrom.NOT_READY << 4, in(0x171));
        sense = packet(new byte[]{AtapiCdrom.REQUEST_SENSE, 0, 0, 0, 18}, 0xfffe);
        assertEquals(AtapiCdrom.ASC_MEDIUM_NOT_PRESENT, sense[12]);
    }

    @Test
    void atapiModeSenseConfigurationEvents() throws IOException {
        setupCd(64);
        byte[] caps = packet(new byte[]{AtapiCdrom.MODE_SENSE_10, 0, 0x2a, 0, 0, 0, 0, 0, (byte) 128}, 0xfffe);
        assertEquals(30, caps.length);
        assertEquals(0x2a, caps[8]);
        assertEquals(0x3b, caps[10]);
        byte[] conf = packet(new byte[]{AtapiCdrom.GET_CONFIGURATION, 0, 0, 0, 0, 0, 0, 0, 32}, 0xfffe);
        assertEquals(20, conf.length);
        assertEquals(0x08, conf[7], "current profile: CD-ROM");
        assertEquals(0x10, conf[13]);
        assertEquals(0x08, conf[17]);
        assertEquals(1, conf[18], "the CD-ROM profile is current");
        byte[] ev = packet(new byte[]{AtapiCdrom.GET_EVENT_STATUS, 1, 0, 0, 0x10, 0, 0, 0, 8}, 0xfffe);
        assertArrayEquals(new byte[]{0, 4, 4, 0x10, 0, 2, 0, 0}, ev);
    }

    @Test
    void atapiDmaRead() throws IOException {
        setupCd(64);
        ide.configWrite(Piix3Ide.BAR0 + 16, 4, 0xc000);
        ide.configWrite(Piix3Ide.COMMAND, 2, Piix3Ide.CMD_IO | Piix3Ide.CMD_MASTER);
        int bmi = 0xc008;
        putPrd(0x1000, 0x10000, 0, true); // 64 KiB
        io.write(bmi + 4, 4, 0x1000);
        out(0x176, 0xa0);
        out(0x171, 1); // DMA
        out(0x177, WIN_PACKETCMD);
        byte[] p = {AtapiCdrom.READ_10, 0, 0, 0, 0, 20, 0, 0, 3, 0, 0, 0};
        for (int i = 0; i < 12; i += 2) io.write(0x170, 2, (p[i] & 0xff) | (p[i + 1] & 0xff) << 8);
        assertEquals(READY_STAT | SEEK_STAT | DRQ_STAT, in(0x376));
        io.write(bmi, 1, BusMasterDma.CMD_READ | BusMasterDma.CMD_START);
        assertEquals(READY_STAT | SEEK_STAT, in(0x177));
        assertEquals(3, in(0x172));
        assertEquals(BusMasterDma.STATUS_INT | BusMasterDma.STATUS_ACTIVE, io.read(bmi + 2, 1));
        assertEquals(20, ram[0x10000]);
        assertEquals(22, ram[0x10000 + 2 * 2048 + 100]);
    }

    @Test
    void pciIdentity() {
        assertEquals(0x8086, ide.configRead(0, 2));
        assertEquals(0x7010, ide.configRead(2, 2));
        assertEquals(0x80, ide.configRead(0x09, 1));
        assertEquals(0x0101, ide.configRead(0x0a, 2));
        assertEquals(1, ide.configRead(0x20, 4), "BAR4 is an I/O BAR");
        ide.configWrite(0x20, 4, -1);
        assertEquals(0xfffffff1, ide.configRead(0x20, 4), "16 ports");
    }
}
