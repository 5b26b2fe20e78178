package dev.jemu.user.linux;

import dev.jemu.util.Log;

/** -strace output in qemu-user's format: {@code PID name(args) = result}. */
final class Strace {
    private Strace() {}

    static void enter(LinuxThread t, int nr, long... a) {
        print(t, SyscallNames.x86_64(nr), nr, a);
    }

    static void enter32(LinuxThread t, int nr, long... a) {
        print(t, SyscallNames.i386(nr), nr, a);
    }

    private static void print(LinuxThread t, String name, int nr, long[] a) {
        StringBuilder b = new StringBuilder();
        b.append(t.proc.pid).append(' ').append(name == null ? "syscall_" + nr : name).append('(');
        for (int k = 0; k < 6; k++) {
            if (k > 0) b.append(',');
            b.append(a[k] >= 0 && a[k] < 4096 ? Long.toString(a[k]) : "0x" + Long.toHexString(a[k]));
        }
        b.append(')');
        t.proc.kernel.log.out().print(b);
    }

    static void noResult(LinuxThread t, int nr) {
        t.proc.kernel.log.out().println();
    }

    static void exit(LinuxThread t, int nr, long res) {
        Log log = t.proc.kernel.log;
        if (res < 0 && res > -4096) {
            log.out().printf(" = -1 errno=%d (%s)%n", -res, Errno.name((int) -res));
        } else if (res >= 0 && res < 4096) {
            log.out().printf(" = %d%n", res);
        } else {
            log.out().printf(" = 0x%x%n", res);
        }
    }
}
