package dev.jemu.user.linux;

import org.junit.jupiter.api.Test;

/**
 * Signals under jemu-x86_64 against the host kernel: handlers and their return (rt_sigreturn through
 * glibc's restorer), SA_SIGINFO fields, masks and pending sets, sigtimedwait, SIGSEGV/SIGFPE/SIGILL handlers
 * that siglongjmp out, sigaltstack, SA_NODEFER, SA_RESETHAND, FPU state across handlers; blocking calls
 * interrupted by signals (EINTR, SA_RESTART, timers, sigsuspend).
 */
class SignalsTest {
    @Test
    void deliveryFramesAndReturn() {
        LinuxPrograms.assertSameAsNative(LinuxPrograms.c("signals"), 0);
    }

    /** si_addr is the accessed byte, including an access that crosses into an unmapped page. */
    @Test
    void faultAddressIsTheAccessedByte() {
        LinuxPrograms.assertSameAsNative(LinuxPrograms.c("faultaddr"), 0);
    }

    @Test
    void blockingCallsAreInterruptedOrRestarted() {
        LinuxPrograms.assertSameAsNative(LinuxPrograms.c("eintr"), 0);
    }

    /** Raw system calls: a handler with SA_RESTORER, a SIGSEGV handler editing uc_mcontext.rip. */
    @Test
    void rawHandlersAndContextEditing() {
        LinuxPrograms.assertSameAsNative(LinuxPrograms.asm("rawsig"), 7);
    }

    /** A read on a pipe interrupted by alarm: -EINTR without SA_RESTART, restarted with it. */
    @Test
    void rawEintrAndRestart() {
        LinuxPrograms.assertSameAsNative(LinuxPrograms.asm("raweintr"), 14);
    }
}
