package dev.jemu.user.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Signals the host sends to jemu itself, passed on to the guest: the terminal's (SIGINT, SIGQUIT, SIGTSTP,
 * SIGWINCH) to the guest's foreground process group, the others (SIGTERM, SIGHUP, SIGCONT, SIGUSR1) to the
 * initial process, as if they had been sent to it. Also what jemu does to itself on the guest's behalf: stop
 * (job control of the initial process) and the core-dump question.
 */
@SuppressWarnings("removal")
final class HostSignals {
    private HostSignals() {}

    private static final String[] TERMINAL = {"INT", "QUIT", "TSTP", "WINCH"};
    private static final String[] TO_INITIAL = {"TERM", "HUP", "CONT", "USR1"};

    static void install(Kernel k) {
        for (String n : TERMINAL) route(k, n, true);
        for (String n : TO_INITIAL) route(k, n, false);
    }

    private static void route(Kernel k, String name, boolean terminal) {
        try {
            sun.misc.Signal s = new sun.misc.Signal(name);
            sun.misc.Signal.handle(s, sig -> deliver(k, sig.getNumber(), terminal));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // the JVM keeps this one (e.g. SIGQUIT for thread dumps without -Xrs): the guest won't see it
        }
    }

    private static void deliver(Kernel k, int sig, boolean terminal) {
        LinuxProcess init = k.initial;
        if (init == null) return;
        SigInfo si = SigInfo.user(sig, SigInfo.SI_USER, 0, 0);
        if (terminal) {
            int fg = Terminal.foregroundPgrp(init);
            boolean any = false;
            for (LinuxProcess p : k.processes()) {
                if (p.pgid == fg && !p.dead()) {
                    Signals.sendToProcess(p, si.copy());
                    any = true;
                }
            }
            if (any) return;
        }
        Signals.sendToProcess(init, si);
    }

    /** Stops jemu (SIGSTOP to itself); returns once something continued it. */
    static void stopHost() {
        System.out.flush();
        HostSyscall.call(Nr.KILL, HostSyscall.call(Nr.GETPID), Signals.SIGSTOP);
    }

    private static final int RLIMIT_CORE = 4;

    /** Would the host kernel write a core file (RLIMIT_CORE not 0)? Wait statuses say so with 0x80. */
    static boolean coreDumpsEnabled() {
        MemorySegment lim = Arena.ofAuto().allocate(16, 8);
        if (HostSyscall.call(Nr.PRLIMIT64, 0, RLIMIT_CORE, 0, lim.address()) < 0) return false;
        return lim.get(ValueLayout.JAVA_LONG, 0) != 0;
    }
}
