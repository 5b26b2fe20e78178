package dev.jemu.user.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One program of tests/c and what its marker comments (in its first 30 lines) say about it:
 * <pre>
 *   // arch: x86_64 | i386      only for this ABI
 *   // cflags: -mssse3 ...      extra compiler flags
 *   // args: a b ""             arguments ("" is an empty one)
 *   // status: 3                the exit status it ends with natively (default 0)
 * </pre>
 * scripts/check-tests-c reads the same markers.
 */
record DifferentialProgram(String name, Path source, String arch, List<String> cflags, List<String> args, int status) {

    static DifferentialProgram parse(Path source) {
        String file = source.getFileName().toString();
        String name = file.substring(0, file.length() - 2);
        String arch = null;
        List<String> cflags = List.of(), args = List.of();
        int status = 0;
        try {
            List<String> lines = Files.readAllLines(source);
            for (String line : lines.subList(0, Math.min(30, lines.size()))) {
                if (!line.startsWith("// ")) continue;
                int colon = line.indexOf(':');
                if (colon < 0) continue;
                String key = line.substring(3, colon).trim(), value = line.substring(colon + 1).trim();
                switch (key) {
                    case "arch" -> arch = value;
                    case "cflags" -> cflags = words(value);
                    case "args" -> args = words(value).stream().map(w -> w.equals("\"\"") ? "" : w).toList();
                    case "status" -> status = Integer.parseInt(value);
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DifferentialProgram(name, source, arch, cflags, args, status);
    }

    boolean runsOn(String abi) {
        return arch == null || arch.equals(abi);
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : new ArrayList<>(List.of(s.split("\\s+")));
    }
}
