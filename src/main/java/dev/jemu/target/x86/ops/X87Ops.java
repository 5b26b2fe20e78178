package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.X87;
import dev.jemu.target.x86.fpu.FpuEnv;

/**
 * The x87 instructions (escape opcodes D8-DF and WAIT): the opcode rows, and the steps every x87 instruction
 * shares. The handlers are in {@link X87Move} (loads, stores, register moves), {@link X87Arith} (arithmetic,
 * compares, functions) and {@link X87Control} (control word, status, environment, FWAIT).
 *
 * <p>A waiting (non-control) instruction first takes a pending unmasked exception as #MF ({@link #begin}), does
 * its memory reads (faults leave everything untouched), then records itself in FIP/FCS/FOP (and its operand in
 * FDP/FDS; register-only instructions leave FDP/FDS alone, as the host does) and updates the stack.
 *
 * <p>Each row's argument carries the escape byte's low 3 bits in bits 8-10, so that FOP is
 * {@code (arg & 0x700) | modrm}; the low bits select the operation.
 */
public final class X87Ops {
    private X87Ops() {}

    // Memory operand types (bits 5-6 of a row's argument).
    static final int M32FP = 0, M64FP = 1 << 5, M32INT = 2 << 5, M16INT = 3 << 5, MTYPE = 3 << 5;
    // Arithmetic kinds (bits 0-1), operand swap (a = source), destination ST(i), pop.
    static final int ADD = 0, MUL = 1, SUB = 2, DIV = 3, SWAP = 4, TO_STI = 8, POP = 16;

    private static final String[] ARITH = {"FADD", "FMUL", "FCOM", "FCOMP", "FSUB", "FSUBR", "FDIV", "FDIVR"};
    /** Memory-operand arithmetic by ModRM.reg: kind and swap (FSUBR/FDIVR compute m op ST0). */
    private static final int[] MEM_ARITH = {ADD, MUL, -1, -1, SUB, SUB | SWAP, DIV, DIV | SWAP};

    private static int esc(int opcode) {
        return (opcode & 7) << 8;
    }

