package dev.jemu.tcg;

/**
 * Guest code translated to a JVM method: the superclass of every generated (hidden) class, whatever the
 * target. {@link #run} executes from the entry address until the code leaves the translation, and returns
 * either the index of a static exit (a branch whose target is known at translation time: the execution loop
 * links it to the target's translation, see {@link ChainRunner}), {@code -2 - site} for an indirect branch
 * (return, jump through a register) at exit site {@code site}, whose last target the loop remembers, or
 * {@link #EXIT_DYNAMIC} (anything else: the guest PC is in the CPU state and must be looked up).
 *
 * <p>Generated code reads {@link #valid} after stores that may have hit its own code (self-modifying code) and
 * writes {@link #faultIndex} before letting a guest exception escape, so the loop knows which instruction faulted.
 */
public abstract class TranslatedBlock<C> {
    public static final int EXIT_DYNAMIC = -1;

    /** Guest address of the entry and the key of everything else translation depended on (segment base, mode). */
    public final long pc, base;
    public final int mode;
    /** Guest pages the code was translated from: a write to any of them drops the translation. */
    final long[] pages;
    /** Cleared when the translation is dropped (code written, evicted, flushed); generated code polls it. */
    public boolean valid = true;
    /** Index (in the translation's own instruction list) of the instruction whose exception escaped. */
    public int faultIndex;
    /** Times the execution loop ran this translation (counted with -Djemu.jit.profile=true only). */
    public long runs;
    /** Targets of the static exits, linked lazily by the execution loop. */
    public final TranslatedBlock<C>[] links;
    /** The last target of each indirect exit site. */
    final TranslatedBlock<C>[] indirect;

    @SuppressWarnings("unchecked")
    protected TranslatedBlock(long pc, long base, int mode, long[] pages, int staticExits, int indirectExits) {
        this.pc = pc;
        this.base = base;
        this.mode = mode;
        this.pages = pages.clone();
        this.links = (TranslatedBlock<C>[]) new TranslatedBlock<?>[staticExits];
        this.indirect = (TranslatedBlock<C>[]) new TranslatedBlock<?>[indirectExits];
    }

    /** Runs the translated code; returns a static exit index or {@link #EXIT_DYNAMIC}. */
    public abstract int run(C cpu);

    /** True if this translation covers the guest page starting at {@code page}. */
    public boolean coversPage(long page) {
        for (long p : pages) if (p == page) return true;
        return false;
    }

    /** Drops outgoing links so that this translation keeps no other one alive (eviction). */
    void unlink() {
        java.util.Arrays.fill(links, null);
        java.util.Arrays.fill(indirect, null);
    }
}
