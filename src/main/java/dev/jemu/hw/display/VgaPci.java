package dev.jemu.hw.display;

import dev.jemu.hw.pci.PciBar;
import dev.jemu.hw.pci.PciBus;
import dev.jemu.hw.pci.PciDevice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * QEMU's {@code -vga std} PCI function (hw/display/vga-pci.c): "VGA compatible controller" 1234:1111, revision 2
 * (the QEMU extended registers are present), subsystem 1af4:1100. BAR0 is the linear frame buffer (all of VRAM,
 * 32-bit prefetchable memory), BAR2 the 4 KiB MMIO block (VGA ports at 0x400, bochs dispi at 0x500, extended
 * registers at 0x600), and the expansion ROM holds vgabios-stdvga.bin, which SeaBIOS copies to 0xC0000 and runs.
 * The legacy ports and the 0xA0000 window are decoded regardless of the command register, as on a PC: the board
 * maps them once ({@link Vga#mapPorts}, {@link Vga#lowMem}).
 */
public final class VgaPci extends PciDevice {
    public static final int VENDOR_QEMU = 0x1234, DEVICE_QEMU_VGA = 0x1111, CLASS_DISPLAY_VGA = 0x030000;
    public static final int SUBVENDOR_REDHAT_QUMRANET = 0x1af4, SUBDEVICE_QEMU = 0x1100;
    /** Where QEMU's pc machine puts it: bus 0, slot 2, function 0. */
    public static final int SLOT = 2;
    public static final String ROM_NAME = "vgabios-stdvga.bin";

    private final Vga vga;

    /** A std-vga whose frame buffer BAR maps {@link Vga#lfb()} as MMIO. */
    public VgaPci(Vga vga, byte[] rom) {
        this(vga, rom, null);
    }

    /**
     * @param rom   the option ROM image (vgabios-stdvga.bin), or null for none
     * @param lfbBar how BAR0 reaches the guest-physical map, or null to map {@link Vga#lfb()} on the MMIO bus.
     *               A board that placed {@link Vga#vram()} in guest host RAM passes one that maps that RAM at
     *               the BAR's address (fast frame buffer writes) and unmaps it again.
     */
    public VgaPci(Vga vga, byte[] rom, PciBar lfbBar) {
        super("vga", VENDOR_QEMU, DEVICE_QEMU_VGA, CLASS_DISPLAY_VGA, 2);
        this.vga = vga;
        setSubsystem(SUBVENDOR_REDHAT_QUMRANET, SUBDEVICE_QEMU);
        if (lfbBar != null) registerBar(0, BAR_MEM32 | BAR_PREFETCH, vga.vramSize(), lfbBar);
        else memBar(0, vga.vramSize(), true, 8, vga.lfb());
        memBar(2, Vga.MMIO_SIZE, false, 4, vga.mmioBar());
        if (rom != null) romBar(rom);
    }

    /**
     * Builds QEMU's {@code -vga std} on a pc machine: a {@link Vga} with 16 MiB of VRAM, its ISA ports on
     * {@code bus.io()}, the 0xA0000-0xBFFFF window on {@code bus.mmio()} (the board leaves that range unmapped
     * RAM-wise), and the PCI function plugged at 00:02.0 with its LFB as MMIO.
     *
     * @param rom vgabios-stdvga.bin ({@link #loadRom}), or null for a VGA without BIOS
     */
    public static VgaPci install(PciBus bus, byte[] rom) {
        Vga vga = new Vga();
        vga.mapPorts(bus.io());
        bus.mmio().map(Vga.LOWMEM_BASE, Vga.LOWMEM_SIZE, 8, vga.lowMem(), "vga-lowmem");
        VgaPci dev = new VgaPci(vga, rom);
        bus.plug(dev, SLOT, 0);
        return dev;
    }

    public Vga vga() {
        return vga;
    }

    /** Reads the option ROM from a firmware directory (QEMU's -L), or returns null if it is not there. */
    public static byte[] loadRom(Path firmwareDir) throws IOException {
        Path p = firmwareDir.resolve(ROM_NAME);
        return Files.isRegularFile(p) ? Files.readAllBytes(p) : null;
    }

    @Override
    protected void resetDevice() {
        vga.reset();
    }
}
