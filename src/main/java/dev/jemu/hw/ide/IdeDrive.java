package dev.jemu.hw.ide;

import static dev.jemu.hw.ide.Ata.*;

/**
 * One position on an IDE channel (master or slave) with its copy of the task file, as QEMU's IDEState: writes
 * to the command block reach both positions, reads come from the selected one. This base class is an empty
 * position (no device: commands are ignored, registers read 0 through the channel); {@link AtaDisk} and
 * {@link AtapiCdrom} are the devices. It also holds what both devices share: the PIO data buffer and its
 * transfer state, the command dispatch skeleton (busy/DRQ rules, abort), the reset signature.
 */
public class IdeDrive {
    /** PIO/DMA bounce buffer: 16 sectors for READ MULTIPLE, a 64 KiB ATAPI DRQ block, 128 sectors of DMA. */
    static final int BUF_SIZE = 128 * SECTOR;

    // what ends a PIO data block
    static final int END_NONE = 0, END_SECTOR_READ = 1, END_SECTOR_WRITE = 2, END_PACKET = 3, END_ATAPI_REPLY = 4;
    // DMA commands waiting for the bus master
    static final int DMA_NONE = 0, DMA_READ = 1, DMA_WRITE = 2, DMA_ATAPI = 3;

    IdeChannel channel;
    int unit;

    // the task file (QEMU keeps one per drive; the channel writes both)
    int feature, nsector, sector, lcyl, hcyl, select, status, error;
    int hobFeature, hobNsector, hobSector, hobLcyl, hobHcyl;
    boolean lba48;

    final byte[] buf = new byte[BUF_SIZE];
    int bufPos, bufEnd;
    boolean pioOut;
    int onEnd;
    int dmaCmd;

    /** True for a real device; an empty position answers nothing. */
    public boolean present() {
        return false;
    }

    /** Power-on / bus reset state (QEMU's ide_reset). */
    void reset() {
        feature = error = nsector = sector = lcyl = hcyl = 0;
        hobFeature = hobNsector = hobSector = hobLcyl = hobHcyl = 0;
        select = DEV_ALWAYS_ON;
        status = READY_STAT | SEEK_STAT;
        lba48 = false;
        dmaCmd = DMA_NONE;
        setSignature();
        // data reads with no transfer going read all ones (QEMU's ide_dummy_transfer_stop)
        bufPos = bufEnd = 0;
        onEnd = END_NONE;
    }

    /** The device signature the host reads after a reset or EXECUTE DEVICE DIAGNOSTIC. */
    void setSignature() {
        select &= ~DEV_HS;
        nsector = 1;
        sector = 1;
        lcyl = hcyl = 0xff; // no device
    }

    /** The end of a software reset (SRST high to low). */
    void softResetDone() {
        reset();
        status = READY_STAT | SEEK_STAT;
        error = 0x01;
    }

    // ---- command dispatch (QEMU's ide_exec_cmd) ----

    final void executeCommand(int cmd) {
        if (!present()) return;
        if ((status & (BUSY_STAT | DRQ_STAT)) != 0 && !(cmd == WIN_DEVICE_RESET && this instanceof AtapiCdrom))
            return;
        status = READY_STAT | BUSY_STAT;
        error = 0;
        if (command(cmd)) {
            status &= ~BUSY_STAT;
            if (error == 0 && setsDsc(cmd)) status |= SEEK_STAT;
            channel.raiseIrq();
        }
    }

    /**
     * Runs a command; returns true if it completed at once (the caller clears BSY and interrupts), false if it
     * started a data transfer or finished on its own. The default aborts, as a device without that command does.
     */
    boolean command(int cmd) {
        abort();
        return true;
    }

    /** Whether a command sets DSC (SEEK_STAT) on success (QEMU's SET_DSC flag). */
    boolean setsDsc(int cmd) {
        return false;
    }

    void abort() {
        transferStop();
        status = READY_STAT | ERR_STAT;
        error = ABRT_ERR;
    }

    // ---- PIO ----

    void transferStart(int len, boolean out, int action) {
        bufPos = 0;
        bufEnd = len;
        pioOut = out;
        onEnd = action;
        status |= DRQ_STAT;
    }

