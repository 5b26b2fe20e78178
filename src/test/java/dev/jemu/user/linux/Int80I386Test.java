package dev.jemu.user.linux;

import dev.jemu.testutil.ProcessResult;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The i386 system call ABI at the instruction level: a NASM program issues int 0x80 calls with basic integer
 * instructions only and writes the raw results (return values, struct bytes, TLS reads through GS) to stdout,
 * which must match a native run on the host kernel byte for byte.
 */
class Int80I386Test {
    @Test
    void rawSystemCallsMatchTheHostKernel() {
        ProcessResult n = Run32.assertSameAsNative("int80_basic", Run32.nasm("int80_basic.asm"));
        // The native run ran to its end (exit_group(7)) after its first write.
        assertEquals(7, n.exitCode());
        assertTrue(n.stdoutText().startsWith("hello from int 0x80\n"));
    }
}
