package dev.jemu.hw.block;

import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.core.IrqLine;
import dev.jemu.hw.dma.I8257;

import java.io.IOException;

/**
 * The PC floppy disk controller as QEMU's isa-fdc (an Intel 82078 in AT mode) with two drives: ports
 * 0x3f1-0x3f5 and 0x3f7 (0x3f6 is the IDE control port), IRQ 6, ISA DMA channel 2. Commands: READ/WRITE
 * DATA (DMA up to the terminal count, or PIO; multi-track), READ ID, RECALIBRATE, SEEK, SENSE INTERRUPT STATUS
 * (with the four post-reset polling answers), SENSE DRIVE STATUS, SPECIFY, CONFIGURE, DUMPREG, PERPENDICULAR
 * MODE, LOCK/UNLOCK, VERSION, PART ID; anything else answers "invalid command" (ST0 0x80). A transfer
 * DMA is off (SPECIFY's ND bit, or DOR without DMA enable), the data goes through the FIFO (MSR NONDMA). A
 * transfer fails with "missing address mark" when the data rate in the DSR/CCR does not match the medium, which is
 * how SeaBIOS tells 1.44 MB from 720 KB and 2.88 MB media. Transfers run at once (no rotation delay).
 */
public final class FloppyController {
    // register offsets from 0x3f0
    public static final int SRA = 0, SRB = 1, DOR = 2, TDR = 3, MSR = 4, DSR = 4, FIFO = 5, DIR = 7, CCR = 7;
    // DOR
    public static final int DOR_SELMASK = 0x01, DOR_NRESET = 0x04, DOR_DMAEN = 0x08, DOR_MOTEN0 = 0x10,
            DOR_MOTEN1 = 0x20;
    // MSR
    public static final int MSR_CMDBUSY = 0x10, MSR_NONDMA = 0x20, MSR_DIO = 0x40, MSR_RQM = 0x80;
    // DSR
    public static final int DSR_DRATEMASK = 0x03, DSR_PWRDOWN = 0x40, DSR_SWRESET = 0x80;
    public static final int DIR_DSKCHG = 0x80;
    // ST0..ST2
    public static final int SR0_DS0 = 0x01, SR0_HEAD = 0x04, SR0_EQPMT = 0x10, SR0_SEEK = 0x20,
            SR0_ABNTER = 0x40, SR0_INVCMD = 0x80, SR0_RDYCHG = 0xc0;
    public static final int SR1_MA = 0x01, SR1_NW = 0x02, SR1_EC = 0x80;
    public static final int SR2_MD = 0x01;
    public static final int SRA_INTPEND = 0x80, SRA_NDRV2 = 0x40;
    public static final int SRB_MTR0 = 0x01, SRB_MTR1 = 0x02, SRB_DR0 = 0x20;
    // commands (after masking as QEMU's table does)
    public static final int CMD_READ = 0x06, CMD_WRITE = 0x05, CMD_SEEK = 0x0f, CMD_SENSE_INT = 0x08,
            CMD_RECALIBRATE = 0x07, CMD_READ_ID = 0x0a, CMD_SPECIFY = 0x03, CMD_SENSE_DRIVE = 0x04,
            CMD_PERPENDICULAR = 0x12, CMD_CONFIGURE = 0x13, CMD_LOCK = 0x14, CMD_DUMPREG = 0x0e,
            CMD_VERSION = 0x10, CMD_PART_ID = 0x18, CMD_VERIFY = 0x16;
    public static final int VERSION = 0x90; // 82077/82078 enhanced controller
    /** CONFIGURE's reset value: implied seeks on, FIFO off (QEMU's FD_CONFIG_EIS | FD_CONFIG_EFIFO). */
    static final int CONFIG_RESET = 0x60;
    static final int SECTOR = 512, RESET_SENSEI_COUNT = 4, DMA_CHANNEL = 2;

    private static final int PHASE_COMMAND = 0, PHASE_EXECUTION = 1, PHASE_RESULT = 2;
    private static final int DIR_WRITE = 0, DIR_READ = 1, DIR_VERIFY = 2;

