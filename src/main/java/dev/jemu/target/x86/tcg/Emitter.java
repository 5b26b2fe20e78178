package dev.jemu.target.x86.tcg;

import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.DecodedBlock;
import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.X86Cpu;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import static dev.jemu.target.x86.tcg.Forms.usesCarry;

/**
 * The JVM side of translated x86 code: the compile-time state of a method being generated (which guest
 * registers are held in locals and which of those are newer than {@code cpu.regs}; where the lazy flags
 * are) and the primitives instruction forms are written with: registers, effective addresses, memory
 * accesses through {@link MemOps}, the guest stack, flags and conditions. A call that may raise a guest
 * exception goes through {@link #faulting}, which records the state an exception handler must write back.
 */
abstract class Emitter {
    Emitter(boolean longMode, int stackSize) {
        this.longMode = longMode;
        this.stackSize = stackSize;
    }

    // ---- descriptors ----
    static final ClassDesc CD_CPU = ClassDesc.of("dev.jemu.target.x86.X86Cpu");
    static final ClassDesc CD_INSN = ClassDesc.of("dev.jemu.target.x86.Insn");
    static final ClassDesc CD_EXEC = ClassDesc.of("dev.jemu.target.x86.Exec");
    static final ClassDesc CD_FLAGS = ClassDesc.of("dev.jemu.target.x86.Flags");
    static final ClassDesc CD_EXC = ClassDesc.of("dev.jemu.target.x86.X86Exception");
    static final ClassDesc CD_MMU = ClassDesc.of("dev.jemu.memory.SoftMmu");
    static final ClassDesc CD_TB = ClassDesc.of("dev.jemu.tcg.TranslatedBlock");
    static final ClassDesc CD_X86T = ClassDesc.of("dev.jemu.target.x86.tcg.X86Translation");
    static final ClassDesc CD_INIT = ClassDesc.of("dev.jemu.target.x86.tcg.X86Translation$Init");
    static final ClassDesc CD_LONGS = CD_long.arrayType();
    static final ClassDesc CD_MEMOPS = ClassDesc.of("dev.jemu.target.x86.tcg.MemOps");
    static final ClassDesc CD_SEGMENT = ClassDesc.of("java.lang.foreign.MemorySegment");
    static final ClassDesc CD_UNSAFE = ClassDesc.of("jdk.internal.misc.Unsafe");
    static final MethodTypeDesc MT_HANDLER = MethodTypeDesc.of(CD_void, CD_CPU, CD_INSN);
    static final MethodTypeDesc MT_RUN = MethodTypeDesc.of(CD_int, CD_Object);
    static final MethodTypeDesc MT_INIT = MethodTypeDesc.of(CD_void, CD_INIT);

    /** The mode translated for: 64-bit linear addresses (else they wrap at 4 GiB), stack size in bytes. */
    final boolean longMode;
    /**
     * Memory accesses get the TLB hit path inline (else a MemOps call each): for hot code. Translating
     * everything at first execution (jit=all, a test mode) keeps the calls: most of that code runs a few
     * times, and five times the bytecode per access made a translate-everything boot a tenth slower.
     */
    boolean inlineTlb = true;
    final int stackSize;
    /** liveAfter[k]: the flags after instruction k may be looked at (see Translator.liveness). */
    boolean[] liveAfter;
    /** Registers the generated code reads or writes; of those, the ones it writes. */
    int touched, written;
    /** First pass: generating code only to learn what it touches (see Translator.compile). */
    boolean analysis;

    CodeBuilder cb;
    // Locals: the CPU and what is loaded from it once per entry; guest registers; the lazy flags
    // (the values of Flags' DST, SRC1, SRC, AUX); temporaries.
    int cpuL, regsL, memL, segL, ramL, rTagL, rAddL, wTagL, wAddL;
    final int[] regL = new int[16];
    int ccDstL, ccSrc1L, ccSrcL, ccAuxL;
    int aT, bT, rT, cT, addrT, ripT, retT, idxT, smcT;
    // the inline TLB path: host address of RAM, (TLB size - 1) * 8, the access's address, value and entry offset
    int ramBaseL, tlbMaskL, vaT, valT, tlbT;

