package dev.jemu.user.linux;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Siginfo32 rearranges siginfo between the x86-64 and i386 layouts (for the shared calls that write or read
 * the x86-64 one: rt_sigtimedwait, waitid, rt_sigqueueinfo). SigInfo writes both layouts itself (for signal
 * frames): for every kind of siginfo, converting SigInfo's x86-64 bytes must give SigInfo's i386 bytes, and back.
 */
class Siginfo32Test {
    private static byte[] write(SigInfo si, boolean is64) {
        AddressSpace as = new AddressSpace(1L << 24);
        as.map(0x10000, 4096, AddressSpace.PROT_READ | AddressSpace.PROT_WRITE, "", 0);
        GuestMemory m = new GuestMemory(as);
        si.write(m, 0x10000, is64);
        byte[] b = m.read(0x10000, Siginfo32.SIZE);
        as.release();
        return b;
    }

    private static SigInfo[] samples() {
        SigInfo kill = SigInfo.user(Signals.SIGUSR1, SigInfo.SI_USER, 1234, 1000);
        SigInfo tkill = SigInfo.user(Signals.SIGUSR2, SigInfo.SI_TKILL, 99, 7);
        SigInfo queued = SigInfo.user(Signals.SIGRTMIN + 3, SigInfo.SI_QUEUE, 4321, 1001);
        queued.kind = SigInfo.RT;
        queued.value = 0xdeadbeefL;
        SigInfo timer = new SigInfo(Signals.SIGALRM, SigInfo.SI_TIMER, SigInfo.TIMER);
        timer.timerId = 3;
        timer.overrun = 2;
        timer.value = 0x12345678L;
        SigInfo child = SigInfo.child(SigInfo.CLD_EXITED, 555, 1000, 42);
        child.utime = 17;
        child.stime = 4;
        SigInfo segv = SigInfo.fault(Signals.SIGSEGV, Signals.SEGV_MAPERR, 0x10, 14, 6);
        SigInfo fpe = SigInfo.fault(Signals.SIGFPE, Signals.FPE_INTDIV, 0x8049000L, 0, 0);
        SigInfo poll = new SigInfo(Signals.SIGIO, 1 /* POLL_IN */, SigInfo.POLL);
        poll.band = 0x41;
        poll.fd = 9;
        return new SigInfo[] {kill, tkill, queued, timer, child, segv, fpe, poll};
    }

    @Test
    void x86_64ToI386MatchesTheI386Writer() {
        for (SigInfo si : samples()) {
            assertArrayEquals(write(si, false), Siginfo32.toI386(write(si, true)), "signal " + si.signo + " code " + si.code);
        }
    }

    @Test
    void i386ToX86_64MatchesTheX86_64Writer() {
        for (SigInfo si : samples()) {
            assertArrayEquals(write(si, true), Siginfo32.toX86_64(write(si, false)), "signal " + si.signo + " code " + si.code);
        }
    }
}
