package dev.jemu.machine.pc;

import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.ProcessResult;
import dev.jemu.testutil.Processes;
import dev.jemu.testutil.SystemHarness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Booting through SeaBIOS from disks and CDs, as qemu-system-x86_64 does: Debian's amd64 kernel from a GRUB CD
 * (grub-mkrescue) and from a syslinux FAT16 hard disk (both built by scripts/fetch-guests), memtest86+'s El Torito
 * floppy-emulation CD, and our own boot sector (tests/guests/bootsector.asm) from a floppy, a hard disk and an El
 * Torito CD we build: it reads and writes its medium through INT 13h, so the tests also see that writes reach a
 * raw image, that -snapshot keeps the file byte-identical, and which device -boot order makes SeaBIOS boot (the
 * same lines as under QEMU, when it is installed).
 */
@Tag("guest")
class FirmwareBootTest {
    private static final String TOOL = "jemu-system-x86_64";
    private static final String MARKER = "JEMU-GUEST-UP";

    @TempDir
    Path dir;

    // ---- Linux through a boot loader

    @Test
    void grubCdBootsTheKernelToTheMarkerAndPowersOff() {
        Path iso = cached("amd64/grub.iso");
        ProcessResult r = jemu(List.of("-cdrom", iso.toString(), "-nographic"), Jemu.timeout().multipliedBy(2));
        String out = r.stdoutText();
        assertTrue(out.contains("Booting from DVD/CD"), () -> "SeaBIOS boots the CD\n" + tail(out));
        assertTrue(out.contains("Linux version 6.1"), () -> "GRUB starts the kernel\n" + Jemu.describe(r) + "\n" + tail(out));
        assertTrue(out.contains(MARKER + " x86_64"), () -> "marker\n" + Jemu.describe(r) + "\n" + tail(out));
        assertTrue(out.contains("reboot: Power down"), () -> "power-off\n" + tail(out));
        assertEquals(0, r.exitCode(), () -> Jemu.describe(r));
    }

    @Test
    void syslinuxHardDiskBootsTheKernelToTheMarkerAndPowersOff() throws IOException {
        Path img = cached("amd64/syslinux.img");
        byte[] before = Files.readAllBytes(img);
        ProcessResult r = jemu(List.of("-drive", "file=" + img + ",format=raw,if=ide", "-snapshot", "-nographic"),
                Jemu.timeout().multipliedBy(2));
        String out = r.stdoutText();
        assertTrue(out.contains("Booting from Hard Disk"), () -> "SeaBIOS boots the disk\n" + tail(out));
        assertTrue(out.contains("SYSLINUX 6"), () -> "SYSLINUX runs\n" + tail(out));
        assertTrue(out.contains(MARKER + " x86_64"), () -> "marker\n" + Jemu.describe(r) + "\n" + tail(out));
        assertTrue(out.contains("reboot: Power down"), () -> "power-off\n" + tail(out));
        assertEquals(0, r.exitCode(), () -> Jemu.describe(r));
        assertArrayEquals(before, Files.readAllBytes(img), "-snapshot: the cached image is untouched");
    }

    // ---- memtest86+ from its El Torito floppy-emulation CD

