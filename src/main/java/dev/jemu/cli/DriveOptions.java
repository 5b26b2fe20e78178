package dev.jemu.cli;

import dev.jemu.block.BlockError;
import dev.jemu.block.RawImage;
import dev.jemu.machine.MachineConfig.Drive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * -drive and its shorthands (-hda..-hdd, -cdrom, -fda, -fdb) into {@link Drive} records, with QEMU 7.2's
 * checks and messages and its placement rules for the pc machine: IDE has 2 buses of 2 units
 * (index = bus * 2 + unit: -hda 0, -hdb 1, -hdc/-cdrom 2, -hdd 3), the floppy controller 2 units (-fda 0,
 * -fdb 1); a drive without index/bus/unit takes the first free unit, counting from index 0.
 *
 * <p>Every {@link ToolError} message already carries QEMU's option prefix ("-drive file=x.img: ..."), so the
 * caller prints {@code "jemu-system-x86_64: " + message}. One {@code DriveOptions} per command line keeps the
 * drives seen so far for the placement checks; {@link #parse} is the stateless part.
 */
public final class DriveOptions {
    public static final int IDE_BUSES = 2, IDE_UNITS = 2, FLOPPY_UNITS = 2;

    /** Block formats QEMU has but jemu does not read (yet): named as unsupported rather than unknown. */
    private static final Set<String> OTHER_FORMATS = Set.of("qcow2", "qcow", "vmdk", "vdi", "vhdx", "vpc", "qed",
            "luks", "dmg", "parallels", "bochs", "cloop", "vvfat", "host_device", "host_cdrom", "nbd");
    private static final Set<String> OTHER_INTERFACES = Set.of("scsi", "virtio", "sd", "mtd", "pflash", "xen");
    private static final Set<String> CACHE_MODES = Set.of("none", "writeback", "writethrough", "unsafe", "directsync");

    private final List<Drive> drives = new ArrayList<>();
    private final Consumer<String> warn;

    /** @param warn where QEMU's warnings go (the format-probing one); each string may span lines */
    public DriveOptions(Consumer<String> warn) {
        this.warn = warn == null ? s -> { } : warn;
    }

    public DriveOptions() {
        this(System.err::println);
    }

    /** The drives accepted so far, in command-line order, each with its final index (-1 only for if=none). */
    public List<Drive> drives() {
        return List.copyOf(drives);
    }

    /**
     * QEMU's default drives for the pc machine (vl.c default_drive): an empty IDE CD-ROM at index 2 and an empty
     * floppy drive A, each unless a drive already holds that place; none with -nodefaults.
     */
    public static List<Drive> withDefaults(List<Drive> drives, boolean nodefaults) {
        return withDefaults(drives, nodefaults, List.of());
    }

    /**
     * Same, also as QEMU's vl.c default_list: a -device ide-hd or ide-cd takes the default CD-ROM's place, a
     * -device floppy the default floppy drive's.
     */
    public static List<Drive> withDefaults(List<Drive> drives, boolean nodefaults, List<String> deviceDrivers) {
        List<Drive> out = new ArrayList<>(drives == null ? List.of() : drives);
        if (nodefaults) return out;
        boolean cd = deviceDrivers.contains("ide-hd") || deviceDrivers.contains("ide-cd");
        boolean fd = deviceDrivers.contains("floppy");
        for (Drive d : out) {
            if (d.iface().equals("ide") && d.index() == 2) cd = true;
            if (d.iface().equals("floppy") && d.index() == 0) fd = true;
        }
        if (!cd) out.add(new Drive(null, "raw", "ide", "cdrom", 2, true));
        if (!fd) out.add(new Drive(null, "raw", "floppy", "disk", 0, false));
        return out;
    }

    /** True for the options this class parses (with or without the leading dash). */
    public static boolean handles(String option) {
        return switch (strip(option)) {
            case "drive", "hda", "hdb", "hdc", "hdd", "cdrom", "fda", "fdb" -> true;
            default -> false;
        };
    }

    /**
     * Parses one option, places the drive and records it. {@code option} is "-drive", "-hda", ... (dash optional).
     */
    public Drive add(String option, String value) {
        Drive d = parse(option, value, warn);
        String prefix = "-" + strip(option) + " " + value + ": ";
        if (d.id() != null) {
            for (Drive o : drives)
                if (d.id().equals(o.id())) throw new ToolError(prefix + "Duplicate ID '" + d.id() + "' for drive");
        }
        if (d.iface().equals("none")) {
            drives.add(d);
            return d;
        }
        int index = d.index();
        if (index < 0) {
            // QEMU's drive_new: the first unit free on bus 0, then bus 1...
            index = 0;
            while (taken(d.iface(), index)) index++;
            d = new Drive(d.file(), d.format(), d.iface(), d.media(), index, d.readOnly(), d.id());
        } else if (taken(d.iface(), index)) {
            throw new ToolError(prefix + String.format("drive with bus=%d, unit=%d (index=%d) exists",
                    bus(d.iface(), index), unit(d.iface(), index), index));
        }
        int bus = bus(d.iface(), index), unit = unit(d.iface(), index);
        boolean fits = d.iface().equals("ide") ? bus < IDE_BUSES : unit < FLOPPY_UNITS;
        if (!fits)
            throw new ToolError(prefix + String.format("machine type does not support if=%s,bus=%d,unit=%d",
                    d.iface(), bus, unit));
        drives.add(d);
        return d;
    }

    private boolean taken(String iface, int index) {
        for (Drive o : drives) if (o.iface().equals(iface) && o.index() == index) return true;
        return false;
    }

    /** The IDE bus (channel: 0 primary, 1 secondary) of an IDE drive's index; 0 for a floppy. */
    public static int bus(String iface, int index) {
        return iface.equals("ide") ? index / IDE_UNITS : 0;
    }

    /** The unit (0 master, 1 slave; floppy drive A/B) of a drive's index. */
    public static int unit(String iface, int index) {
        return iface.equals("ide") ? index % IDE_UNITS : index;
    }

    /** Parses one option without placement checks (index stays -1 unless given). */
    public static Drive parse(String option, String value) {
        return parse(option, value, s -> { });
    }

    static Drive parse(String option, String value, Consumer<String> warn) {
        String opt = strip(option);
        String prefix = "-" + opt + " " + value + ": ";
        String file = null, format = null, iface = "ide", media = "disk", indexS = null, busS = null, unitS = null;
        String readonly = null, id = null;
        switch (opt) {
            case "hda", "hdb", "hdc", "hdd" -> {
                file = value;
                indexS = Integer.toString(opt.charAt(2) - 'a');
            }
            case "cdrom" -> {
                file = value;
                indexS = "2";
                media = "cdrom";
            }
            case "fda", "fdb" -> {
                file = value;
                iface = "floppy";
                indexS = Integer.toString(opt.charAt(2) - 'a');
            }
            case "drive" -> {
                for (String[] kv : splitOptions(value)) {
                    String k = kv[0], v = kv[1];
                    switch (k) {
                        case "file" -> file = v;
                        case "format" -> format = v;
                        case "if" -> iface = v;
                        case "media" -> media = v;
                        case "index" -> indexS = v;
                        case "bus" -> busS = v;
                        case "unit" -> unitS = v;
                        case "readonly", "read-only" -> readonly = v;
                        case "snapshot" -> {
                            if (!bool(prefix, "snapshot", v))
                                break;
                            throw new ToolError(prefix + "snapshot=on is not supported per drive; use -snapshot");
                        }
                        case "cache" -> {
                            if (!CACHE_MODES.contains(v)) throw new ToolError(prefix + "invalid cache option");
                        }
                        case "id" -> id = v;
                        case "aio", "discard", "werror", "rerror", "detect-zeroes" -> {
                            // accepted; they change nothing guest-visible here
                        }
                        default -> throw new ToolError(prefix + "Block format '" + (format == null ? "raw" : format)
                                + "' does not support the option '" + k + "'");
                    }
                }
            }
            default -> throw new IllegalArgumentException("not a drive option: " + option);
        }

        if (!media.equals("disk") && !media.equals("cdrom"))
            throw new ToolError(prefix + "'" + media + "' invalid media");
        if (!iface.equals("ide") && !iface.equals("floppy") && !iface.equals("none")) {
            if (OTHER_INTERFACES.contains(iface))
                throw new ToolError(prefix + "if=" + iface + ": Unsupported interface (jemu has ide, floppy, none)");
            throw new ToolError(prefix + "unsupported bus type '" + iface + "'");
        }
        boolean readOnly = readonly != null && bool(prefix, "read-only", readonly);
        if (media.equals("cdrom")) readOnly = true; // CD-ROM media are read-only by nature, as in QEMU

        int index = -1;
        if (indexS != null) index = number(prefix, "index", indexS);
        if (busS != null || unitS != null) {
            if (indexS != null) throw new ToolError(prefix + "index cannot be used with bus and unit");
            int bus = busS == null ? 0 : number(prefix, "bus", busS);
            int unit = unitS == null ? 0 : number(prefix, "unit", unitS);
            int maxUnits = iface.equals("ide") ? IDE_UNITS : 0;
            if (maxUnits > 0 && unit >= maxUnits)
                throw new ToolError(prefix + "unit " + unit + " too big (max is " + (maxUnits - 1) + ")");
            index = iface.equals("ide") ? bus * IDE_UNITS + unit : unit;
            if (!iface.equals("ide") && bus != 0)
                throw new ToolError(prefix + String.format("machine type does not support if=%s,bus=%d,unit=%d",
                        iface, bus, unit));
        }

        if (file != null && file.isEmpty()) file = null;
        if (file == null) {
            if (format != null) throw new ToolError(prefix + "A block device must be specified for \"file\"");
            if (iface.equals("ide") && media.equals("disk"))
                throw new ToolError("Device needs media, but drive is empty");
            return new Drive(null, "raw", iface, media, index, readOnly, id);
        }

        Path path = Path.of(file);
        try {
            RawImage.check(path, file);
        } catch (BlockError e) {
            throw new ToolError(prefix + e.getMessage());
        }
        String probed = probe(path);
        if (format == null) {
            format = probed;
            if (format.equals("raw"))
                warn.accept("WARNING: Image format was not specified for '" + file + "' and probing guessed raw.\n"
                        + "         Automatically detecting the format is dangerous for raw images, write operations"
                        + " on block 0 will be restricted.\n"
                        + "         Specify the 'raw' format explicitly to remove the restrictions.");
        }
        if (!format.equals("raw")) {
            if (OTHER_FORMATS.contains(format))
                throw new ToolError(prefix + "Image format '" + format + "' is not supported by jemu (only raw)");
            throw new ToolError(prefix + "Unknown driver '" + format + "'");
        }
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            throw new ToolError(prefix + "Could not open '" + file + "': " + e.getMessage());
        }
        if (size < 512)
            throw new ToolError(prefix + "Image '" + file + "' is smaller than a sector (" + size + " bytes)");
        if (iface.equals("ide") && media.equals("disk") && readOnly)
            throw new ToolError("Block node is read-only"); // QEMU's ide-hd refuses a read-only drive
        return new Drive(path, format, iface, media, index, readOnly, id);
    }

    /** The format a header names (as QEMU's probes would), "raw" when none matches. */
    static String probe(Path path) {
        byte[] h = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(h, 0, h.length);
        } catch (IOException e) {
            return "raw"; // the open will report it
        }
        if (n >= 4 && h[0] == 'Q' && h[1] == 'F' && h[2] == 'I' && (h[3] & 0xff) == 0xfb) return "qcow2";
        if (n >= 4 && h[0] == 'K' && h[1] == 'D' && h[2] == 'M' && h[3] == 'V') return "vmdk";
        if (n >= 4 && h[0] == 'Q' && h[1] == 'E' && h[2] == 'D' && h[3] == 0) return "qed";
        if (n >= 8 && new String(h, 0, 8, java.nio.charset.StandardCharsets.ISO_8859_1).equals("vhdxfile")) return "vhdx";
        return "raw";
    }

    /** QEMU's option list syntax: key=value pairs split at commas, ",," standing for a comma in a value. */
    static List<String[]> splitOptions(String s) {
        List<String[]> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == ',') {
                if (i + 1 < s.length() && s.charAt(i + 1) == ',') {
                    cur.append(',');
                    i++;
                    continue;
                }
                String item = cur.toString();
                cur.setLength(0);
                if (item.isEmpty()) continue;
                int eq = item.indexOf('=');
                // a bare "readonly" is QEMU's deprecated short form of readonly=on
                out.add(eq < 0 ? new String[]{item, "on"} : new String[]{item.substring(0, eq), item.substring(eq + 1)});
            } else {
                cur.append(s.charAt(i));
            }
        }
        return out;
    }

    private static boolean bool(String prefix, String name, String v) {
        return switch (v) {
            case "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw new ToolError(prefix + "Parameter '" + name + "' expects 'on' or 'off'");
        };
    }

    private static int number(String prefix, String name, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n < (name.equals("index") ? -1 : 0)) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new ToolError(prefix + "Parameter '" + name + "' expects a number");
        }
    }

    private static String strip(String option) {
        return option.startsWith("--") ? option.substring(2) : option.startsWith("-") ? option.substring(1) : option;
    }
}
