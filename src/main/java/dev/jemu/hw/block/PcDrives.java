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
import dev.jemu.machine.MachineConfig;
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
        return install(io, pci, mem, irq, drives, List.of(), snapshot);
    }

    /**
     * Same, with the -device ide-hd / ide-cd / floppy that put if=none drives (found by id) on an IDE position
     * (bus=ide.0|ide.1, unit; else the first free one) or a floppy unit, and their bootindex (see
     * {@link #bootPaths}).
     */
    public static PcDrives install(IoBus io, PciBus pci, DmaMemory mem, java.util.function.IntFunction<IrqLine> irq,
                                   List<Drive> drives, List<MachineConfig.Device> devices, boolean snapshot) {
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
        java.util.TreeMap<Long, String> boot = new java.util.TreeMap<>();
        for (MachineConfig.Device dev : devices == null ? List.<MachineConfig.Device>of() : devices) {
            String driver = dev.driver();
            if (!driver.equals("ide-hd") && !driver.equals("ide-cd") && !driver.equals("floppy")) continue;
            String prefix = "-device " + driver + ": ";
            String id = dev.props().get("drive");
            Drive d = null;
            for (Drive x : drives == null ? List.<Drive>of() : drives) if (id != null && id.equals(x.id())) d = x;
            if (id != null && d == null) throw new ToolError(prefix + "Property '" + driver + ".drive' can't find value '" + id + "'");
            if (d != null && !d.iface().equals("none"))
                throw new ToolError(prefix + "Property '" + driver + ".drive' can't take value '" + id + "', it's in use");
            BlockBackend b;
            try {
                b = d == null || d.file() == null ? null
                        : Images.open(d.file(), d.file().toString(), d.readOnly() || driver.equals("ide-cd"), snapshot);
            } catch (BlockError e) {
                throw new ToolError(e.getMessage());
            }
            int unit = (int) MachineConfig.intProp(dev, "unit", -1);
            String path;
            if (driver.equals("floppy")) {
                if (unit < 0) unit = fd[0] == null ? 0 : 1;
                if (unit > 1 || fd[unit] != null) throw new ToolError(prefix + "Floppy unit " + unit + " is in use");
                fd[unit] = new FloppyDrive(b);
                path = null; // no bootindex on QEMU 7.2's floppy device
            } else {
                if (driver.equals("ide-hd") && b == null) throw new ToolError(prefix + "Device needs media, but drive is empty");
                String busName = dev.props().get("bus");
                int bus = -1;
                if (busName != null) {
                    if (!busName.equals("ide.0") && !busName.equals("ide.1"))
                        throw new ToolError(prefix + "Bus '" + busName + "' not found");
                    bus = busName.charAt(4) - '0';
                }
                // without bus=, QEMU's qbus_find finds ide.1 before ide.0 (qdev lists its newest child bus first)
                int index = -1;
                for (int i : new int[]{2, 3, 0, 1}) {
                    boolean fits = (bus < 0 || i / 2 == bus) && (unit < 0 || i % 2 == unit);
                    if (fits && ideDrives[i] == null && index < 0) index = i;
                }
                if (index < 0) throw new ToolError(prefix + "IDE unit " + Math.max(unit, 0) + " is in use");
                if (driver.equals("ide-cd")) {
                    ideDrives[index] = new AtapiCdrom(b, index + 1);
                } else {
                    AtaDisk disk = new AtaDisk(b, index + 1);
                    ideDrives[index] = disk;
                    disks[index] = disk;
                }
                path = String.format("/pci@i0cf8/ide@1,1/drive@%x/disk@%x", index / 2, index % 2);
            }
            long bootindex = MachineConfig.intProp(dev, "bootindex", -1);
            if (bootindex >= 0 && path != null && boot.put(bootindex, path) != null)
                throw new ToolError(prefix + "The bootindex " + bootindex + " has already been used");
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
        p.bootPaths = List.copyOf(boot.values());
        return p;
    }

    private List<String> bootPaths = List.of();

    /**
     * The OpenFirmware paths of the devices given a bootindex, lowest index first, as QEMU's fw_cfg "bootorder"
     * lists them for SeaBIOS: "/pci@i0cf8/ide@1,1/drive@BUS/disk@UNIT".
     */
    public List<String> bootPaths() {
        return bootPaths;
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
