package dev.jemu.target.x86.tcg;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * -Djemu.jit.profile=true: counts the handler calls made by translated code, by handler ("SseMove.movlpd"),
 * and prints the most frequent at exit. It tells which instruction forms are worth translating inline.
 */
public final class JitProfile {
    private JitProfile() {}

    static final boolean ON = Boolean.getBoolean("jemu.jit.profile");
    private static final int MAX = 4096;
    private static final ConcurrentHashMap<String, Integer> IDS = new ConcurrentHashMap<>();
    private static final String[] NAMES = new String[MAX];
    private static final AtomicLongArray COUNTS = new AtomicLongArray(MAX);

    static {
        if (ON) Runtime.getRuntime().addShutdownHook(new Thread(JitProfile::print));
    }

    static int id(String key) {
        return IDS.computeIfAbsent(key, k -> {
            int n = IDS.size();
            if (n >= MAX) n = MAX - 1;
            NAMES[n] = k;
            return n;
        });
    }

    /** Called from generated code. */
    public static void count(int id) {
        COUNTS.incrementAndGet(id);
    }

    private static void print() {
        List<Integer> ids = new ArrayList<>(IDS.values());
        ids.sort((a, b) -> Long.compare(COUNTS.get(b), COUNTS.get(a)));
        long total = 0;
        for (int id : ids) total += COUNTS.get(id);
        System.err.printf("jit profile: %d handler calls from translated code%n", total);
        for (int k = 0; k < Math.min(40, ids.size()); k++) {
            int id = ids.get(k);
            System.err.printf("  %12d  %s%n", COUNTS.get(id), NAMES[id]);
        }
    }
}
