package dev.jemu.hw.block;

import dev.jemu.block.BlockBackend;
import dev.jemu.block.RawImage;
import dev.jemu.hw.IrqRecorder;
import dev.jemu.hw.core.DmaMemory;
import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.dma.I8257;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.jemu.hw.block.FloppyController.*;
import static org.junit.jupiter.api.Assertions.*;

/** The controller driven as SeaBIOS's src/hw/floppy.c does: reset, SPECIFY, RECALIBRATE, DMA READ/WRITE. */
class FloppyControllerTest {
    @TempDir
    Path dir;
    final IoBus io = new IoBus(null);
    final IrqRecorder irq6 = new IrqRecorder("irq6");
    final byte[] ram = new byte[1 << 20];
    final DmaMemory mem = new DmaMemory() {
        public boolean read(long a, byte[] d, int o, int l) {
            System.arraycopy(ram, (int) a, d, o, l);
            return true;
        }

        public boolean write(long a, byte[] s, int o, int l) {
            System.arraycopy(s, o, ram, (int) a, l);
            return true;
        }
    };
    final I8257 dma = new I8257(mem);
    BlockBackend img;
    FloppyController fdc;

    @AfterEach
    void close() throws IOException {
        if (img != null) img.close();
    }

    void setup(int sectors, boolean readOnly) throws IOException {
        byte[] d = new byte[sectors * 512];
        for (int s = 0; s < sectors; s++) {
            java.util.Arrays.fill(d, s * 512, s * 512 + 512, (byte) s);
            d[s * 512 + 1] = (byte) (s >> 8);
        }
        Path p = dir.resolve("f.img");
        Files.write(p, d);
        img = RawImage.open(p, "f.img", readOnly);
        fdc = new FloppyController(irq6.line, dma, new FloppyDrive(img), null);
        fdc.map(io);
        dma.map(io);
    }

    int in(int port) {
        return io.read(port, 1);
    }

    void out(int port, int v) {
        io.write(port, 1, v);
    }

    /** SeaBIOS's floppy_pio: each byte waits for RQM with DIO clear. */
    void command(int... bytes) {
        for (int b : bytes) {
            assertEquals(MSR_RQM, in(0x3f4) & (MSR_RQM | MSR_DIO), "ready for a command byte");
            out(0x3f5, b);
        }
    }

