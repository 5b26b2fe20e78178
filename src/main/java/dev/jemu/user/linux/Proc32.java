package dev.jemu.user.linux;

import java.lang.foreign.MemorySegment;

import static dev.jemu.user.linux.Structs32.I;
import static dev.jemu.user.linux.Structs32.L;
import static dev.jemu.user.linux.Structs32.S;

/**
 * Process calls of the i386 ABI: the 16-bit uid/gid calls of the original ABI (ids above 65535 read as the
 * overflow id 65534, and 0xffff means "unchanged"), resource limits with 32-bit {@code rlim_t}, struct sysinfo,
 * olduname, waitpid/wait4 with the 32-bit struct rusage, and clone's i386 argument order.
 */
final class Proc32 {
    private Proc32() {}

    /** A 16-bit id argument as the 32-bit one: 0xffff ("no change") becomes -1. */
    static long high(long id16) {
        id16 &= 0xffff;
        return id16 == 0xffff ? 0xffffffffL : id16;
    }

    /** getuid/getgid/geteuid/getegid of the 16-bit ABI. */
    static long getId16(LinuxThread t, int nr64) {
        long r = Sys64.dispatch(t, nr64, 0, 0, 0, 0, 0, 0);
        return r < 0 ? r : Stat32.low16(r);
    }

    /** getresuid/getresgid with three 16-bit results. */
    static long getres16(LinuxThread t, int nr64, long a, long b, long c) {
        MemorySegment h = Structs32.scratch();
        long r = HostSyscall.call(nr64, h.address(), h.address() + 4, h.address() + 8);
        if (r < 0) return r;
        GuestMemory m = t.proc.mem;
        m.writeShort(a, Stat32.low16(h.get(I, 0) & 0xffffffffL));
        m.writeShort(b, Stat32.low16(h.get(I, 4) & 0xffffffffL));
        m.writeShort(c, Stat32.low16(h.get(I, 8) & 0xffffffffL));
        return 0;
    }

    static long getgroups16(LinuxThread t, long size, long list) {
        int n = (int) size;
        if (n < 0) return -Errno.EINVAL;
        MemorySegment h = Structs32.hostBuffer(4L * Math.max(n, 1));
        long r = HostSyscall.call(Nr.GETGROUPS, n, n == 0 ? 0 : h.address());
        if (r <= 0 || n == 0) return r;
        GuestMemory m = t.proc.mem;
        m.buffer(list, 2 * r, true);
        for (int k = 0; k < r; k++) m.writeShort(list + 2L * k, Stat32.low16(h.get(I, 4L * k) & 0xffffffffL));
        return r;
    }

    // ---- resource limits ----

    static final long RLIM_INFINITY = -1L, COMPAT_RLIM_INFINITY = 0xffffffffL, OLD_RLIM_INFINITY = 0x7fffffffL;

    /** getrlimit (old: limits clamp to 0x7fffffff) and ugetrlimit (clamp to 0xffffffff). */
    static long getrlimit(LinuxThread t, int resource, long va, boolean old) {
        MemorySegment h = Structs32.scratch();
        long r = HostSyscall.call(Nr.PRLIMIT64, 0, resource, 0, h.address());
        if (r < 0) return r;
        long max = old ? OLD_RLIM_INFINITY : COMPAT_RLIM_INFINITY;
        GuestMemory m = t.proc.mem;
        m.buffer(va, 8, true);
        for (int k = 0; k < 2; k++) {
            long v = h.get(L, 8L * k);
            m.writeInt(va + 4L * k, (int) (Long.compareUnsigned(v, max) > 0 ? max : v));
        }
        return 0;
    }

    static long setrlimit(LinuxThread t, int resource, long va) {
        MemorySegment h = Structs32.scratch();
        GuestMemory m = t.proc.mem;
        for (int k = 0; k < 2; k++) {
            long v = m.readInt(va + 4L * k) & 0xffffffffL;
            h.set(L, 8L * k, v == COMPAT_RLIM_INFINITY ? RLIM_INFINITY : v);
        }
        return HostSyscall.call(Nr.PRLIMIT64, 0, resource, h.address(), 0);
    }