    /** Compile-time state: registers held in locals, and those newer than cpu.regs (bit per register). */
    int inLocal, dirty;
    /**
     * Where the flags are: CC_CPU (in the CPU's fields), or a Flags kind (op | size index) whose values are in
     * the flag locals; {@code synced} if the CPU's fields hold them too.
     */
    int cc;
    boolean synced;
    static final int CC_CPU = -1, CC_IN = -2, CC_TOP = -3;

    // Per instruction: the ranges of its faulting calls, whether it stored, and the state its exception
    // handler writes back (the same at all of its faulting calls).
    final List<Label> ranges = new ArrayList<>();
    int curIndex;
    boolean faulting, stored;
    int hDirty, hCc;
    boolean hSynced;

    record State(int inLocal, int dirty, int cc, boolean synced) {}

    State save() {
        return new State(inLocal, dirty, cc, synced);
    }

    void restore(State s) {
        inLocal = s.inLocal;
        dirty = s.dirty;
        cc = s.cc;
        synced = s.synced;
    }

    /** Emits {@code call}, a call that may throw a guest exception, covered by the instruction's handler. */
    void faulting(Runnable call) {
        faultingPoint();
        Label s = cb.newBoundLabel();
        call.run();
        ranges.add(s);
        ranges.add(cb.newBoundLabel());
    }

    /** Before each call that may throw a guest exception: all must see the same write-back state. */
    void faultingPoint() {
        if (!faulting) {
            faulting = true;
            hDirty = dirty;
            hCc = cc;
            hSynced = synced;
        } else if (hDirty != dirty || hCc != cc) {
            throw new IllegalStateException("state changed between faulting accesses of instruction " + curIndex);
        } else {
            hSynced &= synced;
        }
    }

    void ensureLocal(int r) {
        touched |= 1 << r;
        if ((inLocal & (1 << r)) != 0) return;
        cb.aload(regsL);
        cb.loadConstant(r);
        cb.laload();
        cb.lstore(regL[r]);
        inLocal |= 1 << r;
    }

    /** Pushes the whole 64-bit register. */
    void reg64(int r) {
        ensureLocal(r);
        cb.lload(regL[r]);
    }

    static boolean highByte(int r, int size, boolean rex) {
        return size == 1 && !rex && r >= 4 && r < 8;
    }

    /** Pushes X86Cpu.getReg(r, size, rex). */
    void getReg(int r, int size, boolean rex) {
        if (highByte(r, size, rex)) {
            reg64(r - 4);
            cb.bipush(8);
            cb.lushr();
            mask(1);
            return;
        }
        reg64(r);
        mask(size);
    }

    /** Pops a value and writes it as X86Cpu.setReg(r, size, rex, v). */
    void setReg(int r, int size, boolean rex) {
        switch (size) {
            case 8 -> storeReg(r);
            case 4 -> {
                mask(4);
                storeReg(r);
            }
            case 2 -> {
                mask(2);
                mergeReg(r, ~0xffffL);
            }
            default -> {
                mask(1);
                if (highByte(r, 1, rex)) {
                    cb.bipush(8);
                    cb.lshl();
                    mergeReg(r - 4, ~0xff00L);
                } else {
                    mergeReg(r, ~0xffL);
                }
            }
        }
    }

    void mergeReg(int r, long keep) {
        reg64(r);
        cb.loadConstant(keep);
        cb.land();
        cb.lor();
        storeReg(r);
    }

    void storeReg(int r) {
        touched |= 1 << r;
        written |= 1 << r;
        cb.lstore(regL[r]);
        inLocal |= 1 << r;
        dirty |= 1 << r;
    }

    /** Writes dirty registers back to cpu.regs. */
    void flushRegs() {
        for (int r = 0; r < 16; r++) {
            if ((dirty & (1 << r)) == 0) continue;
            cb.aload(regsL);
            cb.loadConstant(r);
            cb.lload(regL[r]);
            cb.lastore();
        }
        dirty = 0;
    }

    static long maskOf(int size) {
        return switch (size) {
            case 1 -> 0xffL;
            case 2 -> 0xffffL;
            case 4 -> 0xffffffffL;
            default -> -1L;
        };
    }

    void mask(int size) {
        if (size == 8) return;
        cb.loadConstant(maskOf(size));
        cb.land();
    }

