package dev.jemu.testutil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A readable line diff of two outputs for assertion messages: common lines at both ends are
 * skipped, the rest is diffed by longest common subsequence (when small enough) and shown with
 * line numbers, a few lines of context and a cap on length.
 */
public final class TextDiff {
    private static final int CONTEXT = 3;
    private static final int MAX_SHOWN = 40;
    private static final int LCS_LIMIT = 2000;

    private TextDiff() {}

    public static String describe(byte[] expected, byte[] actual, String expectedName, String actualName) {
        List<String> a = lines(expected), b = lines(actual);
        int pre = 0;
        while (pre < a.size() && pre < b.size() && a.get(pre).equals(b.get(pre))) pre++;
        int suf = 0;
        while (suf < a.size() - pre && suf < b.size() - pre
                && a.get(a.size() - 1 - suf).equals(b.get(b.size() - 1 - suf))) suf++;
        List<String> am = a.subList(pre, a.size() - suf), bm = b.subList(pre, b.size() - suf);
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(expectedName).append(" (").append(a.size()).append(" lines, ")
                .append(expected.length).append(" bytes)\n")
                .append("+++ ").append(actualName).append(" (").append(b.size()).append(" lines, ")
                .append(actual.length).append(" bytes)\n");
        if (am.isEmpty() && bm.isEmpty()) {
            out.append("(same lines; the bytes differ in line endings or a missing final newline)\n");
            return out.toString();
        }
        if (a.isEmpty() || b.isEmpty()) {
            List<String> some = a.isEmpty() ? b : a;
            out.append("(").append(a.isEmpty() ? expectedName : actualName).append(" printed nothing; ")
                    .append(a.isEmpty() ? actualName : expectedName).append(" begins with:)\n");
            for (int i = 0; i < Math.min(5, some.size()); i++) out.append("  ").append(some.get(i)).append('\n');
            return out.toString();
        }
        out.append("@@ first difference at line ").append(pre + 1).append(" @@\n");
        for (int i = Math.max(0, pre - CONTEXT); i < pre; i++) out.append(String.format("  %5d  %s%n", i + 1, a.get(i)));
        List<String> body = new ArrayList<>();
        if (am.size() == bm.size()) {
            pairwise(am, bm, pre, body);
        } else if ((long) am.size() * bm.size() <= (long) LCS_LIMIT * LCS_LIMIT / 4) {
            lcsDiff(am, bm, pre, body);
        } else {
            for (int i = 0; i < Math.min(am.size(), MAX_SHOWN / 2); i++) body.add(String.format("- %5d  %s", pre + i + 1, am.get(i)));
            for (int i = 0; i < Math.min(bm.size(), MAX_SHOWN / 2); i++) body.add(String.format("+ %5d  %s", pre + i + 1, bm.get(i)));
        }
        for (int i = 0; i < Math.min(body.size(), MAX_SHOWN); i++) out.append(body.get(i)).append('\n');
        if (body.size() > MAX_SHOWN) out.append("[... ").append(body.size() - MAX_SHOWN).append(" more diff lines ...]\n");
        int after = a.size() - suf;
        for (int i = after; i < Math.min(a.size(), after + CONTEXT); i++) out.append(String.format("  %5d  %s%n", i + 1, a.get(i)));
        return out.toString();
    }

    /** Same line count: show each differing line pair (most emulator bugs change values, not line structure). */
    private static void pairwise(List<String> a, List<String> b, int offset, List<String> out) {
        int differing = 0, lastShown = -1;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).equals(b.get(i))) continue;
            differing++;
            if (lastShown >= 0 && i - lastShown > 1) out.add("  ...");
            out.add(String.format("- %5d  %s", offset + i + 1, a.get(i)));
            out.add(String.format("+ %5d  %s", offset + i + 1, b.get(i)));
            lastShown = i;
        }
        out.addFirst("(" + differing + " of the lines differ)");
    }

    private static void lcsDiff(List<String> a, List<String> b, int offset, List<String> out) {
        int n = a.size(), m = b.size();
        int[][] l = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--)
            for (int j = m - 1; j >= 0; j--)
                l[i][j] = a.get(i).equals(b.get(j)) ? l[i + 1][j + 1] + 1 : Math.max(l[i + 1][j], l[i][j + 1]);
        int i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                out.add(String.format("  %5d  %s", offset + i + 1, a.get(i)));
                i++;
                j++;
            } else if (j < m && (i == n || l[i][j + 1] >= l[i + 1][j])) {
                out.add(String.format("+ %5d  %s", offset + j + 1, b.get(j)));
                j++;
            } else {
                out.add(String.format("- %5d  %s", offset + i + 1, a.get(i)));
                i++;
            }
        }
    }

    private static List<String> lines(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8).lines().toList();
    }
}
