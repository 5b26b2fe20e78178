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
 */
public record MachineConfig(long ramBytes, String cpuModel, int cpus, Path firmware, List<Path> dataDirs,
                            Path kernel, Path initrd, String append, List<Drive> drives, String bootOrder,
                            List<String> serials, Map<String, String> chardevs, List<Device> devices,
                            boolean noReboot, boolean noShutdown, boolean snapshot, boolean nographic,
                            String display, int bits) {

    /** One -drive: file, format ("raw"), interface ("ide", "floppy"), media ("disk", "cdrom"), index (-1: next free), read-only. */
    public record Drive(Path file, String format, String iface, String media, int index, boolean readOnly) {}

    /** One -device: its driver name and properties in order. */
    public record Device(String driver, Map<String, String> props) {}
}
