package dev.jemu.hw.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MmioBusTest {
    @Test
    void subPageRangesShareAPageAndAreFoundByAddress() {
        MmioBus bus = new MmioBus(null);
        IoBusTest.Probe hpet = new IoBusTest.Probe(0x10), other = new IoBusTest.Probe(0x80);
        bus.map(0xfed00000L, 0x400, 8, hpet, "hpet");
        bus.map(0xfed00800L, 0x100, 4, other, "other");
        assertTrue(bus.pageHasDevice(0xfed00fffL));
        assertTrue(bus.claims(0xfed003ffL));
        assertFalse(bus.claims(0xfed00400L), "the gap between the ranges is unassigned");
        assertEquals(0xffffffffL, bus.read(0xfed00400L, 4));
        assertEquals("other", bus.nameAt(0xfed00804L));
        assertEquals(0x17161514_13121110L, bus.read(0xfed00000L, 8));
        assertEquals("r0/8", hpet.log.get(0));
        bus.write(0xfed00810L, 8, 0x1122334455667788L); // wider than 'other' allows: two 4-byte writes
        assertEquals(java.util.List.of("w16/4=55667788", "w20/4=11223344"), other.log);
        assertFalse(bus.pageHasDevice(0xfed01000L));
        assertFalse(bus.pageHasDevice(0xfecff000L));
    }

    @Test
    void rangesSpanningPagesAndUnmap() {
        MmioBus bus = new MmioBus(null);
        bus.map(0xe0000800L, 0x2000, 4, new IoBusTest.Probe(0), "bar");
        assertTrue(bus.pageHasDevice(0xe0000000L));
        assertTrue(bus.pageHasDevice(0xe0001000L));
        assertTrue(bus.pageHasDevice(0xe0002000L));
        assertFalse(bus.pageHasDevice(0xe0003000L));
        assertThrows(IllegalArgumentException.class,
                () -> bus.map(0xe0002000L, 0x1000, 4, new IoBusTest.Probe(0), "clash"));
        bus.unmap(0xe0000800L);
        assertFalse(bus.pageHasDevice(0xe0001000L));
    }
}
