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
import static dev.jemu.target.x86.tcg.Forms.*;

/**
 * Inline bytecode for the instruction forms the translator specialises (see {@link Forms}), each doing
 * exactly what its handler does to registers, memory and the lazy flags, and faulting at the same point
 * with nothing changed yet.
 */
abstract class FormEmitter extends Emitter {
    FormEmitter(boolean longMode, int stackSize) {
        super(longMode, stackSize);
    }

    void ret(Insn i) {
        pop(i.osize);
        cb.lstore(cT);
        if (i.imm != 0) {
            stackPointer();
            cb.loadConstant(i.imm & 0xffff);
            cb.ladd();
            setReg(X86Cpu.RSP, stackSize, false);
        }
        cb.lload(cT);
        ipMask(i.osize);
        cb.lstore(cT);
    }

    // =====================================================================================================
    // Data movement
    // =====================================================================================================

    void lea(Insn i) {
        offset(i);
        if (i.asize < i.osize) mask(i.asize);
        setReg(i.reg, i.osize, i.rex);
    }

    void cmov(Insn i) {
        readE(i, i.osize); // read (and fault) whatever the condition
        cb.lstore(cT);
        ensureLocal(i.reg); // both paths must leave the same registers in locals
        Label yes = cb.newLabel(), done = cb.newLabel();
        condJump(i.arg, yes);
        if (i.osize == 4) {
            getReg(i.reg, 4, i.rex); // a 32-bit CMOV zero-extends even when false
            setReg(i.reg, 4, i.rex);
        }
        cb.goto_(done);
        cb.labelBinding(yes);
        cb.lload(cT);
        setReg(i.reg, i.osize, i.rex);
        cb.labelBinding(done);
    }

    void setcc(Insn i) {
        if (!i.mem && !highByte(i.rm, 1, i.rex)) ensureLocal(i.rm);
        if (!i.mem && highByte(i.rm, 1, i.rex)) ensureLocal(i.rm - 4);
        Label yes = cb.newLabel(), done = cb.newLabel();
        condJump(i.arg, yes);
        cb.lconst_0();
        cb.goto_(done);
        cb.labelBinding(yes);
        cb.lconst_1();
        cb.labelBinding(done);
        writeE(i, 1);
    }

    // =====================================================================================================
    // Arithmetic
    // =====================================================================================================

    /**
     * r = a op b with its flags, as Alu.alu. The operands are pushed by {@code first} then {@code second}
     * ({@code aFirst}: which of them is a); only {@code first} may fault. {@code writeBack} consumes r (not
     * called for CMP); {@code storeFaults} says it may fault. When nothing can fault once the operands are
     * read, they go straight into the flag locals; else into temporaries, copied after the store.
     */
    void alu(int op, int size, Runnable first, Runnable second, boolean aFirst, Runnable writeBack,
                     boolean storeFaults) {
        boolean logic = op == AND || op == OR || op == XOR;
        boolean direct = !storeFaults || op == CMP;
        int la = direct && !logic ? ccSrc1L : aT, lb = direct && !logic ? ccSrcL : bT, lr = direct ? ccDstL : rT;
        if (usesCarry(op)) {
            carryFlag(); // before anything can fault, from the flags as they are
            cb.lstore(cT);
        }
        first.run();
        cb.lstore(aFirst ? la : lb);
        second.run();
        cb.lstore(aFirst ? lb : la);
        cb.lload(la);
        cb.lload(lb);
        switch (op) {
            case ADD -> cb.ladd();
            case ADC -> { cb.ladd(); cb.lload(cT); cb.ladd(); }
            case SUB, CMP -> cb.lsub();
            case SBB -> { cb.lsub(); cb.lload(cT); cb.lsub(); }
            case AND -> cb.land();
            case OR -> cb.lor();
            default -> cb.lxor();
        }
        cb.lstore(lr);
        if (op != CMP) {
            cb.lload(lr);
            writeBack.run();
        }
        if (!direct) {
            cb.lload(lr);
            cb.lstore(ccDstL);
            if (!logic) {
                cb.lload(la);
                cb.lstore(ccSrc1L);
                cb.lload(lb);
                cb.lstore(ccSrcL);
            }
        }
        if (usesCarry(op)) {
            cb.lload(cT);
            cb.lstore(ccAuxL);
        }
        setKind(switch (op) {
            case ADD -> Flags.ADD;
            case ADC -> Flags.ADC;
            case SBB -> Flags.SBB;
            case SUB, CMP -> Flags.SUB;
            default -> Flags.LOGIC;
        }, size);
    }

