package dev.jemu.hw.dma;

import dev.jemu.hw.core.DmaMemory;
import dev.jemu.hw.core.IoBus;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class I8257Test {
    final byte[] ram = new byte[1 << 21];
    final DmaMemory mem = new DmaMemory() {
        public boolean read(long a, byte[] d, int o, int l) {
            System.arraycopy(ram, (int) a, d, o, l);
            return true;
        }

        public boolean write(long a, byte[] s, int o, int l) {
            System.arraycopy(s, o, ram, (int) a, l);
            return true;
        }
    };
    final I8257 dma = new I8257(mem);
    final IoBus io = new IoBus(null);

    {
        dma.map(io);
    }

    @Test
    void portMapLeavesPort80ToTheBoard() {
        assertNull(io.nameAt(0x80));
        assertNotNull(io.nameAt(0x81));
        assertNotNull(io.nameAt(0x87));
        assertNull(io.nameAt(0x84));
        assertNotNull(io.nameAt(0x8f));
        assertNotNull(io.nameAt(0xde));
    }

    @Test
    void programReadBackAndTerminalCount() {
        int served[] = {0};
        dma.register(2, ch -> {
            byte[] b = {1, 2, 3, 4, 5, 6};
            assertEquals(4, dma.transfer(ch, b, 0, 6, true), "stops at the terminal count");
            served[0]++;
        });
        io.write(0x0a, 1, 0x06);
        io.write(0x0c, 1, 0);
        io.write(0x0b, 1, 0x46);
        io.write(0x04, 1, 0x00);
        io.write(0x04, 1, 0x10);
        io.write(0x81, 1, 0x01);
        io.write(0x05, 1, 3);
        io.write(0x05, 1, 0);
        assertEquals(0x01, io.read(0x81, 1));
        dma.holdDreq(2);
        assertEquals(0, served[0], "masked");
        assertEquals(0x40, io.read(0x08, 1) & 0xf0, "request pending");
        io.write(0x0a, 1, 0x02);
        assertEquals(1, served[0]);
        dma.releaseDreq(2);
        assertArrayEquals(new byte[]{1, 2, 3, 4, 0}, java.util.Arrays.copyOfRange(ram, 0x11000, 0x11005));
        assertEquals(0x04, io.read(0x08, 1), "TC for channel 2");
        assertEquals(0, io.read(0x08, 1), "reading status clears TC");
        // the current address and count read back through the flip-flop
        io.write(0x0c, 1, 0);
        assertEquals(0x04, io.read(0x04, 1));
        assertEquals(0x10, io.read(0x04, 1));
        assertEquals(0xff, io.read(0x05, 1));
        assertEquals(0xff, io.read(0x05, 1));
    }

    @Test
    void sixteenBitChannelsCountWords() {
        // channel 5: controller 1, registers at 0xc0 + (reg << 1)
        io.write(0xd4, 1, 0x05 | 4);
        io.write(0xd8, 1, 0);
        io.write(0xd6, 1, 0x45); // write to memory, channel 1 of the controller
        io.write(0xc4, 1, 0x00); // word address 0x0800 -> byte 0x1000
        io.write(0xc4, 1, 0x08);
        io.write(0x8b, 1, 0x02);
        io.write(0xc6, 1, 1); // 2 words
        io.write(0xc6, 1, 0);
        io.write(0xd4, 1, 0x01);
        assertEquals(4, dma.remaining(5));
        assertEquals(4, dma.transfer(5, new byte[]{9, 8, 7, 6, 5}, 0, 5, true));
        assertEquals(9, ram[0x21000]);
        assertEquals(6, ram[0x21003]);
    }
}
