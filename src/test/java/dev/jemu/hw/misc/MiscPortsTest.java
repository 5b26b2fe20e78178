package dev.jemu.hw.misc;

import dev.jemu.hw.IrqRecorder;
import dev.jemu.hw.character.CharBackend;
import dev.jemu.hw.character.DebugCon;
import dev.jemu.hw.core.IoBus;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MiscPortsTest {
    final IoBus io = new IoBus(null);

    @Test
    void debugExitStatusIsValueTimesTwoPlusOne() {
        List<Integer> exits = new ArrayList<>();
        io.map(0xf4, 4, 4, new DebugExit(exits::add), "isa-debug-exit");
        io.write(0xf4, 1, 0x10);
        io.write(0xf4, 4, 0);
        io.write(0xf4, 2, 0x1234);
        assertEquals(List.of(0x21, 1, 0x2469), exits);
    }

    @Test
    void debugConSendsBytesAndReadsBack0xe9() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        io.map(0xe9, 1, 1, new DebugCon(CharBackend.of(out)), "isa-debugcon");
        for (char c : "ok\n".toCharArray()) io.write(0xe9, 1, c);
        assertEquals("ok\n", out.toString());
        assertEquals(0xe9, io.read(0xe9, 1));
    }

    @Test
    void port92DrivesA20AndResetsOnARisingBit0() {
        IrqRecorder a20 = new IrqRecorder("a20");
        int[] resets = {0};
        Port92 p = new Port92(a20.line, () -> resets[0]++);
        io.map(0x92, 1, 1, p, "port92");
        io.write(0x92, 1, io.read(0x92, 1) | 0x02); // fast A20 as Linux's enable_a20_fast
        assertTrue(a20.level());
        assertEquals(0x02, io.read(0x92, 1));
        assertEquals(0, resets[0]);
        io.write(0x92, 1, 0x03);
        assertEquals(1, resets[0]);
        io.write(0x92, 1, 0x03);
        assertEquals(1, resets[0], "only the 0-to-1 edge resets");
        p.reset();
        io.write(0x92, 1, 0x01);
        assertEquals(2, resets[0]);
        io.write(0x92, 1, 0x00);
        assertFalse(a20.level());
    }

    @Test
    void bochsShutdownNeedsTheWholeWordInOrder() {
        int[] offs = {0};
        io.map(0x8900, 1, 1, new BochsShutdown(() -> offs[0]++), "shutdown");
        for (char c : "ShutXShutdow".toCharArray()) io.write(0x8900, 1, c);
        assertEquals(0, offs[0]);
        for (char c : "SShutdown".toCharArray()) io.write(0x8900, 1, c);
        assertEquals(1, offs[0]);
    }

    @Test
    void port80IgnoresPostCodes() {
        Port80 p = new Port80();
        io.map(0x80, 1, 1, p, "port80");
        io.write(0x80, 1, 0x42);
        assertEquals(0x42, p.lastCode());
        assertEquals(0xff, io.read(0x80, 1));
    }
}
