package dev.jemu.cli;

import dev.jemu.Main;
import dev.jemu.accel.Accelerators;
import dev.jemu.accel.kvm.Kvm;
import dev.jemu.machine.MachineConfig;
import dev.jemu.tcg.TcgOptions;
import dev.jemu.util.Log;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line of jemu-system-x86_64 / jemu-system-i386, parsed as qemu-system-x86_64 parses it, into a
 * {@link MachineConfig}. Errors are {@link ToolError}s worded as Debian's QEMU 7.2 words them (the tool's
 * name first, then usually the option as written). -help, -version and the "help" values print and end
 * through {@link EarlyExit}.
 */
public final class SystemOptions {
    /** The parse ended early (help, version, a help listing): exit with this status, nothing to run. */
    public static final class EarlyExit extends RuntimeException {
        public final int status;

        public EarlyExit(int status) {
            super(null, null, false, false);
            this.status = status;
        }
    }

    /** Options that take an argument (the rest are flags). Unknown ones are "invalid option". */
    private static final Set<String> WITH_ARG = Set.of("m", "cpu", "smp", "M", "machine", "accel", "bios", "L",
            "kernel", "initrd", "append", "dtb", "boot", "serial", "chardev", "device", "display", "d", "D", "vga",
            "monitor", "name", "drive", "hda", "hdb", "hdc", "hdd", "cdrom", "fda", "fdb", "net", "nic", "rtc",
            "global", "uuid", "k", "parallel", "qmp", "pidfile", "icount", "debugcon");
    private static final Set<String> FLAGS = Set.of("h", "help", "version", "nographic", "no-reboot",
            "no-shutdown", "snapshot", "S", "nodefaults", "no-user-config", "enable-kvm", "no-hpet", "no-acpi",
            "daemonize", "full-screen", "no-fd-bootchk", "usb", "s");
    /** Drive options, handed to storage's parser in order. */
    private static final Set<String> DRIVE_OPTS = Set.of("drive", "hda", "hdb", "hdc", "hdd", "cdrom", "fda", "fdb");
    static final List<String> CPU_MODELS = List.of("max", "host", "qemu64", "qemu32", "kvm64", "kvm32", "base");

    private final String tool;
    private final int bits;
    private final PrintStream out;

    private long ram = 128L << 20;
    private String cpu;
    private int cpus = 1;
    private Path firmware;
    private final List<Path> dataDirs = new ArrayList<>();
    private Path kernel, initrd;
    private String append, bootOrder, display, vga = "std", monitor, machineType = "pc", accel = "tcg";
    /** Accelerators to try in order (-accel, -machine accel=a:b, -enable-kvm): {name, message prefix}. */
    private final List<String[]> accelTries = new ArrayList<>();
    private boolean accelOption, machineAccel;
    /** -accel tcg,jit=...: how the software CPU runs guest code, or null for the default. */
    private TcgOptions.Mode tcgJit;
    private String smpArg;
    private String logItems;
    private Path logFile;
    private final List<String> serials = new ArrayList<>();
    private final Map<String, String> chardevs = new LinkedHashMap<>();
    private final List<MachineConfig.Device> devices = new ArrayList<>();
    private final List<String> deviceArgs = new ArrayList<>();
    /** (option, value) pairs of -drive/-hda/-cdrom/-fda and bare image names, in order. */
    private final List<String[]> driveArgs = new ArrayList<>();
    private boolean noReboot, noShutdown, snapshot, nographic, nodefaults, explicitSerial;

    private SystemOptions(String tool, int bits, PrintStream out) {
        this.tool = tool;
        this.bits = bits;
        this.out = out;
        this.cpu = bits == 64 ? "qemu64" : "qemu32";
    }

    /** Parses {@code args}; help and version output go to {@code out}. */
    public static MachineConfig parse(String tool, int bits, String[] args, PrintStream out) {
        return new SystemOptions(tool, bits, out).run(args);
    }

    public static MachineConfig parse(String tool, int bits, String[] args) {
        return parse(tool, bits, args, System.out);
    }

    private ToolError err(String opt, String value, String msg) {
        return new ToolError("-" + opt + (value == null ? "" : " " + value) + ": " + msg);
    }

