package dev.jemu.tcg;

/**
 * How guest code is executed: interpreted only, translated once hot, or translated at first execution.
 * {@code -accel tcg,jit=off|on|all} chooses the mode ({@link #configure}); the {@code jemu.jit*} system
 * properties ({@link #fromSystemProperties()}) set the rest, and the mode when the command line does not.
 *
 * @param mode       OFF (interpreter only), ON (translate blocks executed {@code threshold} times), ALL
 * @param threshold  executions of a block before it is translated (ON)
 * @param maxBlocks  translated blocks kept per vCPU; the oldest are dropped (and their classes unloaded)
 * @param background ON: translate on a background thread while the interpreter goes on (ALL translates at
 *                   once, before executing: deterministic, for tests)
 */
public record TcgOptions(Mode mode, int threshold, int maxBlocks, boolean background) {
    public enum Mode { OFF, ON, ALL }

    // 8000: a lower threshold translated much lukewarm code of short programs (gcc's cc1 spent more CPU in
    // translation and JVM compilation than it saved); hot loops reach either at once.
    public static final int DEFAULT_THRESHOLD = 8000, DEFAULT_MAX_BLOCKS = 4096;

    public TcgOptions {
        if (threshold < 1) threshold = 1;
        if (maxBlocks < 16) maxBlocks = 16;
    }

    public TcgOptions(Mode mode, int threshold, int maxBlocks) {
        this(mode, threshold, maxBlocks, true);
    }

    /** {@code jemu.jit=off|on|all}, {@code jemu.jit.threshold=N}, {@code jemu.jit.max=N}, {@code jemu.jit.background=false}. */
    public static TcgOptions fromSystemProperties() {
        String m = System.getProperty("jemu.jit", "on").trim().toLowerCase(java.util.Locale.ROOT);
        Mode mode = switch (m) {
            case "off", "false", "0", "no" -> Mode.OFF;
            case "all", "always" -> Mode.ALL;
            default -> Mode.ON;
        };
        return new TcgOptions(mode, Integer.getInteger("jemu.jit.threshold", DEFAULT_THRESHOLD),
                Integer.getInteger("jemu.jit.max", DEFAULT_MAX_BLOCKS),
                !"false".equals(System.getProperty("jemu.jit.background")));
    }

    /** The mode the command line chose (-accel tcg,jit=...), or null. One machine or program per JVM. */
    private static volatile Mode configured;

    public static void configure(Mode mode) {
        configured = mode;
    }

    /** {@code jit=} of -accel tcg: off, on or all; null for anything else. */
    public static Mode parseMode(String v) {
        return switch (v) {
            case "off" -> Mode.OFF;
            case "on" -> Mode.ON;
            case "all" -> Mode.ALL;
            default -> null;
        };
    }

    /** What a new vCPU uses: the command line's mode, else the system properties'. */
    public static TcgOptions current() {
        TcgOptions p = fromSystemProperties();
        Mode m = configured;
        return m == null ? p : new TcgOptions(m, p.threshold, p.maxBlocks, p.background);
    }

    public static TcgOptions of(Mode mode) {
        return new TcgOptions(mode, DEFAULT_THRESHOLD, DEFAULT_MAX_BLOCKS);
    }

    public boolean enabled() {
        return mode != Mode.OFF;
    }

    /** Executions before translation: 1 in ALL mode. */
    public int hotness() {
        return mode == Mode.ALL ? 1 : threshold;
    }
}