    /** Sign-extends the long on the stack from {@code size} bytes. */
    void sext(int size) {
        switch (size) {
            case 1 -> { cb.l2i(); cb.i2b(); cb.i2l(); }
            case 2 -> { cb.l2i(); cb.i2s(); cb.i2l(); }
            case 4 -> { cb.l2i(); cb.i2l(); }
            default -> { }
        }
    }

    void ipMask(int osize) {
        if (osize != 8) mask(osize);
    }

    /** Pushes the effective offset disp + base + index << scale (no segment, no address-size truncation). */
    void offset(Insn i) {
        boolean any = false;
        if (i.base >= 0) {
            reg64(i.base);
            any = true;
        }
        if (i.index >= 0) {
            reg64(i.index);
            if (i.scale != 0) {
                cb.loadConstant(i.scale);
                cb.lshl();
            }
            if (any) cb.ladd();
            any = true;
        }
        if (!any) {
            cb.loadConstant(i.disp);
        } else if (i.disp != 0) {
            cb.loadConstant(i.disp);
            cb.ladd();
        }
    }

    /** Turns the offset on the stack into a linear address: X86Cpu.linear(seg, offset, asize). */
    void linear(int seg, int asize) {
        if (asize != 8) mask(asize);
        cb.aload(segL);
        cb.loadConstant(seg);
        cb.laload();
        cb.ladd();
        if (!longMode) mask(4);
    }

    /** Pushes the linear address of the memory operand (X86Cpu.ea). */
    void ea(Insn i) {
        offset(i);
        linear(i.seg, i.asize);
    }

    /** Stack: address → value (zero-extended): the TLB hit path inline, else {@link MemOps}. */
    void load(int size) {
        if (!MemOps.RAW || !inlineTlb) {
            loadCall(size);
            return;
        }
        // hit: tag[i] == page of the last byte → host memory at ramBase + addend[i] + va (as MemOps.ldN)
        Label miss = cb.newLabel(), done = cb.newLabel();
        cb.lstore(vaT);
        tlbProbe(rTagL, size, miss);
        unsafe();
        cb.aconst_null();
        tlbHost(rAddL);
        switch (size) {
            case 1 -> { cb.invokevirtual(CD_UNSAFE, "getByte", MethodTypeDesc.of(ConstantDescs.CD_byte, CD_Object, CD_long)); cb.i2l(); }
            case 2 -> { cb.invokevirtual(CD_UNSAFE, "getShortUnaligned", MethodTypeDesc.of(ConstantDescs.CD_short, CD_Object, CD_long)); cb.i2l(); }
            case 4 -> { cb.invokevirtual(CD_UNSAFE, "getIntUnaligned", MethodTypeDesc.of(CD_int, CD_Object, CD_long)); cb.i2l(); }
            default -> cb.invokevirtual(CD_UNSAFE, "getLongUnaligned", MethodTypeDesc.of(CD_long, CD_Object, CD_long));
        }
        mask(size);
        cb.goto_(done);
        cb.labelBinding(miss);
        cb.lload(vaT);
        loadCall(size);
        cb.labelBinding(done);
    }

    /** Stack: address, value → (stored): the TLB hit path inline, else {@link MemOps}. */
    void store(int size) {
        if (!MemOps.RAW || !inlineTlb) {
            storeCall(size);
            return;
        }
        stored = true;
        Label miss = cb.newLabel(), done = cb.newLabel();
        cb.lstore(valT);
        cb.lstore(vaT);
        tlbProbe(wTagL, size, miss);
        unsafe();
        cb.aconst_null();
        tlbHost(wAddL);
        cb.lload(valT);
        switch (size) {
            case 1 -> { cb.l2i(); cb.i2b(); cb.invokevirtual(CD_UNSAFE, "putByte", MethodTypeDesc.of(CD_void, CD_Object, CD_long, ConstantDescs.CD_byte)); }
            case 2 -> { cb.l2i(); cb.i2s(); cb.invokevirtual(CD_UNSAFE, "putShortUnaligned", MethodTypeDesc.of(CD_void, CD_Object, CD_long, ConstantDescs.CD_short)); }
            case 4 -> { cb.l2i(); cb.invokevirtual(CD_UNSAFE, "putIntUnaligned", MethodTypeDesc.of(CD_void, CD_Object, CD_long, CD_int)); }
            default -> cb.invokevirtual(CD_UNSAFE, "putLongUnaligned", MethodTypeDesc.of(CD_void, CD_Object, CD_long, CD_long));
        }
        cb.iconst_0();
        cb.istore(smcT); // a hit never writes code (code pages are never in the write TLB)
        cb.goto_(done);
        cb.labelBinding(miss);
        cb.lload(vaT);
        cb.lload(valT);
        storeCall(size);
        cb.labelBinding(done);
    }