    private MachineConfig run(String[] args) {
        for (int k = 0; k < args.length; k++) {
            String a = args[k];
            if (!a.startsWith("-") || a.equals("-")) {
                driveArgs.add(new String[] {"hda", a});
                continue;
            }
            String opt = a.startsWith("--") ? a.substring(2) : a.substring(1);
            if (!WITH_ARG.contains(opt) && !FLAGS.contains(opt)) throw new ToolError(a + ": invalid option");
            String v = null;
            if (WITH_ARG.contains(opt)) {
                if (k + 1 >= args.length) throw new ToolError(a + ": requires an argument");
                v = args[++k];
            }
            option(opt, v);
        }
        return finish();
    }

    private void option(String opt, String v) {
        switch (opt) {
            case "h", "help" -> {
                out.print(usage());
                throw new EarlyExit(0);
            }
            case "version" -> {
                out.println(tool + " version " + Main.VERSION + " (jemu)");
                out.println("Copyright (c) the jemu developers");
                throw new EarlyExit(0);
            }
            case "m" -> ram = memory(v);
            case "cpu" -> {
                if (v.equals("help") || v.equals("?")) {
                    out.print(cpuHelp());
                    throw new EarlyExit(0);
                }
                String name = v.split(",", 2)[0];
                if (!CPU_MODELS.contains(name) || (bits == 64 && (name.equals("qemu32") || name.equals("kvm32")))) {
                    throw new ToolError("unable to find CPU model '" + name + "'");
                }
                cpu = name;
            }
            case "smp" -> smp(v);
            case "M", "machine" -> machine(v);
            case "accel" -> accelOption(v);
            case "enable-kvm" -> {
                machineAccel = true;
                accelTries.add(new String[] {"kvm", ""});
            }
            case "bios" -> firmware = Path.of(v);
            case "L" -> {
                if (v.equals("help")) {
                    for (Path p : FirmwareDirs.defaults()) out.println(p);
                    throw new EarlyExit(0);
                }
                dataDirs.add(Path.of(v));
            }
            case "kernel" -> kernel = Path.of(v);
            case "initrd" -> initrd = Path.of(v);
            case "append" -> append = v;
            case "dtb" -> throw err(opt, v, "a device tree is not used by the pc machine");
            case "boot" -> boot(v);
            case "serial" -> {
                explicitSerial = true;
                if (!v.equals("none")) {
                    String problem = Chardevs.check(v);
                    if (problem != null) {
                        throw new ToolError("-serial " + v + ": " + problem + "\n" + tool + ": -serial " + v
                                + ": could not connect serial device to character backend '" + v + "'");
                    }
                    serials.add(v);
                }
            }
            case "debugcon" -> {
                // QEMU's shorthand: a chardev named "debugcon" and an isa-debugcon at 0xe9 that uses it
                if (!v.equals("none")) {
                    String problem = Chardevs.check(v);
                    if (problem != null) throw err(opt, v, problem);
                    chardevs.put("debugcon", v);
                    devices.add(Devices.parse("isa-debugcon,chardev=debugcon"));
                    deviceArgs.add("isa-debugcon,chardev=debugcon");
                }
            }
            case "chardev" -> {
                String[] idSpec = Chardevs.fromChardevOption(v);
                if (chardevs.containsKey(idSpec[0])) throw err(opt, v, "Duplicate ID '" + idSpec[0] + "' for chardev");
                chardevs.put(idSpec[0], idSpec[1]);
            }
            case "device" -> {
                if (v.equals("help") || v.equals("?")) {
                    out.print(Devices.help());
                    throw new EarlyExit(0);
                }
                devices.add(Devices.parse(v));
                deviceArgs.add(v);
            }
            case "display" -> {
                String type = v.split(",", 2)[0];
                switch (type) {
                    case "none" -> display = "none";
                    case "gtk", "sdl", "egl-headless", "curses", "cocoa", "dbus", "spice-app", "vnc" ->
                            throw new ToolError("Display '" + type + "' is not available.");
                    default -> {
                        if (type.startsWith("vnc=")) throw new ToolError("Display 'vnc' is not available.");
                        throw err(opt, v, "Parameter 'type' does not accept value '" + type + "'");
                    }
                }
            }
            case "nographic" -> nographic = true;
            case "vga" -> {
                if (!Set.of("std", "none", "cirrus", "vmware", "qxl", "virtio").contains(v)) {
                    throw new ToolError("unknown vga type: " + v);
                }
                if (!v.equals("std") && !v.equals("none")) throw new ToolError("-vga " + v + ": not available in jemu (use std or none)");
                vga = v;
            }
            case "monitor" -> {
                if (!v.equals("none")) throw err(opt, v, "the monitor is not available in jemu yet (use -monitor none)");
                monitor = "none";
            }
            case "qmp" -> throw err(opt, v, "QMP is not available in jemu yet");
            case "d" -> {
                Log probe = new Log();
                String bad = probe.enable(v);
                if (v.equals("help") || bad != null) {
                    out.print(Log.helpText());
                    throw new EarlyExit(v.equals("help") ? 0 : 1);
                }
                logItems = logItems == null ? v : logItems + "," + v;
            }
            case "D" -> logFile = Path.of(v);
            case "no-reboot" -> noReboot = true;
            case "no-shutdown" -> noShutdown = true;
            case "snapshot" -> snapshot = true;
            case "nodefaults" -> nodefaults = true;
            case "S" -> throw new ToolError("-S: the CPU could never be started: the monitor is not available in jemu yet");
            case "s" -> throw new ToolError("-s: the gdb stub is not available in jemu yet");
            case "net", "nic" -> {
                if (!v.equals("none")) throw err(opt, v, "networking is not available in jemu yet (use -" + opt + " none)");
            }
            case "parallel" -> {
                if (!v.equals("none")) throw err(opt, v, "parallel ports are not available in jemu yet");
            }
            case "name", "rtc", "uuid", "k", "pidfile", "no-user-config", "no-hpet", "no-acpi", "full-screen",
                 "no-fd-bootchk", "usb", "global", "icount" -> { }
            case "daemonize" -> throw new ToolError("-daemonize: not supported by jemu");
            default -> {
                if (DRIVE_OPTS.contains(opt)) driveArgs.add(new String[] {opt, v});
                else throw new ToolError("-" + opt + ": invalid option");
            }
        }
    }