    private final IrqLine irq;
    private final I8257 dma;
    private final FloppyDrive[] drives = new FloppyDrive[2];
    private final byte[] fifo = new byte[SECTOR];

    int sra, srb, dor, tdr, dsr, msr, status0, curDrv;
    private int phase, dataPos, dataLen, dataDir, eot, cmdLen;
    private boolean multiTrack;
    private int timer0, timer1, config, precompTrack, resetSensei;
    private boolean lock;

    /**
     * @param dma the ISA DMA controller (channel 2 is registered here); null for PIO-only tests
     * @param a   drive A (may hold no medium); b: drive B or null for none
     */
    public FloppyController(IrqLine irq, I8257 dma, FloppyDrive a, FloppyDrive b) {
        this.irq = irq;
        this.dma = dma;
        drives[0] = a != null ? a : new FloppyDrive(null);
        drives[1] = b != null ? b : new FloppyDrive(null);
        hasB = b != null;
        if (dma != null) dma.register(DMA_CHANNEL, ch -> dmaTransfer());
        reset(false);
        config = CONFIG_RESET;
        lock = false;
        dsr = 0;
    }

    private final boolean hasB;

    public FloppyDrive drive(int i) {
        return drives[i];
    }

    /** Maps 0x3f1-0x3f5 and 0x3f7 (not 0x3f6, the IDE control port). */
    public void map(IoBus io) {
        io.map(0x3f1, 5, 1, offsetBy(1), "fdc");
        io.map(0x3f7, 1, 1, offsetBy(7), "fdc-dir");
    }

    private IoDevice offsetBy(int delta) {
        return new IoDevice() {
            public long read(long offset, int size) {
                return readReg((int) offset + delta);
            }

            public void write(long offset, int size, long value) {
                writeReg((int) offset + delta, (int) value & 0xff);
            }
        };
    }

    /** System reset (QEMU's fdctrl_reset without the interrupt). */
    public void systemReset() {
        reset(false);
        dsr = 0;
        config = CONFIG_RESET;
        lock = false;
    }

    // ---- registers ----

    public int readReg(int reg) {
        switch (reg) {
            case SRA:
                return sra;
            case SRB:
                return srb;
            case DOR:
                return dor;
            case TDR:
                return tdr;
            case MSR: {
                int v = msr;
                dsr &= ~DSR_PWRDOWN;
                dor |= DOR_NRESET;
                return v;
            }
            case FIFO:
                return readData();
            case DIR:
                return cur().mediaChanged ? DIR_DSKCHG : 0;
            default:
                return 0xff;
        }
    }

    public void writeReg(int reg, int v) {
        switch (reg) {
            case DOR -> writeDor(v);
            case TDR -> {
                if ((dor & DOR_NRESET) != 0) tdr = v & 0x03;
            }
            case DSR -> {
                if ((dor & DOR_NRESET) == 0) return;
                if ((v & DSR_SWRESET) != 0) {
                    dor &= ~DOR_NRESET;
                    reset(true);
                    dor |= DOR_NRESET;
                }
                if ((v & DSR_PWRDOWN) != 0) reset(true);
                dsr = v;
            }
            case FIFO -> writeData(v);
            case CCR -> {
                if ((dor & DOR_NRESET) != 0) dsr = (dsr & ~DSR_DRATEMASK) | (v & DSR_DRATEMASK);
            }
            default -> {
            }
        }
    }

    private void writeDor(int v) {
        if ((v & DOR_MOTEN0) != 0) srb |= SRB_MTR0;
        else srb &= ~SRB_MTR0;
        if ((v & DOR_MOTEN1) != 0) srb |= SRB_MTR1;
        else srb &= ~SRB_MTR1;
        if ((v & 1) != 0) srb |= SRB_DR0;
        else srb &= ~SRB_DR0;
        if ((v & DOR_NRESET) != 0 && (dor & DOR_NRESET) == 0) {
            // leaving reset: the controller interrupts and answers four SENSE INTERRUPT STATUS polls
            reset(true);
            dsr &= ~DSR_PWRDOWN;
        }
        curDrv = v & DOR_SELMASK;
        dor = v;
    }

    private FloppyDrive cur() {
        return drives[curDrv];
    }

    // ---- interrupt ----