    @Test
    void memtestIsoRunsFromCdrom() throws Exception {
        Path iso = cached("memtest/memtest86+x64.iso");
        Path png = dir.resolve("memtest.png");
        // memtest paints the VGA text screen only: the screen is dumped when jemu ends (on SIGTERM here)
        List<String> cmd = Jemu.command(TOOL, List.of("-cdrom", iso.toString(), "-display", "none"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out").toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("JEMU_SCREENDUMP", png.toString());
        Process p = pb.start();
        try {
            // memtest sizes memory and caches for some seconds before its first test starts
            assertFalse(p.waitFor(50, TimeUnit.SECONDS), "memtest keeps running");
            p.destroy(); // SIGTERM: jemu ends as QEMU does, and dumps the screen
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "jemu ends on SIGTERM");
        } finally {
            p.destroyForcibly();
        }
        Path txt = Path.of(png + ".txt");
        String screen = Files.exists(txt) ? Files.readString(txt) : "";
        String s = screen;
        String out = Files.readString(dir.resolve("out"));
        assertTrue(s.contains("Memtest86+ v6"), () -> "memtest's screen\n" + s + "\n" + out);
        assertTrue(s.contains("Test #"), () -> "a test runs\n" + s);
        assertTrue(s.contains("Errors: 0"), () -> "no errors\n" + s);
        assertTrue(Files.size(png) > 0, "the PNG screendump");
    }

    // ---- our boot sector: floppy, hard disk, El Torito

    @Test
    void floppyBootSectorReadsAndWritesTheImage() throws IOException {
        Path fd = image("floppy", 1_474_560);
        Boot b = boot(List.of("-fda", fd.toString()));
        assertEquals(List.of("JEMU-BOOT drive=00", "read: JEMU-DATA sector 2 of floppy", "write: ok", MARKER), b.lines,
                b::describe);
        assertEquals(0, b.status, b::describe);
        assertEquals("JEMU-WRITTEN drive=00", sector3(fd), "the write reached the file");
    }

    @Test
    void hardDiskWritesReachTheFile() throws IOException {
        Path hd = image("disk", 1 << 20);
        byte[] before = Files.readAllBytes(hd);
        Boot b = boot(List.of("-drive", "file=" + hd + ",format=raw,if=ide"));
        assertEquals(List.of("JEMU-BOOT drive=80", "read: JEMU-DATA sector 2 of disk", "write: ok", MARKER), b.lines,
                b::describe);
        assertEquals(0, b.status, b::describe);
        byte[] after = Files.readAllBytes(hd);
        assertEquals("JEMU-WRITTEN drive=80", sector3(hd));
        // nothing else changed: sector 3 is the only difference
        Arrays.fill(after, 1024, 1536, (byte) 0);
        assertArrayEquals(before, after, "only the written sector differs");
    }

    @Test
    void snapshotLeavesTheImageByteIdentical() throws IOException {
        Path hd = image("disk", 1 << 20), fd = image("floppy", 1_474_560);
        byte[] hdBefore = Files.readAllBytes(hd), fdBefore = Files.readAllBytes(fd);
        Boot b = boot(List.of("-hda", hd.toString(), "-fda", fd.toString(), "-snapshot"));
        // the guest sees its write (read back from the overlay)...
        assertEquals(List.of("JEMU-BOOT drive=80", "read: JEMU-DATA sector 2 of disk", "write: ok", MARKER), b.lines,
                b::describe);
        assertEquals(0, b.status, b::describe);
        // ...the files never do
        assertArrayEquals(hdBefore, Files.readAllBytes(hd), "-snapshot: the disk image is untouched");
        assertArrayEquals(fdBefore, Files.readAllBytes(fd), "-snapshot: the floppy image is untouched");
    }

    @Test
    void elToritoFloppyEmulationBootsFromCdrom() throws IOException {
        Path iso = elTorito();
        Boot b = boot(List.of("-cdrom", iso.toString()));
        // SeaBIOS maps the emulated floppy as drive 0; a write is accepted but not kept (the CD is read-only)
        assertEquals(List.of("JEMU-BOOT drive=00", "read: JEMU-DATA sector 2 of eltorito", "write: lost", MARKER),
                b.lines, b::describe);
        assertEquals(0, b.status, b::describe);
    }

    // ---- boot order

    @Test
    void defaultOrderBootsTheHardDiskBeforeFloppyAndCd() throws IOException {
        Path hd = image("disk", 1 << 20), fd = image("floppy", 1_474_560);
        assertEquals("JEMU-BOOT drive=80", boot(List.of("-fda", fd.toString(), "-hda", hd.toString(), "-snapshot")).first());
        assertEquals("read: JEMU-DATA sector 2 of disk",
                boot(List.of("-fda", fd.toString(), "-hda", hd.toString(), "-cdrom", elTorito().toString(), "-snapshot")).lines.get(1));
    }

    @Test
    void bootOrderPicksTheDevice() throws IOException {
        Path hd = image("disk", 1 << 20), fd = image("floppy", 1_474_560), cd = elTorito();
        List<String> all = List.of("-fda", fd.toString(), "-hda", hd.toString(), "-cdrom", cd.toString(), "-snapshot");
        for (String[] c : new String[][]{{"order=a", "floppy"}, {"order=d", "eltorito"}, {"order=c", "disk"},
                {"order=dc", "eltorito"}, {"order=ac,menu=on", "floppy"}, {"a", "floppy"}}) {
            List<String> args = new ArrayList<>(all);
            args.addAll(List.of("-boot", c[0]));
            Boot b = boot(args);
            assertEquals("read: JEMU-DATA sector 2 of " + c[1], b.lines.size() > 1 ? b.lines.get(1) : "",
                    () -> "-boot " + c[0] + "\n" + b.describe());
        }
        // a device that is not there is skipped: the next one in SeaBIOS's list boots
        Boot b = boot(List.of("-hda", hd.toString(), "-boot", "order=d", "-snapshot"));
        assertEquals("read: JEMU-DATA sector 2 of disk", b.lines.get(1), b::describe);
    }

    @Test
    void bootMenuIsOfferedThenTheOrderBoots() throws IOException {
        Path hd = image("disk", 1 << 20);
        Boot b = boot(List.of("-hda", hd.toString(), "-snapshot", "-boot", "menu=on,splash-time=200"));
        assertTrue(b.stdout.contains("Press ESC for boot menu."), b::describe);
        assertEquals("JEMU-BOOT drive=80", b.first(), b::describe);
        assertFalse(boot(List.of("-hda", hd.toString(), "-snapshot")).stdout.contains("Press ESC"), "menu=off: none");
    }

    @Test
    void bootindexOrdersTheDevices() throws IOException {
        Path hd = image("disk", 1 << 20), cd = elTorito();
        for (String[] c : new String[][]{{"1", "2", "eltorito"}, {"2", "1", "disk"}}) {
            List<String> args = List.of("-drive", "if=none,id=h,format=raw,file=" + hd, "-device",
                    "ide-hd,drive=h,bootindex=" + c[1], "-drive", "if=none,id=c,media=cdrom,file=" + cd, "-device",
                    "ide-cd,drive=c,bus=ide.1,bootindex=" + c[0], "-snapshot");
            Boot b = boot(args);
            assertEquals("read: JEMU-DATA sector 2 of " + c[2], b.lines.size() > 1 ? b.lines.get(1) : "", b::describe);
            if (Processes.which("qemu-system-x86_64") != null) assertEquals(bootQemu(args).lines, b.lines, "as QEMU");
        }
    }

    @Test
    void bootOrderMatchesQemu() throws IOException {
        assumeTrue(Processes.which("qemu-system-x86_64") != null, "qemu-system-x86_64 is not installed");
        Path hd = image("disk", 1 << 20), fd = image("floppy", 1_474_560), cd = elTorito();
        for (String order : new String[]{"cad", "a", "d", "dc"}) {
            List<String> args = List.of("-fda", fd.toString(), "-hda", hd.toString(), "-cdrom", cd.toString(),
                    "-snapshot", "-boot", "order=" + order);
            Boot j = boot(args), q = bootQemu(args);
            assertEquals(q.lines, j.lines, () -> "-boot order=" + order + "\nqemu:\n" + q.describe() + "\njemu:\n" + j.describe());
            assertEquals(q.status, j.status);
        }
    }

    // ---- helpers

    /** What a boot-sector run printed on isa-debugcon, one entry per line, and how jemu ended. */
    private record Boot(List<String> lines, int status, String stdout, String detail) {
        String first() {
            return lines.isEmpty() ? "" : lines.getFirst();
        }

        String describe() {
            return detail + "\n  debugcon: " + lines + "\n  serial tail:\n" + tail(stdout);
        }
    }

    private Boot boot(List<String> args) throws IOException {
        Path con = Files.createTempFile(dir, "debugcon", ".txt");
        ProcessResult r = jemu(withDebugcon(args, con), Jemu.timeout());
        return new Boot(lines(con), r.exitCode(), r.stdoutText(), Jemu.describe(r));
    }

    private Boot bootQemu(List<String> args) throws IOException {
        Path con = Files.createTempFile(dir, "debugcon-qemu", ".txt");
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64"));
        cmd.addAll(withDebugcon(args, con));
        ProcessResult r = Processes.run(cmd, Processes.Options.of(Duration.ofSeconds(120)));
        return new Boot(lines(con), r.exitCode(), r.stdoutText(), r.describeExit());
    }

    private static List<String> withDebugcon(List<String> args, Path con) {
        List<String> a = new ArrayList<>(args);
        a.addAll(List.of("-nographic", "-chardev", "file,id=con,path=" + con, "-device",
                "isa-debugcon,iobase=0xe9,chardev=con"));
        return a;
    }

    private static List<String> lines(Path con) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readString(con, StandardCharsets.ISO_8859_1).split("\r?\n")) if (!l.isEmpty()) out.add(l);
        return out;
    }

    private static ProcessResult jemu(List<String> args, Duration timeout) {
        return Jemu.run(TOOL, args, Processes.Options.of(timeout));
    }

    /** A raw image of {@code size} bytes: our boot sector, then "JEMU-DATA sector 2 of NAME" in sector 2. */
    private Path image(String name, int size) throws IOException {
        assumeTrue(Processes.which("nasm") != null, "nasm is not installed (scripts/install-deps)");
        byte[] img = new byte[size];
        byte[] boot = SystemHarness.assemble("bootsector");
        System.arraycopy(boot, 0, img, 0, 512);
        byte[] text = ("JEMU-DATA sector 2 of " + name).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, img, 512, text.length);
        Path p = dir.resolve(name + ".img");
        Files.write(p, img);
        return p;
    }

    /** An El Torito CD whose boot image is a 1.44 MB floppy image (xorriso's default: floppy emulation). */
    private Path elTorito() throws IOException {
        assumeTrue(Processes.which("xorriso") != null, "xorriso is not installed (scripts/install-deps)");
        Path tree = dir.resolve("cdtree");
        Files.createDirectories(tree);
        Path fd = image("eltorito", 1_474_560);
        Files.move(fd, tree.resolve("floppy.img"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path iso = dir.resolve("eltorito.iso");
        ProcessResult r = Processes.run(List.of("xorriso", "-as", "mkisofs", "-quiet", "-o", iso.toString(), "-b",
                "floppy.img", "-c", "boot.cat", tree.toString()), Processes.Options.of(Duration.ofSeconds(60)));
        assertEquals(0, r.exitCode(), () -> "xorriso\n" + r.stderrText());
        return iso;
    }

    private static String sector3(Path img) throws IOException {
        byte[] b = Files.readAllBytes(img);
        int n = 0;
        while (n < 64 && b[1024 + n] != 0) n++;
        return new String(b, 1024, n, StandardCharsets.US_ASCII);
    }

    private static Path cached(String name) {
        Path p = Path.of(System.getenv().getOrDefault("JEMU_CACHE", System.getProperty("user.home") + "/.cache/jemu"), name);
        assumeTrue(Files.isRegularFile(p), () -> p + " is missing (scripts/fetch-guests builds it)");
        return p;
    }

    private static String tail(String s) {
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }
}
