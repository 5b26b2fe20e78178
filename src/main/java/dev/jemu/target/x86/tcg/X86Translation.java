package dev.jemu.target.x86.tcg;

import dev.jemu.tcg.TranslatedBlock;
import dev.jemu.target.x86.DecodedBlock;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.X86Cpu;

/**
 * The superclass of generated x86 translations: a region of decoded blocks entered at {@link #entry}.
 * {@link #insns} lists every instruction of the region; {@code faultIndex} indexes it.
 */
public abstract class X86Translation extends TranslatedBlock<X86Cpu> {
    /** What the generated constructor passes up. */
    public record Init(DecodedBlock entry, Insn[] insns, long[] pages, int mode, int staticExits, int indirectExits) {}

    public final Insn[] insns;
    /** The decoded block this translation is entered from (cleared of its reference when dropped). */
    final DecodedBlock entry;
    /**
     * System mode: the Paging.mapEpoch and the TLB (privilege view) under which the entry's pages were last
     * found to fetch from the host pages decoded from (X86Jit.stillMapped).
     */
    long mappedEpoch;
    Object mappedIn;

    /** True if this translation was made from {@code b}'s code: the same entry and the same host pages. */
    public boolean decodedFrom(DecodedBlock b) {
        return entry.rip == b.rip && entry.hostPage == b.hostPage && entry.hostLastPage == b.hostLastPage;
    }

    protected X86Translation(Init init) {
        super(init.entry().rip, init.entry().csBase, init.mode(), init.pages(), init.staticExits(), init.indirectExits());
        this.insns = init.insns();
        this.entry = init.entry();
    }
}