    private void raiseIrq() {
        if ((sra & SRA_INTPEND) == 0) {
            irq.raise();
            sra |= SRA_INTPEND;
        }
        resetSensei = 0;
    }

    private void resetIrq() {
        status0 = 0;
        if ((sra & SRA_INTPEND) == 0) return;
        irq.lower();
        sra &= ~SRA_INTPEND;
    }

    private void reset(boolean doIrq) {
        resetIrq();
        sra = hasB ? 0 : SRA_NDRV2;
        srb = 0xc0;
        curDrv = 0;
        dor = DOR_NRESET | (dma != null ? DOR_DMAEN : 0);
        msr = MSR_RQM;
        resetSensei = 0;
        dataPos = dataLen = 0;
        multiTrack = false;
        dataDir = DIR_WRITE;
        if (dma != null) dma.releaseDreq(DMA_CHANNEL);
        for (FloppyDrive d : drives) d.recalibrate();
        toCommandPhase();
        if (doIrq) {
            status0 |= SR0_RDYCHG;
            raiseIrq();
            resetSensei = RESET_SENSEI_COUNT;
        }
    }

    private void toCommandPhase() {
        phase = PHASE_COMMAND;
        dataDir = DIR_WRITE;
        dataPos = 0;
        dataLen = 1;
        msr &= ~(MSR_CMDBUSY | MSR_DIO);
        msr |= MSR_RQM;
    }

    private void toResultPhase(int len) {
        phase = PHASE_RESULT;
        dataDir = DIR_READ;
        dataLen = len;
        dataPos = 0;
        msr |= MSR_CMDBUSY | MSR_RQM | MSR_DIO;
    }

    // ---- the FIFO ----

    private int readData() {
        if ((msr & MSR_RQM) == 0 || (msr & MSR_DIO) == 0) return 0;
        if (phase == PHASE_EXECUTION && (msr & MSR_NONDMA) != 0) return pioRead();
        if (phase != PHASE_RESULT) return 0;
        int v = fifo[dataPos] & 0xff;
        if (++dataPos == dataLen) {
            msr &= ~MSR_RQM;
            toCommandPhase();
            resetIrq();
        }
        return v;
    }

    /** A data byte of a non-DMA READ DATA (QEMU's execution-phase FIFO read). */
    private int pioRead() {
        FloppyDrive d = cur();
        int pos = dataPos % SECTOR;
        if (pos == 0) {
            if (dataPos != 0 && !seekToNextSector(d)) return 0;
            try {
                d.medium.read(d.sector() * SECTOR, fifo, 0, SECTOR);
            } catch (IOException e) {
                java.util.Arrays.fill(fifo, (byte) 0);
            }
        }
        int v = fifo[pos] & 0xff;
        if (++dataPos == dataLen) {
            msr &= ~MSR_RQM;
            stopTransfer(0, 0, 0);
        }
        return v;
    }

    /** A data byte of a non-DMA WRITE DATA: each full sector goes to the image. */
    private void pioWrite(int v) {
        FloppyDrive d = cur();
        fifo[dataPos++ % SECTOR] = (byte) v;
        if (dataPos % SECTOR == 0 || dataPos == dataLen) {
            if (d.readOnly()) {
                stopTransfer(SR0_ABNTER | SR0_SEEK, SR1_NW, 0);
                return;
            }
            try {
                d.medium.write(d.sector() * SECTOR, fifo, 0, SECTOR);
            } catch (IOException e) {
                stopTransfer(SR0_ABNTER | SR0_SEEK, 0, 0);
                return;
            }
            if (dataPos != dataLen && !seekToNextSector(d)) {
                stopTransfer(0, 0, 0);
                return;
            }
        }
        if (dataPos == dataLen) stopTransfer(0, 0, 0);
    }

    private void writeData(int v) {
        if ((dor & DOR_NRESET) == 0) return;
        if ((msr & MSR_RQM) == 0 || (msr & MSR_DIO) != 0) return;
        dsr &= ~DSR_PWRDOWN;
        if (phase == PHASE_EXECUTION && (msr & MSR_NONDMA) != 0) {
            pioWrite(v);
            return;
        }
        if (phase != PHASE_COMMAND) return;
        if (dataPos == 0) {
            cmdLen = parameters(v) + 1;
            dataLen = cmdLen;
            if (cmdLen > 1) msr |= MSR_CMDBUSY;
        }
        fifo[dataPos++] = (byte) v;
        if (dataPos == dataLen) {
            phase = PHASE_EXECUTION;
            execute(fifo[0] & 0xff);
        }
    }

