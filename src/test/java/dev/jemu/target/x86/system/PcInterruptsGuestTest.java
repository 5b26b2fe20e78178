package dev.jemu.target.x86.system;

import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.ProcessResult;
import dev.jemu.testutil.Processes;
import dev.jemu.testutil.SystemHarness;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Interrupts of the pc machine's devices (tests/guests/pcirq.asm, run with -bios on the whole board under
 * jemu-system-x86_64 and, when installed, qemu-system-x86_64): the PIT, the RTC's periodic interrupt and the
 * 16550's THRE and loopback RX interrupts, through the 8259 pair and through the I/O APIC with local-APIC EOI.
 */
class PcInterruptsGuestTest {
    static final String TEXT = "pic pit ok\npic rtc ok\npic serial ok\nioapic pit ok\nioapic rtc ok\nioapic serial ok\n";

    /** Runs the guest image under jemu-system-x86_64 -bios: {status (isa-debug-exit value), debugcon text}. */
    static Object[] jemu(String name) throws Exception {
        byte[] image = SystemHarness.assemble(name);
        Path dir = Files.createTempDirectory("jemu-pc");
        Path bios = dir.resolve("bios.bin"), out = dir.resolve("debugcon.txt");
        Files.write(bios, image);
        try {
            ProcessResult r = Jemu.run("jemu-system-x86_64", List.of("-bios", bios.toString(), "-display", "none",
                    "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-debugcon", "file:" + out, "-no-reboot"),
                    Processes.Options.of(Duration.ofSeconds(60)));
            int code = r.exitCode();
            String text = Files.exists(out) ? Files.readString(out) : "";
            return new Object[] {code % 2 == 1 ? code >> 1 : SystemHarness.TRIPLE_FAULT, text, Jemu.describe(r)};
        } finally {
            Files.deleteIfExists(bios);
            Files.deleteIfExists(out);
            Files.delete(dir);
        }
    }

    @Test
    void pitRtcAndSerialThroughThePicAndTheIoApic() throws Exception {
        Object[] j = jemu("pcirq");
        assertEquals(0, j[0], () -> "failed check " + j[0] + ", debugcon: " + j[1] + "\n" + j[2]);
        assertEquals(TEXT, j[1]);
    }

    @Test
    void sameAsQemu() throws Exception {
        Object[] q = GuestRunner.qemu("pcirq");
        org.junit.jupiter.api.Assumptions.assumeTrue(q != null, "qemu-system-x86_64 is not installed");
        Object[] j = jemu("pcirq");
        assertEquals(q[0], j[0], "status (qemu debugcon: " + q[1] + ", jemu: " + j[1] + ")");
        assertEquals(q[1], j[1]);
    }
}
