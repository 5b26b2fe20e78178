package dev.jemu.target.x86;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every decoded block of one interpreter, behind its small direct-mapped front cache: a lookup that misses the
 * front finds the block here instead of decoding it again, so big programs (cc1, ld) whose code overflows the
 * front keep their blocks, and their execution counts, until the code changes. Chained by RIP; indexed by the
 * pages a block came from (host and linear) so that a code write drops exactly the blocks of its page.
 * Bounded: past {@link #MAX_BLOCKS} everything is dropped and decoding starts over (as QEMU flushes a full
 * translation cache); translations live in the translator's own cache and are found again.
 */
final class DecodedBlocks {
    static final int MAX_BLOCKS = 1 << 16;
    private static final int BUCKETS = 1 << 16;

    private final DecodedBlock[] buckets = new DecodedBlock[BUCKETS];
    private final Map<Long, List<DecodedBlock>> byPage = new HashMap<>();
    private int count;

    private static int bucket(long rip) {
        return (int) (rip ^ (rip >>> 16) ^ (rip >>> 32)) & (BUCKETS - 1);
    }

    /** The first block at {@code rip} that {@code accept} takes, or null. */
    DecodedBlock find(long rip, long csBase, int codeBits, java.util.function.Predicate<DecodedBlock> accept) {
        for (DecodedBlock b = buckets[bucket(rip)]; b != null; b = b.nextInBucket) {
            if (b.rip == rip && b.csBase == csBase && b.codeBits == codeBits && accept.test(b)) return b;
        }
        return null;
    }

    /** Adds a freshly decoded block; returns false if the table was full and has been cleared first. */
    boolean add(DecodedBlock b) {
        boolean fit = count < MAX_BLOCKS;
        if (!fit) clear();
        int k = bucket(b.rip);
        b.nextInBucket = buckets[k];
        buckets[k] = b;
        count++;
        index(b.hostPage, b);
        if (b.hostLastPage != b.hostPage) index(b.hostLastPage, b);
        if (b.page != b.hostPage && b.page != b.hostLastPage) index(b.page, b);
        if (b.lastPage != b.page && b.lastPage != b.hostPage && b.lastPage != b.hostLastPage) index(b.lastPage, b);
        return fit;
    }

    private void index(long page, DecodedBlock b) {
        byPage.computeIfAbsent(page, p -> new ArrayList<>(4)).add(b);
    }

    /** Removes and marks invalid every block from {@code page}; returns them (for the front cache). */
    List<DecodedBlock> removePage(long page) {
        List<DecodedBlock> gone = byPage.remove(page);
        if (gone == null) return List.of();
        for (DecodedBlock b : gone) {
            if (!b.valid) continue; // already unlinked through another of its pages
            b.valid = false;
            unlink(b);
        }
        return gone;
    }

    private void unlink(DecodedBlock b) {
        int k = bucket(b.rip);
        DecodedBlock prev = null;
        for (DecodedBlock x = buckets[k]; x != null; prev = x, x = x.nextInBucket) {
            if (x == b) {
                if (prev == null) buckets[k] = x.nextInBucket;
                else prev.nextInBucket = x.nextInBucket;
                count--;
                return;
            }
        }
    }

    /** Drops every block (each marked invalid, so a running one stops). */
    void clear() {
        for (int k = 0; k < BUCKETS; k++) {
            for (DecodedBlock b = buckets[k]; b != null; b = b.nextInBucket) b.valid = false;
            buckets[k] = null;
        }
        byPage.clear();
        count = 0;
    }

    int size() {
        return count;
    }
}