    /** ALU op with E as destination (Alu.rmw without LOCK). */
    void aluE(Insn i, int op, Runnable src) {
        int size = i.osize;
        if (i.mem) {
            alu(op, size, () -> {
                ea(i);
                cb.dup2();
                cb.lstore(addrT);
                load(size);
            }, src, true, () -> {
                cb.pop2(); // the result is in rT
                cb.lload(addrT);
                cb.lload(rT);
                store(size);
            }, true);
        } else {
            alu(op, size, () -> getReg(i.rm, size, i.rex), src, true, () -> setReg(i.rm, size, i.rex), false);
        }
    }

    /** G = G op E (Alu.aluGE): E first, it may fault. */
    void aluG(Insn i) {
        alu(i.arg, i.osize, () -> readE(i, i.osize), () -> getReg(i.reg, i.osize, i.rex), false,
                () -> setReg(i.reg, i.osize, i.rex), false);
    }

    /** rAX = rAX op imm (Alu.aluAI). */
    void aluA(Insn i) {
        alu(i.arg, i.osize, () -> getReg(X86Cpu.RAX, i.osize, false), () -> cb.loadConstant(i.imm), true,
                () -> setReg(X86Cpu.RAX, i.osize, false), false);
    }

    /** INC/DEC flags: setCc(INC|DEC, size, r=rT, v=aT, 1) and ccAux = the old CF (in cT). */
    void incDecFlags(boolean inc, int size) {
        cb.lload(rT);
        cb.lstore(ccDstL);
        cb.lload(aT);
        cb.lstore(ccSrc1L);
        cb.lconst_1();
        cb.lstore(ccSrcL);
        cb.lload(cT);
        cb.lstore(ccAuxL);
        setKind(inc ? Flags.INC : Flags.DEC, size);
    }

    void incDecE(Insn i, boolean inc) {
        int size = i.osize;
        if (!i.mem) {
            incDecReg(i.rm, size, i.rex, inc);
            return;
        }
        carryFlag();
        cb.lstore(cT);
        ea(i);
        cb.dup2();
        cb.lstore(addrT);
        load(size);
        cb.lstore(aT);
        cb.lload(aT);
        cb.lconst_1();
        if (inc) cb.ladd();
        else cb.lsub();
        cb.lstore(rT);
        cb.lload(addrT);
        cb.lload(rT);
        store(size);
        incDecFlags(inc, size);
    }

    /** INC/DEC of a register: nothing faults, so straight into the flag locals. */
    void incDecReg(int r, int size, boolean rex, boolean inc) {
        carryFlag();
        cb.lstore(ccAuxL);
        getReg(r, size, rex);
        cb.lstore(ccSrc1L);
        cb.lload(ccSrc1L);
        cb.lconst_1();
        if (inc) cb.ladd();
        else cb.lsub();
        cb.lstore(ccDstL);
        cb.lload(ccDstL);
        setReg(r, size, rex);
        cb.lconst_1();
        cb.lstore(ccSrcL);
        setKind(inc ? Flags.INC : Flags.DEC, size);
    }

    void incDecZ(Insn i, boolean inc) {
        incDecReg(i.rm, i.osize, false, inc);
    }

    void notE(Insn i) {
        int size = i.osize;
        if (i.mem) {
            ea(i);
            cb.dup2();
            cb.lstore(addrT);
            load(size);
            cb.lconst_1();
            cb.lneg();
            cb.lxor();
            cb.lstore(rT);
            cb.lload(addrT);
            cb.lload(rT);
            store(size);
        } else {
            getReg(i.rm, size, i.rex);
            cb.lconst_1();
            cb.lneg();
            cb.lxor();
            setReg(i.rm, size, i.rex);
        }
    }