    /** The command a first byte names, after QEMU's masks (MT/MFM/SK bits dropped where they apply). */
    private static int command(int v) {
        if ((v & 0x1f) == CMD_READ) return CMD_READ;
        if ((v & 0x3f) == CMD_WRITE || (v & 0x1f) == CMD_WRITE) return CMD_WRITE;
        if ((v & 0x1f) == CMD_VERIFY) return CMD_VERIFY;
        if ((v & 0xbf) == CMD_READ_ID) return CMD_READ_ID;
        if ((v & 0x7f) == CMD_LOCK) return CMD_LOCK;
        return switch (v) {
            case CMD_SEEK, CMD_SENSE_INT, CMD_RECALIBRATE, CMD_SPECIFY, CMD_SENSE_DRIVE, CMD_PERPENDICULAR,
                 CMD_CONFIGURE, CMD_DUMPREG, CMD_VERSION, CMD_PART_ID -> v;
            default -> -1;
        };
    }

    private static int parameters(int v) {
        return switch (command(v)) {
            case CMD_READ, CMD_WRITE, CMD_VERIFY -> 8;
            case CMD_SEEK, CMD_SPECIFY -> 2;
            case CMD_RECALIBRATE, CMD_READ_ID, CMD_SENSE_DRIVE, CMD_PERPENDICULAR -> 1;
            case CMD_CONFIGURE -> 3;
            default -> 0;
        };
    }

    private void execute(int first) {
        switch (command(first)) {
            case CMD_READ -> startTransfer(DIR_READ);
            case CMD_WRITE -> startTransfer(DIR_WRITE);
            case CMD_VERIFY -> startTransfer(DIR_VERIFY);
            case CMD_SEEK -> {
                curDrv = fifo[1] & DOR_SELMASK;
                FloppyDrive d = cur();
                toCommandPhase();
                // SEEK only steps the head; it does not care about the medium
                d.seek(d.head, fifo[2] & 0xff, d.sect);
                status0 |= SR0_SEEK;
                raiseIrq();
            }
            case CMD_RECALIBRATE -> {
                curDrv = fifo[1] & DOR_SELMASK;
                cur().recalibrate();
                toCommandPhase();
                status0 |= SR0_SEEK;
                raiseIrq();
            }
            case CMD_SENSE_INT -> {
                FloppyDrive d = cur();
                if (resetSensei > 0) {
                    fifo[0] = (byte) (SR0_RDYCHG + RESET_SENSEI_COUNT - resetSensei);
                    resetSensei--;
                } else if ((sra & SRA_INTPEND) == 0) {
                    fifo[0] = (byte) SR0_INVCMD;
                    toResultPhase(1);
                    return;
                } else {
                    fifo[0] = (byte) ((status0 & ~(SR0_HEAD | 3)) | curDrv);
                }
                fifo[1] = (byte) d.track;
                toResultPhase(2);
                resetIrq();
                status0 = SR0_RDYCHG;
            }
            case CMD_SPECIFY -> {
                timer0 = (fifo[1] >> 4) & 0xf;
                timer1 = (fifo[2] & 0xff) >> 1;
                if ((fifo[2] & 1) != 0) dor &= ~DOR_DMAEN;
                else dor |= DOR_DMAEN;
                toCommandPhase();
            }
            case CMD_SENSE_DRIVE -> {
                curDrv = fifo[1] & DOR_SELMASK;
                FloppyDrive d = cur();
                d.head = (fifo[1] >> 2) & 1;
                fifo[0] = (byte) ((d.readOnly() ? 0x40 : 0) | (d.track == 0 ? 0x10 : 0) | (d.head << 2) | curDrv | 0x28);
                toResultPhase(1);
            }
            case CMD_PERPENDICULAR -> {
                if ((fifo[1] & 0x80) != 0) cur().perpendicular = fifo[1] & 7;
                toCommandPhase();
            }
            case CMD_CONFIGURE -> {
                config = fifo[2] & 0xff;
                precompTrack = fifo[3] & 0xff;
                toCommandPhase();
            }
            case CMD_LOCK -> {
                lock = (fifo[0] & 0x80) != 0;
                fifo[0] = (byte) (lock ? 0x10 : 0);
                toResultPhase(1);
            }
            case CMD_DUMPREG -> {
                FloppyDrive d = cur();
                fifo[0] = (byte) drives[0].track;
                fifo[1] = (byte) drives[1].track;
                fifo[2] = 0;
                fifo[3] = 0;
                fifo[4] = (byte) timer0;
                fifo[5] = (byte) ((timer1 << 1) | ((dor & DOR_DMAEN) != 0 ? 1 : 0));
                fifo[6] = (byte) d.lastSect;
                fifo[7] = (byte) ((lock ? 0x80 : 0) | (d.perpendicular << 2));
                fifo[8] = (byte) config;
                fifo[9] = (byte) precompTrack;
                toResultPhase(10);
            }
            case CMD_VERSION -> {
                fifo[0] = (byte) VERSION;
                toResultPhase(1);
            }
            case CMD_PART_ID -> {
                fifo[0] = 0x41;
                toResultPhase(1);
            }
            case CMD_READ_ID -> {
                FloppyDrive d = cur();
                d.head = (fifo[1] >> 2) & 1;
                // the head passes the next sector's ID field
                if (d.lastSect != 0) d.sect = (d.sect % d.lastSect) + 1;
                if (d.medium == null || (dsr & DSR_DRATEMASK) != d.rate) stopTransfer(SR0_ABNTER, SR1_MA, 0);
                else stopTransfer(0, 0, 0);
            }
            default -> {
                fifo[0] = (byte) SR0_INVCMD;
                toResultPhase(1);
            }
        }
    }

