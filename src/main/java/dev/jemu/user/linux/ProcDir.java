package dev.jemu.user.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A generated /proc directory: /proc/PID/fd (the guest's descriptors) and /proc/PID/task (its threads).
 * Opening one gives a host descriptor on the real directory (so fstat and fchdir work), and getdents lists
 * the guest's entries instead of the JVM's.
 */
final class ProcDir implements FdTable.Special {
    private static final byte DT_DIR = 4, DT_LNK = 10;

    private final java.util.function.Supplier<List<String>> lister;
    private List<String> names;
    private final byte type;
    /** How many entries were already returned (getdents continues where it stopped). */
    private int pos;

    /** The listing is taken at the first getdents (so /proc/self/fd shows the descriptor being read). */
    ProcDir(java.util.function.Supplier<List<String>> lister, boolean links) {
        this.lister = lister;
        this.type = links ? DT_LNK : DT_DIR;
    }

    /** getdents64 ({@code dirent64}: ino, off, reclen, type, name) or old getdents (type after the name). */
    synchronized long getdents(LinuxThread t, long va, long len, boolean is64Format) {
        if (names == null) names = lister.get();
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(len, 1 << 20)).order(ByteOrder.LITTLE_ENDIAN);
        int all = names.size() + 2;
        while (pos < all) {
            String n = pos == 0 ? "." : pos == 1 ? ".." : names.get(pos - 2);
            byte[] nb = n.getBytes(StandardCharsets.UTF_8);
            int reclen = is64Format ? (19 + nb.length + 1 + 7) & ~7 : (18 + nb.length + 2 + 7) & ~7;
            if (b.position() + reclen > b.capacity()) {
                if (b.position() == 0) return -Errno.EINVAL;
                break;
            }
            int at = b.position();
            b.putLong(at, 1000 + pos);
            b.putLong(at + 8, pos + 1);
            b.putShort(at + 16, (short) reclen);
            byte dt = pos < 2 ? DT_DIR : type;
            if (is64Format) {
                b.put(at + 18, dt);
                b.put(at + 19, nb, 0, nb.length);
            } else {
                b.put(at + 18, nb, 0, nb.length);
                b.put(at + reclen - 1, dt);
            }
            b.position(at + reclen);
            pos++;
        }
        int n = b.position();
        byte[] out = new byte[n];
        System.arraycopy(b.array(), 0, out, 0, n);
        t.proc.mem.write(va, out);
        return n;
    }

    /** lseek(fd, 0, SEEK_SET) on the directory starts the listing again. */
    synchronized void rewind() {
        pos = 0;
        names = null;
    }
}
