package dev.jemu.cli;

import dev.jemu.machine.MachineConfig;
import dev.jemu.tcg.TcgOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Option parsing; the expected errors are Debian's qemu-system-x86_64 7.2 output with the tool's name changed. */
class SystemOptionsTest {
    static final String T = "jemu-system-x86_64";

    static MachineConfig parse(String... args) {
        return SystemOptions.parse(T, 64, args, new PrintStream(new ByteArrayOutputStream()));
    }

    static String error(String... args) {
        ToolError e = assertThrows(ToolError.class, () -> parse(args));
        return T + ": " + e.getMessage();
    }

    @Test
    void defaults() {
        MachineConfig c = parse();
        assertEquals(128L << 20, c.ramBytes());
        assertEquals("qemu64", c.cpuModel());
        assertEquals(List.of("vc"), c.serials());
        assertEquals("none", c.monitor());
        assertEquals("pc", c.machineType());
        assertEquals("tcg", c.accel());
    }

    @Test
    void tcgJitModes() {
        try {
            parse("-accel", "tcg,jit=off");
            assertEquals(TcgOptions.Mode.OFF, TcgOptions.current().mode());
            parse("-accel", "tcg,jit=all");
            assertEquals(TcgOptions.Mode.ALL, TcgOptions.current().mode());
            parse("-M", "pc,accel=tcg", "-accel", "tcg,jit=on"); // error below: both forms
        } catch (ToolError expected) {
            // -accel with -machine accel=: QEMU refuses the pair
        } finally {
            TcgOptions.configure(null);
        }
        assertEquals(T + ": -accel tcg,jit=maybe: Parameter 'jit' expects 'off', 'on' or 'all'",
                error("-accel", "tcg,jit=maybe"));
        assertEquals(T + ": -accel kvm,jit=off: Property 'kvm-accel.jit' not found", error("-accel", "kvm,jit=off"));
    }

    @Test
    void memorySizes() {
        assertEquals(512L << 20, parse("-m", "512").ramBytes());
        assertEquals(2L << 30, parse("-m", "2G").ramBytes());
        assertEquals(1536L << 20, parse("-m", "1.5G").ramBytes());
        assertEquals(256L << 20, parse("-m", "size=256M").ramBytes());
        assertEquals(128L << 20, parse("-m", "0").ramBytes()); // QEMU's default, as -m 0 gives
    }

    @Test
    void memoryErrorsAreQemus() {
        assertEquals(T + ": -m foo: Parameter 'size' expects a non-negative number below 2^64\n"
                + "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
                + "and exabytes, respectively.", error("-m", "foo"));
        assertTrue(error("-m", "1x").startsWith(T + ": -m 1x: Parameter 'size' expects"));
        assertEquals(T + ": -m 16E: Value '16E' is out of range for parameter 'size'", error("-m", "16E"));
        assertEquals(T + ": -m 20000000T: Value '20000000T' is out of range for parameter 'size'", error("-m", "20000000T"));
        assertEquals(T + ": -m: requires an argument", error("-m"));
    }

    @Test
    void unknownOptionIsInvalid() {
        assertEquals(T + ": -foo: invalid option", error("-foo"));
        assertEquals(T + ": --foo: invalid option", error("--foo"));
    }

