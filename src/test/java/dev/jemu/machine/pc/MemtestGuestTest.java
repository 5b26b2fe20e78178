package dev.jemu.machine.pc;

import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.Processes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's memtest86+ 6.10 (Linux boot protocol images, scripts/fetch-guests) started with -kernel and
 * console=ttyS0 runs its test #0 ("Address test, walking ones, no cache") to the end with no errors. memtest
 * paints a VT100 screen on the serial line, so the test replays it ({@link Vt100Screen}) and reads the fields:
 * row 4 holds the running test ("#N  [name]"), row 9 the error count. Test #0 has passed once a later test
 * runs while Errors is still 0; the run is then killed (memtest never ends by itself). The same check is run
 * against qemu-system-* when it is installed, to prove the screen parsing on the oracle.
 */
@Tag("guest")
class MemtestGuestTest {
    private static final Pattern TEST = Pattern.compile("#(\\d+)\\s+\\[");
    private static final Pattern ERRORS = Pattern.compile("Errors:\\s*(\\d+)");

    static Path cached(String name) {
        Path p = Path.of(System.getenv().getOrDefault("JEMU_CACHE", System.getProperty("user.home") + "/.cache/jemu"), name);
        assumeTrue(Files.isRegularFile(p), () -> p + " is missing (scripts/fetch-guests fetches it)");
        return p;
    }

    /** The test number memtest shows as running, or -1. */
    static int runningTest(Vt100Screen s) {
        Matcher m = TEST.matcher(s.row(3));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    static int errors(Vt100Screen s) {
        Matcher m = ERRORS.matcher(s.row(8));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    static GuestConsole runMemtest(List<String> cmd) {
        boolean[] sawTest0 = new boolean[1];
        return GuestConsole.run(cmd, Duration.ofSeconds(90), c -> {
            int t = runningTest(c.screen);
            if (t == 0) sawTest0[0] = true;
            return (sawTest0[0] && t > 0) || errors(c.screen) > 0;
        });
    }

    static List<String> args(String image) {
        return List.of("-m", "64", "-kernel", cached("memtest/" + image).toString(), "-append", "console=ttyS0", "-nographic");
    }

    static void assertTest0Passed(GuestConsole c) {
        assertTrue(c.reached, () -> "test #0 did not end\n" + c.describe());
        assertTrue(c.screen.row(0).contains("Memtest86+ v6"), () -> "banner\n" + c.describe());
        assertEquals(0, errors(c.screen), () -> "errors\n" + c.describe());
        assertTrue(runningTest(c.screen) >= 1, () -> "a later test runs\n" + c.describe());
        assertTrue(c.screen.row(5).matches("Memory\\s*:\\s*6[0-9]MB.*"), () -> "memory size from the e820 map\n" + c.describe());
    }

    @ParameterizedTest
    @CsvSource({"jemu-system-x86_64, memtest86+x64.bin", "jemu-system-i386, memtest86+ia32.bin"})
    void test0PassesWithNoErrors(String tool, String image) {
        GuestConsole c = runMemtest(Jemu.command(tool, args(image)));
        assertTest0Passed(c);
    }

    /** With -bios the kernel goes through SeaBIOS and LinuxBootRom into memtest's real-mode entry. */
    @Test
    void throughTheFirmwareToo() {
        List<String> a = new ArrayList<>(List.of("-bios", "bios-256k.bin"));
        a.addAll(args("memtest86+x64.bin"));
        GuestConsole c = runMemtest(Jemu.command("jemu-system-x86_64", a));
        assertTrue(c.text().contains("Booting from ROM.."), c::describe);
        assertTest0Passed(c);
    }

    @ParameterizedTest
    @CsvSource({"qemu-system-x86_64, memtest86+x64.bin", "qemu-system-i386, memtest86+ia32.bin"})
    void qemuShowsTheSame(String tool, String image) {
        assumeTrue(Processes.which(tool) != null, tool + " is not installed (scripts/install-deps)");
        List<String> cmd = new ArrayList<>(List.of(tool));
        cmd.addAll(args(image));
        assertTest0Passed(runMemtest(cmd));
    }
}