    // ---- data transfers (QEMU's fdctrl_start_transfer / fdctrl_transfer_handler) ----

    private void startTransfer(int direction) {
        curDrv = fifo[1] & DOR_SELMASK;
        FloppyDrive d = cur();
        int kt = fifo[2] & 0xff, kh = fifo[3] & 0xff, ks = fifo[4] & 0xff;
        switch (d.seek(kh, kt, ks)) {
            case 2 -> {
                stopTransfer(SR0_ABNTER, 0, 0);
                setChrn(kt, kh, ks);
                return;
            }
            case 3 -> {
                stopTransfer(SR0_ABNTER, SR1_EC, 0);
                setChrn(kt, kh, ks);
                return;
            }
            case 1 -> status0 |= SR0_SEEK;
            default -> {
            }
        }
        if ((dsr & DSR_DRATEMASK) != d.rate) {
            stopTransfer(SR0_ABNTER, SR1_MA, SR2_MD);
            setChrn(kt, kh, ks);
            return;
        }
        dataDir = direction;
        dataPos = 0;
        multiTrack = (fifo[0] & 0x80) != 0;
        int n = fifo[5] & 0xff;
        if (n == 0) {
            dataLen = fifo[8] & 0xff;
        } else {
            dataLen = 128 << Math.min(n, 7);
            int sectors = (fifo[6] & 0xff) - ks + 1;
            if (sectors < 0) {
                stopTransfer(SR0_ABNTER, SR1_MA, 0);
                setChrn(kt, kh, ks);
                return;
            }
            if (multiTrack) sectors += fifo[6] & 0xff;
            dataLen *= sectors;
        }
        eot = fifo[6] & 0xff;
        if ((dor & DOR_DMAEN) != 0 && dma != null) {
            int mode = dma.transferType(DMA_CHANNEL);
            if ((direction == DIR_WRITE && mode == I8257.MODE_READ) || (direction == DIR_READ && mode == I8257.MODE_WRITE)
                    || direction == DIR_VERIFY) {
                msr &= ~MSR_RQM;
                if (direction == DIR_VERIFY) dmaTransfer();
                else dma.holdDreq(DMA_CHANNEL);
                return;
            }
        }
        if (d.medium == null) {
            stopTransfer(SR0_ABNTER, 0, 0);
            return;
        }
        // non-DMA: the host moves the data through the FIFO, one byte per access
        msr |= MSR_NONDMA | MSR_RQM;
        if (direction != DIR_WRITE) msr |= MSR_DIO;
        raiseIrq();
    }

