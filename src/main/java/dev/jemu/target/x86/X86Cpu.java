package dev.jemu.target.x86;

import dev.jemu.memory.SoftMmu;

/**
 * The architectural state of one x86 vCPU, shared by every mode (user, system) and engine (interpreter,
 * translator). Plain fields so that handlers and generated code reach them directly.
 */
public final class X86Cpu {
    // Register numbers (as encoded in instructions).
    public static final int RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
    // Segment registers (as encoded).
    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;

    public final long[] regs = new long[16];
    /** Address of the next instruction while one executes (handlers see RIP as the CPU would after decode). */
    public long rip;

    // Lazy arithmetic flags, see Flags.
    public int ccOp = Flags.EFLAGS;
    public long ccDst, ccSrc, ccSrc1, ccAux;
    /** The non-arithmetic EFLAGS bits (DF, IF, TF, IOPL, AC, ID...); bit 1 always set. */
    public int eflags = 0x2;

    // Segments: selector, base, limit, attributes (descriptor flags byte pair as in the descriptor).
    public final int[] segSel = new int[6];
    public final long[] segBase = new long[6];
    public final int[] segLimit = {0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff};
    public final int[] segAttr = new int[6];

    /** Decoding mode: 16, 32 or 64 (CS.D / CS.L / EFER.LMA). */
    public int codeBits = 64;
    /** Stack address size in bytes: 2, 4 or 8 (SS.B, or 8 in 64-bit mode). */
    public int stackSize = 8;
    /** True when linear addresses are 64-bit (long mode); otherwise they wrap at 4 GiB. */
    public boolean longMode = true;
    /** User-mode emulation: SYSCALL and INT leave the loop for the Linux layer. */
    public boolean userMode = true;

    // SSE: 16 XMM registers as low/high 64-bit halves: xmm[2n] low, xmm[2n+1] high.
    public final long[] xmm = new long[32];
    public int mxcsr = 0x1f80;

    public final X87 fpu = new X87();

    /** Memory as this vCPU sees it. */
    public SoftMmu mem;
    /** CPUID and the features it advertises. */
    public final CpuModel model;

    /** Loads segment registers: real-mode rules by default; user mode and protected mode install their own. */
    public SegmentUnit segments = SegmentUnit.REAL_MODE;

    /** Set from other threads to make the execution loop return EXIT_INTERRUPT at the next block boundary. */
    public volatile boolean exitRequest;

    // ---- system state (system emulation; user mode leaves it at these values) ----

    /** Current privilege level: 3 in user-mode emulation; in system mode kept by mode switches and far transfers. */
    public int cpl = 3;
    /** Control registers; CR8 is the local APIC's TPR and lives there. Power-on CR0 = CD|NW|ET. */
    public long cr0 = 0x60000010L, cr2, cr3, cr4;
    /** IA32_EFER (SCE, LME, LMA, NXE). */
    public long efer;
    /** GDTR and IDTR: linear base and limit. */
    public long gdtBase, idtBase;
    public int gdtLimit = 0xffff, idtLimit = 0x3ff;
    /** LDTR and TR: selector and the descriptor cache (base, limit, attributes as in segAttr). */
    public int ldtrSel, trSel;
    public long ldtrBase, trBase;
    public int ldtrLimit = 0xffff, trLimit = 0xffff, ldtrAttr, trAttr;
    /** Debug registers DR0-DR7 (DR4/DR5 alias DR6/DR7). */
    public final long[] dr = {0, 0, 0, 0, 0, 0, 0xffff0ff0L, 0x400};
    /** The model-specific registers that are plain storage (SYSENTER, STAR..., PAT, MTRRs...). */
    public final Msrs msrs = new Msrs();
    /** Port I/O (IN/OUT/INS/OUTS): the board's I/O bus. Null in user mode. */
    public PortIo io;
    /** The INTR/NMI inputs (PIC, local APIC). Null in user mode. */
    public InterruptController intc;
    /** True between HLT and the next interrupt. */
    public boolean halted;
    /**
     * Interrupt shadow: STI and MOV SS / POP SS block maskable interrupts (and debug traps) until the end of the
     * next instruction. Holds the RIP at which the shadow ends, or -1.
     */
    public long interruptShadowEnd = -1;

    /** System mode: paging and the per-privilege TLBs (null in user mode). */
    public dev.jemu.target.x86.system.Paging paging;
    /** System mode: the local APIC's CPU side (CR8 = TPR, IA32_APIC_BASE); null until the board has one. */
    public dev.jemu.target.x86.system.CpuApic apic;
    /** CR8 (task priority) while there is no local APIC. */
    public long cr8;

    /**
     * Changes the CPL. In system mode memory accesses then go through the TLB of the new privilege: always use
     * this rather than assigning {@link #cpl}.
     */
    public void setCpl(int cpl) {
        this.cpl = cpl;
        if (paging != null) mem = paging.view(cpl);
    }