    public static void register(OpcodeTable t) {
        // Memory-operand arithmetic and compares: D8 m32fp, DC m64fp, DA m32int, DE m16int.
        int[] escs = {0xD8, 0xDC, 0xDA, 0xDE};
        int[] types = {M32FP, M64FP, M32INT, M16INT};
        String[] ops = {"Md", "Mq", "Md", "Mw"};
        String[] ipfx = {"", "", "I", "I"};
        for (int k = 0; k < 4; k++) {
            for (int r = 0; r < 8; r++) {
                String name = ARITH[r].substring(0, 1) + ipfx[k] + ARITH[r].substring(1);
                String row = String.format("%02X /%d m", escs[k], r);
                if (r == 2 || r == 3) {
                    t.add(row, name + " " + ops[k], X87Arith::comMem, esc(escs[k]) | types[k] | (r == 3 ? 2 : 0));
                } else {
                    t.add(row, name + " " + ops[k], X87Arith::arithMem, esc(escs[k]) | types[k] | MEM_ARITH[r]);
                }
            }
        }
        // Register arithmetic. D8: ST0 = ST0 op ST(i); DC: ST(i) = ST(i) op ST0 (with the SDM's reversed
        // FSUB/FSUBR and FDIV/FDIVR rows); DE: as DC, then pop.
        int d8 = esc(0xD8), dc = esc(0xDC), de = esc(0xDE);
        t.add("D8 C0+i", "FADD ST0,STi", X87Arith::arithReg, d8 | ADD);
        t.add("D8 C8+i", "FMUL ST0,STi", X87Arith::arithReg, d8 | MUL);
        t.add("D8 E0+i", "FSUB ST0,STi", X87Arith::arithReg, d8 | SUB);
        t.add("D8 E8+i", "FSUBR ST0,STi", X87Arith::arithReg, d8 | SUB | SWAP);
        t.add("D8 F0+i", "FDIV ST0,STi", X87Arith::arithReg, d8 | DIV);
        t.add("D8 F8+i", "FDIVR ST0,STi", X87Arith::arithReg, d8 | DIV | SWAP);
        for (int p = 0; p < 2; p++) {
            int e = p == 0 ? dc : de | POP;
            String sfx = p == 0 ? "" : "P";
            String b = p == 0 ? "DC" : "DE";
            t.add(b + " C0+i", "FADD" + sfx + " STi,ST0", X87Arith::arithReg, e | TO_STI | ADD);
            t.add(b + " C8+i", "FMUL" + sfx + " STi,ST0", X87Arith::arithReg, e | TO_STI | MUL);
            t.add(b + " E0+i", "FSUBR" + sfx + " STi,ST0", X87Arith::arithReg, e | TO_STI | SUB);
            t.add(b + " E8+i", "FSUB" + sfx + " STi,ST0", X87Arith::arithReg, e | TO_STI | SUB | SWAP);
            t.add(b + " F0+i", "FDIVR" + sfx + " STi,ST0", X87Arith::arithReg, e | TO_STI | DIV);
            t.add(b + " F8+i", "FDIV" + sfx + " STi,ST0", X87Arith::arithReg, e | TO_STI | DIV | SWAP);
        }
        // Register compares: bit 0 unordered (FUCOM), bits 1-2 pops, bit 3 EFLAGS (FCOMI).
        t.add("D8 D0+i", "FCOM STi", X87Arith::comReg, d8);
        t.add("D8 D8+i", "FCOMP STi", X87Arith::comReg, d8 | 2);
        t.add("DC D0+i", "FCOM2 STi", X87Arith::comReg, dc);      // reserved aliases the host executes
        t.add("DC D8+i", "FCOMP3 STi", X87Arith::comReg, dc | 2);
        t.add("DE D0+i", "FCOMP5 STi", X87Arith::comReg, de | 2);
        t.add("DE D9", "FCOMPP", X87Arith::comReg, de | 4);
        t.add("DD E0+i", "FUCOM STi", X87Arith::comReg, esc(0xDD) | 1);
        t.add("DD E8+i", "FUCOMP STi", X87Arith::comReg, esc(0xDD) | 1 | 2);
        t.add("DA E9", "FUCOMPP", X87Arith::comReg, esc(0xDA) | 1 | 4);
        t.add("DB E8+i", "FUCOMI ST0,STi", X87Arith::comReg, esc(0xDB) | 8 | 1);
        t.add("DB F0+i", "FCOMI ST0,STi", X87Arith::comReg, esc(0xDB) | 8);
        t.add("DF E8+i", "FUCOMIP ST0,STi", X87Arith::comReg, esc(0xDF) | 8 | 1 | 2);
        t.add("DF F0+i", "FCOMIP ST0,STi", X87Arith::comReg, esc(0xDF) | 8 | 2);

        // Loads and stores.
        int d9 = esc(0xD9), db = esc(0xDB), dd = esc(0xDD), df = esc(0xDF);
        t.add("D9 /0 m", "FLD Md", X87Move::fldM32, d9 | X87Move.F32);
        t.add("DD /0 m", "FLD Mq", X87Move::fldM64, dd | X87Move.F64);
        t.add("DB /5 m", "FLD Mt", X87Move::fldM, db | X87Move.F80);
        t.add("DF /0 m", "FILD Mw", X87Move::fldM, df | X87Move.I16);
        t.add("DB /0 m", "FILD Md", X87Move::fldM, db | X87Move.I32);
        t.add("DF /5 m", "FILD Mq", X87Move::fldM, df | X87Move.I64);
        t.add("DF /4 m", "FBLD Mt", X87Move::fldM, df | X87Move.BCD);
        t.add("D9 /2 m", "FST Md", X87Move::fstFloat, d9 | X87Move.F32);
        t.add("D9 /3 m", "FSTP Md", X87Move::fstFloat, d9 | X87Move.F32 | POP);
        t.add("DD /2 m", "FST Mq", X87Move::fstFloat, dd | X87Move.F64);
        t.add("DD /3 m", "FSTP Mq", X87Move::fstFloat, dd | X87Move.F64 | POP);
        t.add("DB /7 m", "FSTP Mt", X87Move::fstM, db | X87Move.F80 | POP);
        t.add("DF /2 m", "FIST Mw", X87Move::fstM, df | X87Move.I16);
        t.add("DF /3 m", "FISTP Mw", X87Move::fstM, df | X87Move.I16 | POP);
        t.add("DB /2 m", "FIST Md", X87Move::fstM, db | X87Move.I32);
        t.add("DB /3 m", "FISTP Md", X87Move::fstM, db | X87Move.I32 | POP);
        t.add("DF /7 m", "FISTP Mq", X87Move::fstM, df | X87Move.I64 | POP);
        t.add("DF /1 m", "FISTTP Mw", X87Move::fstM, df | X87Move.I16 | POP | X87Move.TRUNC);
        t.add("DB /1 m", "FISTTP Md", X87Move::fstM, db | X87Move.I32 | POP | X87Move.TRUNC);
        t.add("DD /1 m", "FISTTP Mq", X87Move::fstM, dd | X87Move.I64 | POP | X87Move.TRUNC);
        t.add("DF /6 m", "FBSTP Mt", X87Move::fstM, df | X87Move.BCD | POP);

        // Register moves and stack control.
        t.add("D9 C0+i", "FLD STi", X87Move::fldSti, d9);
        t.add("D9 C8+i", "FXCH STi", X87Move::fxch, d9);
        t.add("DD C8+i", "FXCH4 STi", X87Move::fxch, dd);
        t.add("DF C8+i", "FXCH7 STi", X87Move::fxch, df);
        t.add("DD D0+i", "FST STi", X87Move::fstSti, dd);
        t.add("DD D8+i", "FSTP STi", X87Move::fstSti, dd | POP);
        t.add("D9 D8+i", "FSTP1 STi", X87Move::fstSti, d9 | POP);
        t.add("DF D0+i", "FSTP8 STi", X87Move::fstSti, df | POP);
        t.add("DF D8+i", "FSTP9 STi", X87Move::fstSti, df | POP);
        t.add("DD C0+i", "FFREE STi", X87Move::ffree, dd);
        t.add("DF C0+i", "FFREEP STi", X87Move::ffree, df | POP);
        t.add("D9 F6", "FDECSTP", X87Move::fdecstp, d9);
        t.add("D9 F7", "FINCSTP", X87Move::fincstp, d9);
        t.add("D9 D0", "FNOP", X87Move::fnop, d9);
        for (int k = 0; k < 7; k++) {
            String[] names = {"FLD1", "FLDL2T", "FLDL2E", "FLDPI", "FLDLG2", "FLDLN2", "FLDZ"};
            t.add(String.format("D9 %02X", 0xE8 + k), names[k], X87Move::fldConst, d9 | k);
        }
        String[] cmov = {"FCMOVB", "FCMOVE", "FCMOVBE", "FCMOVU", "FCMOVNB", "FCMOVNE", "FCMOVNBE", "FCMOVNU"};
        int[] cc = {2, 4, 6, 10, 3, 5, 7, 11};
        for (int k = 0; k < 8; k++) {
            t.add(String.format("%s %02X+i", k < 4 ? "DA" : "DB", 0xC0 + 8 * (k & 3)), cmov[k] + " ST0,STi",
                    X87Move::fcmov, esc(k < 4 ? 0xDA : 0xDB) | cc[k]);
        }

        // One-operand arithmetic and functions on the top of the stack.
        t.add("D9 E0", "FCHS", X87Arith::unary, d9 | X87Arith.FCHS);
        t.add("D9 E1", "FABS", X87Arith::unary, d9 | X87Arith.FABS);
        t.add("D9 FA", "FSQRT", X87Arith::unary, d9 | X87Arith.FSQRT);
        t.add("D9 FC", "FRNDINT", X87Arith::unary, d9 | X87Arith.FRNDINT);
        t.add("D9 E4", "FTST", X87Arith::ftst, d9);
        t.add("D9 E5", "FXAM", X87Arith::fxam, d9);
        t.add("D9 F4", "FXTRACT", X87Arith::fxtract, d9);
        t.add("D9 FD", "FSCALE", X87Arith::binary, d9 | X87Arith.FSCALE);
        t.add("D9 F8", "FPREM", X87Arith::binary, d9 | X87Arith.FPREM);
        t.add("D9 F5", "FPREM1", X87Arith::binary, d9 | X87Arith.FPREM1);
        X87Trans.register(t);

        // Control.
        t.add("D9 /4 m", "FLDENV M", X87Control::fldenv);
        t.add("D9 /5 m", "FLDCW Mw", X87Control::fldcw);
        t.add("D9 /6 m", "FNSTENV M", X87Control::fnstenv);
        t.add("D9 /7 m", "FNSTCW Mw", X87Control::fnstcw);
        t.add("DD /4 m", "FRSTOR M", X87Control::frstor);
        t.add("DD /6 m", "FNSAVE M", X87Control::fnsave);
        t.add("DD /7 m", "FNSTSW Mw", X87Control::fnstsw);
        t.add("DF E0", "FNSTSW AX", X87Control::fnstswAx);
        t.add("DB E2", "FNCLEX", X87Control::fnclex);
        t.add("DB E3", "FNINIT", X87Control::fninit);
        t.add("DB E0", "FNENI", X87Control::nop8087);  // 8087-only; the 387 and later ignore them
        t.add("DB E1", "FNDISI", X87Control::nop8087);
        t.add("DB E4", "FNSETPM", X87Control::nop8087);
        t.add("9B", "FWAIT", X87Control::fwait);
    }

