package dev.jemu.machine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the command line asked for, parsed and checked (cli/ builds it; machine/pc builds the board from it).
 *
 * @param ramBytes    -m
 * @param cpuModel    -cpu name ("max", "qemu64", ...)
 * @param cpus        -smp
 * @param firmware    -bios (null: the default, found under the data directories)
 * @param dataDirs    -L directories, searched for firmware before the built-in ones
 * @param kernel      -kernel (null if none); initrd and append go with it
 * @param drives      -drive/-hda/-cdrom/-fda, in command-line order
 * @param bootOrder   -boot order=... letters ("cad"), or null for the default
 * @param serials     -serial backends in order (COM1, COM2...): "stdio", "null", "file:PATH", "tcp:...", "unix:..."
 * @param chardevs    -chardev id -> backend spec
 * @param devices     -device specs (driver and its key=value properties, in order)
 * @param noReboot    -no-reboot: a reset (triple fault, keyboard reset) ends the emulator
 * @param noShutdown  -no-shutdown: a guest power-off stops the CPU but keeps the emulator running
 * @param snapshot    -snapshot: disk writes go to a throw-away overlay
 * @param nographic   -nographic
 * @param display     -display ("none", ...), or null
 * @param bits        64 for jemu-system-x86_64, 32 for jemu-system-i386 (the default CPU model differs)
 * @param machineType -M type, resolved ("pc")
 * @param accel       the accelerator ("tcg")
 * @param logItems    -d items as given (null: none); checked against {@link dev.jemu.util.Log}
 * @param logFile     -D file (null: stderr)
 * @param vga         -vga ("std", "none"...)
 * @param monitor     -monitor backend ("none" when absent; "stdio" multiplexed with the serial under -nographic)
 * @param boot        the rest of -boot (menu, splash-time, reboot-timeout, strict); the order is {@code bootOrder}
 */
public record MachineConfig(long ramBytes, String cpuModel, int cpus, Path firmware, List<Path> dataDirs,
                            Path kernel, Path initrd, String append, List<Drive> drives, String bootOrder,
                            List<String> serials, Map<String, String> chardevs, List<Device> devices,
                            boolean noReboot, boolean noShutdown, boolean snapshot, boolean nographic,
                            String display, int bits, String machineType, String accel, String logItems,
                            Path logFile, String vga, String monitor, Boot boot) {

    /** As before -boot's options beyond the order were kept: QEMU's defaults for them. */
    public MachineConfig(long ramBytes, String cpuModel, int cpus, Path firmware, List<Path> dataDirs,
                         Path kernel, Path initrd, String append, List<Drive> drives, String bootOrder,
                         List<String> serials, Map<String, String> chardevs, List<Device> devices,
                         boolean noReboot, boolean noShutdown, boolean snapshot, boolean nographic,
                         String display, int bits, String machineType, String accel, String logItems,
                         Path logFile, String vga, String monitor) {
        this(ramBytes, cpuModel, cpus, firmware, dataDirs, kernel, initrd, append, drives, bootOrder, serials,
                chardevs, devices, noReboot, noShutdown, snapshot, nographic, display, bits, machineType, accel,
                logItems, logFile, vga, monitor, Boot.DEFAULT);
    }

    /** The original skeleton's components (machine pc, tcg, no logging, std VGA, no monitor). */
    public MachineConfig(long ramBytes, String cpuModel, int cpus, Path firmware, List<Path> dataDirs,
                         Path kernel, Path initrd, String append, List<Drive> drives, String bootOrder,
                         List<String> serials, Map<String, String> chardevs, List<Device> devices,
                         boolean noReboot, boolean noShutdown, boolean snapshot, boolean nographic,
                         String display, int bits) {
        this(ramBytes, cpuModel, cpus, firmware, dataDirs, kernel, initrd, append, drives, bootOrder, serials,
                chardevs, devices, noReboot, noShutdown, snapshot, nographic, display, bits, "pc", "tcg", null,
                null, "std", "none");
    }

    /** The defaults of a bare command line (128 MiB, the tool's default CPU, no kernel, no drives). */
    public static MachineConfig defaults(int bits) {
        return new MachineConfig(128L << 20, bits == 64 ? "qemu64" : "qemu32", 1, null, List.of(), null, null,
                null, List.of(), null, List.of(), Map.of(), List.of(), false, false, false, false, null, bits);
    }

    /** The int property {@code key} of this device (QEMU integer syntax: decimal, 0x hex, 0 octal), or {@code dflt}. */
    public static long intProp(Device d, String key, long dflt) {
        String v = d.props().get(key);
        return v == null ? dflt : Long.decode(v);
    }

    /**
     * -boot's options besides the order, as QEMU hands them to the firmware: {@code menu} (fw_cfg BOOT_MENU),
     * {@code splashTime} ms ("etc/boot-menu-wait", -1: not given), {@code rebootTimeout} ms ("etc/boot-fail-wait",
     * -1: never retry) and {@code strict} (a "HALT" entry ends the "bootorder" list).
     */
    public record Boot(boolean menu, long splashTime, long rebootTimeout, boolean strict) {
        public static final Boot DEFAULT = new Boot(false, -1, -1, false);
    }

    /**
     * One -drive: file, format ("raw"), interface ("ide", "floppy", "none": for a -device to take by its id), media
     * ("disk", "cdrom"), index (-1: next free), read-only, id (null if not given).
     */
    public record Drive(Path file, String format, String iface, String media, int index, boolean readOnly, String id) {
        public Drive(Path file, String format, String iface, String media, int index, boolean readOnly) {
            this(file, format, iface, media, index, readOnly, null);
        }
    }

    /** One -device: its driver name and properties in order. */
    public record Device(String driver, Map<String, String> props) {}
}
