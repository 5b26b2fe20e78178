package dev.jemu.user.linux;

import dev.jemu.testutil.CCompiler;
import dev.jemu.testutil.Guests;
import dev.jemu.testutil.Jemu;
import dev.jemu.testutil.ProcessResult;
import dev.jemu.testutil.Processes;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Job control in an interactive busybox sh on a pseudo-terminal (driven by tests/linux/jobcontrol.py):
 * ^Z stops the foreground job (SIGTSTP to the foreground group, the shell's wait sees WIFSTOPPED), jobs,
 * bg (SIGCONT), fg (tcsetpgrp), ^C interrupts it (status 130). The transcript must equal the native one.
 */
class JobControlTest {
    @Test
    void busyboxShellStopsAndResumesJobs() {
        Path python = CCompiler.require("python3");
        Path busybox = Guests.busybox("amd64");
        Path driver = LinuxPrograms.sourceDir().resolve("jobcontrol.py");
        Processes.Options o = Processes.Options.of(Duration.ofMinutes(5)).inDir(Path.of("/"));
        ProcessResult nat = Processes.run(List.of(python.toString(), driver.toString(), busybox.toString(), "sh", "-i"), o);
        assertEquals(0, nat.exitCode(), "native run of the driver:\n" + nat.stdoutText());
        List<String> cmd = new ArrayList<>(List.of(python.toString(), driver.toString()));
        cmd.addAll(Jemu.command("jemu-x86_64", List.of(busybox.toString(), "sh", "-i")));
        ProcessResult emu = Processes.run(cmd, o);
        assertEquals(nat.stdoutText(), emu.stdoutText(), "transcript under jemu\n" + emu.stderrTail(10));
        assertEquals(0, emu.exitCode());
    }
}
