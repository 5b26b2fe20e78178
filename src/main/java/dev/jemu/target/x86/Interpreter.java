package dev.jemu.target.x86;

import dev.jemu.memory.SoftMmu;
import dev.jemu.tcg.TcgOptions;
import dev.jemu.target.x86.tcg.X86Jit;
import dev.jemu.target.x86.tcg.X86Translation;

/**
 * Executes guest code: decoded blocks are interpreted, and once a block has run often enough (see
 * {@link TcgOptions}) the translator turns it and its neighbours into JVM bytecode, which then runs instead.
 * Instructions are decoded once per block and kept in a direct-mapped cache keyed by RIP (and CS base and
 * mode); a block ends at a control transfer, at a page boundary or after {@link #MAX_INSNS} instructions.
 * One interpreter per vCPU.
 */
public final class Interpreter {
    public static final int MAX_INSNS = 64;
    private static final int CACHE_BITS = 14, CACHE_SIZE = 1 << CACHE_BITS;

    private final X86Cpu cpu;
    private final Decoder decoder;
    private final DecodedBlock[] cache = new DecodedBlock[CACHE_SIZE];
    private final Insn[] scratch = new Insn[MAX_INSNS];
    /** The translator, or null when translation is off. */
    private final X86Jit jit;
    private final int hotness;
    /** The block being interpreted (so that writes to its own code stop it). */
    private DecodedBlock running;
    /** The instruction being executed (for fault reporting and logging). */
    private Insn current;

    public Interpreter(X86Cpu cpu) {
        this(cpu, TcgOptions.fromSystemProperties());
    }

    public Interpreter(X86Cpu cpu, TcgOptions options) {
        this.cpu = cpu;
        this.decoder = new Decoder(OpcodeTable.x86());
        this.jit = options.enabled() ? new X86Jit(cpu, this, options) : null;
        this.hotness = options.hotness();
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
            DecodedBlock b;
            try {
                b = block(c.rip);
            } catch (X86Exception e) {
                return e;
            }
            if (jit != null) {
                X86Translation t = b.code;
                if (t != null && t.valid && t.mode == X86Jit.mode(c)) {
                    X86Exception e = jit.execute(t);
                    if (e != null) {
                        current = jit.faultingInsn();
                        if (!e.trap) c.rip = current.pc;
                        return e;
                    }
                    continue;
                }
                if (++b.hits >= hotness && jit.translate(b) != null) continue;
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
        int idx = (int) (rip ^ (rip >>> CACHE_BITS)) & (CACHE_SIZE - 1);
        DecodedBlock b = cache[idx];
        if (b != null && b.rip == rip && b.csBase == csBase && b.codeBits == cpu.codeBits) return b;
        b = decodeBlock(rip, csBase);
        if (jit != null) b.code = jit.find(rip, csBase);
        cache[idx] = b;
        return b;
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
        return new DecodedBlock(rip, csBase, cpu.codeBits, page, lastPage, insns);
    }

    /** Forgets decoded and translated code on the page at linear address {@code page} (code was written or unmapped). */
    public void invalidatePage(long page) {
        page &= ~SoftMmu.PAGE_MASK;
        for (int k = 0; k < CACHE_SIZE; k++) {
            DecodedBlock b = cache[k];
            if (b != null && (b.page == page || b.lastPage == page)) {
                b.valid = false;
                cache[k] = null;
            }
        }
        DecodedBlock r = running;
        if (r != null && (r.page == page || r.lastPage == page)) r.valid = false;
        if (jit != null) jit.invalidatePage(page);
    }

    /** Forgets all decoded and translated code (mode changes that alter decoding, exec). */
    public void invalidateAll() {
        for (DecodedBlock b : cache) if (b != null) b.valid = false;
        java.util.Arrays.fill(cache, null);
        if (running != null) running.valid = false;
        if (jit != null) jit.invalidateAll();
    }
}