    /** Memory for the CPU's implicit supervisor accesses (GDT, LDT, IDT, TSS), whatever the CPL. */
    public SoftMmu supervisorMem() {
        return paging != null ? paging.kernel : mem;
    }

    public X86Cpu(CpuModel model, SoftMmu mem) {
        this.model = model;
        this.mem = mem;
    }

    // ---- registers ----

    /** Reads a general register of {@code size} bytes, zero-extended; byte registers 4..7 are AH..BH without REX. */
    public long getReg(int r, int size, boolean rex) {
        return switch (size) {
            case 1 -> (!rex && r >= 4 && r < 8) ? (regs[r - 4] >>> 8) & 0xff : regs[r] & 0xff;
            case 2 -> regs[r] & 0xffff;
            case 4 -> regs[r] & 0xffffffffL;
            default -> regs[r];
        };
    }

    /** Writes a general register; 32-bit writes zero the upper half, 8/16-bit writes keep the rest. */
    public void setReg(int r, int size, boolean rex, long v) {
        switch (size) {
            case 1 -> {
                if (!rex && r >= 4 && r < 8) regs[r - 4] = (regs[r - 4] & ~0xff00L) | ((v & 0xff) << 8);
                else regs[r] = (regs[r] & ~0xffL) | (v & 0xff);
            }
            case 2 -> regs[r] = (regs[r] & ~0xffffL) | (v & 0xffff);
            case 4 -> regs[r] = v & 0xffffffffL;
            default -> regs[r] = v;
        }
    }

    // ---- operands of a decoded instruction ----

    /** Linear address of the memory operand. */
    public long ea(Insn i) {
        long a = i.disp;
        if (i.base >= 0) a += regs[i.base];
        if (i.index >= 0) a += regs[i.index] << i.scale;
        return linear(i.seg, a, i.asize);
    }

    /** Offset masked to the address size, plus the segment base; wraps at 4 GiB outside long mode. */
    public long linear(int seg, long offset, int asize) {
        if (asize == 4) offset &= 0xffffffffL;
        else if (asize == 2) offset &= 0xffff;
        long a = offset + segBase[seg];
        return longMode ? a : a & 0xffffffffL;
    }

    public long readE(Insn i) {
        return i.mem ? mem.read(ea(i), i.osize) : getReg(i.rm, i.osize, i.rex);
    }

    public void writeE(Insn i, long v) {
        if (i.mem) mem.write(ea(i), i.osize, v);
        else setReg(i.rm, i.osize, i.rex, v);
    }

    public long readG(Insn i) {
        return getReg(i.reg, i.osize, i.rex);
    }

    public void writeG(Insn i, long v) {
        setReg(i.reg, i.osize, i.rex, v);
    }

    /** MOV Sreg / POP Sreg / LDS...: loads a segment register through the current mode's rules. */
    public void loadSegment(int seg, int selector) {
        segments.load(this, seg, selector & 0xffff);
    }

    // ---- stack ----

    public long stackPointer() {
        return switch (stackSize) {
            case 8 -> regs[RSP];
            case 4 -> regs[RSP] & 0xffffffffL;
            default -> regs[RSP] & 0xffff;
        };
    }

    private void setStackPointer(long sp) {
        setReg(RSP, stackSize, false, sp);
    }

    /** Pushes {@code size} bytes; memory is written before RSP changes so a fault leaves RSP intact. */
    public void push(int size, long v) {
        long sp = stackPointer() - size;
        mem.write(linear(SS, sp, stackSize), size, v);
        setStackPointer(sp);
    }

    public long pop(int size) {
        long sp = stackPointer();
        long v = mem.read(linear(SS, sp, stackSize), size);
        setStackPointer(sp + size);
        return v;
    }

    // ---- flags ----

    public void setCc(int op, int size, long dst, long src1, long src) {
        ccOp = op | Flags.sizeIndex(size);
        ccDst = dst;
        ccSrc1 = src1;
        ccSrc = src;
    }

    public boolean cond(int cc) {
        return Flags.cond(this, cc);
    }

    public boolean cf() {
        return Flags.cf(this);
    }

    /** The full EFLAGS image. */
    public int getEflags() {
        return (eflags & ~Flags.ARITH) | Flags.compute(this) | 0x2;
    }

    /** Replaces the EFLAGS bits selected by {@code mask} (arithmetic flags become explicit). */
    public void setEflags(int value, int mask) {
        int cur = getEflags();
        int v = (cur & ~mask) | (value & mask);
        ccOp = Flags.EFLAGS;
        ccAux = v & Flags.ARITH;
        eflags = (v & ~Flags.ARITH) | 0x2;
    }

    /** Sets or clears arithmetic flag bits, keeping the others as they are. */
    public void setArithFlags(int setBits, int clearBits) {
        int cur = Flags.compute(this);
        ccAux = (cur | setBits) & ~clearBits;
        ccOp = Flags.EFLAGS;
    }

    public boolean df() {
        return (eflags & Flags.DF) != 0;
    }
}
