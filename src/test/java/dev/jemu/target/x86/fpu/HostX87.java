package dev.jemu.target.x86.fpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host CPU's x87 as an oracle: compiles src/test/resources/fpu/x87oracle.c with gcc (once per JVM) and
 * runs batches of "OP CW ASE ASIG BSE BSIG" lines through it.
 */
final class HostX87 {
    private HostX87() {}

    private static Path binary;
    private static String failure;

    /** Skips the calling test unless the host is x86-64 with gcc. */
    static synchronized Path binary() {
        if (binary == null && failure == null) {
            try {
                binary = build();
            } catch (Exception ex) {
                failure = ex.toString();
            }
        }
        assumeTrue(failure == null, () -> "no host x87 oracle: " + failure);
        return binary;
    }

    private static Path build() throws IOException, InterruptedException {
        String arch = System.getProperty("os.arch");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            throw new IOException("host is " + arch + ", not x86-64");
        }
        Path dir = Path.of("target", "x87oracle");
        Files.createDirectories(dir);
        Path src = dir.resolve("x87oracle.c");
        try (InputStream in = HostX87.class.getResourceAsStream("/fpu/x87oracle.c")) {
            Files.write(src, in.readAllBytes());
        }
        Path exe = dir.resolve("x87oracle");
        Process p = new ProcessBuilder("gcc", "-O1", "-o", exe.toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("gcc failed: " + out);
        }
        return exe;
    }

    /** Runs the lines through the host, one output line per input line. */
    static List<String> run(List<String> lines) {
        Path exe = binary();
        try {
            Path in = Files.createTempFile("x87in", ".txt");
            try {
                Files.write(in, lines, StandardCharsets.US_ASCII);
                Process p = new ProcessBuilder(exe.toAbsolutePath().toString()).redirectInput(in.toFile()).start();
                byte[] out = p.getInputStream().readAllBytes();
                p.waitFor(60, TimeUnit.SECONDS);
                List<String> res = new ArrayList<>(new String(out, StandardCharsets.US_ASCII).lines().toList());
                if (res.size() != lines.size()) {
                    throw new IllegalStateException("oracle gave " + res.size() + " lines for " + lines.size());
                }
                return res;
            } finally {
                Files.deleteIfExists(in);
            }
        } catch (IOException | InterruptedException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static String line(String op, int cw, int ase, long asig, int bse, long bsig) {
        return String.format("%s %x %x %x %x %x", op, cw, ase & 0xFFFF, asig, bse & 0xFFFF, bsig);
    }
}
