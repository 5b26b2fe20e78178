package dev.jemu.user.linux;

import java.util.HashMap;
import java.util.Map;

/**
 * -strace output in qemu-user's format: {@code PID name(args) = result}, with strings for paths, symbolic
 * flags for the common calls, and errors as {@code -1 errno=N (message)}. A thread's line is built at entry
 * and printed whole at exit, so lines of different threads do not mix; calls that do not return (exit,
 * a successful execve, rt_sigreturn) print at entry.
 */
final class Strace {
    private Strace() {}

    /**
     * Argument formats by x86-64 name: one letter per argument. d decimal, u unsigned, x hex, p pointer, s
     * string, F descriptor or AT_FDCWD, o octal, O open flags, P mmap prot, M mmap flags, S signal,
     * H sigprocmask how, C clone flags, W wait options, T fcntl command.
     */
    private static final Map<String, String> FORMATS = new HashMap<>();

    static {
        String[] f = {
            "read:dpu", "write:dpu", "open:sOo", "close:d", "stat:sp", "fstat:dp", "lstat:sp", "poll:pdd",
            "lseek:ddd", "mmap:puPMdx", "mprotect:puP", "munmap:pu", "brk:p", "rt_sigaction:Sppu",
            "rt_sigprocmask:Hppu", "rt_sigreturn:", "ioctl:dxp", "pread64:dpud", "pwrite64:dpud", "readv:dpd",
            "writev:dpd", "access:so", "pipe:p", "select:dpppp", "sched_yield:", "mremap:puuxp", "madvise:pud",
            "dup:d", "dup2:dd", "pause:", "nanosleep:pp", "alarm:u", "getpid:", "socket:ddd", "connect:dpd",
            "accept:dpp", "sendto:dpudpd", "recvfrom:dpudpp", "sendmsg:dpd", "recvmsg:dpd", "shutdown:dd",
            "bind:dpd", "listen:dd", "clone:Cpppp", "fork:", "vfork:", "execve:spp", "exit:d", "wait4:dpWp",
            "kill:dS", "uname:p", "fcntl:dTx", "flock:dd", "fsync:d", "ftruncate:dd", "getdents64:dpu",
            "getcwd:pu", "chdir:s", "fchdir:d", "rename:ss", "mkdir:so", "rmdir:s", "creat:so", "link:ss",
            "unlink:s", "symlink:ss", "readlink:spu", "chmod:so", "fchmod:do", "chown:sdd", "umask:o",
            "gettimeofday:pp", "getrlimit:dp", "getrusage:dp", "sysinfo:p", "times:p", "getuid:", "getgid:",
            "setuid:d", "setgid:d", "geteuid:", "getegid:", "setpgid:dd", "getppid:", "getpgrp:", "setsid:",
            "getpgid:d", "getsid:d", "rt_sigpending:pu", "rt_sigtimedwait:pppu", "rt_sigqueueinfo:dSp",
            "rt_sigsuspend:pu", "sigaltstack:pp", "statfs:sp", "fstatfs:dp", "prctl:dxxxx", "arch_prctl:xp",
            "setrlimit:dp", "sync:", "gettid:", "tkill:dS", "futex:pdxpxx", "set_tid_address:p",
            "fadvise64:dddd", "timer_create:dpp", "timer_settime:ddpp", "timer_delete:d",
            "clock_gettime:dp", "clock_getres:dp", "clock_nanosleep:ddpp", "exit_group:d",
            "epoll_wait:dpdd", "epoll_ctl:dddp", "tgkill:ddS", "waitid:ddpWp", "openat:FsOo", "mkdirat:Fso",
            "newfstatat:Fspx", "unlinkat:Fsx", "renameat:FsFs", "linkat:FsFsx", "symlinkat:sFs",
            "readlinkat:Fspu", "fchmodat:Fso", "faccessat:Fso", "pselect6:dppppp", "ppoll:pdppu",
            "set_robust_list:pu", "splice:dpdpux", "tee:ddux", "utimensat:Fspx", "epoll_pwait:dpddpu",
            "signalfd4:dpux", "timerfd_create:dx", "eventfd2:ux", "epoll_create1:x", "dup3:ddx", "pipe2:px",
            "inotify_init1:x", "prlimit64:ddpp", "getrandom:pux", "memfd_create:sx", "execveat:Fsppx",
            "copy_file_range:dpdpux", "statx:Fsxxp", "rseq:pudx", "clone3:pu", "close_range:ddx",
            "faccessat2:Fsox", "sendfile:ddpu", "socketpair:dddp", "setsockopt:dddpd", "getsockopt:dddpp",
            "getsockname:dpp", "getpeername:dpp", "accept4:dppx", "sched_getaffinity:dup", "getdents:dpu",
            "getxattr:sspu", "lgetxattr:sspu", "fgetxattr:dspu", "listxattr:spu", "llistxattr:spu",
            "flistxattr:dpu", "setxattr:sspux", "lsetxattr:sspux", "fsetxattr:dspux", "removexattr:ss",
            "lremovexattr:ss", "fremovexattr:ds",
            "truncate:sd", "fchown:ddd", "lchown:sdd", "mknod:sox", "mknodat:Fsox", "fchownat:Fsddx",
            "renameat2:FsFsx", "epoll_create:d", "restart_syscall:", "getitimer:dp", "setitimer:dpp",
            "getpriority:dd", "setpriority:ddd", "sched_setaffinity:dup", "mincore:pup", "getresuid:ppp",
            "getresgid:ppp", "getgroups:dp", "setresuid:ddd", "setresgid:ddd", "personality:x",
        };
        for (String s : f) {
            int c = s.indexOf(':');
            FORMATS.put(s.substring(0, c), s.substring(c + 1));
        }
    }