    /** Pushes the JDK-internal Unsafe (a constant to C2). */
    private void unsafe() {
        cb.getstatic(CD_MEMOPS, "UNSAFE", CD_Object);
        cb.checkcast(CD_UNSAFE);
    }

    /**
     * Sets tlbT to the index of the TLB entry of the address in vaT and branches to {@code miss} unless the
     * entry's tag is the page of the access's last byte. (The arrays are read with laload, not Unsafe: an
     * Unsafe access to a heap object at a variable offset may alias any field, which would keep C2 from
     * keeping other loads in registers.)
     */
    private void tlbProbe(int tagL, int size, Label miss) {
        cb.lload(vaT);
        cb.bipush(12);
        cb.lushr();
        cb.l2i();
        cb.iload(tlbMaskL);
        cb.iand();
        cb.istore(tlbT);
        cb.aload(tagL);
        cb.iload(tlbT);
        cb.laload();
        cb.lload(vaT);
        if (size > 1) {
            cb.loadConstant((long) size - 1);
            cb.ladd();
        }
        cb.loadConstant(~SoftMmu.PAGE_MASK);
        cb.land();
        cb.lcmp();
        cb.ifne(miss);
    }

    /** Pushes the host address of vaT through the entry at tlbT of the addend array in local {@code addL}. */
    private void tlbHost(int addL) {
        cb.aload(addL);
        cb.iload(tlbT);
        cb.laload();
        cb.lload(vaT);
        cb.ladd();
        cb.lload(ramBaseL);
        cb.ladd();
    }

    /** Stack: address → value (zero-extended), through {@link MemOps}. */
    private void loadCall(int size) {
        cb.aload(rTagL);
        cb.aload(rAddL);
        cb.aload(ramL);
        cb.aload(memL);
        faulting(() -> cb.invokestatic(CD_MEMOPS, "ld" + 8 * size,
                MethodTypeDesc.of(CD_long, CD_long, CD_LONGS, CD_LONGS, CD_SEGMENT, CD_MMU)));
    }

    /** Stack: address, value → (stored), through {@link MemOps}. */
    private void storeCall(int size) {
        stored = true;
        cb.aload(wTagL);
        cb.aload(wAddL);
        cb.aload(ramL);
        cb.aload(memL);
        faulting(() -> cb.invokestatic(CD_MEMOPS, "st" + 8 * size,
                MethodTypeDesc.of(CD_boolean, CD_long, CD_long, CD_LONGS, CD_LONGS, CD_SEGMENT, CD_MMU)));
        cb.istore(smcT); // the slow path ran: checked when the instruction is complete
    }

    /** Pushes the memory operand's value. */
    void readMem(Insn i, int size) {
        ea(i);
        load(size);
    }

    /** Pops a value and stores it to the memory operand. */
    void writeMemOperand(Insn i, int size) {
        cb.lstore(cT);
        ea(i);
        cb.lload(cT);
        store(size);
    }

    /** Pushes the E operand (X86Cpu.readE with the given size; register forms use rm with REX rules). */
    void readE(Insn i, int size) {
        if (i.mem) readMem(i, size);
        else getReg(i.rm, size, i.rex);
    }

    /** Pops a value into the E operand. */
    void writeE(Insn i, int size) {
        if (i.mem) writeMemOperand(i, size);
        else setReg(i.rm, size, i.rex);
    }

    /** Pushes stackPointer(): RSP truncated to the stack size. */
    void stackPointer() {
        getReg(X86Cpu.RSP, stackSize, false);
    }

    /** Pops a value and pushes it on the guest stack (X86Cpu.push): memory first, then RSP. */
    void push(int size) {
        cb.lstore(cT);
        stackPointer();
        cb.loadConstant((long) size);
        cb.lsub();
        cb.lstore(addrT);
        cb.lload(addrT);
        linear(X86Cpu.SS, stackSize);
        cb.lload(cT);
        store(size);
        cb.lload(addrT);
        setReg(X86Cpu.RSP, stackSize, false);
    }