    int[] result(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            assertEquals(MSR_RQM | MSR_DIO, in(0x3f4) & (MSR_RQM | MSR_DIO), "result byte " + i);
            r[i] = in(0x3f5);
        }
        assertEquals(MSR_RQM, in(0x3f4), "back to the command phase");
        return r;
    }

    /** floppy_enable_controller + floppy_drive_recal. */
    void resetAndRecalibrate() {
        out(0x3f2, 0x00);
        out(0x3f2, 0x0c);
        assertTrue(irq6.level(), "leaving reset interrupts");
        command(CMD_SENSE_INT);
        assertArrayEquals(new int[]{0xc0, 0}, result(2));
        assertFalse(irq6.level());
        command(CMD_SPECIFY, 0xaf, 0x02);
        out(0x3f7, 0); // 500 kbit/s
        out(0x3f2, 0x1c); // motor A, DMA, not reset
        command(CMD_RECALIBRATE, 0);
        assertTrue(irq6.level());
        command(CMD_SENSE_INT);
        assertArrayEquals(new int[]{0x20, 0}, result(2));
    }

    /** SeaBIOS's floppy_dma_cmd: program channel 2 for {@code bytes} at {@code addr}. */
    void programDma(int addr, int bytes, boolean toMemory) {
        out(0x0a, 0x06); // mask channel 2
        out(0x0c, 0); // clear flip-flop
        out(0x0b, toMemory ? 0x46 : 0x4a);
        out(0x04, addr & 0xff);
        out(0x04, (addr >> 8) & 0xff);
        out(0x81, addr >> 16);
        out(0x05, (bytes - 1) & 0xff);
        out(0x05, (bytes - 1) >> 8);
        out(0x0a, 0x02); // unmask
    }

    @Test
    void readSectorsByDma() throws IOException {
        setup(2880, false);
        resetAndRecalibrate();
        // track 1, head 1, sectors 3 and 4 (linear (1*2+1)*18+2 = 56, 57)
        command(CMD_SEEK, 0, 1);
        command(CMD_SENSE_INT);
        assertArrayEquals(new int[]{0x20, 1}, result(2));
        programDma(0x12345, 1024, true);
        command(0xe6, 0x04, 1, 1, 3, 2, 18, 0x1b, 0xff);
        assertTrue(irq6.level());
        int[] r = result(7);
        assertArrayEquals(new int[]{0x04, 0, 0, 1, 1, 5, 2}, r, "ST0 head 1, next sector 5");
        assertFalse(irq6.level());
        assertEquals(56, ram[0x12345]);
        assertEquals(57, ram[0x12345 + 512]);
        assertEquals(0, ram[0x12345 + 1024]);
        assertEquals(0x04, in(0x08) & 0x0f, "terminal count on channel 2");
    }

    @Test
    void multiTrackReadCrossesHeads() throws IOException {
        setup(2880, false);
        resetAndRecalibrate();
        programDma(0x2000, 3 * 512, true);
        // from sector 17 of head 0: 17, 18, then head 1 sector 1 (linear 16, 17, 18)
        command(0xe6, 0x00, 0, 0, 17, 2, 18, 0x1b, 0xff);
        int[] r = result(7);
        assertEquals(0, r[0] & 0xc0);
        assertEquals(16, ram[0x2000]);
        assertEquals(17, ram[0x2200]);
        assertEquals(18, ram[0x2400]);
        assertEquals(1, r[4], "on head 1 now");
        assertEquals(2, r[5]);
    }

    @Test
    void nonDmaTransfersGoThroughTheFifo() throws IOException {
        setup(2880, false);
        resetAndRecalibrate();
        command(CMD_SPECIFY, 0xaf, 0x03); // ND: no DMA
        command(0x46, 0x00, 0, 0, 4, 2, 5, 0x1b, 0xff); // sectors 4 and 5 (linear 3, 4), no multi-track
        assertEquals(MSR_RQM | MSR_DIO | MSR_NONDMA, in(0x3f4) & 0xe0);
        byte[] got = new byte[1024];
        for (int i = 0; i < 1024; i++) got[i] = (byte) in(0x3f5);
        assertEquals(3, got[0]);
        assertEquals(4, got[1000]);
        int[] r = result(7);
        assertEquals(0, r[0] & 0xc0);
        command(0x45, 0x00, 0, 0, 7, 2, 7, 0x1b, 0xff);
        assertEquals(MSR_RQM | MSR_NONDMA, in(0x3f4) & 0xe0);
        for (int i = 0; i < 512; i++) out(0x3f5, 0x99);
        assertEquals(0, result(7)[0] & 0xc0);
        assertEquals((byte) 0x99, Files.readAllBytes(dir.resolve("f.img"))[6 * 512 + 100]);
    }

    @Test
    void dataRateMismatchIsMissingAddressMark() throws IOException {
        setup(1440, false); // 720 KB: 250 kbit/s
        resetAndRecalibrate();
        command(CMD_READ_ID, 0);
        int[] r = result(7);
        assertEquals(SR0_ABNTER, r[0] & 0xc0);
        assertEquals(SR1_MA, r[1]);
        out(0x3f7, FloppyDrive.RATE_250K);
        command(CMD_READ_ID, 0);
        r = result(7);
        assertEquals(0, r[0] & 0xc0);
        assertEquals(9, fdc.drive(0).sectorsPerTrack());
        assertEquals(4, fdc.drive(0).cmosType(), "a 720 KB disk in a 1.44 MB drive");
    }

    @Test
    void writeReachesTheImage() throws IOException {
        setup(2880, false);
        resetAndRecalibrate();
        java.util.Arrays.fill(ram, 0x3000, 0x3200, (byte) 0x77);
        programDma(0x3000, 512, false);
        command(0xc5, 0x00, 0, 0, 2, 2, 18, 0x1b, 0xff);
        int[] r = result(7);
        assertEquals(0, r[0] & 0xc0);
        byte[] f = Files.readAllBytes(dir.resolve("f.img"));
        assertEquals(0x77, f[512]);
        assertEquals(0x77, f[1023]);
        assertEquals(2, f[1024]);
    }

    @Test
    void writeProtected() throws IOException {
        setup(2880, true);
        resetAndRecalibrate();
        command(CMD_SENSE_DRIVE, 0);
        assertEquals(0x40 | 0x10 | 0x28, result(1)[0]);
        programDma(0x3000, 512, false);
        command(0xc5, 0x00, 0, 0, 1, 2, 18, 0x1b, 0xff);
        int[] r = result(7);
        assertEquals(SR0_ABNTER, r[0] & 0xc0);
        assertEquals(SR1_NW, r[1]);
    }

    @Test
    void identificationCommands() throws IOException {
        setup(2880, false);
        resetAndRecalibrate();
        command(CMD_VERSION);
        assertArrayEquals(new int[]{0x90}, result(1));
        command(CMD_PART_ID);
        assertArrayEquals(new int[]{0x41}, result(1));
        command(CMD_CONFIGURE, 0, 0x57, 0);
        command(0x94); // LOCK
        assertArrayEquals(new int[]{0x10}, result(1));
        command(CMD_DUMPREG);
        int[] d = result(10);
        assertEquals(0x0a, d[4]);
        assertEquals(0x03, d[5], "timer1 << 1 | DMA on (QEMU's dumpreg)");
        assertEquals(18, d[6]);
        assertEquals(0x80, d[7]);
        assertEquals(0x57, d[8]);
        command(0x1f); // no such command
        assertArrayEquals(new int[]{0x80}, result(1));
        command(CMD_SENSE_INT); // nothing pending
        assertArrayEquals(new int[]{0x80}, result(1));
    }

    @Test
    void diskChangeLineClearsOnSeek() throws IOException {
        setup(2880, false);
        resetAndRecalibrate();
        assertEquals(DIR_DSKCHG, in(0x3f7));
        command(CMD_SEEK, 0, 5);
        command(CMD_SENSE_INT);
        assertArrayEquals(new int[]{0x20, 5}, result(2));
        assertEquals(0, in(0x3f7));
    }

    @Test
    void fourSenseInterruptsAfterReset() throws IOException {
        setup(2880, false);
        out(0x3f2, 0x00);
        out(0x3f2, 0x0c);
        for (int i = 0; i < 4; i++) {
            command(CMD_SENSE_INT);
            assertArrayEquals(new int[]{0xc0 + i, 0}, result(2));
        }
        command(CMD_SENSE_INT);
        assertArrayEquals(new int[]{0x80}, result(1));
    }
}