    private long memory(String v) {
        String size = v;
        if (v.contains("=") || v.contains(",")) {
            KeyValues kv = KeyValues.parse(v, "size");
            size = kv.implied();
            for (String key : kv.keys()) {
                if (!Set.of("slots", "maxmem").contains(key)) throw err("m", v, "Invalid parameter '" + key + "'");
            }
            if (size == null) throw err("m", v, "Parameter 'size' is missing");
        }
        long bytes;
        try {
            bytes = Sizes.parse(size, 'M', "size");
        } catch (Sizes.SizeError e) {
            throw err("m", v, e.getMessage());
        }
        if (bytes == 0) return 128L << 20; // QEMU's default, as -m 0 gives
        // QEMU aligns RAM to 8 KiB (the target page size times two on some boards): use pages of 4 KiB.
        return (bytes + 8191) & ~8191L;
    }

    private void smp(String v) {
        KeyValues kv = KeyValues.parse(v, "cpus");
        int n = 1;
        for (Map.Entry<String, String> e : kv.all().entrySet()) {
            String key = e.getKey();
            if (!Set.of("cpus", "sockets", "cores", "threads", "dies", "maxcpus").contains(key)) {
                throw new ToolError("Parameter 'smp." + key + "' is unexpected");
            }
            int x;
            try {
                x = Integer.parseInt(e.getValue());
            } catch (NumberFormatException ex) {
                throw new ToolError("Parameter 'smp." + key + "' expects integer");
            }
            if (key.equals("cpus") || key.equals("maxcpus")) n = Math.max(n, x);
            else n = Math.max(n, x);
        }
        if (n > 255) throw new ToolError("Invalid SMP CPUs " + n + ". The max CPUs supported by machine 'pc-i440fx-7.2' is 255");
        if (n < 1) throw new ToolError("Invalid SMP CPUs " + n + ". The min CPUs supported by machine 'pc-i440fx-7.2' is 1");
        cpus = n; // more than one: -accel kvm only (checked once the accelerator is known)
        smpArg = v;
    }