    void negE(Insn i) {
        int size = i.osize;
        if (i.mem) {
            ea(i);
            cb.dup2();
            cb.lstore(addrT);
            load(size);
        } else {
            getReg(i.rm, size, i.rex);
        }
        cb.lstore(bT);
        cb.lload(bT);
        cb.lneg();
        cb.lstore(rT);
        writeRmw(i, size);
        resultFlags(Flags.SUB, size); // setCc(SUB, size, -v, 0, v)
    }

    /** SHL/SAL/SHR/SAR by a constant (Shift.shift with the count known). */
    void shift(Insn i, int count) {
        int size = i.osize;
        count &= size == 8 ? 63 : 31;
        int op = i.arg; // Shift.SHL = 4, SHR = 5, SAL = 6, SAR = 7
        if (i.mem) {
            ea(i);
            cb.dup2();
            cb.lstore(addrT);
            load(size);
        } else {
            getReg(i.rm, size, i.rex);
        }
        cb.lstore(aT);
        if (count == 0) {
            // no flags change; a 32-bit register is still written (its upper half cleared)
            if (!i.mem && size == 4) {
                cb.lload(aT);
                setReg(i.rm, 4, i.rex);
            }
            return;
        }
        // prev: the value before the last one-bit step, in bT; result in rT
        cb.lload(aT);
        switch (op) {
            case 5 -> {
                if (count > 1) {
                    cb.loadConstant(count - 1);
                    cb.lushr();
                }
                cb.dup2();
                cb.lstore(bT);
                cb.iconst_1();
                cb.lushr();
            }
            case 7 -> {
                sext(size);
                if (count > 1) {
                    cb.loadConstant(count - 1);
                    cb.lshr();
                }
                cb.dup2();
                cb.lstore(bT);
                cb.iconst_1();
                cb.lshr();
                mask(size);
            }
            default -> {
                if (count > 1) {
                    cb.loadConstant(count - 1);
                    cb.lshl();
                }
                cb.dup2();
                cb.lstore(bT);
                cb.iconst_1();
                cb.lshl();
                mask(size);
            }
        }
        cb.lstore(rT);
        writeRmw(i, size);
        resultFlags(op == 4 || op == 6 ? Flags.SHL : Flags.SHR, size);
    }

    /** Reads the E operand of a read-modify-write into aT (the address, for memory, into addrT). */
    private void readRmw(Insn i, int size) {
        if (i.mem) {
            ea(i);
            cb.dup2();
            cb.lstore(addrT);
            load(size);
        } else {
            getReg(i.rm, size, i.rex);
        }
        cb.lstore(aT);
    }

    /** Writes rT back to the E operand read by {@link #readRmw}. */
    private void writeRmw(Insn i, int size) {
        if (i.mem) {
            cb.lload(addrT);
            cb.lload(rT);
            store(size);
        } else {
            cb.lload(rT);
            setReg(i.rm, size, i.rex);
        }
    }

    /** setCc(kind, size, rT, 0, bT): the flag inputs of NEG and of shifts by a constant. */
    private void resultFlags(int kind, int size) {
        cb.lload(rT);
        cb.lstore(ccDstL);
        cb.lconst_0();
        cb.lstore(ccSrc1L);
        cb.lload(bT);
        cb.lstore(ccSrcL);
        setKind(kind, size);
    }

    /** Pushes aT rotated left by the int count on the stack (0..bits-1; 0 gives aT), masked to size. */
    private void rotateLeftBy(int size, Runnable count) {
        int bits = 8 * size;
        cb.lload(aT);
        count.run();
        cb.lshl();
        cb.lload(aT);
        cb.bipush(bits);
        count.run();
        cb.isub();
        cb.lushr(); // a zero-extended value: aT >>> bits is 0 below 64 bits, aT itself at 64
        cb.lor();
        mask(size);
    }

