package dev.jemu.user.linux;

import dev.jemu.target.x86.X86Cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * execve/execveat: the new program is loaded into a fresh address space of the same process, as binfmt_elf
 * does, and only then (past the point of no return) the old image goes: other threads end, close-on-exec
 * descriptors close, handled signals reset. {@code #!} scripts run their interpreter (with its optional
 * argument, up to 4 levels deep, as Linux). The file must be an ELF for this ABI: anything else (a foreign
 * architecture, a 64-bit program under jemu-i386) fails with ENOEXEC, since jemu emulates one ABI per run.
 */
final class Execve {
    private Execve() {}

    static final int AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int MAX_INTERP_DEPTH = 4, BINPRM_BUF = 256;
    private static final long MAX_ARG_STRLEN = 32 * 4096, MAX_ARGS_TOTAL = 2L << 20;

    static long execve(LinuxThread t, long pathVa, long argvVa, long envpVa) {
        return execveat(t, FileCalls.AT_FDCWD, pathVa, argvVa, envpVa, 0);
    }

    static long execveat(LinuxThread t, int dirfd, long pathVa, long argvVa, long envpVa, int flags) {
        LinuxProcess p = t.proc;
        if ((flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) != 0) return -Errno.EINVAL;
        byte[] path = p.mem.cstringBytes(pathVa, 4096);
        List<byte[]> argv = readVector(p, argvVa);
        List<byte[]> envp = readVector(p, envpVa);
        if (argv == null || envp == null) return -Errno.E2BIG;
        // The file as the host sees it.
        String hostPath;
        String execfn = new String(path, StandardCharsets.UTF_8);
        if (path.length == 0) {
            if ((flags & AT_EMPTY_PATH) == 0) return -Errno.ENOENT;
            int h = p.fds.host(dirfd);
            if (h < 0) return -Errno.EBADF;
            hostPath = "/proc/self/fd/" + h;
            execfn = "/dev/fd/" + dirfd;
        } else {
            String r = resolve(t, dirfd, path);
            if (r == null) return -Errno.EBADF;
            hostPath = r;
        }
        return exec(t, hostPath, execfn, argv, envp, 0, (flags & AT_SYMLINK_NOFOLLOW) != 0);
    }

    /** A guest path as a host path: /proc/self rewrites, then relative to the directory descriptor. */
    private static String resolve(LinuxThread t, int dirfd, byte[] path) {
        byte[] rw = ProcFs.rewrite(t, path);
        String s = new String(rw != null ? rw : path, StandardCharsets.UTF_8);
        if (s.startsWith("/")) return s;
        String base;
        if (dirfd == FileCalls.AT_FDCWD) {
            base = "/proc/self/fd/" + t.proc.cwdFd;
        } else {
            int h = t.proc.fds.host(dirfd);
            if (h < 0) return null;
            base = "/proc/self/fd/" + h;
        }
        return base + "/" + s;
    }

    /** argv/envp: a NULL-terminated array of string pointers, or null if too large (E2BIG). */
    private static List<byte[]> readVector(LinuxProcess p, long va) {
        List<byte[]> out = new ArrayList<>();
        if (va == 0) return out;
        boolean is64 = p.is64();
        long total = 0;
        for (int k = 0; ; k++) {
            long s = p.mem.readPtr(va + (long) k * (is64 ? 8 : 4), is64);
            if (s == 0) break;
            byte[] b = p.mem.cstringBytes(s, (int) MAX_ARG_STRLEN + 1);
            total += b.length + 1 + (is64 ? 8 : 4);
            if (b.length >= MAX_ARG_STRLEN || total > MAX_ARGS_TOTAL) return null;
            out.add(b);
        }
        return out;
    }