    private void machine(String v) {
        KeyValues kv = KeyValues.parse(v, "type");
        String type = kv.implied();
        if (type != null) {
            if (type.equals("help") || type.equals("?")) {
                out.print("Supported machines are:\n"
                        + "pc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-7.2)\n"
                        + "pc-i440fx-7.2        Standard PC (i440FX + PIIX, 1996) (default)\n");
                throw new EarlyExit(0);
            }
            if (!type.equals("pc") && !type.equals("pc-i440fx-7.2")) {
                throw new ToolError("unsupported machine type\nUse -machine help to list supported machines");
            }
            machineType = "pc";
        }
        for (Map.Entry<String, String> e : kv.all().entrySet()) {
            String key = e.getKey();
            if (key.equals("type")) continue;
            if (key.equals("accel")) {
                machineAccel = true;
                for (String a : e.getValue().split(":")) accelTries.add(new String[] {a, ""});
            } else if (!Set.of("usb", "vmport", "smm", "hpet", "graphics", "dump-guest-core", "mem-merge",
                    "kernel-irqchip", "sata", "pit", "hmat", "memory-backend", "acpi", "i8042").contains(key)) {
                throw new ToolError("Property 'pc-i440fx-7.2-machine." + key + "' not found");
            }
        }
    }

    /** Accelerators jemu knows of but cannot offer on Linux, and the host each needs. */
    /** -accel NAME[,prop=value...] or -accel help. */
    private void accelOption(String v) {
        KeyValues kv = KeyValues.parse(v, "accel");
        String name = kv.implied();
        if ("help".equals(name) || "?".equals(name)) {
            out.print(Accelerators.help());
            throw new EarlyExit(0);
        }
        if (name == null) throw err("accel", v, "Parameter 'accel' is missing");
        Set<String> props = switch (name) {
            case "tcg" -> Set.of("thread", "tb-size", "one-insn-per-tb", "split-wx", "jit");
            case "kvm" -> Set.of("kernel-irqchip", "kvm-shadow-mem", "dirty-ring-size", "notify-vmexit", "notify-window");
            default -> Set.of();
        };
        for (Map.Entry<String, String> e : kv.all().entrySet()) {
            String key = e.getKey();
            if (key.equals("accel")) continue;
            if (!props.contains(key)) throw err("accel", v, "Property '" + name + "-accel." + key + "' not found");
            if (key.equals("kernel-irqchip") && !e.getValue().equals("on")) {
                throw err("accel", v, "jemu runs KVM with the kernel irqchip only (kernel-irqchip=on)");
            }
            if (key.equals("jit")) {
                // jemu's own: off interprets only, on translates hot code (the default), all translates everything
                tcgJit = TcgOptions.parseMode(e.getValue());
                if (tcgJit == null) throw err("accel", v, "Parameter 'jit' expects 'off', 'on' or 'all'");
            }
        }
        accelOption = true;
        accelTries.add(new String[] {name, "-accel " + v + ": "});
    }

    /**
     * The first accelerator of the list that works here, as QEMU's configure_accelerators tries them: each
     * failure is printed and the next one tried ("falling back to tcg"); the last failure is the error.
     */
    private String chooseAccelerator() {
        if (accelOption && machineAccel) {
            throw new ToolError("The -accel and \"-machine accel=\" options are incompatible");
        }
        if (accelTries.isEmpty()) return "tcg";
        List<Accelerators.Try> tries = new ArrayList<>();
        for (String[] t : accelTries) tries.add(new Accelerators.Try(t[0], t[1]));
        return Accelerators.choose(tool, tries, name -> Accelerators.problem(name, Kvm::unavailableReason));
    }

    private boolean bootMenu, bootStrict;
    private long bootSplashTime = -1, bootRebootTimeout = -1;

    private static boolean onOff(String name, String v) {
        return switch (v) {
            case "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw new ToolError("Parameter '" + name + "' expects 'on' or 'off'");
        };
    }

    /** A -boot number, then QEMU's range checks (fw_cfg_bootsplash, fw_cfg_reboot). */
    private static long bootNumber(String name, String v) {
        long n;
        try {
            n = Long.decode(v);
        } catch (NumberFormatException e) {
            throw new ToolError("Parameter 'boot." + name + "' expects a number");
        }
        if (name.equals("splash-time") && (n < 0 || n > 0xffff))
            throw new ToolError("splash-time is invalid,it should be a value between 0 and 65535");
        if (name.equals("reboot-timeout") && (n < -1 || n > 0xffff))
            throw new ToolError("reboot timeout is invalid,it should be a value between -1 and 65535");
        return n;
    }

