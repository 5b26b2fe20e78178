package dev.jemu.user.linux;

import dev.jemu.testutil.Guests;
import dev.jemu.testutil.ProcessResult;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Debian's busybox-static for i386 (scripts/fetch-guests) under jemu-i386, compared with the host running it. */
class BusyboxI386Test {
    @Test
    void echoAndListRoot() {
        ProcessResult n = Run32.assertSameAsNative("busybox-ls", Guests.busybox("i386"), "sh", "-c", "echo hi; ls /");
        assertTrue(n.stdoutText().startsWith("hi\n"));
    }

    @Test
    void appletsOverFilesAndPipes() {
        Run32.assertSameAsNative("busybox-pipes", Guests.busybox("i386"), "sh", "-c",
                "echo 'b a c' > f && tr ' ' '\\n' < f | sort | wc -l && cat f | wc -c && ls -l f | cut -c1-10 "
                        + "&& mkdir d && touch d/x && find d | sort && rm -r d f && ls");
    }
}
