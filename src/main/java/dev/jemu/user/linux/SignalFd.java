package dev.jemu.user.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * signalfd: reading takes pending signals of the mask as {@code struct signalfd_siginfo} records. The host
 * descriptor behind it is an eventfd that jemu keeps readable exactly while a matching signal is pending, so
 * poll, select and epoll on it work through the host.
 */
final class SignalFd implements FdTable.Special {
    private static final int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    static final int SFD_NONBLOCK = 0x800, SFD_CLOEXEC = 0x80000;
    private static final int RECORD = 128;

    final LinuxProcess owner;
    final int eventFd;
    volatile long mask;
    private boolean signalled;

    private SignalFd(LinuxProcess owner, int eventFd, long mask) {
        this.owner = owner;
        this.eventFd = eventFd;
        this.mask = mask;
    }

    private static List<SignalFd> of(LinuxProcess p) {
        return p.signalFds;
    }

    /** signalfd4(fd, mask, sizemask, flags): a new descriptor, or a new mask for an existing one. */
    static long signalfd4(LinuxThread t, int fd, long maskVa, long size, int flags) {
        if (size != 8 || (flags & ~(SFD_NONBLOCK | SFD_CLOEXEC)) != 0) return -Errno.EINVAL;
        long mask = t.proc.mem.readLong(maskVa) & ~Signals.UNBLOCKABLE;
        if (fd != -1) {
            FdTable.HostFile f = t.proc.fds.get(fd);
            if (f == null) return -Errno.EBADF;
            if (!(f.special instanceof SignalFd s)) return -Errno.EINVAL;
            s.mask = mask;
            s.update();
            return fd;
        }
        // The eventfd carries the guest's O_NONBLOCK (fcntl works on it); jemu reads it only when it holds 1.
        long efd = HostSyscall.call(Nr.EVENTFD2, 0, EFD_CLOEXEC | (flags & SFD_NONBLOCK));
        if (efd < 0) return efd;
        SignalFd s = new SignalFd(t.proc, (int) efd, mask);
        int g = t.proc.fds.install(new FdTable.HostFile((int) efd, "anon_inode:[signalfd]", s), 0,
                (flags & SFD_CLOEXEC) != 0);
        if (g < 0) {
            HostSyscall.call(Nr.CLOSE, efd);
            return g;
        }
        of(t.proc).add(s);
        s.update();
        return g;
    }

    @Override
    public void closed() {
        of(owner).remove(this);
    }

    /** Signals were queued or taken in {@code p}: refresh the readiness of its signalfds. */
    static void notifyAll(LinuxProcess p) {
        List<SignalFd> l = p.signalFds;
        if (l.isEmpty()) return;
        for (SignalFd s : l) s.update();
    }

    private long pendingMatching() {
        long pend = owner.sharedPending;
        for (LinuxThread t : owner.threads) pend |= t.pending;
        return pend & mask;
    }

    private synchronized void update() {
        boolean want = pendingMatching() != 0;
        if (want == signalled) return;
        MemorySegment b = Arena.ofAuto().allocate(8, 8);
        if (want) {
            b.set(ValueLayout.JAVA_LONG, 0, 1);
            HostSyscall.call(Nr.WRITE, eventFd, b.address(), 8);
        } else {
            HostSyscall.call(Nr.READ, eventFd, b.address(), 8);
        }
        signalled = want;
        if (want) {
            for (LinuxThread t : owner.threads) {
                if (t.parked && t.host != null) java.util.concurrent.locks.LockSupport.unpark(t.host);
            }
        }
    }

    /** read(2) on the signalfd. */
    long read(LinuxThread t, long buf, long count) {
        boolean nonblock = (HostSyscall.call(Nr.FCNTL, eventFd, FileCalls.F_GETFL) & EFD_NONBLOCK) != 0;
        if (count < RECORD) return -Errno.EINVAL;
        LinuxProcess p = t.proc;
        int max = (int) Math.min(count / RECORD, 64);
        for (;;) {
            int n = 0;
            synchronized (p.sigLock) {
                while (n < max) {
                    SigInfo si = Signals.dequeue(t, mask);
                    if (si == null) break;
                    write(p.mem, buf + (long) n * RECORD, si);
                    n++;
                }
                update();
            }
            if (n > 0) return (long) n * RECORD;
            if (nonblock) return -Errno.EAGAIN;
            long r = Blocking.park(t, Blocking.ERESTARTSYS, Long.MAX_VALUE,
                    () -> ((t.pending | p.sharedPending) & mask) != 0);
            if (r < 0) return r;
        }
    }

    private static void write(GuestMemory m, long va, SigInfo si) {
        byte[] rec = new byte[RECORD];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(rec).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, si.signo);
        b.putInt(4, si.errno);
        b.putInt(8, si.code);
        b.putInt(12, si.pid);
        b.putInt(16, si.uid);
        b.putInt(20, si.fd);
        b.putInt(24, si.timerId);
        b.putInt(28, (int) si.band);
        b.putInt(32, si.overrun);
        b.putInt(36, si.trapNo);
        b.putInt(40, si.status);
        b.putInt(44, (int) si.value);
        b.putLong(48, si.value);
        b.putLong(56, si.utime);
        b.putLong(64, si.stime);
        b.putLong(72, si.addr);
        m.write(va, rec);
    }
}
