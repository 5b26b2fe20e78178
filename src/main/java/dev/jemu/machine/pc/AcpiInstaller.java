package dev.jemu.machine.pc;

import dev.jemu.memory.PhysMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Places the ACPI tables in guest memory without firmware, for a direct -kernel boot: runs the table-loader
 * script ({@link TableLoader}) as SeaBIOS's romfile_loader would, allocating every file inside one reserved RAM
 * window instead of SeaBIOS's zones. The kernel finds the RSDP through boot_params.acpi_rsdp_addr.
 */
public final class AcpiInstaller {
    private AcpiInstaller() {}

    /** Bytes reserved for the tables (our tables take a few KiB). */
    public static final long WINDOW = 64 * 1024;

    /** Writes the tables into [base, base+WINDOW) and returns the RSDP's address. */
    public static long install(PhysMemory phys, AcpiBuilder acpi, long base) {
        Map<String, byte[]> files = new HashMap<>();
        files.put(AcpiBuilder.TABLES, acpi.tables().clone());
        files.put(AcpiBuilder.RSDP, acpi.rsdp().clone());
        Map<String, Long> addr = new HashMap<>();
        long next = base;
        ByteBuffer l = ByteBuffer.wrap(acpi.loader()).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + TableLoader.ENTRY_SIZE <= l.capacity(); at += TableLoader.ENTRY_SIZE) {
            String f1 = name(l, at + 4);
            switch (l.getInt(at)) {
                case TableLoader.ALLOCATE -> {
                    long align = Math.max(1, l.getInt(at + 4 + TableLoader.FILE_SIZE));
                    next = (next + align - 1) / align * align;
                    addr.put(f1, next);
                    next += files.get(f1).length;
                    if (next > base + WINDOW) throw new IllegalStateException("ACPI tables larger than their window");
                }
                case TableLoader.ADD_POINTER -> {
                    String src = name(l, at + 4 + TableLoader.FILE_SIZE);
                    int off = l.getInt(at + 4 + 2 * TableLoader.FILE_SIZE), size = l.get(at + 8 + 2 * TableLoader.FILE_SIZE);
                    ByteBuffer d = ByteBuffer.wrap(files.get(f1)).order(ByteOrder.LITTLE_ENDIAN);
                    if (size == 4) d.putInt(off, (int) (d.getInt(off) + addr.get(src)));
                    else d.putLong(off, d.getLong(off) + addr.get(src));
                }
                case TableLoader.ADD_CHECKSUM -> {
                    byte[] d = files.get(f1);
                    int p = at + 4 + TableLoader.FILE_SIZE;
                    int off = l.getInt(p), start = l.getInt(p + 4), len = l.getInt(p + 8);
                    int sum = 0;
                    for (int i = start; i < start + len; i++) sum += d[i];
                    d[off] -= (byte) sum;
                }
                default -> { } // an empty command slot
            }
        }
        for (Map.Entry<String, Long> e : addr.entrySet()) {
            byte[] d = files.get(e.getKey());
            phys.writeBytes(e.getValue(), d, 0, d.length);
        }
        return addr.get(AcpiBuilder.RSDP);
    }

    private static String name(ByteBuffer b, int at) {
        int n = 0;
        while (n < TableLoader.FILE_SIZE && b.get(at + n) != 0) n++;
        byte[] s = new byte[n];
        b.get(at, s);
        return new String(s, StandardCharsets.US_ASCII);
    }
}
