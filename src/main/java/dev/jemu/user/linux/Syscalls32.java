package dev.jemu.user.linux;

import static dev.jemu.user.linux.Structs32.lohi;
import static dev.jemu.user.linux.Structs32.s32;

/**
 * The i386 system call table: numbers, argument conventions and struct layouts of the 32-bit ABI.
 *
 * <p>Calls whose arguments mean the same on both ABIs (descriptors, paths, ints, sizes, buffers and structures
 * with identical layouts) are listed in {@link #SAME} by name and go to the x86-64 table, so the i386 guest gets
 * exactly the shared implementation. The rest are converted here and in the *32 classes: 16-bit ids,
 * 32-bit {@code time_t}, {@code long} and pointers inside structures, 64-bit values split over two registers.
 */
final class Syscalls32 {
    private Syscalls32() {}

    /**
     * i386 calls that are the x86-64 call of the same name with the same arguments. Calls with a 64-bit
     * timespec input are not here even when named alike: a 32-bit caller leaves their nsec padding undefined.
     */
    private static final String SAME_NAMES = """
            exit fork read write open close creat link unlink chdir mknod chmod getpid mount alarm pause access sync
            kill rename mkdir rmdir dup pipe brk umount2 ioctl setpgid umask chroot dup2 getppid getpgrp setsid
            symlink readlink munmap fchmod getpriority setpriority syslog fsync uname mprotect getpgid fchdir
            personality flock msync getsid fdatasync mlock munlock mlockall munlockall sched_setparam
            sched_getparam sched_setscheduler sched_getscheduler sched_yield sched_get_priority_max
            sched_get_priority_min mremap poll prctl rt_sigprocmask rt_sigpending rt_sigsuspend getcwd capget
            capset vfork mincore madvise gettid setxattr lsetxattr fsetxattr getxattr lgetxattr
            fgetxattr listxattr llistxattr flistxattr removexattr lremovexattr fremovexattr tkill
            sched_setaffinity sched_getaffinity exit_group epoll_create epoll_ctl epoll_wait set_tid_address
            timer_getoverrun timer_delete tgkill ioprio_set ioprio_get inotify_init inotify_add_watch
            inotify_rm_watch openat mkdirat mknodat fchownat unlinkat renameat linkat symlinkat readlinkat
            fchmodat faccessat unshare set_robust_list splice tee getcpu epoll_pwait signalfd timerfd_create
            eventfd signalfd4 eventfd2 epoll_create1 dup3 pipe2 inotify_init1 prlimit64 syncfs sched_setattr
            sched_getattr renameat2 seccomp getrandom memfd_create membarrier mlock2 copy_file_range statx rseq
            pidfd_send_signal pidfd_open clone3 close_range openat2 pidfd_getfd faccessat2 futex_waitv execve
            execveat restart_syscall rt_sigreturn timer_getoverrun timer_delete
            """;

    /** i386 calls that are an x86-64 call of another name with the same arguments: {i386, x86-64}. */
    private static final String[][] RENAMED = {
        {"getuid32", "getuid"}, {"getgid32", "getgid"}, {"geteuid32", "geteuid"}, {"getegid32", "getegid"},
        {"setreuid32", "setreuid"}, {"setregid32", "setregid"}, {"getgroups32", "getgroups"},
        {"setgroups32", "setgroups"}, {"fchown32", "fchown"}, {"setresuid32", "setresuid"},
        {"getresuid32", "getresuid"}, {"setresgid32", "setresgid"}, {"getresgid32", "getresgid"},
        {"chown32", "chown"}, {"lchown32", "lchown"}, {"setuid32", "setuid"}, {"setgid32", "setgid"},
        {"setfsuid32", "setfsuid"}, {"setfsgid32", "setfsgid"}, {"sendfile64", "sendfile"},
        {"clock_gettime64", "clock_gettime"}, {"clock_getres_time64", "clock_getres"},
        {"timer_gettime64", "timer_gettime"}, {"timerfd_gettime64", "timerfd_gettime"},
        {"sched_rr_get_interval_time64", "sched_rr_get_interval"},
    };

    /** i386 number to x86-64 number for the calls above, -1 for the others. */
    private static final int[] SAME = new int[Nr.MAX];

    static {
        java.util.Arrays.fill(SAME, -1);
        java.util.Map<String, Integer> x64 = new java.util.HashMap<>();
        java.util.Map<String, Integer> i386 = new java.util.HashMap<>();
        for (int k = 0; k < Nr.MAX; k++) {
            if (SyscallNames.x86_64(k) != null) x64.put(SyscallNames.x86_64(k), k);
            if (SyscallNames.i386(k) != null) i386.put(SyscallNames.i386(k), k);
        }
        for (String n : SAME_NAMES.trim().split("\\s+")) SAME[i386.get(n)] = x64.get(n);
        for (String[] r : RENAMED) SAME[i386.get(r[0])] = x64.get(r[1]);
    }

