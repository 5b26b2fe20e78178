package dev.jemu.target.x86.tcg;

import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.X86Cpu;

/**
 * The instruction forms the translator specialises, told apart by the handler an instruction would run (its
 * {@link HandlerRef}); everything else calls its handler. Also what the region builder and the analyses need
 * to know about a form: where it can branch, and how it uses the lazy flags.
 */
final class Forms {
    private Forms() {}

    static final int GENERIC = 0, NOP = 1, MOV_EG = 2, MOV_GE = 3, MOV_EI = 4, MOV_ZI = 5, MOV_AO = 6, MOV_OA = 7,
            LEA = 8, MOVZX = 9, MOVSX = 10, CMOV = 11, SETCC = 12, ALU_EG = 13, ALU_EI = 14, ALU_GE = 15,
            ALU_AI = 16, TEST_EG = 17, TEST_EI = 18, TEST_AI = 19, INC = 20, DEC = 21, INC_Z = 22, DEC_Z = 23,
            NOT = 24, NEG = 25, PUSH_Z = 26, PUSH_I = 27, POP_Z = 28, JCC = 29, JMP = 30, CALL = 31, RET = 32,
            JMP_E = 33, CALL_E = 34, SHIFT_I = 35, IMUL_GE = 36, IMUL_GEI = 37, ROT_I = 38, SHIFT_CL = 39,
            SSE = 40, SSE_FP = 41, SSE_COMI = 42, CBW = 43, CWD = 44, BSWAP = 45, XCHG_EG = 46, XCHG_ZA = 47,
            MUL = 48, BSF = 49, BSR = 50, DIV = 51;

    // Alu operation numbers (as in ops.Alu).
    static final int ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7;

    /** Which form an instruction is: the handler it would run decides, LOCK and odd variants stay generic. */
    static int classify(Insn i) {
        HandlerRef h = HandlerRef.of(i);
        boolean lock = i.has(Insn.P_LOCK);
        return switch (h.key()) {
            case "Mov.movEG" -> MOV_EG;
            case "Mov.movGE" -> MOV_GE;
            case "Mov.movEI" -> MOV_EI;
            case "Mov.movZI" -> MOV_ZI;
            case "Mov.movAO" -> MOV_AO;
            case "Mov.movOA" -> MOV_OA;
            case "Mov.lea" -> i.mem ? LEA : GENERIC;
            case "Mov.movzx" -> MOVZX;
            case "Mov.movsx" -> MOVSX;
            case "Mov.cmov" -> CMOV;
            case "Mov.setcc" -> SETCC;
            case "Mov.xchgZA" -> i.rm != X86Cpu.RAX ? XCHG_ZA
                    : (i.osize != 8 || !i.has(Insn.P_REXW)) && !i.has(Insn.P_REP) ? NOP : GENERIC;
            case "Mov.xchgEG" -> i.mem ? GENERIC : XCHG_EG; // (with memory: always locked)
            case "Mov.cbw" -> CBW;
            case "Mov.cwd" -> CWD;
            case "BitOps.bswap" -> BSWAP;
            case "BitOps.bsf" -> BSF;
            case "BitOps.bsr" -> BSR;
            case "MulDiv.mul" -> MUL;
            case "MulDiv.div" -> i.osize >= 4 ? DIV : GENERIC;
            case "Misc.nop" -> NOP;
            case "Alu.aluEG" -> lock ? GENERIC : ALU_EG;
            case "Alu.aluEI" -> lock ? GENERIC : ALU_EI;
            case "Alu.aluGE" -> ALU_GE;
            case "Alu.aluAI" -> ALU_AI;
            case "Alu.testEG" -> TEST_EG;
            case "Alu.testEI" -> TEST_EI;
            case "Alu.testAI" -> TEST_AI;
            case "Alu.inc" -> lock ? GENERIC : INC;
            case "Alu.dec" -> lock ? GENERIC : DEC;
            case "Alu.incZ" -> INC_Z;
            case "Alu.decZ" -> DEC_Z;
            case "Alu.not" -> lock ? GENERIC : NOT;
            case "Alu.neg" -> lock ? GENERIC : NEG;
            case "Stack.pushZ" -> PUSH_Z;
            case "Stack.pushI" -> PUSH_I;
            case "Stack.popZ" -> POP_Z;
            case "Control.jcc" -> JCC;
            case "Control.jmp" -> JMP;
            case "Control.call" -> CALL;
            case "Control.ret" -> RET;
            case "Control.jmpE" -> JMP_E;
            case "Control.callE" -> CALL_E;
            // SHL SHR SAL SAR, ROL ROR by a constant or CL (RCL/RCR stay handlers)
            case "Shift.byIb", "Shift.by1" -> i.arg >= 4 ? SHIFT_I : i.arg <= 1 ? ROT_I : GENERIC;
            case "Shift.byCl" -> i.arg >= 4 || i.arg <= 1 ? SHIFT_CL : GENERIC;
            case "MulDiv.imulGE" -> i.osize > 1 ? IMUL_GE : GENERIC;
            case "MulDiv.imulGEI" -> i.osize > 1 ? IMUL_GEI : GENERIC;
            // SSE data movement and packed integer/logic forms (see SseEmitter)
            case "SseMove.load", "SseMove.store", "SseMove.movqVW", "SseMove.movqWV", "SseMove.movdVE",
                 "SseMove.movdEV", "SseInt.op", "SseInt.pshufd" -> SSE;
            case "SseInt.shiftImm", "SseInt.psrldq", "SseInt.pslldq", "SseInt.pmovmskb" -> i.mem ? GENERIC : SSE;
            case "SseMove.movsdLoad", "SseMove.movsdStore", "SseMove.movssLoad", "SseMove.movssStore" -> SSE;
            case "SseMove.movlps", "SseMove.movhps" -> SSE;
            // memory forms only (the register forms are #UD, left to the handler)
            case "SseMove.movlpd", "SseMove.movhpd", "SseMove.movlpsStore", "SseMove.movhpsStore",
                 "SseMove.storeNt" -> i.mem ? SSE : GENERIC;
            case "SseFloat.shufps", "SseFloat.shufpd" -> i.mem ? GENERIC : SSE;
            // floating point (see FpOps): may raise #XM whatever the operand
            case "SseArith.sd", "SseArith.ss", "SseArith.pd", "SseArith.ps", "SseConvert.cvtsi2sd",
                 "SseConvert.cvtsd2si", "SseConvert.cvtss2si", "SseConvert.cvtss2sd", "SseConvert.cvtsd2ss" -> SSE_FP;
            case "SseArith.comisd", "SseArith.comiss" -> SSE_COMI;
            default -> GENERIC;
        };
    }