    /**
     * Flags after ROL/ROR with the result in rT (Shift.shift): SF ZF AF PF as they were, CF and OF from the
     * result, recorded as an EFLAGS image (only emitted where the flags are live).
     */
    private void rotateFlags(boolean rol, int size) {
        int top = 8 * size - 1;
        materializeCc();
        cb.aload(cpuL);
        cb.invokestatic(CD_FLAGS, "compute", MethodTypeDesc.of(CD_int, CD_CPU));
        cb.loadConstant(~(Flags.CF | Flags.OF));
        cb.iand();
        // CF: ROL the low bit, ROR the top bit
        cb.lload(rT);
        if (!rol) {
            cb.bipush(top);
            cb.lushr();
        }
        cb.lconst_1();
        cb.land();
        cb.l2i();
        cb.ior();
        // OF: ROL top xor CF (the low bit); ROR top xor the bit below it
        cb.lload(rT);
        cb.bipush(top);
        cb.lushr();
        cb.lload(rT);
        if (!rol) {
            cb.bipush(top - 1);
            cb.lushr();
        }
        cb.lxor();
        cb.lconst_1();
        cb.land();
        cb.l2i();
        cb.bipush(Integer.numberOfTrailingZeros(Flags.OF));
        cb.ishl();
        cb.ior();
    }

    /** ROL/ROR by a constant (Shift.shift); the flags are computed only if something may look at them. */
    void rotate(Insn i, int count) {
        int size = i.osize;
        count &= size == 8 ? 63 : 31;
        boolean rol = i.arg == 0;
        readRmw(i, size);
        if (count == 0) {
            if (!i.mem && size == 4) {
                cb.lload(aT);
                setReg(i.rm, 4, i.rex);
            }
            return;
        }
        int bits = 8 * size;
        int n = count & (bits - 1);
        if (!rol) n = (bits - n) & (bits - 1);
        final int sh = n;
        if (sh == 0) cb.lload(aT);
        else rotateLeftBy(size, () -> cb.bipush(sh));
        cb.lstore(rT);
        writeRmw(i, size);
        if (liveAfter[curIndex]) {
            rotateFlags(rol, size);
            cb.i2l();
            cb.lstore(ccAuxL);
            cc = Flags.EFLAGS;
            synced = false;
        }
    }

    /**
     * SHL/SAL/SHR/SAR/ROL/ROR by CL (Shift.shift with the count from RCX). A masked count of 0 changes no
     * flags, so where the flags are live they are kept in the CPU's fields: written before, and on the
     * non-zero path set as the handler sets them.
     */
    void shiftCl(Insn i) {
        int size = i.osize, op = i.arg, bits = 8 * size;
        boolean live = liveAfter[curIndex];
        if (live) materializeCc();
        readRmw(i, size);
        if (i.mem) {
            cb.iconst_0();
            cb.istore(smcT);
        }
        reg64(X86Cpu.RCX);
        cb.l2i();
        cb.bipush(size == 8 ? 63 : 31);
        cb.iand();
        cb.istore(idxT);
        Label zero = cb.newLabel(), done = cb.newLabel();
        cb.iload(idxT);
        cb.ifeq(zero);
        State before = save();
        if (op <= 1) {
            // n = count & (bits - 1), ROR: (bits - n) & (bits - 1)
            rotateLeftBy(size, () -> {
                if (op == 1) {
                    cb.bipush(bits);
                    cb.iload(idxT);
                    cb.isub();
                } else {
                    cb.iload(idxT);
                }
                cb.bipush(bits - 1);
                cb.iand();
            });
            cb.lstore(rT);
        } else {
            // prev: the value before the last one-bit step, in bT
            cb.lload(aT);
            if (op == 7) sext(size);
            cb.iload(idxT);
            cb.iconst_1();
            cb.isub();
            if (op == 5) cb.lushr();
            else if (op == 7) cb.lshr();
            else cb.lshl();
            cb.dup2();
            cb.lstore(bT);
            cb.iconst_1();
            if (op == 5) cb.lushr();
            else if (op == 7) cb.lshr();
            else cb.lshl();
            mask(size);
            cb.lstore(rT);
        }
        writeRmw(i, size);
        if (live) {
            if (op <= 1) {
                cb.aload(cpuL);
                rotateFlags(op == 0, size);
                cb.invokestatic(CD_FLAGS, "set", MethodTypeDesc.of(CD_void, CD_CPU, CD_int));
            } else {
                cb.aload(cpuL);
                cb.loadConstant(op == 4 || op == 6 ? Flags.SHL : Flags.SHR);
                cb.loadConstant(size);
                cb.lload(rT);
                cb.lconst_0();
                cb.lload(bT);
                cb.invokevirtual(CD_CPU, "setCc", MethodTypeDesc.of(CD_void, CD_int, CD_int, CD_long, CD_long, CD_long));
            }
        }
        State after = save();
        cb.goto_(done);
        cb.labelBinding(zero);
        restore(before);
        if (!i.mem) {
            // no change, but the same registers written as on the other path (a 32-bit one zero-extended)
            cb.lload(aT);
            setReg(i.rm, size, i.rex);
        }
        if (after.inLocal() != inLocal || after.dirty() != dirty) {
            throw new IllegalStateException("register state differs after a shift by CL");
        }
        cb.labelBinding(done);
        if (live) {
            cc = CC_CPU;
            synced = true;
        }
    }

