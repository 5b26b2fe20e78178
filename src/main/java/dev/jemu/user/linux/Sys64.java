package dev.jemu.user.linux;

import dev.jemu.util.Log;

/**
 * The x86-64 system call table: number to implementation. Implementations live in classes named after what
 * they handle ({@link FileCalls}, {@link MemCalls}, {@link ProcCalls}, ...) and take guest values; the i386
 * table maps its calls onto the same implementations.
 */
public final class Sys64 {
    private Sys64() {}

    /** Returned by calls that set the registers themselves (rt_sigreturn, a successful execve). */
    public static final long NO_RESULT = Long.MIN_VALUE;

    static long dispatch(LinuxThread t, int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        final int fdcwd = FileCalls.AT_FDCWD;
        return switch (nr) {
            case Nr.READ -> FileCalls.read(t, (int) a0, a1, a2);
            case Nr.WRITE -> FileCalls.write(t, (int) a0, a1, a2);
            case Nr.OPEN -> FileCalls.openat(t, fdcwd, a0, (int) a1, (int) a2);
            case Nr.OPENAT -> FileCalls.openat(t, (int) a0, a1, (int) a2, (int) a3);
            case Nr.CREAT -> FileCalls.openat(t, fdcwd, a0, 0x241, (int) a1); // O_CREAT|O_WRONLY|O_TRUNC
            case Nr.CLOSE -> t.proc.fds.close((int) a0);
            case Nr.STAT -> FileCalls.fstatat(t, fdcwd, a0, a1, 0);
            case Nr.LSTAT -> FileCalls.fstatat(t, fdcwd, a0, a1, FileCalls.AT_SYMLINK_NOFOLLOW);
            case Nr.FSTAT -> FileCalls.fstat(t, (int) a0, a1);
            case Nr.NEWFSTATAT -> FileCalls.fstatat(t, (int) a0, a1, a2, (int) a3);
            case Nr.STATX -> FileCalls.statx(t, (int) a0, a1, (int) a2, (int) a3, a4);
            case Nr.LSEEK -> FileCalls.lseek(t, (int) a0, a1, (int) a2);
            case Nr.PREAD64 -> FileCalls.pread(t, (int) a0, a1, a2, a3);
            case Nr.PWRITE64 -> FileCalls.pwrite(t, (int) a0, a1, a2, a3);
            case Nr.READV -> FileCalls.rwv(t, Nr.READV, (int) a0, a1, (int) a2, 0, true);
            case Nr.WRITEV -> FileCalls.rwv(t, Nr.WRITEV, (int) a0, a1, (int) a2, 0, true);
            case Nr.PREADV -> FileCalls.rwv(t, Nr.PREADV, (int) a0, a1, (int) a2, a3, true);
            case Nr.PWRITEV -> FileCalls.rwv(t, Nr.PWRITEV, (int) a0, a1, (int) a2, a3, true);
            case Nr.IOCTL -> FileCalls.ioctl(t, (int) a0, a1, a2);
            case Nr.FCNTL -> FileCalls.fcntl(t, (int) a0, (int) a1, a2);
            case Nr.DUP -> t.proc.fds.dup((int) a0, 0, false);
            case Nr.DUP2 -> FileCalls.dup2(t, (int) a0, (int) a1);
            case Nr.DUP3 -> FileCalls.dup3(t, (int) a0, (int) a1, (int) a2);
            case Nr.PIPE -> FileCalls.pipe2(t, a0, 0);
            case Nr.PIPE2 -> FileCalls.pipe2(t, a0, (int) a1);
            case Nr.ACCESS -> FileCalls.faccessat(t, fdcwd, a0, (int) a1, 0);
            case Nr.FACCESSAT -> FileCalls.faccessat(t, (int) a0, a1, (int) a2, 0);
            case Nr.FACCESSAT2 -> FileCalls.faccessat(t, (int) a0, a1, (int) a2, (int) a3);
            case Nr.GETDENTS64, Nr.GETDENTS -> FileCalls.getdents(t, nr, (int) a0, a1, a2);
            case Nr.GETCWD -> FileCalls.getcwd(t, a0, a1);
            case Nr.CHDIR -> FileCalls.chdir(t, a0);
            case Nr.FCHDIR -> FileCalls.fchdir(t, (int) a0);
            case Nr.READLINK -> FileCalls.readlinkat(t, fdcwd, a0, a1, a2);
            case Nr.READLINKAT -> FileCalls.readlinkat(t, (int) a0, a1, a2, a3);
            case Nr.UNLINK -> FileCalls.pathCall(t, Nr.UNLINKAT, fdcwd, a0, 0, 0);
            case Nr.UNLINKAT -> FileCalls.pathCall(t, Nr.UNLINKAT, (int) a0, a1, a2, 0);
            case Nr.RMDIR -> FileCalls.pathCall(t, Nr.UNLINKAT, fdcwd, a0, 0x200, 0); // AT_REMOVEDIR
            case Nr.MKDIR -> FileCalls.pathCall(t, Nr.MKDIRAT, fdcwd, a0, a1 & ~t.proc.umask, 0);
            case Nr.MKDIRAT -> FileCalls.pathCall(t, Nr.MKDIRAT, (int) a0, a1, a2 & ~t.proc.umask, 0);
            case Nr.MKNOD -> FileCalls.pathCall(t, Nr.MKNODAT, fdcwd, a0, a1 & ~t.proc.umask, a2);
            case Nr.MKNODAT -> FileCalls.pathCall(t, Nr.MKNODAT, (int) a0, a1, a2 & ~t.proc.umask, a3);
            case Nr.CHMOD -> FileCalls.pathCall(t, Nr.FCHMODAT, fdcwd, a0, a1, 0);
            case Nr.FCHMODAT -> FileCalls.pathCall(t, Nr.FCHMODAT, (int) a0, a1, a2, 0);
            case Nr.CHOWN -> FileCalls.pathCall(t, Nr.FCHOWNAT, fdcwd, a0, a1, a2, 0);
            case Nr.LCHOWN -> FileCalls.pathCall(t, Nr.FCHOWNAT, fdcwd, a0, a1, a2, FileCalls.AT_SYMLINK_NOFOLLOW);
            case Nr.FCHOWNAT -> FileCalls.pathCall(t, Nr.FCHOWNAT, (int) a0, a1, a2, a3, a4);
            case Nr.FCHMOD -> FileCalls.fdCall(t, nr, (int) a0, a1, 0);
            case Nr.FCHOWN -> FileCalls.fdCall(t, nr, (int) a0, a1, a2);
            case Nr.UTIMENSAT -> FileCalls.utimensat(t, (int) a0, a1, a2, (int) a3);
            case Nr.RENAME -> FileCalls.twoPathCall(t, Nr.RENAMEAT2, fdcwd, a0, fdcwd, a1, 0);
            case Nr.RENAMEAT -> FileCalls.twoPathCall(t, Nr.RENAMEAT2, (int) a0, a1, (int) a2, a3, 0);
            case Nr.RENAMEAT2 -> FileCalls.twoPathCall(t, Nr.RENAMEAT2, (int) a0, a1, (int) a2, a3, a4);
            case Nr.LINK -> FileCalls.twoPathCall(t, Nr.LINKAT, fdcwd, a0, fdcwd, a1, 0);
            case Nr.LINKAT -> FileCalls.twoPathCall(t, Nr.LINKAT, (int) a0, a1, (int) a2, a3, a4);
            case Nr.SYMLINK -> FileCalls.symlinkat(t, a0, fdcwd, a1);
            case Nr.SYMLINKAT -> FileCalls.symlinkat(t, a0, (int) a1, a2);
            case Nr.TRUNCATE -> FileCalls.pathOnlyCall(t, Nr.TRUNCATE, a0, a1);
            case Nr.FTRUNCATE, Nr.FSYNC, Nr.FDATASYNC, Nr.FADVISE64, Nr.FALLOCATE ->
                    FileCalls.fdCall(t, nr, (int) a0, a1, a2, a3);
            case Nr.GETXATTR, Nr.LGETXATTR -> XattrCalls.get(t, nr, a0, a1, a2, a3);
            case Nr.FGETXATTR -> XattrCalls.fget(t, (int) a0, a1, a2, a3);
            case Nr.LISTXATTR, Nr.LLISTXATTR -> XattrCalls.list(t, nr, a0, a1, a2);
            case Nr.FLISTXATTR -> XattrCalls.flist(t, (int) a0, a1, a2);
            case Nr.SETXATTR, Nr.LSETXATTR -> XattrCalls.set(t, nr, a0, a1, a2, a3, (int) a4);
            case Nr.FSETXATTR -> XattrCalls.fset(t, (int) a0, a1, a2, a3, (int) a4);
            case Nr.REMOVEXATTR, Nr.LREMOVEXATTR -> XattrCalls.remove(t, nr, a0, a1);
            case Nr.FREMOVEXATTR -> XattrCalls.fremove(t, (int) a0, a1);
            case Nr.FLOCK -> FileCalls.flock(t, (int) a0, (int) a1);
            case Nr.STATFS -> FileCalls.pathOnlyCall(t, Nr.STATFS, a0, FileCalls.buf(t, a1, 120, true));
            case Nr.FSTATFS -> FileCalls.fdCall(t, nr, (int) a0, FileCalls.buf(t, a1, 120, true), 0);
            case Nr.UMASK -> ProcCalls.umask(t, (int) a0);
            case Nr.POLL -> PollCalls.poll(t, a0, (int) a1, (int) a2);
            case Nr.PPOLL -> PollCalls.ppoll(t, a0, (int) a1, a2, a3, a4);
            case Nr.SELECT -> PollCalls.select(t, (int) a0, a1, a2, a3, a4);
            case Nr.PSELECT6 -> PollCalls.pselect6(t, (int) a0, a1, a2, a3, a4, a5);
            case Nr.EPOLL_CREATE -> (int) a0 <= 0 ? -Errno.EINVAL : PollCalls.epollCreate1(t, 0);
            case Nr.EPOLL_CREATE1 -> PollCalls.epollCreate1(t, (int) a0);
            case Nr.EPOLL_CTL -> PollCalls.epollCtl(t, (int) a0, (int) a1, (int) a2, a3);
            case Nr.EPOLL_WAIT -> PollCalls.epollWait(t, (int) a0, a1, (int) a2, (int) a3);
            case Nr.EPOLL_PWAIT -> PollCalls.epollPwait(t, (int) a0, a1, (int) a2, (int) a3, a4, a5);
            case Nr.EPOLL_PWAIT2 -> PollCalls.epollPwait2(t, (int) a0, a1, (int) a2, a3, a4, a5);
            case Nr.EVENTFD -> FdCalls.eventfd2(t, a0, 0);
            case Nr.EVENTFD2 -> FdCalls.eventfd2(t, a0, (int) a1);
            case Nr.TIMERFD_CREATE -> FdCalls.timerfdCreate(t, (int) a0, (int) a1);
            case Nr.TIMERFD_SETTIME -> FdCalls.timerfdSettime(t, (int) a0, (int) a1, a2, a3);
            case Nr.TIMERFD_GETTIME -> FdCalls.timerfdGettime(t, (int) a0, a1);
            case Nr.INOTIFY_INIT -> FdCalls.inotifyInit1(t, 0);
            case Nr.INOTIFY_INIT1 -> FdCalls.inotifyInit1(t, (int) a0);
            case Nr.INOTIFY_ADD_WATCH -> FdCalls.inotifyAddWatch(t, (int) a0, a1, (int) a2);
            case Nr.INOTIFY_RM_WATCH -> FdCalls.inotifyRmWatch(t, (int) a0, (int) a1);
            case Nr.MEMFD_CREATE -> FdCalls.memfdCreate(t, a0, (int) a1);
            case Nr.CLOSE_RANGE -> FdCalls.closeRange(t, a0 & 0xffffffffL, a1 & 0xffffffffL, (int) a2);
            case Nr.COPY_FILE_RANGE -> FdCalls.copyFileRange(t, (int) a0, a1, (int) a2, a3, a4, (int) a5);
            case Nr.SPLICE -> FdCalls.splice(t, (int) a0, a1, (int) a2, a3, a4, (int) a5);
            case Nr.TEE -> FdCalls.tee(t, (int) a0, (int) a1, a2, (int) a3);
            case Nr.VMSPLICE -> FdCalls.vmsplice(t, (int) a0, a1, a2, (int) a3);
            case Nr.SOCKET -> SocketCalls.socket(t, (int) a0, (int) a1, (int) a2);
            case Nr.SOCKETPAIR -> SocketCalls.socketpair(t, (int) a0, (int) a1, (int) a2, a3);
            case Nr.BIND -> SocketCalls.bind(t, (int) a0, a1, a2);
            case Nr.CONNECT -> SocketCalls.connect(t, (int) a0, a1, a2);
            case Nr.LISTEN -> SocketCalls.listen(t, (int) a0, (int) a1);
            case Nr.ACCEPT -> SocketCalls.accept4(t, (int) a0, a1, a2, 0);
            case Nr.ACCEPT4 -> SocketCalls.accept4(t, (int) a0, a1, a2, (int) a3);
            case Nr.GETSOCKNAME, Nr.GETPEERNAME -> SocketCalls.name(t, nr, (int) a0, a1, a2);
            case Nr.SENDTO -> SocketCalls.sendto(t, (int) a0, a1, a2, (int) a3, a4, a5);
            case Nr.RECVFROM -> SocketCalls.recvfrom(t, (int) a0, a1, a2, (int) a3, a4, a5);
            case Nr.SENDMSG -> SocketCalls.sendmsg(t, (int) a0, a1, (int) a2);
            case Nr.RECVMSG -> SocketCalls.recvmsg(t, (int) a0, a1, (int) a2);
            case Nr.SENDMMSG -> SocketCalls.sendmmsg(t, (int) a0, a1, (int) a2, (int) a3);
            case Nr.RECVMMSG -> SocketCalls.recvmmsg(t, (int) a0, a1, (int) a2, (int) a3, a4);
            case Nr.SHUTDOWN -> SocketCalls.shutdown(t, (int) a0, (int) a1);
            case Nr.SETSOCKOPT -> SocketCalls.setsockopt(t, (int) a0, (int) a1, (int) a2, a3, a4);
            case Nr.GETSOCKOPT -> SocketCalls.getsockopt(t, (int) a0, (int) a1, (int) a2, a3, a4);
            case Nr.SENDFILE -> FileCalls.sendfile(t, (int) a0, (int) a1, a2, a3);
            case Nr.SYNC -> HostSyscall.call(Nr.SYNC);

            case Nr.BRK -> MemCalls.brk(t, a0);
            case Nr.MMAP -> MemCalls.mmap(t, a0, a1, (int) a2, (int) a3, (int) a4, a5);
            case Nr.MUNMAP -> MemCalls.munmap(t, a0, a1);
            case Nr.MPROTECT -> MemCalls.mprotect(t, a0, a1, (int) a2);
            case Nr.MREMAP -> MemCalls.mremap(t, a0, a1, a2, (int) a3, a4);
            case Nr.MADVISE -> MemCalls.madvise(t, a0, a1, (int) a2);
            case Nr.MSYNC, Nr.MLOCK -> 0;
            case Nr.MINCORE -> MemCalls.mincore(t, a0, a1, a2);

            case Nr.GETPID -> t.proc.pid;
            case Nr.GETTID -> t.tid;
            case Nr.GETPPID -> t.proc.ppid;
            case Nr.GETUID, Nr.GETEUID, Nr.GETGID, Nr.GETEGID -> HostSyscall.call(nr);
            case Nr.GETRESUID, Nr.GETRESGID -> HostSyscall.call(nr, FileCalls.buf(t, a0, 4, true),
                    FileCalls.buf(t, a1, 4, true), FileCalls.buf(t, a2, 4, true));
            case Nr.GETGROUPS -> HostSyscall.call(nr, a0, a0 == 0 ? 0 : FileCalls.buf(t, a1, 4 * a0, true));
            case Nr.SETUID, Nr.SETGID, Nr.SETREUID, Nr.SETREGID, Nr.SETRESUID, Nr.SETRESGID, Nr.SETFSUID,
                 Nr.SETFSGID, Nr.SETGROUPS -> ProcCalls.setIds(t, nr, a0, a1, a2);
            case Nr.GETPGRP -> t.proc.pgid;
            case Nr.GETPGID -> ProcCalls.getpgid(t, (int) a0);
            case Nr.SETPGID -> ProcCalls.setpgid(t, (int) a0, (int) a1);
            case Nr.GETSID -> ProcCalls.getsid(t, (int) a0);
            case Nr.SETSID -> ProcCalls.setsid(t);
            case Nr.UNAME -> ProcCalls.uname(t, a0);
            case Nr.ARCH_PRCTL -> ProcCalls.archPrctl(t, (int) a0, a1);
            case Nr.SET_TID_ADDRESS -> {
                t.clearChildTid = a0;
                yield t.tid;
            }
            case Nr.SET_ROBUST_LIST -> ProcCalls.setRobustList(t, a0, a1);
            case Nr.GET_ROBUST_LIST -> ProcCalls.getRobustList(t, (int) a0, a1, a2);
            case Nr.FUTEX -> Futex.futex(t, a0, (int) a1, a2, a3, a4, a5);
            case Nr.CLONE -> Processes.clone(t, a0, a1, a2, a3, a4);
            case Nr.CLONE3 -> Processes.clone3(t, a0, a1);
            case Nr.FORK -> Processes.clone(t, Signals.SIGCHLD, 0, 0, 0, 0);
            case Nr.VFORK -> Processes.clone(t, Threads.CLONE_VM | Threads.CLONE_VFORK | Signals.SIGCHLD, 0, 0, 0, 0);
            case Nr.EXECVE -> Execve.execve(t, a0, a1, a2);
            case Nr.EXECVEAT -> Execve.execveat(t, (int) a0, a1, a2, a3, (int) a4);
            case Nr.WAIT4 -> Wait.wait4(t, (int) a0, a1, (int) a2, a3);
            case Nr.WAITID -> Wait.waitid(t, (int) a0, (int) a1, a2, (int) a3, a4);
            case Nr.RSEQ -> -Errno.ENOSYS;
            case Nr.PRLIMIT64 -> ProcCalls.prlimit(t, (int) a0, (int) a1, a2, a3);
            case Nr.GETRLIMIT -> ProcCalls.prlimit(t, 0, (int) a0, 0, a1);
            case Nr.SETRLIMIT -> ProcCalls.prlimit(t, 0, (int) a0, a1, 0);
            case Nr.SYSINFO -> HostSyscall.call(nr, FileCalls.buf(t, a0, 112, true));
            case Nr.TIMES -> Usage.times(t, a0);
            case Nr.GETRUSAGE -> Usage.getrusage(t, (int) a0, a1);
            case Nr.GETRANDOM -> HostSyscall.call(nr, FileCalls.buf(t, a0, a1, true), a1, a2);
            case Nr.CLOCK_GETTIME -> Usage.clockGettime(t, (int) a0, a1);
            case Nr.CLOCK_GETRES -> HostSyscall.call(nr, a0, a1 == 0 ? 0 : FileCalls.buf(t, a1, 16, true));
            case Nr.GETTIMEOFDAY -> HostSyscall.call(nr, a0 == 0 ? 0 : FileCalls.buf(t, a0, 16, true),
                    a1 == 0 ? 0 : FileCalls.buf(t, a1, 8, true));
            case Nr.TIME -> HostSyscall.call(nr, a0 == 0 ? 0 : FileCalls.buf(t, a0, 8, true));
            case Nr.NANOSLEEP -> Timers.nanosleep(t, a0, a1);
            case Nr.CLOCK_NANOSLEEP -> Timers.clockNanosleep(t, (int) a0, (int) a1, a2, a3);
            case Nr.RESTART_SYSCALL -> SignalCalls.restartSyscall(t);
            case Nr.ALARM -> Timers.alarm(t, a0 & 0xffffffffL);
            case Nr.GETITIMER -> Timers.getitimer(t, (int) a0, a1);
            case Nr.SETITIMER -> Timers.setitimer(t, (int) a0, a1, a2);
            case Nr.TIMER_CREATE -> Timers.timerCreate(t, (int) a0, a1, a2);
            case Nr.TIMER_SETTIME -> Timers.timerSettime(t, (int) a0, (int) a1, a2, a3);
            case Nr.TIMER_GETTIME -> Timers.timerGettime(t, (int) a0, a1);
            case Nr.TIMER_GETOVERRUN -> Timers.timerGetoverrun(t, (int) a0);
            case Nr.TIMER_DELETE -> Timers.timerDelete(t, (int) a0);
            case Nr.SCHED_YIELD -> HostSyscall.call(nr);
            case Nr.SCHED_GETAFFINITY -> HostSyscall.call(nr, 0, a1, FileCalls.buf(t, a2, a1, true));
            case Nr.SCHED_SETAFFINITY, Nr.SCHED_GETPARAM, Nr.SCHED_GETSCHEDULER -> 0;
            case Nr.GETCPU -> HostSyscall.call(nr, a0 == 0 ? 0 : FileCalls.buf(t, a0, 4, true),
                    a1 == 0 ? 0 : FileCalls.buf(t, a1, 4, true), 0);
            case Nr.GETPRIORITY -> 20;
            case Nr.SETPRIORITY -> 0;
            case Nr.PRCTL -> ProcCalls.prctl(t, (int) a0, a1, a2);
            case Nr.CAPGET -> -Errno.EINVAL;
            case Nr.PERSONALITY -> a0 == 0xffffffffL ? 0 : 0;
            case Nr.MEMBARRIER -> a0 == 0 ? 0 : 0;

            case Nr.EXIT -> ProcCalls.exit(t, (int) a0);
            case Nr.EXIT_GROUP -> ProcCalls.exitGroup(t, (int) a0);

            case Nr.RT_SIGACTION -> SignalCalls.rtSigaction(t, (int) a0, a1, a2, a3);
            case Nr.RT_SIGPROCMASK -> SignalCalls.rtSigprocmask(t, (int) a0, a1, a2, a3);
            case Nr.SIGALTSTACK -> SignalCalls.sigaltstack(t, a0, a1);
            case Nr.RT_SIGRETURN -> SignalCalls.rtSigreturn(t);
            case Nr.RT_SIGPENDING -> SignalCalls.rtSigpending(t, a0, a1);
            case Nr.RT_SIGSUSPEND -> SignalCalls.rtSigsuspend(t, a0, a1);
            case Nr.RT_SIGTIMEDWAIT -> SignalCalls.rtSigtimedwait(t, a0, a1, a2, a3);
            case Nr.RT_SIGQUEUEINFO -> SignalCalls.rtSigqueueinfo(t, (int) a0, (int) a1, a2);
            case Nr.RT_TGSIGQUEUEINFO -> SignalCalls.rtTgsigqueueinfo(t, (int) a0, (int) a1, (int) a2, a3);
            case Nr.PAUSE -> SignalCalls.pause(t);
            case Nr.KILL -> SignalCalls.kill(t, (int) a0, (int) a1);
            case Nr.TKILL -> SignalCalls.tkill(t, (int) a0, (int) a1);
            case Nr.TGKILL -> SignalCalls.tgkill(t, (int) a0, (int) a1, (int) a2);
            case Nr.SIGNALFD -> SignalFd.signalfd4(t, (int) a0, a1, a2, 0);
            case Nr.SIGNALFD4 -> SignalFd.signalfd4(t, (int) a0, a1, a2, (int) a3);

            default -> unimplemented(t, nr, SyscallNames.x86_64(nr));
        };
    }

    static long unimplemented(LinuxThread t, int nr, String name) {
        Log log = t.proc.kernel.log;
        if (log.on(Log.Item.UNIMP)) log.printf("Unsupported syscall: %d (%s)%n", nr, name == null ? "?" : name);
        return -Errno.ENOSYS;
    }
}