    @Test
    void acceleratorsMachinesCpus() {
        // (QEMU 7.2 without hvf compiled in says "invalid accelerator hvf"; jemu names the host it needs)
        assertEquals(T + ": -accel hvf: accelerator hvf is not available on this host: it needs macOS "
                + "(Hypervisor.framework)", error("-accel", "hvf"));
        assertTrue(error("-accel", "whpx").endsWith("it needs Windows (Windows Hypervisor Platform)"));
        assertTrue(error("-accel", "nvmm").endsWith("it needs NetBSD (NVMM)"));
        assertTrue(error("-accel", "haxm").contains("HAXM"));
        assertEquals(T + ": -accel foo: invalid accelerator foo", error("-accel", "foo"));
        assertEquals(T + ": -accel tcg,foo=1: Property 'tcg-accel.foo' not found", error("-accel", "tcg,foo=1"));
        assertEquals(T + ": -accel kvm,foo=1: Property 'kvm-accel.foo' not found", error("-accel", "kvm,foo=1"));
        assertEquals("tcg", parse("-accel", "tcg").accel());
        assertEquals("tcg", parse("-M", "pc,accel=tcg").accel());
        assertEquals("tcg", parse("-M", "pc,accel=foo:tcg").accel()); // "invalid accelerator foo", then the fallback
        assertEquals("tcg", parse("-accel", "foo", "-accel", "tcg").accel());
        assertEquals(T + ": invalid accelerator foo", error("-M", "pc,accel=foo"));
        assertEquals(T + ": The -accel and \"-machine accel=\" options are incompatible",
                error("-accel", "tcg", "-M", "pc,accel=tcg"));
        assertEquals(T + ": Invalid SMP CPUs 300. The max CPUs supported by machine 'pc-i440fx-7.2' is 255",
                error("-smp", "300"));
        assertEquals(T + ": unsupported machine type\nUse -machine help to list supported machines", error("-machine", "foo"));
        assertEquals(T + ": Property 'pc-i440fx-7.2-machine.foo' not found", error("-M", "pc,foo=bar"));
        assertEquals(T + ": unable to find CPU model 'foo'", error("-cpu", "foo"));
        assertEquals("max", parse("-cpu", "max").cpuModel());
        assertEquals(T + ": Parameter 'smp.cpus' expects integer", error("-smp", "foo"));
        assertTrue(error("-smp", "2").startsWith(T + ": -smp 2: jemu emulates one CPU"));
        assertEquals(1, parse("-smp", "1").cpus());
    }

    @Test
    void kernelOptions() {
        assertEquals(T + ": -initrd only allowed with -kernel option", error("-initrd", "x"));
        assertEquals(T + ": -append only allowed with -kernel option", error("-append", "x"));
        MachineConfig c = parse("-kernel", "vmlinuz", "-initrd", "i.gz", "-append", "console=ttyS0");
        assertEquals(Path.of("vmlinuz"), c.kernel());
        assertEquals(Path.of("i.gz"), c.initrd());
        assertEquals("console=ttyS0", c.append());
    }

    @Test
    void bootOrder() {
        assertEquals("cd", parse("-boot", "cd").bootOrder());
        assertEquals("dc", parse("-boot", "order=dc,menu=on").bootOrder());
        assertEquals(T + ": Invalid boot device 'q'", error("-boot", "q"));
        assertEquals(T + ": Invalid boot device 'q'", error("-boot", "order=q"));
        assertEquals(T + ": Parameter 'boot.foo' is unexpected", error("-boot", "menu=on,foo=1"));
    }

    @Test
    void serialsAndChardevs() {
        assertEquals(T + ": -serial foo: 'foo' is not a valid char driver\n"
                + T + ": -serial foo: could not connect serial device to character backend 'foo'", error("-serial", "foo"));
        assertEquals(T + ": -serial tcp::xx: address resolution failed for :xx: Servname not supported for ai_socktype\n"
                + T + ": -serial tcp::xx: could not connect serial device to character backend 'tcp::xx'", error("-serial", "tcp::xx"));
        assertEquals(T + ": -chardev foo: chardev: no id specified", error("-chardev", "foo"));
        assertEquals(T + ": -chardev file,id=x: chardev: file: no filename given", error("-chardev", "file,id=x"));
        assertEquals(T + ": -chardev foo,id=a: 'foo' is not a valid char driver name", error("-chardev", "foo,id=a"));
        assertEquals(T + ": -chardev null,id=a: Duplicate ID 'a' for chardev", error("-chardev", "stdio,id=a", "-chardev", "null,id=a"));
        assertEquals(T + ": -serial stdio: cannot use stdio by multiple character devices\n"
                + T + ": -serial stdio: could not connect serial device to character backend 'stdio'",
                error("-nographic", "-serial", "stdio"));
        MachineConfig c = parse("-nographic");
        assertEquals(List.of("stdio"), c.serials());
        assertEquals("stdio", c.monitor());
        assertEquals("none", c.display());
        c = parse("-serial", "stdio", "-serial", "file:/tmp/x", "-display", "none");
        assertEquals(List.of("stdio", "file:/tmp/x"), c.serials());
        assertEquals("none", c.monitor());
        c = parse("-chardev", "socket,id=s,path=/tmp/s,server=on,wait=off");
        assertEquals("unix:/tmp/s,server,nowait", c.chardevs().get("s"));
        assertEquals(List.of(), parse("-nodefaults").serials());
    }