    /** Pops from the guest stack (X86Cpu.pop) and pushes the value. */
    void pop(int size) {
        stackPointer();
        cb.lstore(addrT);
        cb.lload(addrT);
        linear(X86Cpu.SS, stackSize);
        load(size);
        cb.lstore(cT);
        cb.lload(addrT);
        cb.loadConstant((long) size);
        cb.ladd();
        setReg(X86Cpu.RSP, stackSize, false);
        cb.lload(cT);
    }

    void setKind(int kind, int size) {
        cc = kind | Flags.sizeIndex(size);
        synced = false;
    }

    /** Pops a result and records LOGIC flags for it (setCc(LOGIC, size, r, 0, 0); see materializeCc). */
    void setLogic(int size) {
        cb.lstore(ccDstL);
        setKind(Flags.LOGIC, size);
    }

    static boolean auxKind(int k) {
        int op = k & ~3;
        return op == Flags.ADC || op == Flags.SBB || op == Flags.INC || op == Flags.DEC || op == Flags.EFLAGS;
    }

    /** Makes the CPU's lazy-flag fields hold the current flags (if they are in locals and not yet written). */
    void materializeCc() {
        if (cc < 0 || synced) return;
        cb.aload(cpuL);
        cb.loadConstant(cc);
        cb.putfield(CD_CPU, "ccOp", CD_int);
        cb.aload(cpuL);
        cb.lload(ccDstL);
        cb.putfield(CD_CPU, "ccDst", CD_long);
        boolean logic = (cc & ~3) == Flags.LOGIC; // setCc(LOGIC, size, r, 0, 0): the sources are not kept
        cb.aload(cpuL);
        if (logic) cb.lconst_0();
        else cb.lload(ccSrc1L);
        cb.putfield(CD_CPU, "ccSrc1", CD_long);
        cb.aload(cpuL);
        if (logic) cb.lconst_0();
        else cb.lload(ccSrcL);
        cb.putfield(CD_CPU, "ccSrc", CD_long);
        if (auxKind(cc)) {
            cb.aload(cpuL);
            cb.lload(ccAuxL);
            cb.putfield(CD_CPU, "ccAux", CD_long);
        }
        synced = true;
    }

    int ccSize() {
        return 1 << (cc & 3);
    }

