package dev.jemu.user.linux;

import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.ProcessResult;
import dev.jemu.testutil.Processes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jemu-x86_64 -accel tcg,jit=off|on|all}: how the software CPU runs the program, chosen on the command line. */
class TcgAccelOptionTest {
    /** Runs /bin/echo with the translator's statistics on; returns the run. */
    private static ProcessResult echo(String accel) {
        List<String> cmd = new ArrayList<>(Jemu.command("jemu-x86_64", List.of("-accel", accel, "/bin/echo", "hi")));
        cmd.add(1, "-Djemu.jit.stats=true");
        cmd.removeIf(a -> a.startsWith("-Djemu.jit=")); // the command line must decide, not the test run's setting
        return Processes.run(cmd, Processes.Options.of(Jemu.timeout()));
    }

    @Test
    void jitModeDecidesWhatIsTranslated() {
        ProcessResult off = echo("tcg,jit=off"), all = echo("tcg,jit=all");
        assertEquals("hi\n", off.stdoutText());
        assertEquals("hi\n", all.stdoutText());
        assertTrue(!off.stderrText().contains("translations"), "jit=off: no translator at all\n" + off.stderrText());
        var m = java.util.regex.Pattern.compile("jit: (\\d+) translations").matcher(all.stderrText());
        assertTrue(m.find() && Integer.parseInt(m.group(1)) > 100, "jit=all translates every block\n" + all.stderrText());
    }

    @Test
    void badValuesAreQemuStyleErrors() {
        ProcessResult r = Jemu.run("jemu-x86_64", "-accel", "tcg,jit=maybe", "/bin/true");
        assertEquals(1, r.exitCode());
        assertEquals("jemu-x86_64: -accel tcg,jit=maybe: Parameter 'jit' expects 'off', 'on' or 'all'\n", r.stderrText());
        r = Jemu.run("jemu-x86_64", "-accel", "tcg,foo=1", "/bin/true");
        assertEquals("jemu-x86_64: -accel tcg,foo=1: Property 'tcg-accel.foo' not found\n", r.stderrText());
    }
}
