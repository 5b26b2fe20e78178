package dev.jemu.user.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The parts of /proc that must describe guest processes rather than the JVM running them: /proc/self,
 * /proc/thread-self and /proc/PID (and PID/task/TID) for every guest process: exe, cwd, fd/N, cmdline,
 * environ, comm, maps, stat, status, auxv and the fd directory. Generated files are served from a memfd;
 * other /proc/PID entries fall back to the JVM's own (/proc/self/...), which is the best the host knows.
 */
final class ProcFs {
    private ProcFs() {}

    /** A /proc path about a guest process: the process, the thread (or null) and the rest of the path. */
    private record Target(LinuxProcess proc, LinuxThread thread, String tail) {
    }

    private static Target target(LinuxThread t, byte[] path) {
        String p = new String(path, StandardCharsets.UTF_8);
        if (!p.startsWith("/proc/")) return null;
        String rest = p.substring(6);
        int slash = rest.indexOf('/');
        String who = slash < 0 ? rest : rest.substring(0, slash);
        String tail = slash < 0 ? "" : rest.substring(slash + 1);
        LinuxProcess proc;
        LinuxThread thread = null;
        if (who.equals("self")) {
            proc = t.proc;
        } else if (who.equals("thread-self")) {
            proc = t.proc;
            thread = t;
        } else {
            int pid;
            try {
                pid = Integer.parseInt(who);
            } catch (NumberFormatException e) {
                return null;
            }
            proc = t.proc.kernel.process(pid);
            if (proc == null) {
                // A thread id also names its process in /proc (hidden from listings, as in Linux).
                LinuxThread th = t.proc.kernel.thread(pid);
                if (th == null) return null;
                proc = th.proc;
                thread = th;
            }
        }
        // PID/task/TID/... is about one thread of the process.
        if (tail.startsWith("task/")) {
            String r = tail.substring(5);
            int s2 = r.indexOf('/');
            try {
                LinuxThread th = proc.kernel.thread(Integer.parseInt(s2 < 0 ? r : r.substring(0, s2)));
                if (th != null && th.proc == proc) {
                    thread = th;
                    tail = s2 < 0 ? "" : r.substring(s2 + 1);
                }
            } catch (NumberFormatException e) {
                // "task" itself: the host's listing is the JVM's; leave it
            }
        }
        return new Target(proc, thread, tail);
    }