    /** Pushes lcmp-style int comparing (x & m) with (y & m) unsigned, x and y in locals. */
    void unsignedCompare(int x, int y, int size) {
        cb.lload(x);
        if (size == 8) {
            cb.lload(y);
            cb.invokestatic(ConstantDescs.CD_Long, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_long, CD_long));
        } else {
            mask(size);
            cb.lload(y);
            mask(size);
            cb.lcmp();
        }
    }

    /** Pushes the carry flag as a long 0 or 1 (Flags.cf). */
    void carryFlag() {
        int op = cc < 0 ? -1 : cc & ~3;
        if (op == Flags.SUB) {
            unsignedCompare(ccSrc1L, ccSrcL, ccSize());
            cb.bipush(31);
            cb.iushr();
            cb.i2l();
        } else if (op == Flags.ADD) {
            unsignedCompare(ccDstL, ccSrc1L, ccSize());
            cb.bipush(31);
            cb.iushr();
            cb.i2l();
        } else if (op == Flags.LOGIC) {
            cb.lconst_0();
        } else if (op == Flags.INC || op == Flags.DEC) {
            cb.lload(ccAuxL);
        } else if (op == Flags.SHR) {
            cb.lload(ccSrcL); // the last bit shifted out
            cb.lconst_1();
            cb.land();
        } else if (op == Flags.SHL) {
            cb.lload(ccSrcL);
            cb.bipush(8 * ccSize() - 1);
            cb.lushr();
            cb.lconst_1();
            cb.land();
        } else {
            materializeCc();
            cb.aload(cpuL);
            cb.invokestatic(CD_FLAGS, "cf", MethodTypeDesc.of(CD_boolean, CD_CPU));
            cb.i2l();
        }
    }

    /** Jumps to {@code target} if condition {@code ccode} (0..15, as in Jcc) holds (Flags.cond). */
    void condJump(int ccode, Label target) {
        int base = ccode & ~1;
        boolean neg = (ccode & 1) != 0;
        int op = cc < 0 ? -1 : cc & ~3;
        int size = cc < 0 ? 8 : ccSize();
        Opcode br = null; // branch opcode on an int comparison result pushed below
        if (op == Flags.SUB) {
            switch (base) {
                case 2 -> { unsignedCompare(ccSrc1L, ccSrcL, size); br = neg ? Opcode.IFGE : Opcode.IFLT; }
                case 4 -> {
                    cb.lload(ccSrc1L);
                    cb.lload(ccSrcL);
                    cb.lxor();
                    mask(size);
                    cb.lconst_0();
                    cb.lcmp();
                    br = neg ? Opcode.IFNE : Opcode.IFEQ;
                }
                case 6 -> { unsignedCompare(ccSrc1L, ccSrcL, size); br = neg ? Opcode.IFGT : Opcode.IFLE; }
                case 8 -> { signOf(ccDstL, size); br = neg ? Opcode.IFGE : Opcode.IFLT; }
                case 0xc, 0xe -> {
                    cb.lload(ccSrc1L);
                    sext(size);
                    cb.lload(ccSrcL);
                    sext(size);
                    cb.lcmp();
                    br = base == 0xc ? (neg ? Opcode.IFGE : Opcode.IFLT) : (neg ? Opcode.IFGT : Opcode.IFLE);
                }
                default -> { }
            }
        } else if (op == Flags.LOGIC) {
            switch (base) {
                case 0, 2 -> {
                    if (neg) cb.goto_(target); // CF = OF = 0
                    return;
                }
                case 4, 6 -> { signOf(ccDstL, size); br = neg ? Opcode.IFNE : Opcode.IFEQ; }
                case 8, 0xc -> { signOf(ccDstL, size); br = neg ? Opcode.IFGE : Opcode.IFLT; }
                case 0xe -> { signOf(ccDstL, size); br = neg ? Opcode.IFGT : Opcode.IFLE; }
                default -> { }
            }
        } else if (op >= 0 && op != Flags.EFLAGS && (base == 4 || base == 8)
                && (op == Flags.ADD || op == Flags.ADC || op == Flags.SBB || op == Flags.INC || op == Flags.DEC
                || op == Flags.SHL || op == Flags.SHR)) {
            signOf(ccDstL, size); // ZF and SF come from the result for these kinds
            br = base == 4 ? (neg ? Opcode.IFNE : Opcode.IFEQ) : (neg ? Opcode.IFGE : Opcode.IFLT);
        } else if ((op == Flags.INC || op == Flags.DEC) && base == 2) {
            cb.lload(ccAuxL);
            cb.lconst_0();
            cb.lcmp();
            br = neg ? Opcode.IFEQ : Opcode.IFNE;
        } else if (op == Flags.ADD && base == 2) {
            unsignedCompare(ccDstL, ccSrc1L, size);
            br = neg ? Opcode.IFGE : Opcode.IFLT;
        }
        if (br == null && cc >= 0 && op == Flags.EFLAGS) {
            // an image of the six flags (COMISD, rotates, IMUL): one bit test for the single-flag conditions
            int bits = switch (base) {
                case 0 -> Flags.OF;
                case 2 -> Flags.CF;
                case 4 -> Flags.ZF;
                case 6 -> Flags.CF | Flags.ZF;
                case 8 -> Flags.SF;
                case 0xa -> Flags.PF;
                default -> 0;
            };
            if (bits != 0) {
                cb.lload(ccAuxL);
                cb.loadConstant((long) bits);
                cb.land();
                cb.lconst_0();
                cb.lcmp();
                br = neg ? Opcode.IFEQ : Opcode.IFNE;
            }
        }
        if (br == null) {
            materializeCc();
            cb.aload(cpuL);
            cb.loadConstant(ccode);
            cb.invokestatic(CD_FLAGS, "cond", MethodTypeDesc.of(CD_boolean, CD_CPU, CD_int));
            br = Opcode.IFNE;
        }
        cb.branch(br, target);
    }

    /** Pushes an lcmp of the sign-extended {@code size}-byte value in local {@code l} against 0. */
    void signOf(int l, int size) {
        cb.lload(l);
        sext(size);
        cb.lconst_0();
        cb.lcmp();
    }
}
