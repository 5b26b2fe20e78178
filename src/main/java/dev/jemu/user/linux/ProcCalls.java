package dev.jemu.user.linux;

import dev.jemu.target.x86.X86Cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/** Process identity and environment: ids, process groups, uname, arch_prctl, limits, prctl, exit. */
final class ProcCalls {
    private ProcCalls() {}

    static long umask(LinuxThread t, int mask) {
        int old = t.proc.umask;
        t.proc.umask = mask & 0777;
        return old;
    }

    /** Setting ids: allowed only to the values the process already has (jemu does not change host identity). */
    static long setIds(LinuxThread t, int nr, long a, long b, long c) {
        long uid = HostSyscall.call(Nr.GETUID), gid = HostSyscall.call(Nr.GETGID);
        long id = switch (nr) {
            case Nr.SETGID, Nr.SETREGID, Nr.SETRESGID, Nr.SETFSGID -> gid;
            default -> uid;
        };
        if (nr == Nr.SETGROUPS) return uid == 0 ? 0 : -Errno.EPERM;
        if (nr == Nr.SETFSUID || nr == Nr.SETFSGID) return id;
        for (long v : new long[] {a, b, c}) {
            if (nr == Nr.SETUID || nr == Nr.SETGID) {
                if ((int) v != (int) id && uid != 0) return -Errno.EPERM;
                break;
            }
            if ((int) v != -1 && (int) v != (int) id && uid != 0) return -Errno.EPERM;
        }
        return 0;
    }

    /** A guest process by pid (zombies included), or null. */
    private static LinuxProcess find(LinuxThread t, int pid) {
        if (pid == 0) return t.proc;
        LinuxProcess p = t.proc.kernel.process(pid);
        return p == null || p.reaped ? null : p;
    }

    /** getpgid: for pids that are not guest processes, the host's answer (e.g. the shell that started jemu). */
    static long getpgid(LinuxThread t, int pid) {
        if (pid < 0) return -Errno.ESRCH;
        LinuxProcess p = find(t, pid);
        if (p == null) return pid == t.proc.kernel.hostPid ? -Errno.ESRCH : HostSyscall.call(Nr.GETPGID, pid);
        return p.pgid;
    }

    /**
     * setpgid with Linux's rules: the target is the caller or one of its children (ESRCH), a child that has
     * not exec'd (EACCES) in the caller's session (EPERM), not a session leader (EPERM); joining an existing
     * group requires one in the same session (EPERM).
     */
    static long setpgid(LinuxThread t, int pid, int pgid) {
        if (pgid < 0) return -Errno.EINVAL;
        LinuxProcess me = t.proc;
        Kernel k = me.kernel;
        synchronized (k.tree) {
            LinuxProcess p = pid == 0 ? me : k.process(pid);
            if (p == null || p.reaped || (p != me && p.parent != me)) return -Errno.ESRCH;
            if (p != me) {
                if (p.sid != me.sid) return -Errno.EPERM;
                if (p.execed) return -Errno.EACCES;
            }
            if (p.sid == p.pid) return -Errno.EPERM;
            int g = pgid == 0 ? p.pid : pgid;
            if (g != p.pid) {
                boolean exists = false;
                for (LinuxProcess q : k.processes()) {
                    if (q.pgid == g && q.sid == me.sid && !q.reaped) {
                        exists = true;
                        break;
                    }
                }
                if (!exists) return -Errno.EPERM;
            }
            p.pgid = g;
        }
        return 0;
    }

    static long getsid(LinuxThread t, int pid) {
        if (pid < 0) return -Errno.ESRCH;
        LinuxProcess p = find(t, pid);
        if (p == null) return pid == t.proc.kernel.hostPid ? -Errno.ESRCH : HostSyscall.call(Nr.GETSID, pid);
        return p.sid;
    }

    /** setsid: fails for a process group leader (any group with the caller's pid exists). */
    static long setsid(LinuxThread t) {
        LinuxProcess me = t.proc;
        Kernel k = me.kernel;
        synchronized (k.tree) {
            for (LinuxProcess q : k.processes()) if (q.pgid == me.pid && !q.reaped) return -Errno.EPERM;
            me.sid = me.pid;
            me.pgid = me.pid;
        }
        Terminal.leftSession(me);
        return me.pid;
    }

