package dev.jemu.user.linux;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One guest process: its address space, descriptors, working directory, identity, threads, signal state and
 * place in the process tree. Several run inside one jemu (after fork); each is independent, as Linux
 * processes are.
 */
public final class LinuxProcess {
    public final Kernel kernel;
    public final int pid;
    public volatile int ppid, pgid, sid;
    /** The parent inside jemu, or null (the initial process, and orphans). Guarded by kernel.tree. */
    LinuxProcess parent;
    final List<LinuxProcess> children = new CopyOnWriteArrayList<>();
    /** Signal sent to the parent when this process ends (SIGCHLD, or clone's exit signal; 0 for none). */
    int exitSignal = Signals.SIGCHLD;

    public AddressSpace mm;
    public GuestMemory mem;
    public FdTable fds;
    /** Host descriptor (O_PATH) of the working directory: relative guest paths resolve against it. */
    public int cwdFd;
    public String cwd;
    public int umask = 022;
    /** The guest program (for /proc/self/exe) and its arguments (for /proc/self/cmdline). */
    public String exe;
    public List<byte[]> argv = List.of();
    public List<byte[]> envp = List.of();
    /** Where the auxiliary vector lives in guest memory (for /proc/self/auxv) and its length in bytes. */
    long auxvAddr, auxvLen;
    public final List<LinuxThread> threads = new CopyOnWriteArrayList<>();
    /** Signal dispositions, shared by the process's threads (replaced by a copy at fork). */
    public SignalActions sigactions;
    /** Has called execve (setpgid on it then fails with EACCES). */
    volatile boolean execed;
    final long startNanos = System.nanoTime();
    /** CPU time (ns) of threads that ended, and of reaped children (guarded by sigLock). */
    long deadUser, deadSys, childUser, childSys;
    /** Bumped whenever a child changes state (exit, stop, continue): wait4 sleeps until it moves. */
    final java.util.concurrent.atomic.AtomicInteger childEvents = new java.util.concurrent.atomic.AtomicInteger();

    // ---- signals shared by the threads (guarded by sigLock) ----
    final Object sigLock = new Object();
    volatile long sharedPending;
    final ArrayDeque<SigInfo> sharedQueue = new ArrayDeque<>();
    final Timers timers = new Timers(this);
    /** signalfds reading this process's signals. */
    final List<SignalFd> signalFds = new CopyOnWriteArrayList<>();

    // ---- job control (guarded by sigLock) ----
    volatile boolean stopped;
    int stopSig;
    /** A stop / continue not yet reported to wait (WUNTRACED / WCONTINUED). */
    boolean stopReport, contReport;

    // ---- life cycle ----
    /** The exit status chosen when the process started to end (exit_group, fatal signal), or -1. */
    volatile int exitStatus = -1;
    /** Set once every thread is gone: the wait status (as wait4 reports it). -1 while running. */
    public volatile int waitStatus = -1;
    /** The zombie was collected by wait (or auto-reaped). */
    volatile boolean reaped;
    /** vfork parent waits until this is true (the child exec'd or ended). */
    volatile boolean vforkDone = true;
    LinuxThread vforkParent;

    public LinuxProcess(Kernel kernel, int pid, AddressSpace mm, FdTable fds, SignalActions actions) {
        this.kernel = kernel;
        this.pid = pid;
        this.setMemory(mm);
        this.fds = fds;
        this.sigactions = actions;
    }

    public void setMemory(AddressSpace mm) {
        this.mm = mm;
        this.mem = new GuestMemory(mm);
    }

    public boolean is64() {
        return kernel.is64;
    }

    /** True once the process has ended (its status is known), whether or not it was reaped. */
    public boolean dead() {
        return waitStatus >= 0;
    }

    public LinuxThread mainThread() {
        for (LinuxThread t : threads) if (t.tid == pid) return t;
        return threads.isEmpty() ? null : threads.get(0);
    }

    public byte[] cmdline() {
        return joined(argv);
    }

    public byte[] environ() {
        return joined(envp);
    }

    private static byte[] joined(List<byte[]> l) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (byte[] a : l) {
            b.writeBytes(a);
            b.write(0);
        }
        return b.toByteArray();
    }

    /** The command name (comm) of the main thread. */
    String comm() {
        LinuxThread t = mainThread();
        return t == null ? "" : new String(t.commBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** exec: comm becomes the base name of the file as execve named it, at most 15 bytes. */
    static byte[] commOf(String execfn) {
        byte[] b = execfn.substring(execfn.lastIndexOf('/') + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return b.length > 15 ? java.util.Arrays.copyOf(b, 15) : b;
    }

    @Override
    public String toString() {
        return "process " + pid + " (" + exe + ")";
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
