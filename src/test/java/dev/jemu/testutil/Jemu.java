package dev.jemu.testutil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the emulator as a subprocess, the way tests need it before the jar exists:
 * {@code <this JDK's java> --enable-native-access=ALL-UNNAMED -cp target/classes dev.jemu.Main TOOL ARGS...}
 * (with the JVM options bin/jemu-launch uses).
 * <p>System properties that tune it (pass them to Maven with -D):
 * <ul>
 * <li>{@code jemu.args} — extra emulator options put before the program, e.g. {@code -d strace}</li>
 * <li>{@code jemu.jvm.args} — extra JVM options for the emulator process</li>
 * <li>{@code jemu.timeout} — seconds an emulated run may take (default 180: generous, so a loaded CI machine does not fail a slow but correct run)</li>
 * <li>{@code jemu.peer=qemu} — run Debian's qemu-user (qemu-x86_64, qemu-i386) in place of jemu,
 *     to check a harness and its test programs against a working emulator</li>
 * </ul>
 */
public final class Jemu {
    public static final String MAIN_CLASS = "dev.jemu.Main";

    private Jemu() {}

    /** The project's base directory (Maven's basedir, else the working directory). */
    public static Path projectDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    public static Path classesDir() {
        return projectDir().resolve("target/classes");
    }

    /** The java launcher of the JDK running the tests (JDK 25), so the emulator runs on the same JDK. */
    public static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Whether -Djemu.peer=qemu asked for Debian's qemu-user in place of jemu. */
    public static boolean usesPeer() {
        return "qemu".equals(System.getProperty("jemu.peer"));
    }

    /** Whether target/classes holds the emulator's entry point at all. */
    public static boolean isBuilt() {
        return Files.isRegularFile(classesDir().resolve(MAIN_CLASS.replace('.', '/') + ".class"));
    }

    public static Duration timeout() {
        return Duration.ofSeconds(Long.getLong("jemu.timeout", 180));
    }

    /** The full command line that runs {@code tool} (jemu-x86_64, jemu-i386, ...) on {@code args}. */
    public static List<String> command(String tool, List<String> args) {
        List<String> cmd = new ArrayList<>();
        if (usesPeer()) {
            cmd.add(tool.replaceFirst("^jemu-", "qemu-"));
            cmd.addAll(args);
            return cmd;
        }
        cmd.add(java());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        // as the jar's manifest does: the translator reads lambda proxies' constant pools (tcg.HandlerRef)
        cmd.add("--add-exports=java.base/jdk.internal.access=ALL-UNNAMED");
        cmd.add("--add-exports=java.base/jdk.internal.reflect=ALL-UNNAMED");
        cmd.add("-XX:+UseSerialGC"); // as bin/jemu-launch runs it
        cmd.add("-Xmn32m");
        cmd.add("-Xss16m");
        // the translate-everything run (pom.xml's jit-all execution) reaches the emulated programs too
        String jit = System.getProperty("jemu.jit");
        if (jit != null) cmd.add("-Djemu.jit=" + jit);
        cmd.addAll(split(System.getProperty("jemu.jvm.args", "")));
        cmd.add("-cp");
        cmd.add(classesDir().toString());
        cmd.add(MAIN_CLASS);
        cmd.add(tool);
        if (!args.isEmpty() && !args.getFirst().startsWith("-")) cmd.addAll(split(System.getProperty("jemu.args", "")));
        cmd.addAll(args);
        return cmd;
    }

    public static ProcessResult run(String tool, String... args) {
        return run(tool, Arrays.asList(args), Processes.Options.of(timeout()));
    }

    public static ProcessResult run(String tool, List<String> args, Processes.Options options) {
        return Processes.run(command(tool, args), options);
    }

    /**
     * A one-paragraph account of an emulated run for failure messages: how it ended, and the end of
     * its stderr, or a plain statement that the emulator is not built.
     */
    public static String describe(ProcessResult r) {
        StringBuilder b = new StringBuilder();
        b.append("emulated: ").append(Text.commandLine(r.command())).append("\n  ").append(r.describeExit());
        if (!isBuilt() && !usesPeer()) {
            b.append("\n  (").append(MAIN_CLASS).append(" is not built: no ")
                    .append(projectDir().relativize(classesDir())).append('/')
                    .append(MAIN_CLASS.replace('.', '/')).append(".class; run mvn compile)");
        }
        String err = r.stderrTail(15);
        if (!err.isBlank()) b.append("\n  stderr:\n    ").append(err.replace("\n", "\n    "));
        else if (r.exitCode() != 0 && !usesPeer()) b.append("\n  (no stderr; -Djemu.args='-d unimp,int' may say more)");
        return b.toString();
    }

    private static List<String> split(String s) {
        return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }
}
