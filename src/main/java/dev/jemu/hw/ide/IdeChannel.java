package dev.jemu.hw.ide;

import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.core.IrqLine;

import static dev.jemu.hw.ide.Ata.*;

/**
 * One IDE channel (QEMU's IDEBus): the command block (8 ports at 0x1f0 or 0x170), the control block (the
 * alternate status / device control port at 0x3f6 or 0x376), two drive positions, the interrupt line
 * (IRQ14 / IRQ15 in legacy mode) and, on a PCI controller, its bus master. The registers are written to
 * both positions and read from the selected one; a position without a drive reads 0 (and, when neither
 * position has a drive, so does everything).
 */
public final class IdeChannel {
    private final IrqLine irq;
    private final IdeDrive[] drives = {new IdeDrive(), new IdeDrive()};
    private BusMasterDma bm;
    int unit;
    /** The device control register last written (nIEN, SRST, HOB). */
    int ctrl;

    public IdeChannel(IrqLine irq) {
        this.irq = irq;
        for (int i = 0; i < 2; i++) {
            drives[i].channel = this;
            drives[i].unit = i;
        }
        reset();
    }

    /** Puts a drive (an {@link AtaDisk} or {@link AtapiCdrom}) at unit 0 (master) or 1 (slave). */
    public void attach(int unit, IdeDrive drive) {
        drive.channel = this;
        drive.unit = unit;
        drives[unit] = drive;
        drive.reset();
    }

    public IdeDrive drive(int unit) {
        return drives[unit];
    }

    public void setBusMaster(BusMasterDma bm) {
        this.bm = bm;
        bm.attach(this);
    }

    public BusMasterDma busMaster() {
        return bm;
    }

    /** System reset (QEMU's ide_bus_reset). */
    public void reset() {
        unit = 0;
        ctrl = 0;
        drives[0].reset();
        drives[1].reset();
        if (bm != null) bm.reset();
        irq.lower();
    }

    private IdeDrive selected() {
        return drives[unit];
    }

    private boolean selectedAnswers() {
        return (drives[0].present() || drives[1].present()) && (unit == 0 || drives[1].present());
    }

    // ---- interrupt ----

    void raiseIrq() {
        if ((ctrl & CTRL_NIEN) == 0) {
            if (bm != null) bm.interrupt();
            irq.raise();
        }
    }

    // ---- DMA hand-off ----

    void dmaReady(IdeDrive d) {
        if (bm != null && bm.active() && d == selected()) d.runDma(bm);
    }

    void dmaStarted() {
        IdeDrive d = selected();
        if (d.dmaCmd != IdeDrive.DMA_NONE) d.runDma(bm);
    }

    // ---- the command block ----

    /** The command block as the board maps it: 8 ports, 32-bit access on the data port. */
    public final IoDevice commandBlock = new IoDevice() {
        @Override
        public long read(long offset, int size) {
            int reg = (int) offset & 7;
            if (reg == REG_DATA) {
                if (size == 1) return 0xff;
                return selected().readData(size) & 0xffffffffL;
            }
            long v = 0;
            for (int i = 0; i < size && reg + i < 8; i++) v |= (long) readReg(reg + i) << (8 * i);
            return v;
        }

        @Override
        public void write(long offset, int size, long value) {
            int reg = (int) offset & 7;
            if (reg == REG_DATA) {
                if (size > 1) selected().writeData(size, (int) value);
                return;
            }
            for (int i = 0; i < size && reg + i < 8; i++) writeReg(reg + i, (int) (value >>> (8 * i)) & 0xff);
        }
    };

    /** The control block: the alternate status register (read) and the device control register (write). */
    public final IoDevice controlBlock = new IoDevice() {
        @Override
        public long read(long offset, int size) {
            return selectedAnswers() ? selected().status : 0;
        }

        @Override
        public void write(long offset, int size, long value) {
            writeControl((int) value & 0xff);
        }
    };

    int readReg(int reg) {
        boolean hob = (ctrl & CTRL_HOB) != 0;
        IdeDrive s = selected();
        if (!selectedAnswers()) {
            if (reg == REG_STATUS) irq.lower();
            return 0;
        }
        int v = s.readRegister(reg, hob);
        if (reg == REG_STATUS) irq.lower();
        return v;
    }

    void writeReg(int reg, int v) {
        IdeDrive s = selected();
        // writes to the command block are ignored while the drive is busy, except the command register
        if (reg != REG_COMMAND && (s.status & (BUSY_STAT | DRQ_STAT)) != 0) return;
        if (reg == REG_COMMAND) {
            ctrl &= ~CTRL_HOB;
            irq.lower();
            s.executeCommand(v);
            return;
        }
        ctrl &= ~CTRL_HOB;
        drives[0].writeRegister(reg, v);
        drives[1].writeRegister(reg, v);
        if (reg == REG_SELECT) unit = (v & DEV_SELECT) != 0 ? 1 : 0;
    }

    void writeControl(int v) {
        if ((ctrl & CTRL_SRST) == 0 && (v & CTRL_SRST) != 0) {
            for (IdeDrive d : drives) {
                if (!d.present()) continue;
                d.transferStop();
                d.dmaCmd = IdeDrive.DMA_NONE;
                d.status = BUSY_STAT | SEEK_STAT;
                d.error = 0x01;
            }
        } else if ((ctrl & CTRL_SRST) != 0 && (v & CTRL_SRST) == 0) {
            // the reset ends with the drives' self-diagnostic, which a disk reports with an interrupt
            ctrl = v;
            for (IdeDrive d : drives) if (d.present()) d.softResetDone();
            return;
        }
        ctrl = v;
    }
}