    /** A replacement path for the host, or null to use the guest's path as it is. */
    static byte[] rewrite(LinuxThread t, byte[] path) {
        Target g = target(t, path);
        if (g == null) return null;
        String tail = g.tail;
        LinuxProcess p = g.proc;
        if (tail.equals("exe")) return bytes(p.exe);
        if (tail.equals("cwd")) return bytes(p.cwd);
        if (tail.equals("root")) return bytes("/");
        if (tail.startsWith("fd/")) {
            try {
                int h = p.fds.host(Integer.parseInt(tail.substring(3)));
                // Our own host descriptor reopens the same file, as /proc/PID/fd/N does.
                return bytes("/proc/self/fd/" + (h < 0 ? "-1" : h));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        // The rest: the JVM's own entries (the host thread's for a thread), which the host can show.
        String base = g.thread != null && g.thread.hostTid > 0 ? "/proc/self/task/" + g.thread.hostTid : "/proc/self";
        if (tail.isEmpty()) return bytes(base);
        if (tail.equals("fd") || tail.equals("task")) return bytes("/proc/self/" + tail);
        return bytes(base + "/" + tail);
    }

    /** /proc/PID/fd or /proc/PID/task of a guest process: its listing, or null. */
    static ProcDir directory(LinuxThread t, byte[] path) {
        Target g = target(t, path);
        if (g == null) return null;
        String tail = g.tail.endsWith("/") ? g.tail.substring(0, g.tail.length() - 1) : g.tail;
        LinuxProcess p = g.proc;
        if (tail.equals("fd")) {
            return new ProcDir(() -> {
                java.util.List<String> names = new java.util.ArrayList<>();
                for (int fd : p.fds.open()) names.add(Integer.toString(fd));
                return names;
            }, true);
        }
        if (tail.equals("task")) {
            return new ProcDir(() -> {
                java.util.List<Integer> tids = new java.util.ArrayList<>();
                for (LinuxThread th : p.threads) tids.add(th.tid);
                java.util.Collections.sort(tids);
                java.util.List<String> names = new java.util.ArrayList<>();
                for (int tid : tids) names.add(Integer.toString(tid));
                return names;
            }, false);
        }
        return null;
    }

    /** For paths whose contents jemu generates: a host descriptor with them, or MIN_VALUE. */
    static int open(LinuxThread t, byte[] path) {
        Target g = target(t, path);
        if (g == null) return Integer.MIN_VALUE;
        LinuxProcess p = g.proc;
        byte[] content = switch (g.tail) {
            case "cmdline" -> p.cmdline();
            case "environ" -> p.environ();
            case "comm" -> bytes((g.thread != null ? new String(g.thread.commBytes(), StandardCharsets.UTF_8) : p.comm()) + "\n");
            case "maps" -> maps(p);
            case "stat" -> stat(p, g.thread);
            case "status" -> status(p, g.thread);
            case "auxv" -> auxv(p);
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
        Target g = target(t, path);
        if (g == null) return null;
        LinuxProcess p = g.proc;
        String tail = g.tail;
        if (tail.equals("exe")) return bytes(p.exe);
        if (tail.equals("cwd")) return bytes(p.cwd);
        if (tail.equals("root")) return bytes("/");
        if (tail.startsWith("fd/")) {
            try {
                FdTable.HostFile f = p.fds.get(Integer.parseInt(tail.substring(3)));
                if (f == null) return null;
                String hp = FileCalls.hostFdPath(f.hostFd);
                return bytes(hp == null ? f.name : hp);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- maps

    private static final Map<String, long[]> FILE_IDS = new HashMap<>();

    /** {device, inode} of a mapped file, as maps shows them. */
    private static long[] fileId(String path) {
        synchronized (FILE_IDS) {
            long[] id = FILE_IDS.get(path);
            if (id != null) return id;
            MemorySegment st = Arena.ofAuto().allocate(144, 8);
            id = new long[2];
            if (HostSyscall.call(Nr.STAT, FileCalls.cstr(path), st.address()) == 0) {
                id[0] = st.get(ValueLayout.JAVA_LONG, 0);
                id[1] = st.get(ValueLayout.JAVA_LONG, 8);
            }
            FILE_IDS.put(path, id);
            return id;
        }
    }

    /** The kernel's show_map_vma format: the name starts at column 74 (73 characters of fields, padded). */
    static byte[] maps(LinuxProcess p) {
        StringBuilder b = new StringBuilder();
        for (AddressSpace.Vma v : p.mm.vmas()) {
            boolean file = v.name.startsWith("/");
            long[] id = file ? fileId(v.name) : new long[2];
            long dev = id[0];
            int major = (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL));
            int minor = (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
            int start = b.length();
            b.append(String.format("%08x-%08x %c%c%c%c %08x %02x:%02x %d", v.start, v.end,
                    (v.prot & 1) != 0 ? 'r' : '-', (v.prot & 2) != 0 ? 'w' : '-', (v.prot & 4) != 0 ? 'x' : '-',
                    v.shared ? 's' : 'p', file ? v.fileOffset : 0, major, minor, id[1]));
            if (!v.name.isEmpty()) {
                b.append(" ".repeat(Math.max(1, 73 - (b.length() - start))));
                b.append(v.name);
            }
            b.append('\n');
        }
        return bytes(b.toString());
    }

    // ---------------------------------------------------------------- stat, status

    private static char state(LinuxProcess p, LinuxThread t) {
        if (p.dead()) return 'Z';
        if (p.stopped) return 'T';
        LinuxThread x = t != null ? t : p.mainThread();
        return x != null && (x.parked || x.inHostCall) ? 'S' : 'R';
    }

    private static long ticks(long ns) {
        return ns / 10_000_000L; // USER_HZ = 100
    }

    private static long sigMaskOf(LinuxProcess p, long want) {
        long m = 0;
        for (int s = 1; s <= SignalActions.NSIG; s++) {
            long h = p.sigactions.handler[s];
            if (want == 0 ? h == SignalActions.SIG_IGN : h > SignalActions.SIG_IGN) m |= Signals.bit(s);
        }
        return m;
    }

    /** /proc/PID/stat: the 52 fields of proc(5). */
    static byte[] stat(LinuxProcess p, LinuxThread t) {
        long[] cpu = t != null ? Usage.thread(t) : Usage.process(p);
        long cu, cs;
        synchronized (p.sigLock) {
            cu = p.childUser;
            cs = p.childSys;
        }
        LinuxThread main = t != null ? t : p.mainThread();
        long vsize = 0;
        for (AddressSpace.Vma v : p.mm.vmas()) vsize += v.end - v.start;
        long bootTicks = ticks(p.startNanos - Kernel.BOOT_NANOS) + Kernel.bootTicksAtStart();
        long sp = main == null ? 0 : main.cpu.regs[dev.jemu.target.x86.X86Cpu.RSP];
        long ip = main == null ? 0 : main.cpu.rip;
        long pending = (main == null ? 0 : main.pending) | p.sharedPending;
        int tpgid = Terminal.foregroundPgrp(p);
        Object[] f = {
            t != null ? t.tid : p.pid, "(" + p.comm() + ")", state(p, t), p.ppid, p.pgid, p.sid,
            0x8800, tpgid, 0x400000, 0, 0, 0, 0,                          // tty_nr .. cmajflt
            ticks(cpu[0]), ticks(cpu[1]), ticks(cu), ticks(cs), 20, 0,     // times, priority, nice
            p.threads.size(), 0, bootTicks, vsize, 0, "18446744073709551615", // .. rsslim
            0, 0, p.auxvAddr, sp, ip,                                      // startcode .. kstkeip
            pending & 0x7fffffffL, (main == null ? 0 : main.sigMask) & 0x7fffffffL,
            sigMaskOf(p, 0) & 0x7fffffffL, sigMaskOf(p, 1) & 0x7fffffffL,
            0, 0, 0, p.exitSignal, 0, 0, 0, 0, 0, 0,                       // wchan .. cguest_time
            0, 0, p.mm.brkStart, 0, 0, 0, 0, p.dead() ? p.waitStatus : 0  // start_data .. exit_code
        };
        StringBuilder b = new StringBuilder();
        for (Object o : f) b.append(b.length() == 0 ? "" : " ").append(o);
        String s = b.append('\n').toString();
        return bytes(s);
    }

    static byte[] status(LinuxProcess p, LinuxThread t) {
        LinuxThread main = t != null ? t : p.mainThread();
        long vsize = 0;
        for (AddressSpace.Vma v : p.mm.vmas()) vsize += v.end - v.start;
        long uid = HostSyscall.call(Nr.GETUID), gid = HostSyscall.call(Nr.GETGID);
        char st = state(p, t);
        String stName = switch (st) {
            case 'Z' -> "Z (zombie)";
            case 'T' -> "T (stopped)";
            case 'S' -> "S (sleeping)";
            default -> "R (running)";
        };
        long pending = main == null ? 0 : main.pending;
        String s = "Name:\t" + p.comm() + "\n"
                + "Umask:\t" + String.format("%04o", p.umask) + "\n"
                + "State:\t" + stName + "\n"
                + "Tgid:\t" + p.pid + "\n"
                + "Ngid:\t0\n"
                + "Pid:\t" + (t != null ? t.tid : p.pid) + "\n"
                + "PPid:\t" + p.ppid + "\n"
                + "TracerPid:\t0\n"
                + "Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n"
                + "Gid:\t" + gid + "\t" + gid + "\t" + gid + "\t" + gid + "\n"
                + "FDSize:\t" + p.fds.capacity() + "\n"
                + "Groups:\t\n"
                + "NSpgid:\t" + p.pgid + "\n"
                + "NSsid:\t" + p.sid + "\n"
                + "VmSize:\t" + (vsize / 1024) + " kB\n"
                + "Threads:\t" + p.threads.size() + "\n"
                + "SigQ:\t0/63000\n"
                + String.format("SigPnd:\t%016x%nShdPnd:\t%016x%nSigBlk:\t%016x%nSigIgn:\t%016x%nSigCgt:\t%016x%n",
                        pending, p.sharedPending, main == null ? 0 : main.sigMask, sigMaskOf(p, 0), sigMaskOf(p, 1))
                + "CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"
                + "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n"
                + "NoNewPrivs:\t0\nSeccomp:\t0\n"
                + "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n";
        return bytes(s);
    }

    /** /proc/PID/auxv: the auxiliary vector as the process got it. */
    static byte[] auxv(LinuxProcess p) {
        if (p.auxvLen <= 0) return new byte[0];
        try {
            return p.mem.read(p.auxvAddr, (int) p.auxvLen);
        } catch (GuestMemory.Fault e) {
            return new byte[0];
        }
    }
}
