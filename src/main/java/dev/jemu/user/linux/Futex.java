package dev.jemu.user.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * futex(2), done by the host kernel on the host address of the guest word: all guest threads (and processes
 * sharing memory through CLONE_VM) live in this JVM's address space, so a futex on the same host address is
 * the same futex. Waits go through {@link Blocking}, so guest signals interrupt them. Timeouts keep their
 * meaning (relative for WAIT, absolute for WAIT_BITSET on the chosen clock), as the host reads them itself.
 * The priority-inheritance operations need host tids in the futex word and are not supported (ENOSYS).
 */
final class Futex {
    private Futex() {}

    static final int WAIT = 0, WAKE = 1, FD = 2, REQUEUE = 3, CMP_REQUEUE = 4, WAKE_OP = 5, LOCK_PI = 6,
            UNLOCK_PI = 7, TRYLOCK_PI = 8, WAIT_BITSET = 9, WAKE_BITSET = 10, WAIT_REQUEUE_PI = 11,
            CMP_REQUEUE_PI = 12, LOCK_PI2 = 13;
    static final int PRIVATE = 128, CLOCK_REALTIME = 256;
    static final int WAITERS = 0x80000000, OWNER_DIED = 0x40000000, TID_MASK = 0x3fffffff;

    static long futex(LinuxThread t, long uaddr, int op, long val, long timeout, long uaddr2, long val3) {
        int cmd = op & ~(PRIVATE | CLOCK_REALTIME);
        if ((op & CLOCK_REALTIME) != 0 && cmd != WAIT && cmd != WAIT_BITSET && cmd != WAIT_REQUEUE_PI
                && cmd != LOCK_PI2) {
            return -Errno.ENOSYS;
        }
        if ((uaddr & 3) != 0) return -Errno.EINVAL;
        GuestMemory m = t.proc.mem;
        boolean is64 = true;
        int hop = op; // same encoding on the host
        return switch (cmd) {
            case WAIT, WAIT_BITSET -> {
                if (cmd == WAIT_BITSET && (int) val3 == 0) yield -Errno.EINVAL;
                long host = m.buffer(uaddr, 4, false);
                long ts = timeout == 0 ? 0 : hostTimespec(m, timeout, is64);
                long r = Blocking.call(t, Blocking.ERESTARTSYS, Nr.FUTEX, host, hop, val & 0xffffffffL, ts, 0,
                        val3 & 0xffffffffL);
                yield r;
            }
            case WAKE, WAKE_BITSET -> {
                if (cmd == WAKE_BITSET && (int) val3 == 0) yield -Errno.EINVAL;
                yield HostSyscall.call(Nr.FUTEX, m.buffer(uaddr, 4, false), hop, val & 0xffffffffL, 0, 0,
                        val3 & 0xffffffffL);
            }
            case REQUEUE, CMP_REQUEUE -> {
                if ((uaddr2 & 3) != 0) yield -Errno.EINVAL;
                // the fourth argument is val2 (how many to requeue), not a timeout
                yield HostSyscall.call(Nr.FUTEX, m.buffer(uaddr, 4, false), hop, val & 0xffffffffL,
                        timeout & 0xffffffffL, m.buffer(uaddr2, 4, false), val3 & 0xffffffffL);
            }
            case WAKE_OP -> {
                if ((uaddr2 & 3) != 0) yield -Errno.EINVAL;
                yield HostSyscall.call(Nr.FUTEX, m.buffer(uaddr, 4, false), hop, val & 0xffffffffL,
                        timeout & 0xffffffffL, m.buffer(uaddr2, 4, true), val3 & 0xffffffffL);
            }
            default -> -Errno.ENOSYS;
        };
    }

    /** The timeout as a host timespec: the guest's own for x86-64, converted from the i386 layout. */
    private static long hostTimespec(GuestMemory m, long va, boolean is64) {
        if (is64) return m.buffer(va, 16, false);
        MemorySegment ts = Arena.ofAuto().allocate(16, 8);
        ts.set(ValueLayout.JAVA_LONG, 0, m.readInt(va));
        ts.set(ValueLayout.JAVA_LONG, 8, m.readInt(va + 4));
        return ts.address();
    }

    /** Wakes one waiter on the guest word (CLONE_CHILD_CLEARTID at thread exit). */
    static void wake(LinuxProcess p, long uaddr, int n) {
        try {
            HostSyscall.call(Nr.FUTEX, p.mem.buffer(uaddr, 4, false), WAKE, n, 0, 0, 0);
        } catch (GuestMemory.Fault ignored) {
            // unmapped: nobody can wait there
        }
    }

    /**
     * At thread exit: every robust futex the thread still holds is marked OWNER_DIED and one waiter woken,
     * so that the next locker gets EOWNERDEAD (the kernel's exit_robust_list).
     */
    static void exitRobustList(LinuxThread t) {
        long head = t.robustList;
        if (head == 0) return;
        LinuxProcess p = t.proc;
        boolean is64 = p.is64();
        int ps = is64 ? 8 : 4;
        GuestMemory m = p.mem;
        try {
            long entry = m.readPtr(head, is64);
            long offset = is64 ? m.readLong(head + ps) : m.readInt(head + ps);
            long pending = m.readPtr(head + 2L * ps, is64);
            int limit = 2048;
            while ((entry & ~1L) != head && entry != 0 && limit-- > 0) {
                long next = m.readPtr(entry & ~1L, is64);
                if ((entry & ~1L) != (pending & ~1L)) handleDeath(t, (entry & ~1L) + offset);
                entry = next;
            }
            if (pending != 0) handleDeath(t, (pending & ~1L) + offset);
        } catch (GuestMemory.Fault ignored) {
            // a corrupt list ends the walk, as in the kernel
        }
    }

    private static void handleDeath(LinuxThread t, long uaddr) {
        GuestMemory m = t.proc.mem;
        if ((uaddr & 3) != 0) return;
        int v = m.readInt(uaddr);
        if ((v & TID_MASK) != t.tid) return;
        m.writeInt(uaddr, (v & WAITERS) | OWNER_DIED);
        if ((v & WAITERS) != 0) wake(t.proc, uaddr, 1);
    }
}