    private static final ThreadLocal<StringBuilder> LINE = ThreadLocal.withInitial(StringBuilder::new);
    /** Results printed in hex (addresses), as qemu does; the others in decimal. */
    private static final java.util.Set<String> HEX_RESULT = java.util.Set.of("mmap", "mmap2", "mremap", "brk", "shmat");
    private static final ThreadLocal<boolean[]> HEX = ThreadLocal.withInitial(() -> new boolean[1]);

    static void enter(LinuxThread t, int nr, long... a) {
        begin(t, SyscallNames.x86_64(nr), SyscallNames.x86_64(nr), nr, a);
    }

    static void enter32(LinuxThread t, int nr, long... a) {
        // i386 calls with x86-64 twins are formatted alike; the others print their raw arguments.
        String name = SyscallNames.i386(nr);
        begin(t, name, name, nr, a);
    }

    private static void begin(LinuxThread t, String name, String fmtName, int nr, long[] a) {
        StringBuilder b = LINE.get();
        b.setLength(0);
        HEX.get()[0] = name != null && HEX_RESULT.contains(name);
        b.append(t.proc.pid).append(' ').append(name == null ? "syscall_" + nr : name).append('(');
        String fmt = fmtName == null ? null : FORMATS.get(fmtName);
        if (fmt == null) {
            for (int k = 0; k < 6; k++) {
                if (k > 0) b.append(',');
                b.append(a[k] >= 0 && a[k] < 4096 ? Long.toString(a[k]) : "0x" + Long.toHexString(a[k]));
            }
        } else {
            int n = fmt.length();
            // open/openat show the mode only when it means something (O_CREAT, O_TMPFILE), as qemu does.
            int oi = fmt.indexOf('O');
            if (oi >= 0 && oi == n - 2 && fmt.charAt(n - 1) == 'o' && (a[oi] & 0100) == 0 && (a[oi] & 020000000) == 0) n--;
            for (int k = 0; k < n; k++) {
                if (k > 0) b.append(',');
                arg(t, b, fmt.charAt(k), a[k]);
            }
        }
        b.append(')');
        if (name != null && (name.equals("exit") || name.equals("exit_group") || name.startsWith("execve"))) {
            flush(t, b.append('\n'));
        }
    }

