package dev.jemu.target.x86;

import dev.jemu.memory.SoftMmu;

/**
 * Executes guest code by interpreting decoded blocks. Instructions are decoded once per block and kept in a
 * direct-mapped cache keyed by RIP (and CS base and mode); a block ends at a control transfer, at a page
 * boundary or after {@link #MAX_INSNS} instructions. One interpreter per vCPU.
 */
public final class Interpreter {
    static final int MAX_INSNS = 64;
    private static final int CACHE_BITS = 14, CACHE_SIZE = 1 << CACHE_BITS;

    static final class Block {
        final long rip, csBase, page;
        final int codeBits;
        final Insn[] insns;

        Block(long rip, long csBase, int codeBits, long page, Insn[] insns) {
            this.rip = rip;
            this.csBase = csBase;
            this.codeBits = codeBits;
            this.page = page;
            this.insns = insns;
        }
    }

    private final X86Cpu cpu;
    private final Decoder decoder;
    private final Block[] cache = new Block[CACHE_SIZE];
    private final Insn[] scratch = new Insn[MAX_INSNS];
    /** The instruction being executed (for fault reporting and logging). */
    private Insn current;

    public Interpreter(X86Cpu cpu) {
        this.cpu = cpu;
        this.decoder = new Decoder(OpcodeTable.x86());
    }

    public Insn current() {
        return current;
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
            Insn[] is;
            try {
                is = lookup(c.rip).insns;
            } catch (X86Exception e) {
                return e;
            }
            int k = 0;
            try {
                for (; k < is.length; k++) {
                    Insn i = is[k];
                    c.rip = i.next;
                    i.exec.exec(c, i);
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

    private Block lookup(long rip) {
        long csBase = cpu.segBase[X86Cpu.CS];
        int idx = (int) (rip ^ (rip >>> CACHE_BITS)) & (CACHE_SIZE - 1);
        Block b = cache[idx];
        if (b != null && b.rip == rip && b.csBase == csBase && b.codeBits == cpu.codeBits) return b;
        b = translate(rip, csBase);
        cache[idx] = b;
        return b;
    }

    private Block translate(long rip, long csBase) {
        int n = 0;
        long pc = rip;
        long linear = cpu.linear(X86Cpu.CS, rip, cpu.codeBits / 8);
        long page = linear & ~SoftMmu.PAGE_MASK;
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
            if (i.op.has(Opcode.END)) break;
            pc = i.next;
            long lin = cpu.linear(X86Cpu.CS, pc, cpu.codeBits / 8);
            if ((lin & ~SoftMmu.PAGE_MASK) != page) break;
            // an instruction that ends on the next page also marks that page as code
            long last = lin - 1;
            if ((last & ~SoftMmu.PAGE_MASK) != page) cpu.mem.backend().markCode(last & ~SoftMmu.PAGE_MASK);
        }
        Insn[] insns = java.util.Arrays.copyOf(scratch, n);
        return new Block(rip, csBase, cpu.codeBits, page, insns);
    }

    /** Forgets decoded code on the page at linear address {@code page} (code was written or unmapped). */
    public void invalidatePage(long page) {
        page &= ~SoftMmu.PAGE_MASK;
        for (int k = 0; k < CACHE_SIZE; k++) {
            Block b = cache[k];
            if (b != null && (b.page == page || lastPage(b) == page)) cache[k] = null;
        }
    }

    private static long lastPage(Block b) {
        Insn last = b.insns[b.insns.length - 1];
        return (last.pc + b.csBase + last.len - 1) & ~SoftMmu.PAGE_MASK;
    }

    /** Forgets all decoded code (mode changes that alter decoding, exec). */
    public void invalidateAll() {
        java.util.Arrays.fill(cache, null);
    }
}
