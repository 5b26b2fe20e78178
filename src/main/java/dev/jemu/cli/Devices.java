package dev.jemu.cli;

import dev.jemu.machine.MachineConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The -device drivers jemu knows, their properties, and QEMU's errors for the rest. */
public final class Devices {
    private Devices() {}

    /** driver -> known properties. */
    private static final Map<String, List<String>> DRIVERS = Map.of(
            "isa-debug-exit", List.of("iobase", "iosize"),
            "isa-debugcon", List.of("iobase", "chardev", "readback"),
            // storage's: an if=none -drive on an IDE position or floppy unit, with QEMU's bootindex
            "ide-hd", List.of("drive", "bus", "unit", "bootindex"),
            "ide-cd", List.of("drive", "bus", "unit", "bootindex"),
            "floppy", List.of("drive", "unit")); // QEMU 7.2's floppy bootindex is isa-fdc's (-global), not here
    /** Integer properties (checked as QEMU's integer parser does). */
    private static final List<String> INTS = List.of("iobase", "iosize", "readback", "unit", "bootindex");

    public static MachineConfig.Device parse(String v) {
        KeyValues kv = KeyValues.parse(v, "driver");
        String driver = kv.implied();
        String prefix = "-device " + v + ": ";
        if (driver == null) throw new ToolError(prefix + "Parameter 'driver' is missing");
        List<String> props = DRIVERS.get(driver);
        if (props == null) throw new ToolError(prefix + "'" + driver + "' is not a valid device model name");
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : kv.keys()) {
            if (key.equals("id") || key.equals("bus") && !props.contains("bus")) continue;
            if (!props.contains(key)) throw new ToolError(prefix + "Property '" + driver + "." + key + "' not found");
            String val = kv.get(key);
            if (INTS.contains(key)) {
                long x;
                try {
                    x = Long.decode(val);
                } catch (NumberFormatException e) {
                    throw new ToolError(prefix + "Parameter '" + key + "' expects integer");
                }
                if ((x < 0 && !(key.equals("bootindex") && x == -1)) || x > 0xffffffffL) {
                    throw new ToolError(prefix + "Property " + driver + "." + key + " doesn't take value " + val);
                }
            }
            out.put(key, val);
        }
        return new MachineConfig.Device(driver, Map.copyOf(out));
    }

    /** Checks what needs the whole command line: the chardev a device names must exist. */
    static void check(MachineConfig.Device d, String v, Map<String, String> chardevs) {
        if (d.driver().equals("isa-debugcon")) {
            String id = d.props().get("chardev");
            if (id == null) throw new ToolError("-device " + v + ": Can't create debugcon device, empty char device");
            if (!chardevs.containsKey(id)) {
                throw new ToolError("-device " + v + ": Property 'isa-debugcon.chardev' can't find value '" + id + "'");
            }
        }
    }

    static String help() {
        return "Misc devices:\n"
                + "name \"isa-debug-exit\", bus ISA\n"
                + "name \"isa-debugcon\", bus ISA\n"
                + "\nStorage devices:\n"
                + "name \"floppy\", bus floppy-bus, desc \"virtual floppy drive\"\n"
                + "name \"ide-cd\", bus IDE, desc \"virtual IDE CD-ROM\"\n"
                + "name \"ide-hd\", bus IDE, desc \"virtual IDE disk\"\n";
    }
}
