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
    private final AtomicInteger nextPid;

    public Kernel(boolean is64, String toolName, CpuModel model, String sysroot, Log log) {
        this.is64 = is64;
        this.toolName = toolName;
        this.cpuModel = model;
        this.loader = new ElfLoader(is64, sysroot);
        this.log = log;
        this.addressLimit = is64 ? 1L << 40 : 1L << 32;
        this.nextPid = new AtomicInteger((int) ProcessHandle.current().pid());
    }

    public int allocatePid() {
        return nextPid.getAndIncrement();
    }

    public void register(LinuxProcess p) {
        processes.put(p.pid, p);
    }

    public void unregister(LinuxProcess p) {
        processes.remove(p.pid);
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