    // ---- the steps every x87 instruction shares ----

    /** Real indefinite (the default NaN). */
    static final int INDEF_SE = 0xffff;
    static final long INDEF_SIG = 0xc000000000000000L;

    /**
     * The start of a waiting x87 instruction: #NM when the FPU is unavailable, #MF when an unmasked exception
     * is pending (FSW.ES).
     */
    static X87 begin(X86Cpu c) {
        deviceCheck(c);
        X87 f = c.fpu;
        if ((f.fsw & X87.ES) != 0) throw X86Exception.fault(X86Exception.MF);
        return f;
    }

    /**
     * #NM hook: in system mode every x87 instruction raises #NM here, before anything else, when CR0.EM or
     * CR0.TS is set. X86Cpu has no CR0 yet, so the FPU is always available.
     */
    static void deviceCheck(X86Cpu c) {
    }

    /** #NM hook for WAIT/FWAIT: it raises #NM only when CR0.MP and CR0.TS are both set. */
    static void waitDeviceCheck(X86Cpu c) {
    }

    /** Records a non-control instruction in FIP, FCS and FOP. */
    static void note(X86Cpu c, X87 f, Insn i) {
        f.fip = i.pc;
        f.fcs = c.segSel[X86Cpu.CS];
        f.fop = (i.arg & 0x700) | i.modrm;
    }

