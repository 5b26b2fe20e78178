package dev.jemu.user.linux;

/**
 * A queued signal's siginfo. The union part is kept as the fields each kind of sender fills, and written in
 * the guest's layout (64-bit or i386 {@code compat_siginfo}) by {@link #write}, choosing the union member the
 * way the kernel's copy_siginfo_to_user32 does: by si_code and signal.
 */
public final class SigInfo {
    /** Layouts of the union. */
    public static final int KILL = 0, RT = 1, TIMER = 2, CHLD = 3, FAULT = 4, POLL = 5, SYS = 6;

    // si_code values (generic and per signal).
    public static final int SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_MESGQ = -3,
            SI_ASYNCIO = -4, SI_SIGIO = -5, SI_TKILL = -6;
    public static final int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_TRAPPED = 4, CLD_STOPPED = 5,
            CLD_CONTINUED = 6;

    public int signo, errno, code;
    public int kind;
    public int pid, uid, status;
    /** si_value (sival_ptr) / si_addr / si_band. */
    public long value, addr, band;
    public int fd, timerId, overrun;
    public long utime, stime;
    /** For faults: the trap number, error code (for the sigcontext) — not part of siginfo itself. */
    public int trapNo, errorCode;
    /** The POSIX timer that queued this signal (overrun accounting), or null. */
    Timers.PosixTimer timer;

    public SigInfo(int signo, int code, int kind) {
        this.signo = signo;
        this.code = code;
        this.kind = kind;
    }

    /** A signal sent by kill()/tkill() from {@code pid}. */
    public static SigInfo user(int sig, int code, int pid, int uid) {
        SigInfo i = new SigInfo(sig, code, KILL);
        i.pid = pid;
        i.uid = uid;
        return i;
    }

    /** A signal the kernel itself raises (SI_KERNEL, no sender). */
    public static SigInfo kernel(int sig) {
        return new SigInfo(sig, SI_KERNEL, KILL);
    }

    public static SigInfo fault(int sig, int code, long addr, int trapNo, int err) {
        SigInfo i = new SigInfo(sig, code, FAULT);
        i.addr = addr;
        i.trapNo = trapNo;
        i.errorCode = err;
        return i;
    }

    public static SigInfo child(int code, int pid, int uid, int status) {
        SigInfo i = new SigInfo(Signals.SIGCHLD, code, CHLD);
        i.pid = pid;
        i.uid = uid;
        i.status = status;
        return i;
    }

    public SigInfo copy() {
        SigInfo c = new SigInfo(signo, code, kind);
        c.errno = errno;
        c.pid = pid;
        c.uid = uid;
        c.status = status;
        c.value = value;
        c.addr = addr;
        c.band = band;
        c.fd = fd;
        c.timerId = timerId;
        c.overrun = overrun;
        c.utime = utime;
        c.stime = stime;
        c.trapNo = trapNo;
        c.errorCode = errorCode;
        return c;
    }

    /** Reads a siginfo the guest passed (rt_sigqueueinfo): the union is kept as the kill/rt members. */
    public static SigInfo read(GuestMemory m, long va, boolean is64) {
        int signo = m.readInt(va), err = m.readInt(va + 4), code = m.readInt(va + 8);
        SigInfo i = new SigInfo(signo, code, RT);
        i.errno = err;
        long u = va + (is64 ? 16 : 12);
        i.pid = m.readInt(u);
        i.uid = m.readInt(u + 4);
        i.value = is64 ? m.readLong(u + 8) : m.readInt(u + 8) & 0xffffffffL;
        return i;
    }

    /** Writes the 128-byte siginfo at {@code va} in the guest's layout. */
    public void write(GuestMemory m, long va, boolean is64) {
        m.write(va, new byte[128]);
        m.writeInt(va, signo);
        m.writeInt(va + 4, errno);
        m.writeInt(va + 8, code);
        long u = va + (is64 ? 16 : 12);
        int ps = is64 ? 8 : 4;
        switch (kind) {
            case KILL -> {
                m.writeInt(u, pid);
                m.writeInt(u + 4, uid);
            }
            case RT -> {
                m.writeInt(u, pid);
                m.writeInt(u + 4, uid);
                m.writePtr(u + 8, value, is64);
            }
            case TIMER -> {
                m.writeInt(u, timerId);
                m.writeInt(u + 4, overrun);
                m.writePtr(u + 8, value, is64);
            }
            case CHLD -> {
                m.writeInt(u, pid);
                m.writeInt(u + 4, uid);
                m.writeInt(u + 8, status);
                // utime/stime: clock_t, aligned to its size
                long t = is64 ? u + 16 : u + 12;
                m.writePtr(t, utime, is64);
                m.writePtr(t + ps, stime, is64);
            }
            case FAULT -> m.writePtr(u, addr, is64);
            case POLL -> {
                m.writePtr(u, band, is64);
                m.writeInt(u + ps, fd);
            }
            default -> { }
        }
    }
}
