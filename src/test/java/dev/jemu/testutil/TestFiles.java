package dev.jemu.testutil;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Deterministic input files for side-by-side runs: the same bytes and the same modification
 * times every time, so that tools which record times (gzip, tar) produce identical output.
 */
public final class TestFiles {
    public static final FileTime FIXED_TIME = FileTime.from(Instant.parse("2024-01-02T03:04:05Z"));
    private static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
            "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra",
            "tango", "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "emulator", "register", "segment"};

    private TestFiles() {}

    /** A file of {@code size} bytes mixing text runs and random runs (compresses to roughly half). */
    public static void mixed(Path file, long size, long seed) {
        Random r = new Random(seed);
        try (OutputStream o = Files.newOutputStream(file)) {
            byte[] block = new byte[4096];
            long left = size;
            while (left > 0) {
                int n = (int) Math.min(block.length, left);
                if (r.nextInt(3) == 0) {
                    r.nextBytes(block);
                } else {
                    int i = 0;
                    while (i < n) {
                        byte[] w = (WORDS[r.nextInt(WORDS.length)] + (r.nextInt(9) == 0 ? "\n" : " "))
                                .getBytes(StandardCharsets.US_ASCII);
                        for (int k = 0; k < w.length && i < n; k++) block[i++] = w[k];
                    }
                }
                o.write(block, 0, n);
                left -= n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        touch(file);
    }

    /** {@code lines} lines of words. */
    public static void words(Path file, int lines, long seed) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            int n = 1 + r.nextInt(4);
            for (int k = 0; k < n; k++) b.append(k > 0 ? " " : "").append(WORDS[r.nextInt(WORDS.length)]);
            b.append('\n');
        }
        write(file, b.toString());
    }

    public static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        touch(file);
    }

    /** Gives a file or directory (not following links) the fixed modification time. */
    public static void touch(Path p) {
        try {
            Files.setLastModifiedTime(p, FIXED_TIME);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets the fixed time on everything below {@code root}, deepest first, so directory times stick. */
    public static void touchTree(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).filter(p -> !Files.isSymbolicLink(p)).forEach(TestFiles::touch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory tree if it exists. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh, empty directory. */
    public static Path freshDir(Path dir) {
        deleteTree(dir);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
