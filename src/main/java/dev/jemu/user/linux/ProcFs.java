package dev.jemu.user.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The parts of /proc that must describe the guest rather than the JVM running it: /proc/self (and
 * /proc/PID for the guest's own pid) exe, cmdline, maps and fd/N.
 */
final class ProcFs {
    private ProcFs() {}

    /** The "/proc/self/"-relative remainder of a path naming this process, or null. */
    private static String selfPart(LinuxThread t, byte[] path) {
        String p = new String(path, StandardCharsets.UTF_8);
        if (!p.startsWith("/proc/")) return null;
        String rest = p.substring(6);
        int slash = rest.indexOf('/');
        String who = slash < 0 ? rest : rest.substring(0, slash);
        String tail = slash < 0 ? "" : rest.substring(slash + 1);
        if (who.equals("self") || who.equals(Integer.toString(t.proc.pid)) || who.equals("thread-self")) return tail;
        return null;
    }

    /** A replacement path for the host, or null to use the guest's path as it is. */
    static byte[] rewrite(LinuxThread t, byte[] path) {
        String tail = selfPart(t, path);
        if (tail == null) return null;
        if (tail.equals("exe")) return t.proc.exe.getBytes(StandardCharsets.UTF_8);
        if (tail.equals("cwd")) return t.proc.cwd.getBytes(StandardCharsets.UTF_8);
        if (tail.startsWith("fd/")) {
            try {
                int gfd = Integer.parseInt(tail.substring(3));
                int h = t.proc.fds.host(gfd);
                return ("/proc/self/fd/" + (h < 0 ? "-1" : h)).getBytes(StandardCharsets.UTF_8);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (tail.equals("fd")) return null;
        return ("/proc/self/" + tail).getBytes(StandardCharsets.UTF_8);
    }

    /** For paths whose contents jemu generates: a host descriptor with them, or MIN_VALUE. */
    static int open(LinuxThread t, byte[] path) {
        String tail = selfPart(t, path);
        if (tail == null) return Integer.MIN_VALUE;
        byte[] content = switch (tail) {
            case "cmdline" -> t.proc.cmdline();
            case "maps" -> maps(t.proc);
            default -> null;
        };
        if (content == null) return Integer.MIN_VALUE;
        long fd = HostSyscall.call(Nr.MEMFD_CREATE, FileCalls.cstr("jemu-proc"), 1 /* MFD_CLOEXEC */);
        if (fd < 0) return (int) fd;
        MemorySegment b = Arena.ofAuto().allocate(Math.max(1, content.length));
        MemorySegment.copy(content, 0, b, ValueLayout.JAVA_BYTE, 0, content.length);
        HostSyscall.call(Nr.WRITE, fd, b.address(), content.length);
        HostSyscall.call(Nr.LSEEK, fd, 0, 0);
        return (int) fd;
    }

    static byte[] readlink(LinuxThread t, byte[] path) {
        String tail = selfPart(t, path);
        if (tail == null) return null;
        if (tail.equals("exe")) return t.proc.exe.getBytes(StandardCharsets.UTF_8);
        if (tail.equals("cwd")) return t.proc.cwd.getBytes(StandardCharsets.UTF_8);
        if (tail.startsWith("fd/")) {
            try {
                FdTable.HostFile f = t.proc.fds.get(Integer.parseInt(tail.substring(3)));
                if (f == null) return null;
                String p = FileCalls.hostFdPath(f.hostFd);
                return (p == null ? f.name : p).getBytes(StandardCharsets.UTF_8);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static byte[] maps(LinuxProcess p) {
        StringBuilder b = new StringBuilder();
        for (AddressSpace.Vma v : p.mm.vmas()) {
            b.append(String.format("%08x-%08x %c%c%cp %08x 00:00 0", v.start, v.end,
                    (v.prot & 1) != 0 ? 'r' : '-', (v.prot & 2) != 0 ? 'w' : '-', (v.prot & 4) != 0 ? 'x' : '-',
                    v.name.startsWith("/") ? v.fileOffset : 0));
            if (!v.name.isEmpty()) b.append(" ".repeat(10)).append(v.name);
            b.append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