    private void boot(String v) {
        KeyValues kv = KeyValues.parse(v, "order");
        for (Map.Entry<String, String> e : kv.all().entrySet()) {
            String key = e.getKey();
            switch (key) {
                case "order", "once" -> {
                    String order = e.getValue();
                    Set<Character> seen = new java.util.HashSet<>();
                    for (char c : order.toCharArray()) {
                        if (c < 'a' || c > 'p') throw new ToolError("Invalid boot device '" + c + "'");
                        if (!seen.add(c)) throw new ToolError("Boot device '" + c + "' was given twice");
                    }
                    bootOrder = order;
                }
                case "menu" -> bootMenu = onOff("boot.menu", e.getValue());
                case "strict" -> bootStrict = onOff("boot.strict", e.getValue());
                case "splash-time" -> bootSplashTime = bootNumber("splash-time", e.getValue());
                case "reboot-timeout" -> bootRebootTimeout = bootNumber("reboot-timeout", e.getValue());
                case "splash" -> { } // a boot splash picture: SeaBIOS shows it only on a graphical screen
                default -> throw new ToolError("Parameter 'boot." + key + "' is unexpected");
            }
        }
    }

    private MachineConfig finish() {
        accel = chooseAccelerator();
        if (accel.equals("tcg") && tcgJit != null) TcgOptions.configure(tcgJit);
        if (cpus > 1 && !accel.equals("kvm")) throw err("smp", smpArg, "jemu emulates one CPU under tcg: use -smp 1 (or -accel kvm)");
        if (kernel == null && initrd != null) throw new ToolError("-initrd only allowed with -kernel option");
        if (kernel == null && append != null) throw new ToolError("-append only allowed with -kernel option");
        // Devices refer to chardevs by id, wherever on the command line those were defined (QEMU creates
        // chardevs first).
        for (int i = 0; i < devices.size(); i++) Devices.check(devices.get(i), deviceArgs.get(i), chardevs);
        if (monitor == null) monitor = nographic && !nodefaults ? "stdio" : "none";
        List<String> serialList = new ArrayList<>(serials);
        if (!explicitSerial && !nodefaults) serialList.add(nographic ? "stdio" : "vc");
        // One terminal, one user: as QEMU, stdio may back only one device (the -nographic monitor counts).
        int stdioUsers = monitor.equals("stdio") && explicitSerial ? 1 : 0;
        for (String s : serialList) {
            if (s.equals("stdio") || s.equals("mon:stdio")) {
                if (++stdioUsers > 1) {
                    throw new ToolError("-serial " + s + ": cannot use stdio by multiple character devices\n" + tool
                            + ": -serial " + s + ": could not connect serial device to character backend '" + s + "'");
                }
            }
        }
        if (serialList.size() > 4) throw new ToolError("Too many serial ports");
        if (display == null && nographic) display = "none";
        MachineConfig partial = new MachineConfig(ram, cpu, cpus, firmware, List.copyOf(dataDirs), kernel, initrd,
                append, List.of(), bootOrder, List.copyOf(serialList), Map.copyOf(chardevs), List.copyOf(devices),
                noReboot, noShutdown, snapshot, nographic, display, bits, machineType, accel, logItems, logFile,
                vga, monitor, new MachineConfig.Boot(bootMenu, bootSplashTime, bootRebootTimeout, bootStrict));
        return withDrives(partial);
    }

