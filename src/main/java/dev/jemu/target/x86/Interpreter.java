package dev.jemu.target.x86;

import dev.jemu.memory.SoftMmu;
import dev.jemu.tcg.TcgOptions;
import dev.jemu.target.x86.tcg.X86Jit;
import dev.jemu.target.x86.tcg.X86Translation;

/**
 * Executes guest code: decoded blocks are interpreted, and once a block has run often enough (see
 * {@link TcgOptions}) the translator turns it and its neighbours into JVM bytecode, which then runs instead.
 * Instructions are decoded once per block and kept in a direct-mapped cache keyed by RIP (and CS base and
 * mode) in front of {@link DecodedBlocks}, which holds them all; a block ends at a control transfer, at a page boundary or after {@link #MAX_INSNS} instructions.
 * One interpreter per vCPU.
 *
 * <p>Blocks remember the host pages they were decoded from, and invalidation ({@link #invalidatePage}) is by
 * host page. In system mode (paging: {@link #setPhysicalCodeKeys}) a cached block is used only while its
 * linear pages still translate to those host pages, so CR3 switches and virtual aliases never run stale code;
 * that is checked through the exec TLB once per TLB-flush epoch ({@code Paging.mapEpoch}) and privilege
 * view, as translated code checks its links, so a lookup usually costs two compares. User mode, where host
 * pages are the linear pages, skips the check.
 */
public final class Interpreter {
    public static final int MAX_INSNS = 64;
    private static final int CACHE_BITS = 14, CACHE_SIZE = 1 << CACHE_BITS;

    private final X86Cpu cpu;
    private final Decoder decoder;
    private final DecodedBlock[] cache = new DecodedBlock[CACHE_SIZE];
    private final DecodedBlocks blocks = new DecodedBlocks();
    private final java.util.function.Predicate<DecodedBlock> stillMapped = this::stillMapped;
    private static final java.util.function.Predicate<DecodedBlock> ANY = b -> true;
    private final Insn[] scratch = new Insn[MAX_INSNS];
    /** The translator, or null when translation is off. */
    private final X86Jit jit;
    private final int hotness;
    /** The block being interpreted (so that writes to its own code stop it). */
    private DecodedBlock running;
    /** The instruction being executed (for fault reporting and logging). */
    private Insn current;
    /** System mode: cached blocks are checked against the current translation of their pages. */
    private boolean physicalKeys;

    public Interpreter(X86Cpu cpu) {
        this(cpu, TcgOptions.current());
    }

    public Interpreter(X86Cpu cpu, TcgOptions options) {
        this.cpu = cpu;
        this.decoder = new Decoder(OpcodeTable.x86());
        this.jit = options.enabled() ? new X86Jit(cpu, this, options) : null;
        this.hotness = options.hotness();
    }

    /** Keys decoded code by physical (host) page: set by system-mode paging. */
    public void setPhysicalCodeKeys(boolean on) {
        physicalKeys = on;
        invalidateAll();
    }

    public boolean physicalCodeKeys() {
        return physicalKeys;
    }

    public Insn current() {
        return current;
    }

    /** The translator (null when off): statistics and tests. */
    public X86Jit jit() {
        return jit;
    }

    /**
     * Runs until an exception or exit request. Returns the event; for faults RIP is the faulting instruction,
     * for traps (INT n, SYSCALL in user mode) the next one.
     */
    public X86Exception run() {
        final X86Cpu c = cpu;
        for (;;) {
            if (c.exitRequest) {
                c.exitRequest = false;
                return X86Exception.trap(X86Exception.EXIT_INTERRUPT);
            }
            if (jit != null) jit.poll();
            if (physicalKeys) {
                // the TLB of the current privilege (a safety net: X86Cpu.setCpl switches it)
                SoftMmu v = c.paging.view(c.cpl);
                if (c.mem != v) c.mem = v;
            }
            DecodedBlock b;
            try {
                b = block(c.rip);
            } catch (X86Exception e) {
                return e;
            }
            if (jit != null) {
                X86Translation t = b.code;
                if (t == null || !t.valid || t.mode != X86Jit.mode(c)) {
                    if (t != null && !t.valid) {
                        // its translation was dropped (code written on another page it covered): count afresh,
                        // as for a new block (an entry's count stays parked below zero while it has a
                        // translation, and would never reach the threshold again)
                        b.code = null;
                        if (b.hits < 0) b.hits = 0;
                    }
                    // a translation made now (not in the background) runs at once: the time it took to build
                    // must not let a timer interrupt in before the block's first instruction
                    t = ++b.hits >= hotness ? jit.translate(b) : null;
                }
                if (t != null) {
                    X86Exception e = jit.execute(t);
                    if (e != null) {
                        current = jit.faultingInsn();
                        if (!e.trap) c.rip = current.pc;
                        return e;
                    }
                    continue;
                }
            }
            Insn[] is = b.insns;
            running = b;
            int k = 0;
            try {
                for (; k < is.length; k++) {
                    Insn i = is[k];
                    c.rip = i.next;
                    i.exec.exec(c, i);
                    if (!b.valid) break; // it wrote its own code: continue from RIP with the new code
                }
            } catch (X86Exception e) {
                current = is[k];
                if (!e.trap) c.rip = is[k].pc;
                return e;
            }
        }
    }