    /** Branch target of a relative JMP/Jcc/CALL, truncated to the operand size as Control.ip does. */
    static long relTarget(Insn i) {
        return ip(i.next + i.imm, i.osize);
    }

    static long ip(long target, int osize) {
        return switch (osize) {
            case 2 -> target & 0xffff;
            case 4 -> target & 0xffffffffL;
            default -> target;
        };
    }

    /**
     * Blocks worth translating with the one ending with {@code last}: its static successors, and after a CALL
     * also the return address (a RET in the region that returns there jumps straight to it).
     */
    static long[] regionSuccessors(Insn last) {
        long[] s = staticSuccessors(last);
        if (classify(last) != CALL) return s;
        return new long[] {s[0], last.next};
    }

    /** Addresses the block ending with {@code last} continues at, when they are known at translation time. */
    static long[] staticSuccessors(Insn last) {
        return switch (classify(last)) {
            case JCC -> new long[] {relTarget(last), last.next};
            case JMP, CALL -> new long[] {relTarget(last)};
            case RET, JMP_E, CALL_E -> new long[0];
            default -> last.op.has(dev.jemu.target.x86.Opcode.END) ? new long[0] : new long[] {last.next};
        };
    }

    static final int CC_NONE = 0, CC_READ = 1, CC_KILL = 2, CC_IF_LIVE = 3;

    /**
     * How an instruction uses the flags before it: READ if it reads them, calls a handler or may fault (an
     * exception shows them), KILL if it overwrites all six without reading, IF_LIVE if it reads them only
     * to keep the ones it does not set (IMUL), NONE otherwise.
     */
    static int ccEffect(int kind, Insn i) {
        return switch (kind) {
            case NOP, LEA, MOV_ZI, JMP, CBW, CWD, BSWAP, XCHG_EG, XCHG_ZA -> CC_NONE;
            // they keep the flags they do not set
            case MUL, BSF, BSR -> i.mem ? CC_READ : CC_IF_LIVE;
            case MOV_EG, MOV_GE, MOV_EI, MOVZX, MOVSX, NOT, JMP_E -> i.mem ? CC_READ : CC_NONE;
            case ALU_EG, ALU_EI, ALU_GE, ALU_AI -> i.mem || usesCarry(i.arg) ? CC_READ : CC_KILL;
            case TEST_EG, TEST_EI, NEG -> i.mem ? CC_READ : CC_KILL;
            case TEST_AI -> CC_KILL;
            case SHIFT_I -> i.mem ? CC_READ : (shiftCount(i) != 0 ? CC_KILL : CC_NONE);
            // rotates keep SF ZF AF PF; a CL count may be 0 (no flag changes)
            case ROT_I -> i.mem ? CC_READ : (shiftCount(i) != 0 ? CC_IF_LIVE : CC_NONE);
            case SHIFT_CL -> i.mem ? CC_READ : CC_IF_LIVE;
            case SSE -> i.mem ? CC_READ : CC_NONE;
            case SSE_FP, SSE_COMI -> CC_READ; // may fault (#XM) even without a memory operand
            case IMUL_GE, IMUL_GEI -> i.mem ? CC_READ : CC_IF_LIVE;
            default -> CC_READ; // conditions, carry readers, memory, handlers
        };
    }

    static int shiftCount(Insn i) {
        int count = HandlerRef.of(i).method().equals("by1") ? 1 : (int) i.imm;
        return count & (i.osize == 8 ? 63 : 31);
    }

    /** True if the flags must be exact after the instruction whatever follows (it may leave the region). */
    static boolean mayExitAfter(int kind, Insn i) {
        return ccEffect(kind, i) == CC_READ && kind != CMOV && kind != SETCC && kind != JCC || kind == GENERIC;
    }

    /**
     * False for instructions that cannot store to memory: register forms of ModRM instructions (except
     * MASKMOVQ/MASKMOVDQU, which store to [rDI]).
     */
    static boolean mayWriteMemory(Insn i) {
        if (i.modrm < 0 || i.mem) return true;
        return i.op.mnemonic.startsWith("MASKMOV");
    }

    static boolean usesCarry(int op) {
        return op == ADC || op == SBB;
    }
}
