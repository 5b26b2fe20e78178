package dev.jemu.hw.display;

import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.core.MmioBus;
import dev.jemu.hw.pci.PciBus;
import dev.jemu.hw.pci.PciHost;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The std-vga PCI function as QEMU's pc machine presents it at 00:02.0 (lspci: 1234:1111 rev 02). */
class VgaPciTest {
    final IoBus io = new IoBus(null);
    final MmioBus mmio = new MmioBus(null);
    final PciBus bus = new PciBus(io, mmio, null);
    final Vga vga = new Vga();
    static final int DEVFN = VgaPci.SLOT << 3;

    {
        new PciHost(bus, null).attach(io);
        vga.mapPorts(io);
        mmio.map(Vga.LOWMEM_BASE, Vga.LOWMEM_SIZE, 4, vga.lowMem(), "vga-lowmem");
    }

    int cfg(int reg) {
        io.write(0xcf8, 4, 0x80000000 | DEVFN << 8 | reg);
        return io.read(0xcfc, 4);
    }

    void cfg(int reg, int v) {
        io.write(0xcf8, 4, 0x80000000 | DEVFN << 8 | reg);
        io.write(0xcfc, 4, v);
    }

    int barSize(int reg) {
        int old = cfg(reg);
        cfg(reg, -1);
        int v = cfg(reg);
        cfg(reg, old);
        return v;
    }

    @Test
    void identityAndBarsAsQemu() {
        byte[] rom = new byte[40000];
        rom[0] = 0x55;
        rom[1] = (byte) 0xaa;
        bus.plug(new VgaPci(vga, rom), VgaPci.SLOT, 0);
        assertEquals(0x11111234, cfg(0x00));
        assertEquals(0x03000002, cfg(0x08), "class VGA, revision 2");
        assertEquals(0x11001af4, cfg(0x2c));
        assertEquals(0xff000008, barSize(0x10), "BAR0: 16 MiB prefetchable memory");
        assertEquals(0xfffff000, barSize(0x18), "BAR2: 4 KiB MMIO");
        assertEquals(0, barSize(0x14));
        assertEquals(0xffff0001, barSize(0x30), "ROM: 64 KiB");

        // SeaBIOS assigns addresses and enables memory decoding
        cfg(0x10, 0xfd000000);
        cfg(0x18, 0xfebf0000);
        cfg(0x30, 0xfebe0001);
        cfg(0x04, 0x0003);
        mmio.write(0xfd000000L + 0x1000, 4, 0xcafef00dL);
        assertEquals(0xcafef00dL, vga.lfb().read(0x1000, 4));
        assertEquals(Vga.VBE_ID5, mmio.read(0xfebf0000L + Vga.MMIO_BOCHS, 2));
        assertEquals(0xaa55, mmio.read(0xfebe0000L, 2));
        // legacy decoding does not depend on the command register
        cfg(0x04, 0);
        assertEquals(0xffffffffL, mmio.read(0xfd000000L, 4));
        io.write(0x3c2, 1, 0x67);
        assertEquals(0x67, io.read(0x3cc, 1));
    }

    @Test
    void debianVgabiosIsAnOptionRom() throws Exception {
        Path dir = Path.of("/usr/share/seabios");
        byte[] rom = VgaPci.loadRom(dir);
        assumeTrue(rom != null, "seabios package not installed");
        assertEquals(0x55, rom[0] & 0xff);
        assertEquals(0xaa, rom[1] & 0xff);
        bus.plug(new VgaPci(vga, rom), VgaPci.SLOT, 0);
        cfg(0x30, 0xfebc0001);
        cfg(0x04, 0x0002);
        int size512 = (int) mmio.read(0xfebc0002L, 1);
        assertEquals(rom.length / 512, size512, "the ROM header's length byte matches the file");
        // the PCI data structure names the device the BIOS scans for
        int pcir = (int) mmio.read(0xfebc0018L, 2);
        assertEquals(0x52494350L, mmio.read(0xfebc0000L + pcir, 4), "PCIR");
        assertEquals(0x11111234L, mmio.read(0xfebc0000L + pcir + 4, 4));
        assertNull(VgaPci.loadRom(Path.of("/nonexistent")));
    }

    @Test
    void installWiresWhatQemusPcHas() {
        IoBus io2 = new IoBus(null);
        MmioBus mmio2 = new MmioBus(null);
        PciBus bus2 = new PciBus(io2, mmio2, null);
        VgaPci dev = VgaPci.install(bus2, null);
        assertSame(dev, bus2.device(VgaPci.SLOT << 3));
        assertEquals("vga", io2.nameAt(0x3d4));
        assertEquals("vga", io2.nameAt(0x3c0));
        assertNull(io2.nameAt(0x3bc), "the parallel port range stays free");
        assertEquals("vbe", io2.nameAt(0x1cf));
        assertEquals("vga-lowmem", mmio2.nameAt(0xb8000));
        io2.write(0x3c2, 1, 0x67);
        assertEquals(0x67, dev.vga().msr());
        // a dword write to the window as memcpy would do it lands as four bytes (odd/even: char, attribute)
        io2.write(0x3ce, 2, 0x1005);
        io2.write(0x3ce, 2, 0x0e06);
        io2.write(0x3c4, 2, 0x0302);
        mmio2.write(0xb8000, 4, 0x1f421f41L);
        assertEquals(0x1f41, mmio2.read(0xb8000, 2));
        assertEquals(0x42, dev.vga().vramByte(4));
    }

    @Test
    void resetTurnsVbeOff() {
        VgaPci dev = new VgaPci(vga, null);
        bus.plug(dev, VgaPci.SLOT, 0);
        io.write(Vga.VBE_INDEX_PORT, 2, Vga.VBE_INDEX_ENABLE);
        io.write(Vga.VBE_DATA_PORT, 2, Vga.VBE_ENABLED);
        assertTrue(vga.vbeEnabled());
        bus.reset();
        assertFalse(vga.vbeEnabled());
        assertEquals(Vga.VBE_ID5, vga.vbeReg(Vga.VBE_INDEX_ID));
    }
}