    private static void arg(LinuxThread t, StringBuilder b, char f, long v) {
        switch (f) {
            case 'd' -> b.append((int) v);
            case 'u' -> b.append(v);
            case 'x' -> b.append("0x").append(Long.toHexString(v));
            case 'p' -> b.append(v == 0 ? "NULL" : "0x" + Long.toHexString(v));
            case 's' -> string(t, b, v);
            case 'F' -> b.append((int) v == FileCalls.AT_FDCWD ? "AT_FDCWD" : Integer.toString((int) v));
            case 'o' -> b.append('0').append(Long.toOctalString(v & 0xffffffffL));
            case 'O' -> openFlags(b, (int) v);
            case 'P' -> bits(b, v, new String[] {"PROT_READ", "PROT_WRITE", "PROT_EXEC"}, "PROT_NONE");
            case 'M' -> mmapFlags(b, v);
            case 'S' -> signal(b, (int) v);
            case 'H' -> b.append(v == 0 ? "SIG_BLOCK" : v == 1 ? "SIG_UNBLOCK" : v == 2 ? "SIG_SETMASK" : Long.toString(v));
            case 'C' -> cloneFlags(b, v);
            case 'W' -> bits(b, v, new String[] {"WNOHANG", "WUNTRACED", "WEXITED", "WCONTINUED"}, "0");
            case 'T' -> b.append(fcntlCmd((int) v));
            default -> b.append(v);
        }
    }

    private static void string(LinuxThread t, StringBuilder b, long va) {
        if (va == 0) {
            b.append("NULL");
            return;
        }
        try {
            byte[] s = t.proc.mem.cstringBytes(va, 4096);
            b.append('"');
            for (byte c : s) {
                if (c == '"' || c == '\\') b.append('\\').append((char) c);
                else if (c >= 32 && c < 127) b.append((char) c);
                else b.append(String.format("\\%03o", c & 0xff));
            }
            b.append('"');
        } catch (GuestMemory.Fault e) {
            b.append("0x").append(Long.toHexString(va));
        }
    }

    private static void bits(StringBuilder b, long v, String[] names, String zero) {
        if (v == 0) {
            b.append(zero);
            return;
        }
        boolean first = true;
        for (int k = 0; k < names.length; k++) {
            if ((v & (1L << k)) != 0) {
                if (!first) b.append('|');
                b.append(names[k]);
                first = false;
                v &= ~(1L << k);
            }
        }
        if (v != 0) b.append(first ? "" : "|").append("0x").append(Long.toHexString(v));
    }

    private static void openFlags(StringBuilder b, int v) {
        int acc = v & 3;
        b.append(acc == 0 ? "O_RDONLY" : acc == 1 ? "O_WRONLY" : acc == 2 ? "O_RDWR" : "3");
        String[][] named = {{"0100", "O_CREAT"}, {"0200", "O_EXCL"}, {"0400", "O_NOCTTY"}, {"01000", "O_TRUNC"},
            {"02000", "O_APPEND"}, {"04000", "O_NONBLOCK"}, {"010000", "O_DSYNC"}, {"040000", "O_DIRECT"},
            {"0200000", "O_DIRECTORY"}, {"0400000", "O_NOFOLLOW"}, {"01000000", "O_NOATIME"},
            {"02000000", "O_CLOEXEC"}, {"010000000", "O_PATH"}, {"020200000", "O_TMPFILE"}};
        int rest = v & ~3;
        for (String[] n : named) {
            int bit = Integer.parseInt(n[0], 8);
            if ((rest & bit) == bit) {
                b.append('|').append(n[1]);
                rest &= ~bit;
            }
        }
        if ((rest & 0100000) != 0) rest &= ~0100000; // O_LARGEFILE: implied on x86-64
        if (rest != 0) b.append("|0").append(Integer.toOctalString(rest));
    }