    void transferStop() {
        bufPos = bufEnd = 0;
        onEnd = END_NONE;
        status &= ~DRQ_STAT;
    }

    /** A 2- or 4-byte read of the data port. */
    final int readData(int size) {
        if ((status & DRQ_STAT) == 0 || pioOut) return 0;
        int p = bufPos;
        if (p + size > bufEnd) return 0;
        int v = (buf[p] & 0xff) | (buf[p + 1] & 0xff) << 8;
        if (size == 4) v |= (buf[p + 2] & 0xff) << 16 | (buf[p + 3] & 0xff) << 24;
        bufPos = p + size;
        if (bufPos >= bufEnd) endBlock();
        return v;
    }

    /** A 2- or 4-byte write of the data port. */
    final void writeData(int size, int v) {
        if ((status & DRQ_STAT) == 0 || !pioOut) return;
        int p = bufPos;
        if (p + size > bufEnd) return;
        buf[p] = (byte) v;
        buf[p + 1] = (byte) (v >>> 8);
        if (size == 4) {
            buf[p + 2] = (byte) (v >>> 16);
            buf[p + 3] = (byte) (v >>> 24);
        }
        bufPos = p + size;
        if (bufPos >= bufEnd) endBlock();
    }

    private void endBlock() {
        int action = onEnd;
        status &= ~DRQ_STAT;
        onEnd = END_NONE;
        blockDone(action);
    }

    /** A PIO data block has been fully moved; the device continues the command. */
    void blockDone(int action) {
        transferStop();
    }

    // ---- DMA ----

    /** A DMA command is ready: runs it now if the bus master is already started. */
    final void startDma(int cmd) {
        dmaCmd = cmd;
        status = READY_STAT | SEEK_STAT | DRQ_STAT;
        channel.dmaReady(this);
    }

    /** The bus master is active and this drive has {@link #dmaCmd} pending: moves all the data. */
    void runDma(BusMasterDma bm) {
        dmaCmd = DMA_NONE;
    }

    /** A DMA command that cannot go on: aborts and interrupts (QEMU's ide_dma_error). */
    final void dmaError(BusMasterDma bm) {
        dmaCmd = DMA_NONE;
        abort();
        bm.setInactive(false);
        channel.raiseIrq();
    }

    // ---- register readback with HOB ----

    final int readRegister(int reg, boolean hob) {
        return switch (reg) {
            case REG_ERROR -> hob ? hobFeature : error;
            case REG_NSECTOR -> (hob ? hobNsector : nsector) & 0xff;
            case REG_SECTOR -> (hob ? hobSector : sector) & 0xff;
            case REG_LCYL -> (hob ? hobLcyl : lcyl) & 0xff;
            case REG_HCYL -> (hob ? hobHcyl : hcyl) & 0xff;
            case REG_SELECT -> select & 0xff;
            default -> status;
        };
    }

    final void writeRegister(int reg, int v) {
        switch (reg) {
            case REG_FEATURE -> {
                hobFeature = feature;
                feature = v;
            }
            case REG_NSECTOR -> {
                hobNsector = nsector & 0xff;
                nsector = v;
            }
            case REG_SECTOR -> {
                hobSector = sector & 0xff;
                sector = v;
            }
            case REG_LCYL -> {
                hobLcyl = lcyl & 0xff;
                lcyl = v;
            }
            case REG_HCYL -> {
                hobHcyl = hcyl & 0xff;
                hcyl = v;
            }
            case REG_SELECT -> select = v | DEV_ALWAYS_ON;
            default -> {
            }
        }
    }

    /** The sector count of a read/write command: 0 means 256 (LBA28) or 65536 (LBA48). */
    final void lba48Transform(boolean ext) {
        lba48 = ext;
        if (!ext) {
            if ((nsector & 0xff) == 0) nsector = 256;
            else nsector &= 0xff;
        } else {
            int n = (hobNsector & 0xff) << 8 | (nsector & 0xff);
            nsector = n == 0 ? 65536 : n;
        }
    }
}
