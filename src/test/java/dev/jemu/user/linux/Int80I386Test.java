package dev.jemu.user.linux;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The i386 system call ABI at the instruction level: a NASM program issues int 0x80 calls with basic integer
 * instructions only and writes the raw results (return values, struct bytes, TLS reads through GS) to stdout,
 * which must match a native run on the host kernel byte for byte.
 */
class Int80I386Test {
    @Test
    void rawSystemCallsMatchTheHostKernel() {
        Run32.Result n = Run32.assertSameAsNative(Run32.nasm("int80_basic.asm"));
        assertEquals(7, n.status());
        // The native run itself proves the expectations the table encodes: TLS entry 12, and the program ran to the end.
        assertEquals(true, n.text().startsWith("hello from int 0x80\n"));
    }
}
