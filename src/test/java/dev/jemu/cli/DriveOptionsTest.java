package dev.jemu.cli;

import dev.jemu.machine.MachineConfig.Drive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Messages and placements checked against Debian's qemu-system-x86_64 7.2. */
class DriveOptionsTest {
    @TempDir
    Path dir;
    String img, tiny;
    final List<String> warnings = new ArrayList<>();
    DriveOptions d;

    @BeforeEach
    void setUp() throws IOException {
        img = dir.resolve("d.img").toString();
        Files.write(Path.of(img), new byte[2048 * 512]);
        tiny = dir.resolve("tiny.img").toString();
        Files.write(Path.of(tiny), new byte[100]);
        d = new DriveOptions(warnings::add);
    }

    private String error(String opt, String value) {
        return assertThrows(ToolError.class, () -> d.add(opt, value)).getMessage();
    }

    @Test
    void shorthands() {
        Drive a = d.add("-hda", img);
        assertEquals(new Drive(Path.of(img), "raw", "ide", "disk", 0, false), a);
        assertEquals(1, warnings.size()); // format probed
        assertTrue(warnings.get(0).startsWith("WARNING: Image format was not specified for '" + img + "'"));
        Drive c = d.add("-cdrom", img);
        assertEquals(new Drive(Path.of(img), "raw", "ide", "cdrom", 2, true), c);
        assertEquals(1, DriveOptions.bus("ide", c.index()));
        assertEquals(0, DriveOptions.unit("ide", c.index()));
        Drive f = d.add("-fdb", img);
        assertEquals(new Drive(Path.of(img), "raw", "floppy", "disk", 1, false), f);
        assertEquals(3, d.drives().size());
    }

    @Test
    void driveKeys() {
        Drive x = d.add("-drive", "file=" + img + ",format=raw,if=ide,bus=1,unit=1");
        assertEquals(3, x.index());
        Drive y = d.add("-drive", "file=" + img + ",format=raw,if=floppy,readonly=on");
        assertTrue(y.readOnly());
        assertEquals(0, y.index());
        Drive z = d.add("-drive", "file=" + img + ",format=raw,media=cdrom,readonly=off");
        assertTrue(z.readOnly(), "a CD-ROM is always read-only");
        assertEquals(0, z.index(), "first free IDE unit");
        assertEquals(1, d.add("-drive", "file=" + img + ",format=raw").index());
        assertEquals(2, d.add("-drive", "file=" + img + ",format=raw,cache=unsafe,id=x").index());
        assertTrue(warnings.isEmpty());
        Drive n = d.add("-drive", "file=" + img + ",format=raw,if=none,id=disk0");
        assertEquals("none", n.iface());
        assertEquals("disk0", n.id(), "a -device takes it by its id");
        assertEquals("-drive if=none,id=disk0: Duplicate ID 'disk0' for drive",
                assertThrows(ToolError.class, () -> d.add("-drive", "if=none,id=disk0")).getMessage());
        Drive cd = d.add("-drive", "if=floppy");
        assertNull(cd.file());
    }

    @Test
    void qemuDefaultDrives() {
        List<Drive> none = DriveOptions.withDefaults(List.of(), false);
        assertEquals(List.of(new Drive(null, "raw", "ide", "cdrom", 2, true),
                new Drive(null, "raw", "floppy", "disk", 0, false)), none);
        assertTrue(DriveOptions.withDefaults(List.of(), true).isEmpty());
        d.add("-hdc", img);
        d.add("-fda", img);
        assertEquals(d.drives(), DriveOptions.withDefaults(d.drives(), false), "places taken: no defaults");
        // QEMU's default_list: -device ide-hd/ide-cd take the CD-ROM's place, -device floppy the floppy's
        assertEquals(List.of(new Drive(null, "raw", "floppy", "disk", 0, false)),
                DriveOptions.withDefaults(List.of(), false, List.of("ide-hd")));
        assertEquals(List.of(new Drive(null, "raw", "ide", "cdrom", 2, true)),
                DriveOptions.withDefaults(List.of(), false, List.of("floppy")));
    }