    // ---- sysinfo, uname ----

    /** struct sysinfo of i386 (64 bytes); memory sizes are rescaled when they do not fit 32 bits. */
    static long sysinfo(LinuxThread t, long va) {
        MemorySegment h = Structs32.scratch();
        long r = HostSyscall.call(Nr.SYSINFO, h.address());
        if (r < 0) return r;
        long[] mem = new long[8]; // totalram freeram sharedram bufferram totalswap freeswap totalhigh freehigh
        for (int k = 0; k < 6; k++) mem[k] = h.get(L, 32 + 8L * k);
        mem[6] = h.get(L, 88);
        mem[7] = h.get(L, 96);
        int unit = h.get(I, 104);
        if ((mem[0] >>> 32) != 0 || (mem[4] >>> 32) != 0) {
            int bits = 0;
            while (unit < 4096) {
                unit <<= 1;
                bits++;
            }
            for (int k = 0; k < 8; k++) mem[k] >>>= bits;
        }
        MemorySegment g = t.proc.mem.slice(va, 64, true);
        g.fill((byte) 0);
        g.set(I, 0, (int) h.get(L, 0));
        for (int k = 0; k < 3; k++) g.set(I, 4 + 4L * k, (int) h.get(L, 8 + 8L * k));
        for (int k = 0; k < 6; k++) g.set(I, 16 + 4L * k, (int) mem[k]);
        g.set(S, 40, h.get(S, 80));
        g.set(I, 44, (int) mem[6]);
        g.set(I, 48, (int) mem[7]);
        g.set(I, 52, unit);
        return 0;
    }

    /** olduname: struct old_utsname, the first five of new_utsname's six 65-byte fields. */
    static long olduname(LinuxThread t, long va) {
        MemorySegment h = Structs32.scratch();
        long r = HostSyscall.call(Nr.UNAME, h.address());
        if (r < 0) return r;
        byte[] b = h.asSlice(0, 5 * 65).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        java.util.Arrays.fill(b, 4 * 65, 5 * 65, (byte) 0);
        byte[] machine = "i686".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(machine, 0, b, 4 * 65, machine.length);
        t.proc.mem.write(va, b);
        return 0;
    }

    // ---- processes ----

    /** wait4 with the 32-bit struct rusage: the shared wait4 fills an x86-64 one below the stack, narrowed here. */
    static long wait4(LinuxThread t, long pid, long status, long options, long rusage) {
        if (rusage != 0) t.proc.mem.buffer(rusage, 72, true);
        long k = rusage != 0 ? Structs32.belowStack(t, 144) : 0;
        long r = Sys64.dispatch(t, Nr.WAIT4, pid, status, options, k, 0, 0);
        if (r > 0 && rusage != 0) Time32.rusageOut(t.proc.mem, rusage, k);
        return r;
    }

    /** waitid: the shared implementation's x86-64 siginfo is rearranged in place into the i386 layout. */
    static long waitid(LinuxThread t, long which, long pid, long infop, long options, long rusage) {
        if (rusage != 0) t.proc.mem.buffer(rusage, 72, true);
        if (infop != 0) t.proc.mem.buffer(infop, Siginfo32.SIZE, true);
        long r = Sys64.dispatch(t, Nr.WAITID, (int) which, (int) pid, infop, (int) options, 0, 0);
        if (r < 0) return r;
        Siginfo32.fixInPlace(t.proc.mem, infop);
        if (rusage != 0) t.proc.mem.write(rusage, new byte[72]);
        return r;
    }

    /**
     * clone(flags, newsp, parent_tid, tls, child_tid) in i386 order, to the shared clone's x86-64 order
     * (flags, newsp, parent_tid, child_tid, tls). With CLONE_SETTLS, {@code tls} points to a struct user_desc;
     * the shared clone installs it through {@link UserSegments#cloneTls}.
     */
    static long clone(LinuxThread t, long flags, long sp, long ptid, long tls, long ctid) {
        return Sys64.dispatch(t, Nr.CLONE, flags, sp, ptid, ctid, tls, 0);
    }
}