    private void setChrn(int kt, int kh, int ks) {
        fifo[3] = (byte) kt;
        fifo[4] = (byte) kh;
        fifo[5] = (byte) ks;
    }

    /** The DMA controller serves channel 2: move the whole request, or up to the terminal count. */
    private void dmaTransfer() {
        if ((msr & MSR_RQM) != 0) return; // not waiting for DMA
        FloppyDrive d = cur();
        int dmaLen = dataDir == DIR_VERIFY ? dataLen : Math.min(dataLen, dataPos + dma.remaining(DMA_CHANNEL));
        if (d.medium == null) {
            stopTransfer(dataDir == DIR_WRITE ? SR0_ABNTER | SR0_SEEK : SR0_ABNTER, 0, 0);
            return;
        }
        int startPos = dataPos;
        int rel = dataPos % SECTOR;
        while (dataPos < dmaLen) {
            int len = dmaLen - dataPos;
            if (len + rel > SECTOR) len = SECTOR - rel;
            long offset = d.sector() * SECTOR;
            if (dataDir != DIR_WRITE || len < SECTOR || rel != 0) {
                try {
                    d.medium.read(offset, fifo, 0, SECTOR);
                } catch (IOException e) {
                    java.util.Arrays.fill(fifo, (byte) 0);
                }
            }
            if (dataDir == DIR_READ) {
                dma.transfer(DMA_CHANNEL, fifo, rel, len, true);
            } else if (dataDir == DIR_WRITE) {
                if (d.readOnly()) {
                    stopTransfer(SR0_ABNTER | SR0_SEEK, SR1_NW, 0);
                    return;
                }
                dma.transfer(DMA_CHANNEL, fifo, rel, len, false);
                try {
                    d.medium.write(offset, fifo, 0, SECTOR);
                } catch (IOException e) {
                    stopTransfer(SR0_ABNTER | SR0_SEEK, 0, 0);
                    return;
                }
            }
            dataPos += len;
            rel = dataPos % SECTOR;
            if (rel == 0 && !seekToNextSector(d)) break;
        }
        dataLen -= dataPos - startPos;
        stopTransfer(0, 0, 0);
    }

    /** QEMU's fdctrl_seek_to_next_sect: false when the transfer must end (end of cylinder). */
    private boolean seekToNextSector(FloppyDrive d) {
        int h = d.head, t = d.track, s = d.sect;
        boolean ok = true;
        if (s >= d.lastSect || s == eot) {
            s = 1;
            if (multiTrack) {
                if (h == 0 && d.heads == 2) {
                    h = 1;
                } else {
                    h = 0;
                    t++;
                    status0 |= SR0_SEEK;
                    if (d.heads == 1) ok = false;
                }
            } else {
                status0 |= SR0_SEEK;
                t++;
                ok = false;
            }
        } else {
            s++;
        }
        d.seek(h, t, s);
        return ok;
    }

    /** Ends a command with a 7-byte result (QEMU's fdctrl_stop_transfer). */
    private void stopTransfer(int st0, int st1, int st2) {
        FloppyDrive d = cur();
        status0 &= ~(SR0_DS0 | 2 | SR0_HEAD);
        status0 |= curDrv;
        if (d.head != 0) status0 |= SR0_HEAD;
        status0 |= st0;
        fifo[0] = (byte) status0;
        fifo[1] = (byte) st1;
        fifo[2] = (byte) st2;
        fifo[3] = (byte) d.track;
        fifo[4] = (byte) d.head;
        fifo[5] = (byte) d.sect;
        fifo[6] = 2; // N: 512-byte sectors
        dataDir = DIR_READ;
        if (dma != null) dma.releaseDreq(DMA_CHANNEL);
        msr |= MSR_RQM | MSR_DIO;
        msr &= ~MSR_NONDMA;
        toResultPhase(7);
        raiseIrq();
    }
}