    /** IMUL Gv,Ev and IMUL Gv,Ev,Iz/Ib (MulDiv.imul): truncated signed product, CF = OF = overflow. */
    void imul(Insn i, boolean immediate) {
        int size = i.osize;
        if (immediate) {
            readE(i, size);
            sext(size);
            cb.lstore(aT);
            cb.loadConstant(i.imm);
            sext(size);
            cb.lstore(bT);
        } else {
            getReg(i.reg, size, i.rex);
            sext(size);
            cb.lstore(aT);
            readE(i, size);
            sext(size);
            cb.lstore(bT);
        }
        cb.lload(aT);
        cb.lload(bT);
        cb.lmul();
        cb.lstore(rT);
        boolean live = liveAfter[curIndex];
        if (live) {
            // overflow: the product does not fit the operand size
            cb.lload(rT);
            switch (size) {
                case 2 -> {
                    sext(2);
                    cb.lload(rT);
                    cb.lcmp();
                }
                case 4 -> {
                    sext(4);
                    cb.lload(rT);
                    cb.lcmp();
                }
                default -> {
                    cb.pop2();
                    cb.lload(aT);
                    cb.lload(bT);
                    cb.invokestatic(ClassDesc.of("java.lang.Math"), "multiplyHigh", MethodTypeDesc.of(CD_long, CD_long, CD_long));
                    cb.lload(rT);
                    cb.bipush(63);
                    cb.lshr();
                    cb.lcmp();
                }
            }
            cb.istore(idxT); // nonzero: overflow
            // MulDiv.mulFlags: CF and OF from the overflow, the other flags as they were
            materializeCc();
            cb.aload(cpuL);
            cb.invokestatic(CD_FLAGS, "compute", MethodTypeDesc.of(CD_int, CD_CPU));
            cb.loadConstant(~(Flags.CF | Flags.OF));
            cb.iand();
            Label no = cb.newLabel();
            cb.iload(idxT);
            cb.ifeq(no);
            cb.loadConstant(Flags.CF | Flags.OF);
            cb.ior();
            cb.labelBinding(no);
            cb.i2l();
            cb.lstore(ccAuxL);
        }
        cb.lload(rT);
        setReg(i.reg, size, i.rex);
        if (live) {
            cc = Flags.EFLAGS;
            synced = false;
        }
    }