    /**
     * Records the memory operand (offset and segment selector) in FDP and FDS. In 64-bit mode the CS/DS/ES/SS
     * overrides are ignored and FDS names the default segment (SS for an RBP/RSP base), as on the host.
     */
    static void noteData(X86Cpu c, X87 f, Insn i, long offset) {
        f.fdp = offset;
        int seg = i.seg;
        if (c.codeBits == 64 && seg < X86Cpu.FS) {
            seg = i.base >= 0 && ((i.base & 7) == X86Cpu.RSP || (i.base & 7) == X86Cpu.RBP) ? X86Cpu.SS : X86Cpu.DS;
        }
        f.fds = c.segSel[seg];
    }

    /** The memory operand's offset in its segment (FDP), masked to the address size. */
    static long offset(X86Cpu c, Insn i) {
        long a = i.disp;
        if (i.base >= 0) a += c.regs[i.base];
        if (i.index >= 0) a += c.regs[i.index] << i.scale;
        return i.asize == 8 ? a : i.asize == 4 ? a & 0xffffffffL : a & 0xffff;
    }

    /** The library context, set from the control word, with no exceptions yet. */
    static FpuEnv env(X87 f) {
        FpuEnv e = f.env;
        e.setControlWord(f.fcw);
        e.flags = 0;
        return e;
    }

    /** Stack underflow (a source register is empty): IE and SF, C1 = 0. True when IE is masked. */
    static boolean underflow(X87 f) {
        f.fsw &= ~X87.C1;
        f.raise(X87.IE | X87.SF);
        return (f.fcw & X87.IE) != 0;
    }

    /** Stack overflow (a push onto a full register): IE and SF, C1 = 1. True when IE is masked. */
    static boolean overflow(X87 f) {
        f.fsw |= X87.C1;
        f.raise(X87.IE | X87.SF);
        return (f.fcw & X87.IE) != 0;
    }

    /**
     * Merges an operation's exceptions and C1 (round-up) into the status word and, unless an unmasked IE, DE or
     * ZE stopped it, writes the result to physical register {@code p} and pops when asked.
     */
    static void commit(X87 f, FpuEnv e, int p, boolean pop) {
        f.fsw = (f.fsw & ~X87.C1) | (e.cc & X87.C1);
        if (e.flags != 0) f.raise(e.flags);
        if (e.storeResult()) {
            f.set(p, e.se, e.sig);
            if (pop) f.pop();
        }
    }
}
