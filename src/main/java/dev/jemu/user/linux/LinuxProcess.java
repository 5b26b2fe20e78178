package dev.jemu.user.linux;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One guest process: its address space, descriptors, working directory, identity and threads.
 * Several may run inside one jemu (after fork); each is independent, as Linux processes are.
 */
public final class LinuxProcess {
    public final Kernel kernel;
    public final int pid;
    public volatile int ppid, pgid, sid;
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
    public final List<LinuxThread> threads = new CopyOnWriteArrayList<>();
    /** Signal dispositions, shared by the process's threads. */
    public final SignalActions sigactions;
    /** Set once the process has exited: its wait status (as wait4 reports it). */
    public volatile int waitStatus = -1;

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

    public byte[] cmdline() {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (byte[] a : argv) {
            b.writeBytes(a);
            b.write(0);
        }
        return b.toByteArray();
    }

    @Override
    public String toString() {
        return "process " + pid + " (" + exe + ")";
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