    /** The flags image of MulDiv.mulFlags / BitOps.bsf into the flag locals: the CPU's flags but {@code bits},
     * which are set if the int on the stack is nonzero. */
    private void flagsExcept(int bits) {
        cb.istore(idxT);
        materializeCc();
        cb.aload(cpuL);
        cb.invokestatic(CD_FLAGS, "compute", MethodTypeDesc.of(CD_int, CD_CPU));
        cb.loadConstant(~bits);
        cb.iand();
        Label no = cb.newLabel();
        cb.iload(idxT);
        cb.ifeq(no);
        cb.loadConstant(bits);
        cb.ior();
        cb.labelBinding(no);
        cb.i2l();
        cb.lstore(ccAuxL);
    }

    /** MUL E (MulDiv.mul): rDX:rAX = rAX * E unsigned; CF = OF = high half nonzero, the other flags kept. */
    void mul(Insn i) {
        int size = i.osize;
        readE(i, size);
        cb.lstore(bT);
        boolean live = liveAfter[curIndex];
        reg64(X86Cpu.RAX);
        mask(size);
        cb.lload(bT);
        cb.lmul();
        cb.lstore(rT); // the product (low half when size 8)
        if (size == 8) {
            reg64(X86Cpu.RAX);
            cb.lload(bT);
            cb.invokestatic(ClassDesc.of("java.lang.Math"), "unsignedMultiplyHigh", MethodTypeDesc.of(CD_long, CD_long, CD_long));
            cb.lstore(cT);
        }
        if (live) {
            switch (size) {
                case 1, 2, 4 -> { cb.lload(rT); cb.bipush(8 * size); cb.lushr(); }
                default -> cb.lload(cT);
            }
            cb.lconst_0();
            cb.lcmp(); // nonzero when the high half is
            flagsExcept(Flags.CF | Flags.OF);
        }
        switch (size) {
            case 1 -> { cb.lload(rT); setReg(X86Cpu.RAX, 2, false); }
            case 2 -> {
                cb.lload(rT);
                setReg(X86Cpu.RAX, 2, false);
                cb.lload(rT);
                cb.bipush(16);
                cb.lushr();
                setReg(X86Cpu.RDX, 2, false);
            }
            case 4 -> {
                cb.lload(rT);
                setReg(X86Cpu.RAX, 4, false);
                cb.lload(rT);
                cb.bipush(32);
                cb.lushr();
                setReg(X86Cpu.RDX, 4, false);
            }
            default -> {
                cb.lload(rT);
                storeReg(X86Cpu.RAX);
                cb.lload(cT);
                storeReg(X86Cpu.RDX);
            }
        }
        if (live) {
            cc = Flags.EFLAGS;
            synced = false;
        }
    }

    /** BSF/BSR G, E (BitOps): ZF = (E == 0), the other flags kept; G written only when E is not zero. */
    void bitScan(Insn i, boolean forward) {
        readE(i, i.osize);
        cb.lstore(aT);
        if (liveAfter[curIndex]) {
            cb.lload(aT);
            cb.lconst_0();
            cb.lcmp();
            Label nz = cb.newLabel(), done = cb.newLabel();
            cb.ifne(nz);
            cb.iconst_1();
            cb.goto_(done);
            cb.labelBinding(nz);
            cb.iconst_0();
            cb.labelBinding(done);
            flagsExcept(Flags.ZF);
        }
        // both paths must leave the register in its local and dirty: load it first, mark it written
        int r = highByte(i.reg, i.osize, i.rex) ? i.reg - 4 : i.reg;
        ensureLocal(r);
        written |= 1 << r;
        dirty |= 1 << r;
        Label zero = cb.newLabel();
        cb.lload(aT);
        cb.lconst_0();
        cb.lcmp();
        cb.ifeq(zero);
        if (forward) {
            cb.lload(aT);
            cb.invokestatic(ConstantDescs.CD_Long, "numberOfTrailingZeros", MethodTypeDesc.of(CD_int, CD_long));
        } else {
            cb.bipush(63);
            cb.lload(aT);
            cb.invokestatic(ConstantDescs.CD_Long, "numberOfLeadingZeros", MethodTypeDesc.of(CD_int, CD_long));
            cb.isub();
        }
        cb.i2l();
        setReg(i.reg, i.osize, i.rex);
        cb.labelBinding(zero);
        if (liveAfter[curIndex]) {
            cc = Flags.EFLAGS;
            synced = false;
        }
    }