    @Test
    void commaEscape() {
        assertEquals("-drive file=" + img + ",,x,format=raw: Could not open '" + img + ",x': No such file or directory",
                error("-drive", "file=" + img + ",,x,format=raw"));
    }

    @Test
    void qemuMessages() {
        assertEquals("-drive file=nope.img,format=raw: Could not open 'nope.img': No such file or directory",
                error("-drive", "file=nope.img,format=raw"));
        assertEquals("-hda nope.img: Could not open 'nope.img': No such file or directory", error("-hda", "nope.img"));
        assertEquals("-cdrom nope.iso: Could not open 'nope.iso': No such file or directory",
                error("-cdrom", "nope.iso"));
        String v = "file=" + img + ",format=qcow9";
        assertEquals("-drive " + v + ": Unknown driver 'qcow9'", error("-drive", v));
        v = "file=" + img + ",format=raw,if=scsy";
        assertEquals("-drive " + v + ": unsupported bus type 'scsy'", error("-drive", v));
        assertEquals("-drive format=raw: A block device must be specified for \"file\"", error("-drive", "format=raw"));
        v = "file=" + img + ",format=raw,media=foo";
        assertEquals("-drive " + v + ": 'foo' invalid media", error("-drive", v));
        v = "file=" + img + ",format=raw,readonly=maybe";
        assertEquals("-drive " + v + ": Parameter 'read-only' expects 'on' or 'off'", error("-drive", v));
        v = "file=" + img + ",format=raw,index=x";
        assertEquals("-drive " + v + ": Parameter 'index' expects a number", error("-drive", v));
        v = "file=" + img + ",format=raw,bogus=1";
        assertEquals("-drive " + v + ": Block format 'raw' does not support the option 'bogus'", error("-drive", v));
        v = "file=" + img + ",format=raw,index=4";
        assertEquals("-drive " + v + ": machine type does not support if=ide,bus=2,unit=0", error("-drive", v));
        v = "file=" + img + ",format=raw,unit=2";
        assertEquals("-drive " + v + ": unit 2 too big (max is 1)", error("-drive", v));
        v = "file=" + img + ",format=raw,index=2,if=floppy";
        assertEquals("-drive " + v + ": machine type does not support if=floppy,bus=0,unit=2", error("-drive", v));
        assertEquals("-drive file=" + dir + ",format=raw: 'file' driver requires '" + dir + "' to be a regular file",
                error("-drive", "file=" + dir + ",format=raw"));
        v = "file=" + img + ",format=raw,readonly=on";
        assertEquals("Block node is read-only", error("-drive", v));
        assertTrue(error("-drive", "file=" + img + ",if=virtio").contains("Unsupported interface"));
        assertEquals("-hda " + tiny + ": Image '" + tiny + "' is smaller than a sector (100 bytes)",
                error("-hda", tiny));
    }

    @Test
    void conflicts() {
        d.add("-hdc", img);
        assertEquals("-cdrom " + img + ": drive with bus=1, unit=0 (index=2) exists", error("-cdrom", img));
        d.add("-drive", "file=" + img + ",format=raw,if=ide,index=0");
        assertEquals("-hda " + img + ": drive with bus=0, unit=0 (index=0) exists", error("-hda", img));
        d.add("-drive", "file=" + img + ",format=raw,index=1,if=floppy");
        String v = "file=" + img + ",format=raw,index=1,if=floppy,readonly=on";
        assertEquals("-drive " + v + ": drive with bus=0, unit=1 (index=1) exists", error("-drive", v));
    }

    @Test
    void probedNonRawFormatsAreNamed() throws IOException {
        Path q = dir.resolve("q.qcow2");
        byte[] h = new byte[1024];
        h[0] = 'Q'; h[1] = 'F'; h[2] = 'I'; h[3] = (byte) 0xfb;
        Files.write(q, h);
        assertEquals("-hda " + q + ": Image format 'qcow2' is not supported by jemu (only raw)", error("-hda", q.toString()));
    }
}