    /**
     * Drives through storage's parser (cli/DriveOptions), in command-line order; bare image names are -hda. QEMU's
     * default drives (an empty IDE CD-ROM, an empty floppy drive A) fill their places unless -nodefaults: SeaBIOS
     * then lists them as QEMU's does.
     */
    private MachineConfig withDrives(MachineConfig c) {
        DriveOptions parser = new DriveOptions(w -> System.err.println(tool + ": " + w));
        for (String[] d : driveArgs) parser.add("-" + d[0], d[1]);
        return new MachineConfig(c.ramBytes(), c.cpuModel(), c.cpus(), c.firmware(), c.dataDirs(), c.kernel(),
                c.initrd(), c.append(), DriveOptions.withDefaults(parser.drives(), nodefaults,
                        c.devices().stream().map(MachineConfig.Device::driver).toList()), c.bootOrder(), c.serials(), c.chardevs(), c.devices(),
                c.noReboot(), c.noShutdown(), c.snapshot(), c.nographic(), c.display(), c.bits(), c.machineType(),
                c.accel(), c.logItems(), c.logFile(), c.vga(), c.monitor(), c.boot());
    }

    /** The -cpu help listing. */
    String cpuHelp() {
        return "Available CPUs:\n"
                + "x86 max                   all the features jemu implements\n"
                + "x86 host                  the same as max\n"
                + "x86 qemu64                QEMU Virtual CPU version 2.5+ (default of jemu-system-x86_64)\n"
                + "x86 kvm64                 the same as qemu64\n"
                + (bits == 32 ? "x86 qemu32                QEMU Virtual CPU version 2.5+ (default of jemu-system-i386)\n"
                + "x86 kvm32                 the same as qemu32\n" : "")
                + "x86 base                  base CPU model type with no features enabled\n";
    }

    String usage() {
        return tool + " version " + Main.VERSION + " (jemu)\n"
                + "usage: " + tool + " [options] [disk_image]\n\n"
                + "'disk_image' is a raw hard disk image for IDE hard disk 0\n\n"
                + "Standard options:\n"
                + "-h or -help      display this help and exit\n"
                + "-version         display version information and exit\n"
                + "-machine [type=]pc[,accel=kvm|tcg[:...]]\n"
                + "                 selects emulated machine ('-machine help' for list)\n"
                + "-accel kvm|tcg   select accelerator ('-accel help' for list); several are tried in order\n"
                + "-enable-kvm      enable KVM full virtualization support\n"
                + "-cpu model       select CPU ('-cpu help' for list)\n"
                + "-smp n           number of CPUs (more than one under -accel kvm only)\n"
                + "-m [size=]megs[M|G]\n"
                + "                 configure guest RAM (default 128 MiB)\n"
                + "-boot [order=drives][,once=drives][,menu=on|off]\n"
                + "                 'drives': floppy (a), hard disk (c), CD-ROM (d), network (n)\n"
                + "-snapshot        write to temporary files instead of disk image files\n"
                + "-drive/-hda/-hdb/-hdc/-hdd/-cdrom/-fda/-fdb file\n"
                + "                 disk images\n"
                + "-bios file       set the filename for the BIOS\n"
                + "-L path          set the directory for the BIOS, VGA BIOS and keymaps ('-L help' for list)\n\n"
                + "Display and character devices:\n"
                + "-display none    no display\n"
                + "-nographic       no graphical output: the serial port and the Ctrl-A commands on stdio\n"
                + "-vga std|none    select video card type\n"
                + "-serial dev      redirect the serial port to char device 'dev'\n"
                + "                 (stdio, null, file:PATH, tcp:HOST:PORT[,server][,nowait], unix:PATH[,server])\n"
                + "-chardev backend,id=id[,path=...][,host=...,port=...][,server=on][,wait=off]\n"
                + "-device isa-debug-exit[,iobase=0x501][,iosize=0x2]\n"
                + "-device isa-debugcon,chardev=id[,iobase=0xe9]\n"
                + "-debugcon dev    an isa-debugcon at port 0xe9 on char device 'dev'\n\n"
                + "Linux/Multiboot boot specific:\n"
                + "-kernel bzImage  use 'bzImage' as kernel image\n"
                + "-append cmdline  use 'cmdline' as kernel command line\n"
                + "-initrd file     use 'file' as initial ram disk\n\n"
                + "Debug/Expert options:\n"
                + "-no-reboot       exit instead of rebooting\n"
                + "-no-shutdown     stop before shutdown\n"
                + "-d item1,...     enable logging of specified items (use '-d help' for a list of log items)\n"
                + "-D logfile       output log to logfile (default stderr)\n\n"
                + "During emulation, with -nographic, Ctrl-A h lists the console commands.\n";
    }
}