    static long dispatch(LinuxThread t, int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        if (nr >= 0 && nr < SAME.length && SAME[nr] >= 0) return Sys64.dispatch(t, SAME[nr], a0, a1, a2, a3, a4, a5);
        final int fdcwd = FileCalls.AT_FDCWD;
        GuestMemory m = t.proc.mem;
        return switch (nr) {
            // ---- files ----
            case Nr32.LSEEK -> File32.lseek(t, (int) a0, a1, (int) a2);
            case Nr32.LLSEEK -> File32.llseek(t, (int) a0, a1, a2, a3, (int) a4);
            case Nr32.PREAD64 -> FileCalls.pread(t, (int) a0, a1, a2, lohi(a3, a4));
            case Nr32.PWRITE64 -> FileCalls.pwrite(t, (int) a0, a1, a2, lohi(a3, a4));
            case Nr32.READV -> FileCalls.rwv(t, Nr.READV, (int) a0, a1, (int) a2, 0, false);
            case Nr32.WRITEV -> FileCalls.rwv(t, Nr.WRITEV, (int) a0, a1, (int) a2, 0, false);
            case Nr32.PREADV -> File32.preadv(t, Nr.PREADV, (int) a0, a1, a2, lohi(a3, a4), 0);
            case Nr32.PWRITEV -> File32.preadv(t, Nr.PWRITEV, (int) a0, a1, a2, lohi(a3, a4), 0);
            case Nr32.PREADV2 -> File32.preadv(t, Nr.PREADV, (int) a0, a1, a2, lohi(a3, a4), a5);
            case Nr32.PWRITEV2 -> File32.preadv(t, Nr.PWRITEV, (int) a0, a1, a2, lohi(a3, a4), a5);
            case Nr32.TRUNCATE -> File32.truncate(t, a0, s32(a1));
            case Nr32.FTRUNCATE -> File32.ftruncate(t, (int) a0, s32(a1));
            case Nr32.TRUNCATE64 -> File32.truncate(t, a0, lohi(a1, a2));
            case Nr32.FTRUNCATE64 -> File32.ftruncate(t, (int) a0, lohi(a1, a2));
            case Nr32.FADVISE64 -> File32.fadvise(t, (int) a0, lohi(a1, a2), a3, a4);
            case Nr32.FADVISE64_64 -> File32.fadvise(t, (int) a0, lohi(a1, a2), lohi(a3, a4), a5);
            case Nr32.FALLOCATE -> File32.fallocate(t, (int) a0, a1, lohi(a2, a3), lohi(a4, a5));
            case Nr32.READAHEAD -> File32.readahead(t, (int) a0, lohi(a1, a2), a3);
            case Nr32.SYNC_FILE_RANGE -> File32.syncFileRange(t, (int) a0, lohi(a1, a2), lohi(a3, a4), a5);
            case Nr32.SENDFILE -> File32.sendfile(t, (int) a0, (int) a1, a2, a3);
            case Nr32.FCNTL, Nr32.FCNTL64 -> File32.fcntl(t, (int) a0, (int) a1, a2);
            case Nr32.GETDENTS -> Dir32.getdents(t, (int) a0, a1, a2);
            case Nr32.GETDENTS64 -> Dir32.getdents64(t, (int) a0, a1, a2);
            case Nr32.STAT -> Stat32.statAt(t, fdcwd, a0, a1, 0, Stat32.OLD);
            case Nr32.LSTAT -> Stat32.statAt(t, fdcwd, a0, a1, FileCalls.AT_SYMLINK_NOFOLLOW, Stat32.OLD);
            case Nr32.FSTAT -> Stat32.fstat(t, (int) a0, a1, Stat32.OLD);
            case Nr32.STAT64 -> Stat32.statAt(t, fdcwd, a0, a1, 0, Stat32.STAT64);
            case Nr32.LSTAT64 -> Stat32.statAt(t, fdcwd, a0, a1, FileCalls.AT_SYMLINK_NOFOLLOW, Stat32.STAT64);
            case Nr32.FSTAT64 -> Stat32.fstat(t, (int) a0, a1, Stat32.STAT64);
            case Nr32.FSTATAT64 -> Stat32.statAt(t, (int) a0, a1, a2, (int) a3, Stat32.STAT64);
            case Nr32.STATFS -> Stat32.statfs(t, a0, -1, a1, false, 0);
            case Nr32.FSTATFS -> Stat32.statfs(t, 0, (int) a0, a1, false, 0);
            case Nr32.STATFS64 -> Stat32.statfs(t, a0, -1, a2, true, a1);
            case Nr32.FSTATFS64 -> Stat32.statfs(t, 0, (int) a0, a2, true, a1);
            case Nr32.UTIME -> Time32.utime(t, a0, a1);
            case Nr32.UTIMES -> Time32.futimesat(t, fdcwd, a0, a1);
            case Nr32.FUTIMESAT -> Time32.futimesat(t, (int) a0, a1, a2);
            case Nr32.UTIMENSAT -> Time32.utimensat(t, (int) a0, a1, a2, (int) a3, false);
            case Nr32.UTIMENSAT_TIME64 -> Time32.utimensat(t, (int) a0, a1, a2, (int) a3, true);
            case Nr32.LCHOWN -> Sys64.dispatch(t, Nr.LCHOWN, a0, Proc32.high(a1), Proc32.high(a2), 0, 0, 0);
            case Nr32.CHOWN -> Sys64.dispatch(t, Nr.CHOWN, a0, Proc32.high(a1), Proc32.high(a2), 0, 0, 0);
            case Nr32.FCHOWN -> Sys64.dispatch(t, Nr.FCHOWN, a0, Proc32.high(a1), Proc32.high(a2), 0, 0, 0);
            case Nr32.SELECT -> Select32.oldSelect(t, a0);
            case Nr32.NEWSELECT -> Select32.select(t, a0, a1, a2, a3, a4, Select32.TIMEVAL, 0);
            case Nr32.PSELECT6 -> Select32.select(t, a0, a1, a2, a3, a4, Select32.TIMESPEC32, a5);
            case Nr32.PSELECT6_TIME64 -> Select32.select(t, a0, a1, a2, a3, a4, Select32.TIMESPEC64, a5);
            case Nr32.PPOLL -> Select32.ppoll(t, a0, a1, a2, false, a3, a4);
            case Nr32.PPOLL_TIME64 -> Select32.ppoll(t, a0, a1, a2, true, a3, a4);
            case Nr32.EPOLL_PWAIT2 -> time64(t, Nr.EPOLL_PWAIT2, a3, 1, a0, a1, a2, a3, a4, a5);
            case Nr32.TIMERFD_SETTIME -> Time32.timerfdSettime(t, (int) a0, (int) a1, a2, a3, false);
            case Nr32.TIMERFD_SETTIME64 -> time64(t, Nr.TIMERFD_SETTIME, a2, 2, a0, a1, a2, a3, 0, 0);
            case Nr32.TIMERFD_GETTIME -> Time32.timerfdGettime(t, (int) a0, a1, false);

            // ---- memory ----
            case Nr32.MMAP -> MemCalls.mmap(t, m.readInt(a0) & 0xffffffffL, m.readInt(a0 + 4) & 0xffffffffL,
                    m.readInt(a0 + 8), m.readInt(a0 + 12), m.readInt(a0 + 16), m.readInt(a0 + 20) & 0xffffffffL);
            case Nr32.MMAP2 -> MemCalls.mmap(t, a0, a1, (int) a2, (int) a3, (int) a4, a5 << 12);

            // ---- time ----
            case Nr32.TIME -> Time32.time(t, a0);
            case Nr32.GETTIMEOFDAY -> Time32.gettimeofday(t, a0, a1);
            case Nr32.SETTIMEOFDAY, Nr32.STIME, Nr32.CLOCK_SETTIME, Nr32.CLOCK_SETTIME64 -> -Errno.EPERM;
            case Nr32.CLOCK_GETTIME -> Time32.clockGet(t, Nr.CLOCK_GETTIME, a0, a1);
            case Nr32.CLOCK_GETRES -> Time32.clockGet(t, Nr.CLOCK_GETRES, a0, a1);
            case Nr32.NANOSLEEP -> Time32.nanosleep(t, a0, a1);
            case Nr32.CLOCK_NANOSLEEP -> Time32.clockNanosleep(t, a0, a1, a2, a3);
            case Nr32.CLOCK_NANOSLEEP_TIME64 -> time64(t, Nr.CLOCK_NANOSLEEP, a2, 1, a0, a1, a2, a3, 0, 0);
            case Nr32.SCHED_RR_GET_INTERVAL -> Time32.rrInterval(t, a0, a1);
            case Nr32.TIMES -> Time32.times(t, a0);
            case Nr32.GETRUSAGE -> Time32.getrusage(t, a0, a1);

            // ---- identity, limits, system ----
            case Nr32.GETUID -> Proc32.getId16(t, Nr.GETUID);
            case Nr32.GETGID -> Proc32.getId16(t, Nr.GETGID);
            case Nr32.GETEUID -> Proc32.getId16(t, Nr.GETEUID);
            case Nr32.GETEGID -> Proc32.getId16(t, Nr.GETEGID);
            case Nr32.SETUID -> Sys64.dispatch(t, Nr.SETUID, Proc32.high(a0), 0, 0, 0, 0, 0);
            case Nr32.SETGID -> Sys64.dispatch(t, Nr.SETGID, Proc32.high(a0), 0, 0, 0, 0, 0);
            case Nr32.SETREUID -> Sys64.dispatch(t, Nr.SETREUID, Proc32.high(a0), Proc32.high(a1), 0, 0, 0, 0);
            case Nr32.SETREGID -> Sys64.dispatch(t, Nr.SETREGID, Proc32.high(a0), Proc32.high(a1), 0, 0, 0, 0);
            case Nr32.SETRESUID -> Sys64.dispatch(t, Nr.SETRESUID, Proc32.high(a0), Proc32.high(a1), Proc32.high(a2), 0, 0, 0);
            case Nr32.SETRESGID -> Sys64.dispatch(t, Nr.SETRESGID, Proc32.high(a0), Proc32.high(a1), Proc32.high(a2), 0, 0, 0);
            case Nr32.SETFSUID -> Sys64.dispatch(t, Nr.SETFSUID, Proc32.high(a0), 0, 0, 0, 0, 0);
            case Nr32.SETFSGID -> Sys64.dispatch(t, Nr.SETFSGID, Proc32.high(a0), 0, 0, 0, 0, 0);
            case Nr32.GETRESUID -> Proc32.getres16(t, Nr.GETRESUID, a0, a1, a2);
            case Nr32.GETRESGID -> Proc32.getres16(t, Nr.GETRESGID, a0, a1, a2);
            case Nr32.GETGROUPS -> Proc32.getgroups16(t, a0, a1);
            case Nr32.SETGROUPS -> Sys64.dispatch(t, Nr.SETGROUPS, a0, a1, 0, 0, 0, 0);
            case Nr32.GETRLIMIT -> Proc32.getrlimit(t, (int) a0, a1, true);
            case Nr32.UGETRLIMIT -> Proc32.getrlimit(t, (int) a0, a1, false);
            case Nr32.SETRLIMIT -> Proc32.setrlimit(t, (int) a0, a1);
            case Nr32.SYSINFO -> Proc32.sysinfo(t, a0);
            case Nr32.OLDUNAME -> Proc32.olduname(t, a0);
            case Nr32.NICE -> 0;
            case Nr32.SETHOSTNAME, Nr32.SETDOMAINNAME, Nr32.IOPL, Nr32.IOPERM, Nr32.VHANGUP -> -Errno.EPERM;
            case Nr32.ARCH_PRCTL -> -Errno.EINVAL; // no ARCH_SET_FS/GS for 32-bit tasks
            case Nr32.SET_THREAD_AREA -> UserSegments.setThreadArea(t.cpu, m, a0);
            case Nr32.GET_THREAD_AREA -> UserSegments.getThreadArea(t.cpu, m, a0);

            // ---- processes ----
            case Nr32.WAITPID -> Sys64.dispatch(t, Nr.WAIT4, s32(a0), a1, a2, 0, 0, 0);
            case Nr32.WAIT4 -> Proc32.wait4(t, s32(a0), a1, a2, a3);
            case Nr32.WAITID -> Proc32.waitid(t, a0, a1, a2, a3, a4);
            case Nr32.CLONE -> Proc32.clone(t, a0, a1, a2, a3, a4);

            // ---- signals, timers, futexes ----
            case Nr32.RT_SIGACTION -> Signal32.sigaction(t, a0, a1, a2, a3, false);
            case Nr32.SIGACTION -> Signal32.sigaction(t, a0, a1, a2, 8, true);
            case Nr32.SIGNAL -> Signal32.signal(t, a0, a1);
            case Nr32.SIGPROCMASK -> SignalCalls.sigprocmaskOld(t, (int) a0, a1, a2);
            case Nr32.SGETMASK -> Signal32.sgetmask(t);
            case Nr32.SSETMASK -> Signal32.ssetmask(t, a0);
            case Nr32.SIGPENDING -> SignalCalls.rtSigpending(t, a0, 4);
            case Nr32.SIGSUSPEND -> SignalCalls.sigsuspendOld(t, a2);
            case Nr32.SIGALTSTACK -> Signal32.sigaltstack(t, a0, a1);
            case Nr32.RT_SIGTIMEDWAIT -> Signal32.sigtimedwait(t, a0, a1, a2, a3, false);
            case Nr32.RT_SIGTIMEDWAIT_TIME64 -> Signal32.sigtimedwait(t, a0, a1, a2, a3, true);
            case Nr32.RT_SIGQUEUEINFO -> Signal32.sigqueueinfo(t, Nr.RT_SIGQUEUEINFO, a0, a1, 0, a2);
            case Nr32.RT_TGSIGQUEUEINFO -> Signal32.sigqueueinfo(t, Nr.RT_TGSIGQUEUEINFO, a0, a1, a2, a3);
            case Nr32.SIGRETURN -> SignalCalls.sigreturn(t);
            case Nr32.SETITIMER -> Signal32.itimer(t, true, a0, a1, a2);
            case Nr32.GETITIMER -> Signal32.itimer(t, false, a0, a1, 0);
            case Nr32.TIMER_CREATE -> Signal32.timerCreate(t, a0, a1, a2);
            case Nr32.TIMER_SETTIME -> Signal32.timerTime(t, true, a0, a1, a2, a3);
            case Nr32.TIMER_GETTIME -> Signal32.timerTime(t, false, a0, 0, a1, 0);
            case Nr32.TIMER_SETTIME64 -> time64(t, Signal32.TIMER_SETTIME, a2, 2, a0, a1, a2, a3, 0, 0);
            case Nr32.FUTEX -> Signal32.futex(t, a0, a1, a2, a3, a4, a5, false);
            case Nr32.FUTEX_TIME64 -> Signal32.futex(t, a0, a1, a2, a3, a4, a5, true);

            // ---- sockets ----
            case Nr32.SOCKETCALL -> Socket32.socketcall(t, a0, a1);
            case Nr32.SOCKET -> SocketCalls.socket(t, (int) a0, (int) a1, (int) a2);
            case Nr32.SOCKETPAIR -> SocketCalls.socketpair(t, (int) a0, (int) a1, (int) a2, a3);
            case Nr32.BIND -> SocketCalls.bind(t, (int) a0, a1, (int) a2);
            case Nr32.CONNECT -> SocketCalls.connect(t, (int) a0, a1, (int) a2);
            case Nr32.LISTEN -> SocketCalls.listen(t, (int) a0, (int) a1);
            case Nr32.ACCEPT4 -> SocketCalls.accept4(t, (int) a0, a1, a2, (int) a3);
            case Nr32.GETSOCKOPT -> Socket32.getsockopt(t, a0, a1, a2, a3, a4);
            case Nr32.SETSOCKOPT -> Socket32.setsockopt(t, a0, a1, a2, a3, a4);
            case Nr32.GETSOCKNAME -> SocketCalls.name(t, Nr.GETSOCKNAME, (int) a0, a1, a2);
            case Nr32.GETPEERNAME -> SocketCalls.name(t, Nr.GETPEERNAME, (int) a0, a1, a2);
            case Nr32.SENDTO -> SocketCalls.sendto(t, (int) a0, a1, a2, (int) a3, a4, (int) a5);
            case Nr32.RECVFROM -> SocketCalls.recvfrom(t, (int) a0, a1, a2, (int) a3, a4, a5);
            case Nr32.SENDMSG -> Socket32.sendmsg(t, a0, a1, a2);
            case Nr32.RECVMSG -> Socket32.recvmsg(t, a0, a1, a2);
            case Nr32.SHUTDOWN -> SocketCalls.shutdown(t, (int) a0, (int) a1);
            case Nr32.SENDMMSG -> Socket32.sendmmsg(t, a0, a1, a2, a3);
            case Nr32.RECVMMSG -> Socket32.recvmmsg(t, a0, a1, a2, a3, a4, false);
            case Nr32.RECVMMSG_TIME64 -> Socket32.recvmmsg(t, a0, a1, a2, a3, a4, true);

            default -> Sys64.unimplemented(t, nr, SyscallNames.i386(nr));
        };
    }

    /**
     * A *_time64 call whose 64-bit timespec input(s) at {@code ts} ({@code count} of them) the shared x86-64
     * implementation reads as they are, once their padding is cleared.
     */
    private static long time64(LinuxThread t, int nr64, long ts, int count, long a0, long a1, long a2, long a3,
                               long a4, long a5) {
        Structs32.clearNsecPadding(t.proc.mem, ts, count);
        return Sys64.dispatch(t, nr64, a0, a1, a2, a3, a4, a5);
    }
}
