package dev.jemu.hw.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class IoBusTest {
    /** Records accesses; reads return offset-tagged bytes. */
    static final class Probe implements IoDevice {
        final List<String> log = new ArrayList<>();
        final int tag;

        Probe(int tag) {
            this.tag = tag;
        }

        @Override
        public long read(long offset, int size) {
            log.add("r" + offset + "/" + size);
            long v = 0;
            for (int i = 0; i < size; i++) v |= (long) (tag + offset + i) << (8 * i);
            return v;
        }

        @Override
        public void write(long offset, int size, long value) {
            log.add("w" + offset + "/" + size + "=" + Long.toHexString(value));
        }
    }

    @Test
    void unassignedPortsFloatHighAndIgnoreWrites() {
        IoBus bus = new IoBus(null);
        assertEquals(0xff, bus.read(0x1234, 1));
        assertEquals(0xffff, bus.read(0x1234, 2));
        assertEquals(0xffffffff, bus.read(0x1234, 4));
        bus.write(0x1234, 4, 0x12345678); // no exception, no effect
    }

    @Test
    void byteDeviceSeesWordAccessesSplitLittleEndian() {
        IoBus bus = new IoBus(null);
        Probe cmos = new Probe(0x40);
        bus.map(0x70, 2, 1, cmos, "rtc");
        bus.write(0x70, 2, 0x0b8f); // outw 0x70: index 0x8f, then data 0x0b
        assertEquals(List.of("w0/1=8f", "w1/1=b"), cmos.log);
        cmos.log.clear();
        assertEquals(0x4140, bus.read(0x70, 2));
        assertEquals(List.of("r0/1", "r1/1"), cmos.log);
    }

    @Test
    void accessesCrossingMappingsAreSplitPerDevice() {
        IoBus bus = new IoBus(null);
        Probe a = new Probe(0x10), b = new Probe(0x80);
        bus.map(0x600, 4, 4, a, "a");
        bus.map(0x604, 4, 4, b, "b");
        assertEquals(0x13121110, bus.read(0x600, 4));
        assertEquals(List.of("r0/4"), a.log);
        // 0x602..0x605: a's 2-byte tail, b's 2-byte head
        assertEquals(0x81801312, bus.read(0x602, 4));
        assertEquals("r2/2", a.log.get(1));
        assertEquals(List.of("r0/2"), b.log);
        // a 4-byte read at the last port of b: one byte from b, three floating bytes
        assertEquals(0xffffff83, bus.read(0x607, 4));
    }

    @Test
    void overlappingMapIsRejectedAndUnmapFreesPorts() {
        IoBus bus = new IoBus(null);
        bus.map(0x3f8, 8, 1, new Probe(0), "serial0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bus.map(0x3fc, 2, 1, new Probe(0), "other"));
        assertTrue(e.getMessage().contains("serial0"), e.getMessage());
        assertEquals("serial0", bus.nameAt(0x3ff));
        bus.unmap(0x3f8);
        assertNull(bus.nameAt(0x3ff));
        assertEquals(0xff, bus.read(0x3f8, 1));
    }

    @Test
    void unassignedAccessIsLoggedUnderGuestErrors() throws Exception {
        dev.jemu.util.Log log = new dev.jemu.util.Log();
        java.io.File f = java.io.File.createTempFile("iobus", ".log");
        f.deleteOnExit();
        log.toFile(f.getPath());
        log.enable(dev.jemu.util.Log.Item.GUEST_ERRORS);
        new IoBus(log).read(0x2f8, 1);
        assertTrue(java.nio.file.Files.readString(f.toPath()).contains("port 0x02f8"));
    }
}
