package dev.jemu.user.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The controlling terminal's job control as the guest sees it. Guest process groups exist only inside jemu,
 * so the terminal's foreground group (tcgetpgrp/tcsetpgrp) is kept here, for the session jemu was started
 * in; the host terminal keeps jemu itself in the foreground. Terminal signals jemu receives (^C, ^Z, ^\,
 * window size) go to this foreground group ({@link HostSignals}). A background group that changes the
 * foreground group gets SIGTTOU, as Linux does; reading the terminal from the background does not stop a
 * guest (the host sees jemu in the foreground).
 */
final class Terminal {
    private Terminal() {}

    /** The foreground group, or -1 before the first question (then it is the host's answer). */
    private static volatile int foreground = -1;

    /** The session that has the terminal: the initial process's. */
    private static int session(LinuxProcess p) {
        LinuxProcess init = p.kernel.initial;
        return init != null ? init.sid : p.sid;
    }

    static int foregroundPgrp(LinuxProcess p) {
        int f = foreground;
        if (f >= 0) return f;
        LinuxProcess init = p.kernel.initial;
        // jemu in the foreground of its terminal means the initial process's group is.
        MemorySegment pg = Arena.ofAuto().allocate(4, 4);
        if (HostSyscall.call(Nr.IOCTL, 0, FileCalls.TIOCGPGRP, pg.address()) == 0) {
            int host = pg.get(ValueLayout.JAVA_INT, 0);
            if (init != null && host == (int) HostSyscall.call(Nr.GETPGID, 0)) return init.pgid;
            return host;
        }
        return init != null ? init.pgid : p.pgid;
    }

    /** TIOCGPGRP: only for a process of the terminal's session. */
    static long getForeground(LinuxThread t, long va) {
        if (t.proc.sid != session(t.proc)) return -Errno.ENOTTY;
        t.proc.mem.writeInt(va, foregroundPgrp(t.proc));
        return 0;
    }

    /** TIOCSPGRP: the group must exist in the caller's session; from the background, SIGTTOU first. */
    static long setForeground(LinuxThread t, long va) {
        LinuxProcess p = t.proc;
        int pgrp = p.mem.readInt(va);
        if (p.sid != session(p)) return -Errno.ENOTTY;
        if (pgrp < 0) return -Errno.EINVAL;
        if (p.pgid != foregroundPgrp(p)) {
            long b = Signals.bit(Signals.SIGTTOU);
            boolean ignored = p.sigactions.handler[Signals.SIGTTOU] == SignalActions.SIG_IGN;
            if (!ignored && (t.sigMask & b) == 0) {
                SignalCalls.kill(t, -p.pgid, Signals.SIGTTOU);
                return -Blocking.ERESTARTSYS;
            }
        }
        boolean exists = false;
        for (LinuxProcess q : p.kernel.processes()) {
            if (q.pgid == pgrp && q.sid == p.sid && !q.dead()) {
                exists = true;
                break;
            }
        }
        if (!exists) return -Errno.EPERM;
        foreground = pgrp;
        return 0;
    }

    /** TIOCGSID: the session of the terminal, for its own session only. */
    static long getSession(LinuxThread t, long va) {
        if (t.proc.sid != session(t.proc)) return -Errno.ENOTTY;
        t.proc.mem.writeInt(va, session(t.proc));
        return 0;
    }

    /** setsid: the process left the terminal's session (it has no controlling terminal now). */
    static void leftSession(LinuxProcess p) {
    }
}
