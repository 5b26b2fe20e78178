package dev.jemu.user.linux;

import org.junit.jupiter.api.Test;

/**
 * i386 C programs (tests/i386, built with i686-linux-gnu-gcc -static) run natively on the x86-64 host kernel
 * and under jemu-i386: the same output and exit status prove the i386 system call conversions, since the
 * programs print what the calls returned and wrote (raw syscall() where libc would choose one variant).
 */
class Programs32Test {
    @Test
    void filesAndStatus() {
        Run32.assertSameAsNative("files32", Run32.gcc("files32.c"));
    }

    @Test
    void time() {
        Run32.assertSameAsNative("time32", Run32.gcc("time32.c"));
    }

    @Test
    void memoryMappings() {
        Run32.assertSameAsNative("mmap32", Run32.gcc("mmap32.c"));
    }

    @Test
    void threadLocalStorage() {
        Run32.assertSameAsNative("tls32", Run32.gcc("tls32.c"));
    }

    @Test
    void selectAndPoll() {
        Run32.assertSameAsNative("select32", Run32.gcc("select32.c"));
    }

    @Test
    void sockets() {
        Run32.assertSameAsNative("sockets32", Run32.gcc("sockets32.c"));
    }

    @Test
    void identityLimitsAndSignalMasks() {
        Run32.assertSameAsNative("misc32", Run32.gcc("misc32.c"));
    }

    @Test
    void threads() {
        Run32.assertSameAsNative("threads32", Run32.gcc("threads32.c"));
    }

    @Test
    void signalDelivery() {
        Run32.assertSameAsNative("signals32", Run32.gcc("signals32.c"));
    }
}
