package dev.jemu.user.linux;

import dev.jemu.target.x86.X86Exception;

/**
 * Signal generation and delivery. CPU exceptions become the signals Linux sends for them (SIGSEGV for page
 * faults and #GP, SIGILL for #UD, SIGFPE for #DE/#MF/#XM, SIGTRAP for INT3, SIGBUS for #AC).
 */
public final class Signals {
    private Signals() {}

    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
            SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
            SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22,
            SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29,
            SIGPWR = 30, SIGSYS = 31;
    // si_code values.
    public static final int SI_KERNEL = 0x80, SEGV_MAPERR = 1, SEGV_ACCERR = 2, ILL_ILLOPN = 2, FPE_INTDIV = 1,
            FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6, FPE_FLTINV = 7, TRAP_BRKPT = 1,
            BUS_ADRALN = 1;

    /** The signal Linux raises for a CPU exception, delivered synchronously to the thread. */
    public static void fromException(LinuxThread t, X86Exception e) {
        switch (e.vector) {
            case X86Exception.PF -> force(t, SIGSEGV, (e.errorCode & 1) != 0 ? SEGV_ACCERR : SEGV_MAPERR, e.address);
            case X86Exception.UD -> force(t, SIGILL, ILL_ILLOPN, t.cpu.rip);
            case X86Exception.DE -> force(t, SIGFPE, FPE_INTDIV, t.cpu.rip);
            case X86Exception.MF, X86Exception.XM -> force(t, SIGFPE, FPE_FLTINV, t.cpu.rip);
            case X86Exception.BP, X86Exception.DB -> force(t, SIGTRAP, SI_KERNEL, 0);
            case X86Exception.AC -> force(t, SIGBUS, BUS_ADRALN, 0);
            default -> force(t, SIGSEGV, SI_KERNEL, 0); // #GP, #SS, #NP, INT n, INTO
        }
    }

    /**
     * Delivers a synchronous signal now. Without a handler, or when it is blocked or ignored, the default
     * action (terminate, with a core dump for these) happens, as Linux forces such signals.
     */
    public static void force(LinuxThread t, int sig, int code, long addr) {
        terminate(t.proc, sig);
    }

    /** Delivers pending asynchronous signals to the thread, if any (at an instruction boundary). */
    public static void deliverPending(LinuxThread t) {
    }

    /** Ends the whole process as killed by {@code sig}. */
    public static void terminate(LinuxProcess p, int sig) {
        boolean core = switch (sig) {
            case SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS -> true;
            default -> false;
        };
        Processes.exitProcess(p, (sig & 0x7f) | (core ? 0x80 : 0));
    }
}