    /** CBW/CWDE/CDQE (Mov.cbw). */
    void cbw(Insn i) {
        reg64(X86Cpu.RAX);
        switch (i.osize) {
            case 2 -> { sext(1); setReg(X86Cpu.RAX, 2, false); }
            case 4 -> { sext(2); setReg(X86Cpu.RAX, 4, false); }
            default -> { sext(4); storeReg(X86Cpu.RAX); }
        }
    }

    /** CWD/CDQ/CQO (Mov.cwd). */
    void cwd(Insn i) {
        reg64(X86Cpu.RAX);
        switch (i.osize) {
            case 2 -> { sext(2); cb.bipush(15); cb.lshr(); setReg(X86Cpu.RDX, 2, false); }
            case 4 -> { sext(4); cb.bipush(31); cb.lshr(); setReg(X86Cpu.RDX, 4, false); }
            default -> { cb.bipush(63); cb.lshr(); storeReg(X86Cpu.RDX); }
        }
    }

    /** BSWAP (BitOps.bswap; a 16-bit operand clears the low word, as the host does). */
    void bswap(Insn i) {
        switch (i.osize) {
            case 2 -> { cb.lconst_0(); setReg(i.rm, 2, i.rex); }
            case 4 -> {
                reg64(i.rm);
                cb.l2i();
                cb.invokestatic(ConstantDescs.CD_Integer, "reverseBytes", MethodTypeDesc.of(CD_int, CD_int));
                cb.i2l();
                setReg(i.rm, 4, i.rex);
            }
            default -> {
                reg64(i.rm);
                cb.invokestatic(ConstantDescs.CD_Long, "reverseBytes", MethodTypeDesc.of(CD_long, CD_long));
                storeReg(i.rm);
            }
        }
    }

    /**
     * DIV E of 32 or 64 bits (MulDiv.div): the quotient through IntOps (which raises #DE), the remainder as
     * dividend - quotient * divisor; then CF and OF kept, AF set, SF ZF PF clear.
     */
    void div(Insn i) {
        int size = i.osize;
        readE(i, size);
        cb.lstore(bT);
        ClassDesc ops = ClassDesc.of("dev.jemu.target.x86.tcg.IntOps");
        if (size == 8) {
            reg64(X86Cpu.RAX);
            cb.lstore(aT); // the dividend's low half
            reg64(X86Cpu.RDX);
            cb.lload(aT);
            cb.lload(bT);
            faulting(() -> cb.invokestatic(ops, "divq", MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_long)));
        } else {
            reg64(X86Cpu.RDX);
            cb.bipush(32);
            cb.lshl();
            reg64(X86Cpu.RAX);
            mask(4);
            cb.lor();
            cb.lstore(aT); // the dividend
            cb.lload(aT);
            cb.lload(bT);
            faulting(() -> cb.invokestatic(ops, "divl", MethodTypeDesc.of(CD_long, CD_long, CD_long)));
        }
        cb.lstore(rT);
        if (liveAfter[curIndex]) {
            materializeCc();
            cb.aload(cpuL);
            cb.invokestatic(CD_FLAGS, "compute", MethodTypeDesc.of(CD_int, CD_CPU));
            cb.loadConstant(Flags.CF | Flags.OF);
            cb.iand();
            cb.loadConstant(Flags.AF);
            cb.ior();
            cb.i2l();
            cb.lstore(ccAuxL);
        }
        cb.lload(rT);
        setReg(X86Cpu.RAX, size, false);
        cb.lload(aT);
        cb.lload(rT);
        cb.lload(bT);
        cb.lmul();
        cb.lsub();
        setReg(X86Cpu.RDX, size, false);
        if (liveAfter[curIndex]) {
            cc = Flags.EFLAGS;
            synced = false;
        }
    }
}