    /** uname: the host's, with the guest's machine name. */
    static long uname(LinuxThread t, long va) {
        MemorySegment u = Arena.ofAuto().allocate(390);
        long r = HostSyscall.call(Nr.UNAME, u.address());
        if (r < 0) return r;
        String machine = t.proc.is64() ? "x86_64" : "i686";
        u.asSlice(4 * 65, 65).fill((byte) 0);
        byte[] m = machine.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(m, 0, u, ValueLayout.JAVA_BYTE, 4 * 65, m.length);
        byte[] out = new byte[390];
        MemorySegment.copy(u, ValueLayout.JAVA_BYTE, 0, out, 0, 390);
        t.proc.mem.write(va, out);
        return 0;
    }

    static final int ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004;

    static long archPrctl(LinuxThread t, int code, long addr) {
        X86Cpu c = t.cpu;
        switch (code) {
            case ARCH_SET_FS -> c.segBase[X86Cpu.FS] = addr;
            case ARCH_SET_GS -> c.segBase[X86Cpu.GS] = addr;
            case ARCH_GET_FS -> t.proc.mem.writeLong(addr, c.segBase[X86Cpu.FS]);
            case ARCH_GET_GS -> t.proc.mem.writeLong(addr, c.segBase[X86Cpu.GS]);
            default -> {
                return -Errno.EINVAL;
            }
        }
        return 0;
    }

    static final int RLIMIT_NOFILE = 7;

    /**
     * prlimit64 for this process: the host's limits (jemu's). The descriptor table follows RLIMIT_NOFILE
     * (up to its own maximum), so EMFILE comes where the guest expects it.
     */
    static long prlimit(LinuxThread t, int pid, int resource, long newVa, long oldVa) {
        if (pid != 0 && pid != t.proc.pid) return -Errno.ESRCH;
        long nl = newVa == 0 ? 0 : FileCalls.buf(t, newVa, 16, false);
        long ol = oldVa == 0 ? 0 : FileCalls.buf(t, oldVa, 16, true);
        long r = HostSyscall.call(Nr.PRLIMIT64, 0, resource, nl, ol);
        if (r == 0 && newVa != 0 && resource == RLIMIT_NOFILE) {
            t.proc.fds.setLimit((int) Math.min(t.proc.mem.readLong(newVa), FdTable.MAX_FDS));
        }
        return r;
    }

    static final int PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4,
            PR_SET_NAME = 15, PR_GET_NAME = 16;

    static long prctl(LinuxThread t, int option, long a, long b) {
        return switch (option) {
            case PR_SET_NAME -> {
                // The thread's name (comm): at most 15 bytes, read up to a NUL or the 16th byte.
                byte[] raw = new byte[16];
                int n = 0;
                while (n < 15) {
                    int c = t.proc.mem.readByte(a + n);
                    if (c == 0) break;
                    raw[n++] = (byte) c;
                }
                t.comm = java.util.Arrays.copyOf(raw, n);
                yield 0;
            }
            case PR_GET_NAME -> {
                byte[] nb = java.util.Arrays.copyOf(t.commBytes(), 16);
                t.proc.mem.write(a, nb);
                yield 0;
            }
            case PR_SET_PDEATHSIG, PR_SET_DUMPABLE -> 0;
            case PR_GET_DUMPABLE -> 1;
            case PR_GET_PDEATHSIG -> {
                t.proc.mem.writeInt(a, 0);
                yield 0;
            }
            default -> -Errno.EINVAL;
        };
    }

    static long setRobustList(LinuxThread t, long head, long len) {
        if (len != (t.proc.is64() ? 24 : 12)) return -Errno.EINVAL;
        t.robustList = head;
        t.robustListLen = len;
        return 0;
    }

    static long getRobustList(LinuxThread t, int tid, long headVa, long lenVa) {
        LinuxThread target = tid == 0 ? t : t.proc.kernel.thread(tid);
        if (target == null) return -Errno.ESRCH;
        boolean is64 = t.proc.is64();
        t.proc.mem.writePtr(headVa, target.robustList, is64);
        t.proc.mem.writePtr(lenVa, is64 ? 24 : 12, is64);
        return 0;
    }

    /** exit: this thread ends; with the last thread the process ends with this code. */
    static long exit(LinuxThread t, int code) {
        t.exitCode = (code & 0xff) << 8;
        throw new LinuxThread.Exit();
    }

    static long exitGroup(LinuxThread t, int code) {
        Processes.exitProcess(t.proc, (code & 0xff) << 8);
        return 0;
    }
}
