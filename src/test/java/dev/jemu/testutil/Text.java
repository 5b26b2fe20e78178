package dev.jemu.testutil;

import java.util.List;

/** Small text helpers for readable failure messages. */
public final class Text {
    private Text() {}

    public static String tail(String s, int lines) {
        List<String> all = s.lines().toList();
        if (all.size() <= lines) return s.stripTrailing();
        return "[... " + (all.size() - lines) + " lines before ...]\n"
                + String.join("\n", all.subList(all.size() - lines, all.size()));
    }

    public static String head(String s, int lines) {
        List<String> all = s.lines().toList();
        if (all.size() <= lines) return s.stripTrailing();
        return String.join("\n", all.subList(0, lines)) + "\n[... " + (all.size() - lines) + " more lines ...]";
    }

    /** A shell-like rendering of a command line, for messages a person can paste. */
    public static String commandLine(List<String> cmd) {
        StringBuilder b = new StringBuilder();
        for (String a : cmd) {
            if (!b.isEmpty()) b.append(' ');
            if (!a.isEmpty() && a.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./=:,+@%".indexOf(c) >= 0)) {
                b.append(a);
            } else {
                b.append('\'').append(a.replace("'", "'\\''")).append('\'');
            }
        }
        return b.toString();
    }
}
