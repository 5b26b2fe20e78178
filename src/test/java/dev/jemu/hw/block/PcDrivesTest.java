package dev.jemu.hw.block;

import dev.jemu.block.OpenImages;
import dev.jemu.cli.DriveOptions;
import dev.jemu.hw.TestClock;
import dev.jemu.hw.core.DmaMemory;
import dev.jemu.hw.core.IoBus;
import dev.jemu.hw.core.IrqLine;
import dev.jemu.hw.core.MmioBus;
import dev.jemu.hw.pci.PciBus;
import dev.jemu.hw.rtc.Mc146818;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The whole storage set built from a parsed command line, as the board installs it. */
class PcDrivesTest {
    @TempDir
    Path dir;
    final IoBus io = new IoBus(null);
    final PciBus pci = new PciBus(io, new MmioBus(null), null);
    final DmaMemory mem = new DmaMemory() {
        public boolean read(long a, byte[] d, int o, int l) {
            return true;
        }

        public boolean write(long a, byte[] s, int o, int l) {
            return true;
        }
    };
    final IrqLine[] irqs = new IrqLine[16];

    {
        for (int i = 0; i < 16; i++) irqs[i] = new IrqLine("irq" + i);
    }

    @AfterEach
    void closeAll() {
        OpenImages.closeAll();
    }

    PcDrives build(boolean snapshot, String... args) {
        DriveOptions p = new DriveOptions(w -> { });
        for (int i = 0; i < args.length; i += 2) p.add(args[i], args[i + 1]);
        return PcDrives.install(io, pci, mem, n -> irqs[n], p.drives(), snapshot);
    }

    Path file(String name, int bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, new byte[bytes]);
        return f;
    }

    @Test
    void wiringAndCmos() throws IOException {
        Path hd = file("hd.img", 64 * 16 * 63 * 512);
        Path iso = file("cd.iso", 2048 * 100);
        Path fl = file("fd.img", 1474560);
        PcDrives d = build(false, "-hda", hd.toString(), "-cdrom", iso.toString(), "-fda", fl.toString());
        assertEquals("ide0", io.nameAt(0x1f7));
        assertEquals("ide0-ctrl", io.nameAt(0x3f6));
        assertEquals("fdc-dir", io.nameAt(0x3f7));
        assertEquals("ide1", io.nameAt(0x170));
        assertNull(io.nameAt(0x80));
        assertSame(d.ide, pci.device(PcDrives.IDE_SLOT << 3 | PcDrives.IDE_FUNCTION));
        assertTrue(d.ide.channel(0).drive(0).present());
        assertFalse(d.ide.channel(0).drive(1).present());
        assertTrue(d.ide.channel(1).drive(0).present());
        // IDE status answers; the CD signature is on the secondary master
        assertEquals(0x50, io.read(0x1f7, 1));
        assertEquals(0x14, io.read(0x174, 1));
        Mc146818 rtc = new Mc146818(new TestClock().clock, new IrqLine("rtc"), 0);
        d.writeCmos(rtc);
        assertEquals(0x40, rtc.getByte(0x10));
        assertEquals(0x01, rtc.getByte(0x14) & 0xc1);
        assertEquals(0xf0, rtc.getByte(0x12));
        assertEquals(47, rtc.getByte(0x19));
        assertEquals(64, rtc.getByte(0x1b));
        assertEquals(16, rtc.getByte(0x1d));
        assertEquals(63, rtc.getByte(0x23));
        assertEquals(0, rtc.getByte(0x39), "no translation for 64 cylinders");
    }

    @Test
    void snapshotKeepsTheFileAndWritesStillWork() throws IOException {
        Path hd = file("hd.img", 1024 * 512);
        byte[] before = Files.readAllBytes(hd);
        build(true, "-hda", hd.toString());
        // PIO write of one sector of 0xffff words at LBA 3
        io.write(0x1f6, 1, 0xe0);
        io.write(0x1f2, 1, 1);
        io.write(0x1f3, 1, 3);
        io.write(0x1f4, 1, 0);
        io.write(0x1f5, 1, 0);
        io.write(0x1f7, 1, 0x30);
        for (int i = 0; i < 256; i++) io.write(0x1f0, 2, 0xffff);
        // read it back through the overlay
        io.write(0x1f2, 1, 1);
        io.write(0x1f3, 1, 3);
        io.write(0x1f7, 1, 0x20);
        assertEquals(0xffff, io.read(0x1f0, 2));
        OpenImages.closeAll();
        assertArrayEquals(before, Files.readAllBytes(hd));
    }
}