    @Test
    void devices() {
        assertEquals(T + ": -device foo: 'foo' is not a valid device model name", error("-device", "foo"));
        assertEquals(T + ": -device isa-debug-exit,iobase=zz: Parameter 'iobase' expects integer",
                error("-device", "isa-debug-exit,iobase=zz"));
        assertEquals(T + ": -device isa-debug-exit,foo=1: Property 'isa-debug-exit.foo' not found",
                error("-device", "isa-debug-exit,foo=1"));
        assertEquals(T + ": -device isa-debugcon: Can't create debugcon device, empty char device", error("-device", "isa-debugcon"));
        assertEquals(T + ": -device isa-debugcon,chardev=nope: Property 'isa-debugcon.chardev' can't find value 'nope'",
                error("-device", "isa-debugcon,chardev=nope"));
        // the chardev may come after the device, as in QEMU
        MachineConfig c = parse("-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                "-device", "isa-debugcon,iobase=0xe9,chardev=dbg", "-chardev", "file,id=dbg,path=/tmp/dbg");
        assertEquals(2, c.devices().size());
        assertEquals(0xf4, MachineConfig.intProp(c.devices().get(0), "iobase", 0x501));
        assertEquals("file:/tmp/dbg", c.chardevs().get("dbg"));
    }

    @Test
    void displayAndFlags() {
        assertEquals(T + ": -display foo: Parameter 'type' does not accept value 'foo'", error("-display", "foo"));
        MachineConfig c = parse("-no-reboot", "-no-shutdown", "-snapshot", "-display", "none");
        assertTrue(c.noReboot() && c.noShutdown() && c.snapshot());
        assertEquals("none", c.display());
    }

    @Test
    void helpVersionAndLogItems() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SystemOptions.EarlyExit e = assertThrows(SystemOptions.EarlyExit.class,
                () -> SystemOptions.parse(T, 64, new String[] {"-version"}, new PrintStream(out)));
        assertEquals(0, e.status);
        assertTrue(out.toString().startsWith(T + " version "));
        out.reset();
        e = assertThrows(SystemOptions.EarlyExit.class,
                () -> SystemOptions.parse(T, 64, new String[] {"-d", "foo"}, new PrintStream(out)));
        assertEquals(1, e.status); // QEMU prints the item list and exits 1
        assertTrue(out.toString().startsWith("Log items (comma separated):"));
        assertEquals("int,guest_errors", parse("-d", "int,guest_errors").logItems());
        e = assertThrows(SystemOptions.EarlyExit.class,
                () -> SystemOptions.parse(T, 64, new String[] {"-h"}, new PrintStream(out)));
        assertEquals(0, e.status);
    }

    @Test
    void drivesGoThroughStoragesParser(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path disk = java.nio.file.Files.write(dir.resolve("disk.img"), new byte[1024]);
        Path cd = java.nio.file.Files.write(dir.resolve("cd.iso"), new byte[4096]);
        MachineConfig c = parse(disk.toString(), "-cdrom", cd.toString());
        assertEquals(3, c.drives().size());
        assertEquals(disk, c.drives().get(0).file());
        assertEquals("cdrom", c.drives().get(1).media());
        // QEMU's default empty floppy drive A (SeaBIOS lists it, as under QEMU)
        assertEquals(new MachineConfig.Drive(null, "raw", "floppy", "disk", 0, false), c.drives().get(2));
        assertEquals(2, parse(disk.toString(), "-cdrom", cd.toString(), "-nodefaults").drives().size());
    }

    @Test
    void defaultDrivesAreQemus() {
        assertEquals(List.of(new MachineConfig.Drive(null, "raw", "ide", "cdrom", 2, true),
                new MachineConfig.Drive(null, "raw", "floppy", "disk", 0, false)), parse().drives());
        assertEquals(List.of(), parse("-nodefaults").drives());
    }
}