    /** Executes exactly one instruction (single-stepping, tests). */
    public X86Exception step() {
        Insn i;
        try {
            i = decoder.decode(cpu, cpu.rip);
        } catch (X86Exception e) {
            return e;
        }
        current = i;
        cpu.rip = i.next;
        try {
            i.exec.exec(cpu, i);
        } catch (X86Exception e) {
            if (!e.trap) cpu.rip = i.pc;
            return e;
        }
        return null;
    }

    /** The decoded block at {@code rip} in the current mode (decoding it if needed); throws its decode fault. */
    public DecodedBlock block(long rip) {
        long csBase = cpu.segBase[X86Cpu.CS];
        int idx = slot(rip);
        DecodedBlock b = cache[idx];
        if (b != null && b.rip == rip && b.csBase == csBase && b.codeBits == cpu.codeBits
                && (!physicalKeys || stillMapped(b))) return b;
        b = blocks.find(rip, csBase, cpu.codeBits, physicalKeys ? stillMapped : ANY);
        if (b == null) {
            b = decodeBlock(rip, csBase);
            if (jit != null) {
                X86Translation t = jit.find(rip, csBase);
                if (t != null && t.decodedFrom(b)) b.code = t;
            }
            if (!blocks.add(b)) java.util.Arrays.fill(cache, null); // full: started over
        }
        cache[idx] = b;
        return b;
    }

    private static int slot(long rip) {
        return (int) (rip ^ (rip >>> CACHE_BITS)) & (CACHE_SIZE - 1);
    }

    /**
     * System mode: {@link #samePages}, remembered for the current TLB-flush epoch and privilege view (cached
     * translations change only through flushes, which advance the epoch).
     */
    private boolean stillMapped(DecodedBlock b) {
        long epoch = cpu.paging.mapEpoch;
        SoftMmu view = cpu.mem;
        if (b.mappedEpoch == epoch && b.mappedIn == view) return true;
        if (!samePages(b)) return false;
        b.mappedEpoch = epoch;
        b.mappedIn = view;
        return true;
    }

    /** True if the block's linear pages still fetch from the host pages it was decoded from. */
    public boolean samePages(DecodedBlock b) {
        SoftMmu m = cpu.mem;
        try {
            if (m.execPage(b.page) != b.hostPage || (b.hostPage & SoftMmu.Backend.IO) != 0) return false;
            return b.lastPage == b.page || m.execPage(b.lastPage) == b.hostLastPage;
        } catch (X86Exception e) {
            return false; // decoding again meets the fault where it belongs
        }
    }

    private DecodedBlock decodeBlock(long rip, long csBase) {
        int n = 0;
        long pc = rip;
        long linear = cpu.linear(X86Cpu.CS, rip, cpu.codeBits / 8);
        long page = linear & ~SoftMmu.PAGE_MASK, lastPage = page;
        cpu.mem.backend().markCode(page);
        while (n < MAX_INSNS) {
            Insn i;
            try {
                i = decoder.decode(cpu, pc);
            } catch (X86Exception e) {
                if (n == 0) throw e;
                break; // let the faulting instruction start its own block
            }
            scratch[n++] = i;
            pc = i.next;
            long lin = cpu.linear(X86Cpu.CS, pc, cpu.codeBits / 8);
            // an instruction that ends on the next page also marks that page as code
            long last = (lin - 1) & ~SoftMmu.PAGE_MASK;
            if (last != page) {
                cpu.mem.backend().markCode(last);
                lastPage = last;
            }
            if (i.op.has(Opcode.END)) break;
            if ((lin & ~SoftMmu.PAGE_MASK) != page) break;
        }
        Insn[] insns = java.util.Arrays.copyOf(scratch, n);
        // every byte was fetched, so these translations exist (and are in the exec TLB)
        long host = cpu.mem.execPage(page);
        long hostLast = lastPage == page ? host : cpu.mem.execPage(lastPage);
        return new DecodedBlock(rip, csBase, cpu.codeBits, page, lastPage, host, hostLast, insns);
    }

    /**
     * Forgets decoded and translated code from the host page {@code page} (code was written or unmapped). In
     * user mode host pages are linear pages; in system mode it is PhysMemory's host page. Code from the
     * linear page {@code page} is dropped too (callers that know only linear pages; dropping more is safe).
     */
    public void invalidatePage(long page) {
        page &= ~SoftMmu.PAGE_MASK;
        for (DecodedBlock b : blocks.removePage(page)) {
            int k = slot(b.rip);
            if (cache[k] == b) cache[k] = null;
        }
        DecodedBlock r = running;
        if (r != null && from(r, page)) r.valid = false;
        if (jit != null) jit.invalidatePage(page);
    }

    private static boolean from(DecodedBlock b, long page) {
        return b.hostPage == page || b.hostLastPage == page || b.page == page || b.lastPage == page;
    }

    /** Forgets all decoded and translated code (mode changes that alter decoding, exec). */
    public void invalidateAll() {
        blocks.clear();
        java.util.Arrays.fill(cache, null);
        if (running != null) running.valid = false;
        if (jit != null) jit.invalidateAll();
    }
}
