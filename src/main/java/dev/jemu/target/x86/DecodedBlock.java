package dev.jemu.target.x86;

import dev.jemu.target.x86.tcg.X86Translation;

/**
 * A run of decoded instructions starting at {@link #rip}: it ends at a control transfer, at a page boundary
 * or after a maximum count. Cached by the interpreter, which counts its executions; once hot, the translator
 * attaches a translation of it (and of the blocks it branches to) in {@link #code}.
 */
public final class DecodedBlock {
    public final long rip, csBase;
    public final int codeBits;
    /** Linear page of the first and of the last byte. */
    public final long page, lastPage;
    /**
     * Host pages (SoftMmu.execPage) of the first and of the last byte: what invalidation is keyed by, and in
     * system mode what a lookup checks against the current translation. In user mode they equal the linear pages.
     */
    public final long hostPage, hostLastPage;
    public final Insn[] insns;
    /** Cleared when its code page is written: the interpreter stops executing a stale block. */
    public boolean valid = true;
    /** Executions so far (interpreted). */
    public int hits;
    /** The next block in its {@link DecodedBlocks} bucket. */
    DecodedBlock nextInBucket;
    /**
     * System mode: the paging {@code mapEpoch} and TLB (privilege view) in which the interpreter last found
     * the block's linear pages still fetching from its host pages; while both are unchanged it needs no check.
     */
    long mappedEpoch = -1;
    Object mappedIn;
    /** The translation entered at this block, if any. */
    public X86Translation code;

    DecodedBlock(long rip, long csBase, int codeBits, long page, long lastPage, long hostPage, long hostLastPage,
                 Insn[] insns) {
        this.hostPage = hostPage;
        this.hostLastPage = hostLastPage;
        this.rip = rip;
        this.csBase = csBase;
        this.codeBits = codeBits;
        this.page = page;
        this.lastPage = lastPage;
        this.insns = insns;
    }

    public Insn last() {
        return insns[insns.length - 1];
    }
}