    private static long exec(LinuxThread t, String hostPath, String execfn, List<byte[]> argv, List<byte[]> envp,
                             int depth, boolean noFollow) {
        LinuxProcess p = t.proc;
        Kernel k = p.kernel;
        long fd = HostSyscall.call(Nr.OPENAT, FileCalls.AT_FDCWD, FileCalls.cstr(hostPath),
                FileCalls.O_CLOEXEC | (noFollow ? 0x20000 /* O_NOFOLLOW */ : 0), 0);
        if (fd < 0) return fd == -Errno.ELOOP && noFollow ? -Errno.ELOOP : fd;
        byte[] head;
        String real;
        try {
            MemorySegment st = Arena.ofAuto().allocate(144, 8);
            long r = HostSyscall.call(Nr.FSTAT, fd, st.address());
            if (r < 0) return r;
            int mode = st.get(ValueLayout.JAVA_INT, 24);
            if ((mode & 0170000) != 0100000) return -Errno.EACCES; // directories, devices, fifos
            r = HostSyscall.call(Nr.FACCESSAT2, fd, FileCalls.cstr(""), 1 /* X_OK */, AT_EMPTY_PATH);
            if (r < 0) return r == -Errno.EINVAL || r == -Errno.ENOSYS ? xByMode(mode) : r;
            MemorySegment b = Arena.ofAuto().allocate(BINPRM_BUF);
            long n = HostSyscall.call(Nr.PREAD64, fd, b.address(), BINPRM_BUF, 0);
            if (n < 0) return n;
            head = new byte[(int) n];
            MemorySegment.copy(b, ValueLayout.JAVA_BYTE, 0, head, 0, (int) n);
            real = FileCalls.hostFdPath((int) fd);
            if (real == null || real.endsWith(" (deleted)")) real = hostPath;
        } finally {
            HostSyscall.call(Nr.CLOSE, fd);
        }
        if (head.length >= 2 && head[0] == '#' && head[1] == '!') {
            if (depth >= MAX_INTERP_DEPTH) return -Errno.ELOOP;
            return script(t, hostPath, execfn, head, argv, envp, depth);
        }
        if (!(head.length >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F')) {
            return -Errno.ENOEXEC;
        }
        if (!k.loader.isOurElf(Path.of(real))) return -Errno.ENOEXEC;
        AddressSpace as = new AddressSpace(k.addressLimit);
        ElfLoader.Image img;
        try {
            as.mmapTop = k.mmapTop();
            img = k.loader.load(as, Path.of(real), k.pieBase());
        } catch (LoadError e) {
            as.release();
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.contains("No such file")) return -Errno.ENOENT;
            if (m.contains("Permission denied")) return -Errno.EACCES;
            if (m.contains("Cannot allocate")) return -Errno.ENOMEM;
            if (m.contains("Could not open interpreter")) return -Errno.ENOENT;
            return m.contains("Invalid ELF") || m.contains("format") ? -Errno.ENOEXEC : -Errno.EIO;
        }
        // ---- the point of no return ----
        if (!becomeSoleThread(t)) {
            as.release();
            throw new LinuxThread.Exit(); // killed meanwhile
        }
        AddressSpace old = p.mm;
        p.setMemory(as);
        t.switchMemory(as);
        old.release();
        if (argv.isEmpty()) argv = List.of(new byte[0]); // Linux supplies an empty argv[0]
        Processes.startImage(p, t, img, real, execfn, argv, envp);
        p.execed = true;
        p.fds = p.fds.unshareForExec();
        p.fds.closeOnExec();
        synchronized (p.sigLock) {
            if (p.sigactions.sharedWithOthers(p)) p.sigactions = p.sigactions.copy();
            p.sigactions.resetForExec();
        }
        p.timers.cancelAll(false);
        t.altSp = 0;
        t.altSize = 0;
        t.altFlags = SignalCalls.SS_DISABLE;
        t.clearChildTid = 0;
        t.robustList = 0;
        X86Cpu c = t.cpu;
        FpuImage.resetForHandler(c);
        if (!p.is64()) {
            c.segments = new UserSegments(false);
            for (int s = 0; s < 6; s++) {
                c.segBase[s] = 0;
                c.segLimit[s] = 0xffffffff;
            }
            c.segSel[X86Cpu.CS] = 0x23;
            c.segSel[X86Cpu.SS] = c.segSel[X86Cpu.DS] = c.segSel[X86Cpu.ES] = 0x2b;
            c.segSel[X86Cpu.FS] = c.segSel[X86Cpu.GS] = 0;
        } else {
            c.segBase[X86Cpu.FS] = 0;
            c.segBase[X86Cpu.GS] = 0;
            c.segSel[X86Cpu.FS] = c.segSel[X86Cpu.GS] = 0;
        }
        Processes.releaseVfork(p);
        return Sys64.NO_RESULT;
    }

    private static long xByMode(int mode) {
        return (mode & 0111) != 0 ? 0 : -Errno.EACCES;
    }

    /** {@code #!interpreter [arg]}: runs the interpreter with the script's path in place of argv[0]. */
    private static long script(LinuxThread t, String hostPath, String execfn, byte[] head, List<byte[]> argv,
                               List<byte[]> envp, int depth) {
        int end = 2;
        while (end < head.length && head[end] != '\n') end++;
        String line = new String(head, 2, end - 2, StandardCharsets.ISO_8859_1);
        // Linux: a line truncated by the buffer without whitespace after the interpreter is an error.
        line = line.replaceAll("^[ \\t]+", "").replaceAll("[ \\t]+$", "");
        if (line.isEmpty()) return -Errno.ENOEXEC;
        int sp = 0;
        while (sp < line.length() && line.charAt(sp) != ' ' && line.charAt(sp) != '\t') sp++;
        String interp = line.substring(0, sp);
        String arg = sp < line.length() ? line.substring(sp).replaceAll("^[ \\t]+", "") : "";
        List<byte[]> nargv = new ArrayList<>();
        nargv.add(interp.getBytes(StandardCharsets.ISO_8859_1));
        if (!arg.isEmpty()) nargv.add(arg.getBytes(StandardCharsets.ISO_8859_1));
        nargv.add(execfn.getBytes(StandardCharsets.UTF_8));
        for (int k = 1; k < argv.size(); k++) nargv.add(argv.get(k));
        String ip = resolve(t, FileCalls.AT_FDCWD, interp.getBytes(StandardCharsets.ISO_8859_1));
        return exec(t, ip, execfn, nargv, envp, depth + 1, false);
    }

    /** de_thread: every other thread of the process ends; the caller takes the process's pid as its tid. */
    private static boolean becomeSoleThread(LinuxThread t) {
        LinuxProcess p = t.proc;
        synchronized (p.sigLock) {
            if (p.exitStatus >= 0 || t.killed) return false;
            for (LinuxThread o : p.threads) {
                if (o != t) {
                    o.killed = true;
                    o.wake();
                }
            }
        }
        while (p.threads.size() > 1) {
            if (t.killed) return false;
            LockSupport.parkNanos(1_000_000);
        }
        if (t.tid != p.pid) {
            Kernel k = p.kernel;
            k.unregisterThread(t);
            t.tid = p.pid;
            k.registerThread(t);
        }
        return true;
    }
}
