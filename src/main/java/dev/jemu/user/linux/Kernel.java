package dev.jemu.user.linux;

import dev.jemu.target.x86.CpuModel;
import dev.jemu.util.Log;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The emulated Linux kernel shared by every guest process of one jemu run: options, the process table and
 * pid allocation. Guest processes (from fork) run as further processes inside this JVM, each with its own
 * address space and descriptor table, so pipes, inherited descriptors and wait statuses behave as on Linux.
 */
public final class Kernel {
    public final boolean is64;
    public final String toolName;
    public final CpuModel cpuModel;
    public final ElfLoader loader;
    public final Log log;
    /** Address-space size of each guest process (the host window reserved for it). */
    public final long addressLimit;
    public String unameRelease = "6.1.0";

    private final Map<Integer, LinuxProcess> processes = new ConcurrentHashMap<>();
    private final Map<Integer, LinuxThread> threads = new ConcurrentHashMap<>();
    private final AtomicInteger nextPid;
    /** Guards the process tree: parent/children links, reaping, process groups. */
    final Object tree = new Object();
    /** The first guest process (its parent is outside jemu); jemu ends with it. */
    volatile LinuxProcess initial;
    /** The JVM's own pid (the initial guest process has it too). */
    final int hostPid;
    private volatile java.util.concurrent.ScheduledExecutorService timerService;

    public Kernel(boolean is64, String toolName, CpuModel model, String sysroot, Log log) {
        this.is64 = is64;
        this.toolName = toolName;
        this.cpuModel = model;
        this.loader = new ElfLoader(is64, sysroot);
        this.log = log;
        this.addressLimit = is64 ? 1L << 40 : 1L << 32;
        this.hostPid = (int) ProcessHandle.current().pid();
        this.nextPid = new AtomicInteger(hostPid);
    }

    /** The thread that fires guest timers (alarm, setitimer, timer_create), started on first use. */
    java.util.concurrent.ScheduledExecutorService timers() {
        java.util.concurrent.ScheduledExecutorService s = timerService;
        if (s == null) {
            synchronized (this) {
                s = timerService;
                if (s == null) {
                    java.util.concurrent.ScheduledThreadPoolExecutor e = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
                        Thread t = new Thread(r, "jemu-timers");
                        t.setDaemon(true);
                        return t;
                    });
                    e.setRemoveOnCancelPolicy(true);
                    timerService = s = e;
                }
            }
        }
        return s;
    }

    public void registerThread(LinuxThread t) {
        threads.put(t.tid, t);
    }

    public void unregisterThread(LinuxThread t) {
        threads.remove(t.tid, t);
    }

    public LinuxThread thread(int tid) {
        return threads.get(tid);
    }

    /** System.nanoTime() when jemu started, and the host's boot-relative start time of jemu (clock ticks). */
    static final long BOOT_NANOS = System.nanoTime();
    private static long bootTicks = -1;

    static synchronized long bootTicksAtStart() {
        if (bootTicks < 0) {
            bootTicks = 0;
            try {
                String st = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
                String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
                bootTicks = Long.parseLong(f[19]); // field 22
            } catch (java.io.IOException | RuntimeException e) {
                // no /proc: start times count from jemu's start
            }
        }
        return bootTicks;
    }

    public int allocatePid() {
        return nextPid.getAndIncrement();
    }

    public void register(LinuxProcess p) {
        processes.put(p.pid, p);
    }

    public void unregister(LinuxProcess p) {
        processes.remove(p.pid, p);
    }

    public LinuxProcess process(int pid) {
        return processes.get(pid);
    }

    public Iterable<LinuxProcess> processes() {
        return processes.values();
    }

    // Guest address-space layout (no randomisation, so runs are reproducible).
    public long stackTop() {
        return is64 ? addressLimit - 0x10000 : 0xfffdd000L;
    }

    public long stackSize() {
        return 8L << 20;
    }

    public long mmapTop() {
        return stackTop() - stackSize() - (is64 ? 0x1000000L : 0x800000L);
    }

    public long pieBase() {
        return is64 ? 0x5555554000L : 0x56555000L;
    }
}
