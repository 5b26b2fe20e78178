package dev.jemu.tcg;

/**
 * The execution loop of translated code: runs one translation after another, following static exits through
 * their links (filled in on first use) without going back to the block lookup, until a translation exits
 * dynamically, a link target is not translated, or the CPU is asked to stop. One per vCPU.
 */
public final class ChainRunner<C> {
    /** What the loop needs from the target: finding the translation for the current PC, and stop requests. */
    public interface Target<C> {
        /** The valid translation for the CPU's current PC and mode, or null (not translated yet). */
        TranslatedBlock<C> find(C cpu);

        /** True when the loop must return to its caller (interrupts, signals, flushes requested by others). */
        boolean stopRequested(C cpu);

        /** The guest PC (to check an indirect exit's remembered target). */
        long pc(C cpu);

        /**
         * True if {@code from} may jump to {@code to} later without looking it up again (a link).
         */
        default boolean mayLink(TranslatedBlock<C> from, TranslatedBlock<C> to) {
            return true;
        }

        /**
         * True if a linked {@code to} may run now: system emulation checks that its guest pages still map
         * the memory it was translated from (the mapping may have changed since the link was made).
         */
        default boolean stillMapped(TranslatedBlock<C> to) {
            return true;
        }
    }

    private final Target<C> target;
    /** -Djemu.jit.profile=true: counts of what the loop did (runs, link misses, indirect misses, leaves). */
    private static final boolean PROFILE = Boolean.getBoolean("jemu.jit.profile");
    private static final java.util.concurrent.atomic.AtomicLongArray COUNTS = new java.util.concurrent.atomic.AtomicLongArray(8);

    static {
        if (PROFILE) Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.printf(
                "chain: %d calls, %d runs, %d static finds, %d indirect finds (%d indirect exits), %d dynamic exits, %d to interpreter%n",
                COUNTS.get(0), COUNTS.get(1), COUNTS.get(2), COUNTS.get(3), COUNTS.get(4), COUNTS.get(5), COUNTS.get(6))));
    }

    private static void count(int k) {
        if (PROFILE) COUNTS.incrementAndGet(k);
    }
    /** The translation running or last run: when a guest exception escapes, this is the one it came from. */
    public TranslatedBlock<C> last;

    public ChainRunner(Target<C> target) {
        this.target = target;
    }

    /** Runs from {@code t} until a dynamic exit or a stop request; guest exceptions propagate (see {@link #last}). */
    public void run(TranslatedBlock<C> t, C cpu) {
        count(0);
        for (;;) {
            last = t;
            if (PROFILE) t.runs++;
            count(1);
            int x = t.run(cpu);
            if (x == TranslatedBlock.EXIT_DYNAMIC) count(5);
            if (x == TranslatedBlock.EXIT_DYNAMIC || target.stopRequested(cpu)) return;
            TranslatedBlock<C> n;
            if (x >= 0) {
                n = t.links[x];
                if (n == null || !n.valid || !target.stillMapped(n)) {
                    count(2);
                    n = target.find(cpu);
                    if (n == null) { count(6); return; }
                    if (t.valid && target.mayLink(t, n)) t.links[x] = n;
                }
            } else {
                int site = -2 - x;
                count(4);
                n = t.indirect[site];
                if (n == null || !n.valid || n.pc != target.pc(cpu) || !target.stillMapped(n)) {
                    count(3);
                    n = target.find(cpu);
                    if (n == null) { count(6); return; }
                    if (t.valid && target.mayLink(t, n)) t.indirect[site] = n;
                }
            }
            t = n;
        }
    }
}
