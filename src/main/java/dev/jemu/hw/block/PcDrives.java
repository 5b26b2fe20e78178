package dev.jemu.hw.block;

import dev.jemu.block.BlockBackend;
import dev.jemu.block.BlockError;
import dev.jemu.block.Images;
import dev.jemu.cli.DriveOptions;
import dev.jemu.cli.ToolError;
import dev.jemu.hw.core.DmaMemory;
import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.core.IrqLine;
import dev.jemu.hw.dma.I8257;
import dev.jemu.hw.ide.AtaDisk;
import dev.jemu.hw.ide.AtapiCdrom;
import dev.jemu.hw.ide.IdeDrive;
import dev.jemu.hw.ide.Piix3Ide;
import dev.jemu.hw.pci.PciBus;
import dev.jemu.hw.rtc.Mc146818;
import dev.jemu.machine.MachineConfig.Drive;

import java.util.List;

/**
 * The pc machine's storage, built from the -drive list as QEMU's pc_init1 does: the ISA DMA pair (always
 * there; SeaBIOS programs it), the floppy controller (always there, drives A/B from if=floppy), and the PIIX3
 * IDE function at 00:01.1 with the if=ide drives at bus index / 2, unit index % 2. The board calls
 * {@link #install} once, {@link #reset} on a system reset, and {@link #writeCmos} after its own CMOS setup.
 */
public final class PcDrives {
    public static final int IDE_SLOT = 1, IDE_FUNCTION = 1, FLOPPY_IRQ = 6;

    public final I8257 dma;
    public final FloppyController fdc;
    public final Piix3Ide ide;
    private final AtaDisk[] disks = new AtaDisk[4];
    private final boolean[] floppyPresent = new boolean[2];

    private PcDrives(I8257 dma, FloppyController fdc, Piix3Ide ide) {
        this.dma = dma;
        this.fdc = fdc;
        this.ide = ide;
    }

    /**
     * Builds and maps everything: DMA at 0x00-0x0f/0xc0-0xdf and page registers 0x81-0x8f (not 0x80), the FDC
     * at 0x3f1-0x3f5/0x3f7 on IRQ 6, IDE at 0x1f0-0x1f7/0x3f6 (IRQ 14) and 0x170-0x177/0x376 (IRQ 15) plus BAR4.
     * Images open here: errors come back as a {@link ToolError} with QEMU's wording.
     *
     * @param irq irq(n) gives ISA IRQ n (the board's GSI line)
     */
    public static PcDrives install(IoBus io, PciBus pci, DmaMemory mem, java.util.function.IntFunction<IrqLine> irq,
                                   List<Drive> drives, boolean snapshot) {
        I8257 dma = new I8257(mem);
        dma.map(io);
        FloppyDrive[] fd = new FloppyDrive[2];
        IdeDrive[] ideDrives = new IdeDrive[4];
        AtaDisk[] disks = new AtaDisk[4];
        for (Drive d : drives == null ? List.<Drive>of() : drives) {
            if (d.index() < 0) continue;
            try {
                BlockBackend b = d.file() == null ? null : Images.open(d.file(), d.file().toString(), d.readOnly(), snapshot);
                if (d.iface().equals("floppy") && d.index() < 2) {
                    fd[d.index()] = new FloppyDrive(b);
                } else if (d.iface().equals("ide") && d.index() < 4) {
                    int serial = d.index() + 1;
                    if (d.media().equals("cdrom")) {
                        ideDrives[d.index()] = new AtapiCdrom(b, serial);
                    } else {
                        AtaDisk disk = new AtaDisk(b, serial);
                        ideDrives[d.index()] = disk;
                        disks[d.index()] = disk;
                    }
                }
            } catch (BlockError e) {
                throw new ToolError(e.getMessage());
            }
        }
        FloppyController fdc = new FloppyController(irq.apply(FLOPPY_IRQ), dma, fd[0], fd[1]);
        fdc.map(io);
        Piix3Ide ide = new Piix3Ide(mem, irq.apply(14), irq.apply(15));
        for (int i = 0; i < 4; i++)
            if (ideDrives[i] != null)
                ide.channel(DriveOptions.bus("ide", i)).attach(DriveOptions.unit("ide", i), ideDrives[i]);
        ide.mapLegacy(io);
        pci.plug(ide, IDE_SLOT, IDE_FUNCTION);
        PcDrives p = new PcDrives(dma, fdc, ide);
        System.arraycopy(disks, 0, p.disks, 0, 4);
        p.floppyPresent[0] = fd[0] != null;
        p.floppyPresent[1] = fd[1] != null;
        return p;
    }

    /** System reset: DMA controllers, floppy controller, both IDE channels and the PCI function. */
    public void reset() {
        dma.reset();
        fdc.systemReset();
        ide.reset();
    }

    /**
     * QEMU's CMOS bytes for the drives (pc_cmos_init_late / pc_cmos_init_floppy): floppy types (0x10), the
     * equipment byte's floppy bits (0x14), hard disk types (0x12, 0x19, 0x1a), geometry of disks 0 and 1
     * (0x1b-0x23, 0x24-0x2c) and the BIOS translation hints (0x39).
     */
    public void writeCmos(Mc146818 rtc) {
        int t0 = floppyPresent[0] ? fdc.drive(0).cmosType() : 0, t1 = floppyPresent[1] ? fdc.drive(1).cmosType() : 0;
        rtc.setByte(0x10, t0 << 4 | t1);
        int n = (floppyPresent[0] ? 1 : 0) + (floppyPresent[1] ? 1 : 0);
        int eq = rtc.getByte(0x14) & ~0xc1;
        if (n == 1) eq |= 0x01;
        if (n == 2) eq |= 0x41;
        rtc.setByte(0x14, eq);
        int types = 0;
        if (disks[0] != null) {
            hd(rtc, 0x19, 0x1b, disks[0]);
            types |= 0xf0;
        }
        if (disks[1] != null) {
            hd(rtc, 0x1a, 0x24, disks[1]);
            types |= 0x0f;
        }
        rtc.setByte(0x12, types);
        int trans = 0;
        for (int i = 0; i < 4; i++) if (disks[i] != null) trans |= disks[i].translation() << (2 * i);
        rtc.setByte(0x39, trans);
    }

    private static void hd(Mc146818 rtc, int typeOfs, int info, AtaDisk d) {
        int[] g = d.geometry();
        int cyl = g[0], heads = g[1], secs = g[2];
        rtc.setByte(typeOfs, 47);
        rtc.setByte(info, cyl & 0xff);
        rtc.setByte(info + 1, (cyl >> 8) & 0xff);
        rtc.setByte(info + 2, heads);
        rtc.setByte(info + 3, 0xff);
        rtc.setByte(info + 4, 0xff);
        rtc.setByte(info + 5, 0xc0 | (heads > 8 ? 1 << 3 : 0));
        rtc.setByte(info + 6, cyl & 0xff);
        rtc.setByte(info + 7, (cyl >> 8) & 0xff);
        rtc.setByte(info + 8, secs);
    }
}