    private static void mmapFlags(StringBuilder b, long v) {
        String[][] named = {{"1", "MAP_SHARED"}, {"2", "MAP_PRIVATE"}, {"10", "MAP_FIXED"}, {"20", "MAP_ANONYMOUS"},
            {"100", "MAP_GROWSDOWN"}, {"800", "MAP_DENYWRITE"}, {"1000", "MAP_EXECUTABLE"}, {"2000", "MAP_LOCKED"},
            {"4000", "MAP_NORESERVE"}, {"8000", "MAP_POPULATE"}, {"10000", "MAP_NONBLOCK"}, {"20000", "MAP_STACK"},
            {"40000", "MAP_HUGETLB"}, {"100000", "MAP_FIXED_NOREPLACE"}};
        boolean first = true;
        for (String[] n : named) {
            long bit = Long.parseLong(n[0], 16);
            if ((v & bit) != 0) {
                if (!first) b.append('|');
                b.append(n[1]);
                first = false;
                v &= ~bit;
            }
        }
        if (v != 0 || first) b.append(first ? "" : "|").append("0x").append(Long.toHexString(v));
    }

    private static final String[] SIGNAMES = {"0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
        "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ",
        "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    static String signalName(int s) {
        if (s >= 0 && s < SIGNAMES.length) return SIGNAMES[s];
        if (s >= 32 && s <= 64) return "SIGRTMIN+" + (s - 32); // the kernel's numbering (glibc reserves 32, 33)
        return Integer.toString(s);
    }

    private static void signal(StringBuilder b, int s) {
        b.append(signalName(s));
    }

    private static void cloneFlags(StringBuilder b, long v) {
        String[][] named = {{"100", "CLONE_VM"}, {"200", "CLONE_FS"}, {"400", "CLONE_FILES"},
            {"800", "CLONE_SIGHAND"}, {"1000", "CLONE_PIDFD"}, {"4000", "CLONE_VFORK"}, {"8000", "CLONE_PARENT"},
            {"10000", "CLONE_THREAD"}, {"40000", "CLONE_SYSVSEM"}, {"80000", "CLONE_SETTLS"},
            {"100000", "CLONE_PARENT_SETTID"}, {"200000", "CLONE_CHILD_CLEARTID"}, {"400000", "CLONE_DETACHED"},
            {"1000000", "CLONE_CHILD_SETTID"}};
        long sig = v & 0xff;
        v &= ~0xffL;
        boolean first = true;
        for (String[] n : named) {
            long bit = Long.parseLong(n[0], 16);
            if ((v & bit) != 0) {
                if (!first) b.append('|');
                b.append(n[1]);
                first = false;
                v &= ~bit;
            }
        }
        if (v != 0) b.append(first ? "" : "|").append("0x").append(Long.toHexString(v));
        if (sig != 0) b.append(first && v == 0 ? "" : "|").append(signalName((int) sig));
        else if (first && v == 0) b.append('0');
    }

    private static String fcntlCmd(int c) {
        return switch (c) {
            case 0 -> "F_DUPFD";
            case 1 -> "F_GETFD";
            case 2 -> "F_SETFD";
            case 3 -> "F_GETFL";
            case 4 -> "F_SETFL";
            case 5 -> "F_GETLK";
            case 6 -> "F_SETLK";
            case 7 -> "F_SETLKW";
            case 1030 -> "F_DUPFD_CLOEXEC";
            default -> Integer.toString(c);
        };
    }

    static void noResult(LinuxThread t, int nr) {
        StringBuilder b = LINE.get();
        if (b.length() == 0) return; // already printed at entry
        flush(t, b.append('\n'));
    }

    static void exit(LinuxThread t, int nr, long res) {
        StringBuilder b = LINE.get();
        if (res < 0 && res > -4096) {
            int e = (int) -res;
            if (Blocking.isRestart(res)) {
                b.append(" = ? (interrupted by a signal)\n");
            } else {
                b.append(" = -1 errno=").append(e).append(" (").append(Errno.message(e)).append(")\n");
            }
        } else if (HEX.get()[0]) {
            b.append(t.proc.is64() ? String.format(" = 0x%016x%n", res) : String.format(" = 0x%08x%n", res));
        } else {
            b.append(" = ").append(res).append('\n');
        }
        flush(t, b);
    }

    private static void flush(LinuxThread t, StringBuilder b) {
        java.io.PrintStream out = t.proc.kernel.log.out();
        synchronized (out) {
            out.print(b);
            out.flush();
        }
        b.setLength(0);
    }
}
