package dev.jemu.hw.pci;

import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.core.IoDevice;
import dev.jemu.hw.core.MmioBus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PciDeviceTest {
    static final class Regs implements IoDevice {
        long last = -1;

        public long read(long offset, int size) {
            return 0x40 + offset;
        }

        public void write(long offset, int size, long value) {
            last = offset << 32 | value;
        }
    }

    private final IoBus io = new IoBus(null);
    private final MmioBus mmio = new MmioBus(null);
    private final PciBus bus = new PciBus(io, mmio, null);
    private final PciHost host = new PciHost(bus, null);

    {
        host.attach(io);
    }

    private int cfgRead(int devfn, int reg) {
        io.write(0xcf8, 4, 0x80000000 | devfn << 8 | reg);
        return io.read(0xcfc, 4);
    }

    private void cfgWrite(int devfn, int reg, int v) {
        io.write(0xcf8, 4, 0x80000000 | devfn << 8 | reg);
        io.write(0xcfc, 4, v);
    }

    @Test
    void identityThroughMechanism1AndAbsentFunctions() {
        PciDevice d = new PciDevice("t", 0x8086, 0x7010, 0x010180, 0);
        bus.plug(d, 1, 1);
        assertEquals(0x70108086, cfgRead(0x09, 0));
        assertEquals(0x01018000, cfgRead(0x09, 8));
        assertEquals(-1, cfgRead(0x08, 0), "absent function reads all ones");
        // byte/word reads of the data window select the byte lanes
        io.write(0xcf8, 4, 0x80000000 | 0x09 << 8);
        assertEquals(0x10, io.read(0xcfe, 1), "device ID low byte");
        assertEquals(0x70, io.read(0xcfe, 2) >>> 8 & 0xff);
        // the enable bit clear: nothing decodes
        io.write(0xcf8, 4, 0x09 << 8);
        assertEquals(-1, io.read(0xcfc, 4));
        assertEquals(0x900, io.read(0xcf8, 4));
    }

    @Test
    void readOnlyFieldsAndCommandMask() {
        PciDevice d = new PciDevice("t", 0x1234, 0x1111, 0x030000, 2);
        bus.plug(d, 2, 0);
        cfgWrite(0x10, 0, 0);
        assertEquals(0x11111234, cfgRead(0x10, 0));
        cfgWrite(0x10, 4, 0xffff);
        assertEquals(0x077f, cfgRead(0x10, 4) & 0xffff);
        cfgWrite(0x10, 0x3c, 0xffffffff);
        assertEquals(0xff, cfgRead(0x10, 0x3c) & 0xffff, "line writable, pin read-only");
    }

    @Test
    void statusErrorBitsAreWriteOneToClear() {
        PciDevice d = new PciDevice("t", 0x1234, 0x1111, 0x030000, 2);
        d.set16(PciDevice.STATUS, 0x2280);
        bus.plug(d, 2, 0);
        cfgWrite(0x10, 4, 0x00800000); // write 1 to bit 7: read-only, stays
        assertEquals(0x2280, cfgRead(0x10, 4) >>> 16);
        cfgWrite(0x10, 4, 0x20000000);
        assertEquals(0x0280, cfgRead(0x10, 4) >>> 16);
    }

    @Test
    void ioBarSizingAndMappingFollowTheCommandRegister() {
        PciDevice d = new PciDevice("t", 0x8086, 0x7010, 0x010180, 0);
        Regs r = new Regs();
        d.ioBar(4, 16, 4, r);
        bus.plug(d, 1, 1);
        assertEquals(1, cfgRead(0x09, 0x20));
        cfgWrite(0x09, 0x20, 0xffffffff);
        assertEquals(0xfffffff1, cfgRead(0x09, 0x20), "size 16, I/O space bit");
        cfgWrite(0x09, 0x20, 0xc000);
        assertNull(io.nameAt(0xc000), "I/O decoding still off");
        cfgWrite(0x09, 4, PciDevice.CMD_IO);
        assertEquals(0x40 + 4, io.read(0xc004, 1));
        assertEquals(0xc000, d.barAddress(4));
        cfgWrite(0x09, 0x20, 0xd001);
        assertNull(io.nameAt(0xc000));
        io.write(0xd002, 1, 7);
        assertEquals(2L << 32 | 7, r.last);
        cfgWrite(0x09, 4, 0);
        assertNull(io.nameAt(0xd000));
    }

    @Test
    void memoryBarsRomBarAnd64Bit() {
        PciDevice d = new PciDevice("vga", 0x1234, 0x1111, 0x030000, 2);
        List<String> ev = new ArrayList<>();
        d.registerBar(0, PciDevice.BAR_MEM32 | PciDevice.BAR_PREFETCH, 16 << 20, new PciBar() {
            public void map(long a) {
                ev.add("map " + Long.toHexString(a));
            }

            public void unmap(long a) {
                ev.add("unmap " + Long.toHexString(a));
            }
        });
        d.registerBar(2, PciDevice.BAR_MEM64, 0x1000, new PciBar() {
            public void map(long a) {
                ev.add("map64 " + Long.toHexString(a));
            }

            public void unmap(long a) {
            }
        });
        d.romBar(new byte[]{0x55, (byte) 0xaa, 0x40, 0x11});
        bus.plug(d, 2, 0);
        cfgWrite(0x10, 0x10, -1);
        assertEquals(0xff000008, cfgRead(0x10, 0x10));
        cfgWrite(0x10, 0x18, -1);
        cfgWrite(0x10, 0x1c, -1);
        assertEquals(0xfffff004, cfgRead(0x10, 0x18));
        assertEquals(0xffffffff, cfgRead(0x10, 0x1c));
        cfgWrite(0x10, 0x30, 0xfffffffe);
        assertEquals(0xfffff800, cfgRead(0x10, 0x30), "2 KiB ROM, enable bit clear");
        // enable memory decoding while BARs hold the sizing pattern: nothing maps at the top of 4 GiB
        cfgWrite(0x10, 4, PciDevice.CMD_MEMORY);
        assertEquals(List.of(), ev);
        cfgWrite(0x10, 0x10, 0xfd000000);
        cfgWrite(0x10, 0x18, 0);
        cfgWrite(0x10, 0x1c, 0);
        cfgWrite(0x10, 0x18, 0xfebf0000);
        cfgWrite(0x10, 0x30, 0xfebe0001);
        assertEquals("map fd000000", ev.get(0));
        assertEquals("map64 febf0000", ev.get(ev.size() - 1), "a 64-bit BAR moves through its halves as in QEMU");
        assertEquals(0xaa55, mmio.read(0xfebe0000L, 2));
        assertEquals(0, mmio.read(0xfebe0004L, 4), "padding reads as zero");
        cfgWrite(0x10, 4, 0);
        assertEquals("unmap fd000000", ev.get(ev.size() - 1));
        assertFalse(mmio.claims(0xfebe0000L));
    }

    @Test
    void intxRoutesThroughTheSwizzleAndWiredOr() {
        boolean[] pirq = new boolean[4];
        bus.setRouter(new PciBus.IntxRouter() {
            public int pirq(int slot, int pin) {
                return (slot + pin) & 3; // i440FX/PIIX3
            }

            public void setPirq(int p, boolean level) {
                pirq[p] = level;
            }
        });
        PciDevice a = new PciDevice("a", 1, 1, 0, 0), b = new PciDevice("b", 1, 2, 0, 0);
        a.setInterruptPin(1);
        b.setInterruptPin(4);
        bus.plug(a, 3, 0); // slot 3 INTA -> PIRQD
        bus.plug(b, 4, 0); // slot 4 INTD -> (4+3)&3 = PIRQD
        a.setIrq(true);
        assertTrue(pirq[3]);
        assertEquals(PciDevice.STATUS_INTERRUPT, cfgRead(0x18, 4) >>> 16 & PciDevice.STATUS_INTERRUPT);
        b.setIrq(true);
        a.setIrq(false);
        assertTrue(pirq[3], "still driven by b");
        cfgWrite(0x20, 4, PciDevice.CMD_INTX_DISABLE);
        assertFalse(pirq[3], "interrupt disable masks the pin");
        cfgWrite(0x20, 4, 0);
        assertTrue(pirq[3]);
    }

    @Test
    void resetClearsDecodingAndBars() {
        PciDevice d = new PciDevice("t", 0x8086, 0x7010, 0x010180, 0);
        d.ioBar(4, 16, 4, new Regs());
        bus.plug(d, 1, 1);
        cfgWrite(0x09, 0x20, 0xc000);
        cfgWrite(0x09, 4, 1);
        cfgWrite(0x09, 0x3c, 11);
        assertNotNull(io.nameAt(0xc000));
        bus.reset();
        assertNull(io.nameAt(0xc000));
        assertEquals(1, cfgRead(0x09, 0x20));
        assertEquals(0, cfgRead(0x09, 4) & 0xffff);
        assertEquals(0, cfgRead(0x09, 0x3c) & 0xff);
    }
}
