package dev.jemu.user.linux;

import dev.jemu.target.x86.X86Cpu;

import java.nio.file.Path;
import java.util.List;

/**
 * Process lifetime: creation of the first process, exit (with its wait status), and later fork, execve, wait.
 */
public final class Processes {
    private Processes() {}

    /** Loads {@code program} into a new process with the given arguments and environment. */
    static LinuxProcess createInitial(Kernel k, Path program, String name, List<byte[]> argv, List<byte[]> envp)
            throws LoadError {
        AddressSpace as = new AddressSpace(k.addressLimit);
        FdTable fds = new FdTable();
        for (int fd = 0; fd < 3; fd++) {
            long h = HostSyscall.call(Nr.FCNTL, fd, FileCalls.F_DUPFD_CLOEXEC, 3);
            if (h >= 0) fds.installAt(new FdTable.HostFile((int) h, "/dev/std" + fd), fd, false);
        }
        LinuxProcess p = new LinuxProcess(k, k.allocatePid(), as, fds, new SignalActions());
        p.ppid = (int) ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L).longValue();
        p.pgid = p.pid;
        p.sid = (int) HostSyscall.call(Nr.GETSID, 0);
        p.cwdFd = (int) HostSyscall.call(Nr.OPENAT, FileCalls.AT_FDCWD, FileCalls.cstr("."),
                FileCalls.O_PATH | FileCalls.O_DIRECTORY | FileCalls.O_CLOEXEC, 0);
        String cwd = FileCalls.hostFdPath(p.cwdFd);
        p.cwd = cwd != null ? cwd : System.getProperty("user.dir");
        X86Cpu cpu = UserMain.newCpu(k, as);
        LinuxThread t = new LinuxThread(p, cpu, p.pid);
        p.threads.add(t);
        exec(p, t, program, name, argv, envp);
        k.register(p);
        return p;
    }

    /** Replaces the process image (the common part of the first start and execve). */
    static void exec(LinuxProcess p, LinuxThread t, Path program, String name, List<byte[]> argv,
                     List<byte[]> envp) throws LoadError {
        Kernel k = p.kernel;
        AddressSpace as = p.mm;
        as.mmapTop = k.mmapTop();
        ElfLoader.Image img = k.loader.load(as, program, k.pieBase());
        long top = k.stackTop();
        as.map(top - k.stackSize(), k.stackSize(), AddressSpace.PROT_READ | AddressSpace.PROT_WRITE
                | (img.execStack ? AddressSpace.PROT_EXEC : 0), "[stack]", 0);
        as.brkStart = as.brk = AddressSpace.pageUp(img.end);
        p.exe = program.toAbsolutePath().normalize().toString();
        p.argv = argv;
        long uid = HostSyscall.call(Nr.GETUID), gid = HostSyscall.call(Nr.GETGID);
        long sp = InitialStack.build(p.mem, k.is64, top, argv, envp, name, img,
                k.cpuModel.features1Edx, uid, gid, new java.util.Random(p.pid));
        X86Cpu c = t.cpu;
        java.util.Arrays.fill(c.regs, 0);
        c.regs[X86Cpu.RSP] = sp;
        c.rip = img.entry;
        c.setEflags(0x202, -1);
        c.eflags = 0x202;
    }

    /**
     * Ends process {@code p} with the wait status {@code status} (exit code << 8, or the terminating signal):
     * its other threads stop, its descriptors close, and the current thread unwinds.
     */
    public static void exitProcess(LinuxProcess p, int status) {
        synchronized (p) {
            if (p.waitStatus < 0) {
                p.waitStatus = status;
                for (LinuxThread t : p.threads) t.kick();
                p.fds.closeAll();
                p.notifyAll();
            }
        }
        throw new LinuxThread.Exit();
    }
}
