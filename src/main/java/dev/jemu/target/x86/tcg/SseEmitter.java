package dev.jemu.target.x86.tcg;

import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.X86Cpu;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;

import static dev.jemu.target.x86.sse.Lanes.*;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_double;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;

/**
 * Inline bytecode for the SSE forms the translator specialises (Forms.SSE): 128-bit moves, MOVD/MOVQ, the
 * packed integer and logic rows of SseInt.op, PSHUFD, shifts by an immediate, PMOVMSKB. XMM registers stay
 * in {@code cpu.xmm} (two longs each, as the handlers keep them), so handler calls need no write-back. As in
 * the handlers, every operand is loaded (and may fault) before anything is written.
 */
abstract class SseEmitter extends FormEmitter {
    SseEmitter(boolean longMode, int stackSize) {
        super(longMode, stackSize);
    }

    static final ClassDesc CD_VEC = ClassDesc.of("dev.jemu.target.x86.tcg.VecOps");
    static final ClassDesc CD_LANES = ClassDesc.of("dev.jemu.target.x86.sse.Lanes");
    static final MethodTypeDesc MT_JJ_J = MethodTypeDesc.of(CD_long, CD_long, CD_long);
    static final MethodTypeDesc MT_IJJ_J = MethodTypeDesc.of(CD_long, CD_int, CD_long, CD_long);
    private static final int ALIGNED = 1; // SseMove's row argument for MOVAPS/MOVDQA

    /** cpu.xmm, and the halves of the V (ModRM.reg) and W (ModRM.rm or memory) operands. */
    int xmmL, vLo, vHi, wLo, wHi;

    void sse(Insn i) {
        switch (HandlerRef.of(i).method()) {
            case "load" -> {
                loadW(i, i.arg == ALIGNED);
                putX(2 * i.reg, wLo);
                putX(2 * i.reg + 1, wHi);
            }
            case "store" -> store128(i, i.arg == ALIGNED);
            case "movqVW" -> {
                if (i.mem) readMem(i, 8);
                else getX(2 * i.rm);
                cb.lstore(wLo);
                putX(2 * i.reg, wLo);
                zeroX(2 * i.reg + 1);
            }
            case "movqWV" -> {
                getX(2 * i.reg);
                if (i.mem) {
                    writeMemOperand(i, 8);
                } else {
                    cb.lstore(wLo);
                    putX(2 * i.rm, wLo);
                    zeroX(2 * i.rm + 1);
                }
            }
            case "movdVE" -> {
                readE(i, i.has(Insn.P_REXW) ? 8 : 4);
                cb.lstore(wLo);
                putX(2 * i.reg, wLo);
                zeroX(2 * i.reg + 1);
            }
            case "movdEV" -> {
                getX(2 * i.reg);
                writeE(i, i.has(Insn.P_REXW) ? 8 : 4);
            }
            // MOVLPS/MOVLPD/MOVHPS/MOVHPD (and MOVHLPS/MOVLHPS): one half of V from memory or W's other half
            case "movlps", "movlpd", "movhps", "movhpd" -> {
                boolean high = HandlerRef.of(i).method().startsWith("movh");
                if (i.mem) readMem(i, 8);
                else getX(2 * i.rm + (high ? 0 : 1));
                cb.lstore(wLo);
                putX(2 * i.reg + (high ? 1 : 0), wLo);
            }
            case "movlpsStore", "movhpsStore" -> {
                getX(2 * i.reg + (HandlerRef.of(i).method().startsWith("movh") ? 1 : 0));
                writeMemOperand(i, 8);
            }
            case "storeNt" -> store128(i, true);
            case "shufps" -> {
                loadVW(i);
                int imm = (int) i.imm;
                dword(vLo, vHi, imm & 3);
                dword(vLo, vHi, (imm >> 2) & 3);
                cb.bipush(32);
                cb.lshl();
                cb.lor();
                dword(wLo, wHi, (imm >> 4) & 3);
                dword(wLo, wHi, (imm >> 6) & 3);
                cb.bipush(32);
                cb.lshl();
                cb.lor();
                cb.lstore(wHi);
                cb.lstore(wLo);
                putX(2 * i.reg, wLo);
                putX(2 * i.reg + 1, wHi);
            }
            case "shufpd" -> {
                loadVW(i);
                int imm = (int) i.imm;
                cb.lload((imm & 1) == 0 ? vLo : vHi);
                cb.lload((imm & 2) == 0 ? wLo : wHi);
                cb.lstore(wHi);
                cb.lstore(wLo);
                putX(2 * i.reg, wLo);
                putX(2 * i.reg + 1, wHi);
            }
            case "op" -> packed(i);
            case "pshufd" -> pshufd(i);
            case "shiftImm" -> shiftImm(i);
            case "psrldq", "pslldq" -> byteShift(i, HandlerRef.of(i).method().equals("pslldq"));
            case "pmovmskb" -> {
                getX(2 * i.rm);
                cb.invokestatic(CD_LANES, "movmskb", MethodTypeDesc.of(CD_int, CD_long));
                getX(2 * i.rm + 1);
                cb.invokestatic(CD_LANES, "movmskb", MethodTypeDesc.of(CD_int, CD_long));
                cb.bipush(8);
                cb.ishl();
                cb.ior();
                cb.i2l();
                setReg(i.reg, 4, false);
            }
            case "movsdLoad" -> {
                if (i.mem) readMem(i, 8);
                else getX(2 * i.rm);
                cb.lstore(wLo);
                putX(2 * i.reg, wLo);
                if (i.mem) zeroX(2 * i.reg + 1);
            }
            case "movsdStore" -> {
                getX(2 * i.reg);
                if (i.mem) {
                    writeMemOperand(i, 8);
                } else {
                    cb.lstore(wLo);
                    putX(2 * i.rm, wLo);
                }
            }
            case "movssLoad" -> {
                if (i.mem) {
                    readMem(i, 4);
                    cb.lstore(wLo);
                    putX(2 * i.reg, wLo);
                    zeroX(2 * i.reg + 1);
                } else {
                    getX(2 * i.rm);
                    mergeLow32(2 * i.reg);
                }
            }
            case "movssStore" -> {
                getX(2 * i.reg);
                if (i.mem) {
                    mask(4);
                    writeMemOperand(i, 4);
                } else {
                    mergeLow32(2 * i.rm);
                }
            }
            case "sd", "ss" -> scalarArith(i, HandlerRef.of(i).method().equals("sd"));
            case "pd", "ps" -> {
                boolean dbl = HandlerRef.of(i).method().equals("pd");
                loadW(i, true);
                cb.aload(cpuL);
                cb.loadConstant(i.arg);
                cb.loadConstant(2 * i.reg);
                cb.lload(wLo);
                cb.lload(wHi);
                faulting(() -> cb.invokestatic(CD_FP, dbl ? "pd" : "ps",
                        MethodTypeDesc.of(CD_void, CD_CPU, CD_int, CD_int, CD_long, CD_long)));
            }
            case "comisd", "comiss" -> {
                boolean dbl = HandlerRef.of(i).method().equals("comisd");
                scalarW(i, dbl);
                cb.aload(cpuL);
                getX(2 * i.reg);
                if (!dbl) cb.l2i();
                cb.lload(wLo);
                if (!dbl) cb.l2i();
                cb.loadConstant(i.arg != 0 ? 1 : 0);
                ClassDesc t = dbl ? CD_long : CD_int;
                faulting(() -> cb.invokestatic(CD_FP, dbl ? "comisd" : "comiss",
                        MethodTypeDesc.of(CD_int, CD_CPU, t, t, CD_boolean)));
                cb.i2l();
                cb.lstore(ccAuxL); // all six arithmetic flags (SseArith.COMI_MASK) from the image
                cc = dev.jemu.target.x86.Flags.EFLAGS;
                synced = false;
            }
            case "cvtsi2sd" -> {
                boolean q = i.has(Insn.P_REXW);
                readE(i, q ? 8 : 4);
                if (q) {
                    cb.lstore(wLo);
                    cb.aload(cpuL);
                    cb.lload(wLo);
                    faulting(() -> cb.invokestatic(CD_FP, "cvtsi2sd64", MethodTypeDesc.of(CD_long, CD_CPU, CD_long)));
                } else {
                    cb.l2i(); // exact
                    cb.i2d();
                    cb.invokestatic(CD_DOUBLE, "doubleToRawLongBits", MethodTypeDesc.of(CD_long, CD_double));
                }
                cb.lstore(wLo);
                putX(2 * i.reg, wLo);
            }
            case "cvtsd2si", "cvtss2si" -> {
                boolean dbl = HandlerRef.of(i).method().equals("cvtsd2si"), q = i.has(Insn.P_REXW);
                scalarW(i, dbl);
                cb.aload(cpuL);
                cb.lload(wLo);
                if (!dbl) cb.l2i();
                cb.loadConstant(i.arg == CVT_TRUNC ? 1 : 0);
                cb.loadConstant(q ? 1 : 0);
                faulting(() -> cb.invokestatic(CD_FP, dbl ? "cvtsd2si" : "cvtss2si",
                        MethodTypeDesc.of(CD_long, CD_CPU, dbl ? CD_long : CD_int, CD_boolean, CD_boolean)));
                setReg(i.reg, q ? 8 : 4, false);
            }
            case "cvtss2sd" -> {
                scalarW(i, false);
                cb.aload(cpuL);
                cb.lload(wLo);
                cb.l2i();
                faulting(() -> cb.invokestatic(CD_FP, "cvtss2sd", MethodTypeDesc.of(CD_long, CD_CPU, CD_int)));
                cb.lstore(wLo);
                putX(2 * i.reg, wLo);
            }
            case "cvtsd2ss" -> {
                scalarW(i, true);
                cb.aload(cpuL);
                getX(2 * i.reg);
                cb.lload(wLo);
                faulting(() -> cb.invokestatic(CD_FP, "cvtsd2ss", MethodTypeDesc.of(CD_long, CD_CPU, CD_long, CD_long)));
                cb.lstore(wLo);
                putX(2 * i.reg, wLo);
            }
            default -> throw new IllegalStateException("not an SSE form: " + HandlerRef.of(i).key());
        }
    }

    static final ClassDesc CD_FP = ClassDesc.of("dev.jemu.target.x86.tcg.FpOps");
    static final ClassDesc CD_DOUBLE = ClassDesc.of("java.lang.Double");
    private static final int CVT_TRUNC = 1; // SseConvert's row argument for the truncating forms

    /** The scalar W operand (Wsd: 8 bytes, Wss: 4) into wLo (a register's whole low quadword). */
    private void scalarW(Insn i, boolean dbl) {
        if (i.mem) readMem(i, dbl ? 8 : 4);
        else getX(2 * i.rm);
        cb.lstore(wLo);
    }

    /** ADDSD..SQRTSD, ADDSS..SQRTSS: the low lane through FpOps (which may raise #XM before anything is written). */
    private void scalarArith(Insn i, boolean dbl) {
        scalarW(i, dbl);
        cb.aload(cpuL);
        cb.loadConstant(i.arg);
        getX(2 * i.reg);
        cb.lload(wLo);
        faulting(() -> cb.invokestatic(CD_FP, dbl ? "sd" : "ss",
                MethodTypeDesc.of(CD_long, CD_CPU, CD_int, CD_long, CD_long)));
        cb.lstore(wLo);
        putX(2 * i.reg, wLo);
    }

    /** Pops a value and puts its low 32 bits into XMM half {@code half}, keeping the upper 32. */
    private void mergeLow32(int half) {
        mask(4);
        getX(half);
        cb.loadConstant(0xffffffff00000000L);
        cb.land();
        cb.lor();
        cb.lstore(wLo);
        putX(half, wLo);
    }

    // ---- XMM halves ----

    void getX(int half) {
        cb.aload(xmmL);
        cb.loadConstant(half);
        cb.laload();
    }

    void putX(int half, int local) {
        cb.aload(xmmL);
        cb.loadConstant(half);
        cb.lload(local);
        cb.lastore();
    }

    void zeroX(int half) {
        cb.aload(xmmL);
        cb.loadConstant(half);
        cb.lconst_0();
        cb.lastore();
    }

    /** The address of the memory operand into addrT, checked for 16-byte alignment (#GP(0)) if asked. */
    private void address128(Insn i, boolean aligned) {
        ea(i);
        if (aligned) faulting(() -> cb.invokestatic(CD_VEC, "aligned", MethodTypeDesc.of(CD_long, CD_long)));
        cb.lstore(addrT);
    }

    /** W (register or 16 bytes of memory, low half first as Sse.wlo/whi) into wLo, wHi. */
    private void loadW(Insn i, boolean aligned) {
        if (i.mem) {
            address128(i, aligned);
            cb.lload(addrT);
            load(8);
            cb.lstore(wLo);
            cb.lload(addrT);
            cb.loadConstant(8L);
            cb.ladd();
            load(8);
            cb.lstore(wHi);
        } else {
            getX(2 * i.rm);
            cb.lstore(wLo);
            getX(2 * i.rm + 1);
            cb.lstore(wHi);
        }
    }

    /** Register forms: W's halves into wLo, wHi, V's into vLo, vHi. */
    private void loadVW(Insn i) {
        getX(2 * i.rm);
        cb.lstore(wLo);
        getX(2 * i.rm + 1);
        cb.lstore(wHi);
        getX(2 * i.reg);
        cb.lstore(vLo);
        getX(2 * i.reg + 1);
        cb.lstore(vHi);
    }

    /** Pushes dword {@code n} (0..3) of the 128-bit value in locals lo, hi, zero-extended (SseFloat.dword). */
    private void dword(int lo, int hi, int n) {
        cb.lload(n < 2 ? lo : hi);
        if ((n & 1) != 0) {
            cb.bipush(32);
            cb.lushr();
        } else {
            mask(4);
        }
    }

    /** MOVAPS/MOVUPS/MOVDQA/MOVDQU W, V (SseMove.store; memory through MemOps.st128 = Sse.store128). */
    private void store128(Insn i, boolean aligned) {
        getX(2 * i.reg);
        cb.lstore(vLo);
        getX(2 * i.reg + 1);
        cb.lstore(vHi);
        if (!i.mem) {
            putX(2 * i.rm, vLo);
            putX(2 * i.rm + 1, vHi);
            return;
        }
        address128(i, aligned);
        stored = true;
        cb.lload(addrT);
        cb.lload(vLo);
        cb.lload(vHi);
        cb.aload(wTagL);
        cb.aload(wAddL);
        cb.aload(ramL);
        cb.aload(memL);
        faulting(() -> cb.invokestatic(CD_MEMOPS, "st128", MethodTypeDesc.of(CD_boolean, CD_long, CD_long, CD_long,
                CD_LONGS, CD_LONGS, CD_SEGMENT, CD_MMU)));
        cb.istore(smcT);
    }

    // ---- SseInt.op: V = V op W per Lanes' kinds ----

    private void packed(Insn i) {
        int op = i.arg & 0xff, kind = i.arg >> 8;
        loadW(i, true);
        getX(2 * i.reg);
        cb.lstore(vLo);
        getX(2 * i.reg + 1);
        cb.lstore(vHi);
        switch (kind) {
            case LANE -> { chunk(op, vLo, wLo); chunk(op, vHi, wHi); }
            case HORIZ -> { chunk(op, vLo, vHi); chunk(op, wLo, wHi); }
            case UNPACK_LO -> { chunk(op, vLo, wLo); chunk(op + 1, vLo, wLo); }
            case UNPACK_HI -> { chunk(op, vHi, wHi); chunk(op + 1, vHi, wHi); }
            default -> { // SHIFT: the count is W's low quadword
                cb.loadConstant(op);
                cb.lload(vLo);
                cb.lload(wLo);
                cb.invokestatic(CD_LANES, "shift", MT_IJJ_J);
                cb.loadConstant(op);
                cb.lload(vHi);
                cb.lload(wLo);
                cb.invokestatic(CD_LANES, "shift", MT_IJJ_J);
            }
        }
        // stack: rlo, rhi
        cb.lstore(vHi);
        cb.lstore(vLo);
        putX(2 * i.reg, vLo);
        putX(2 * i.reg + 1, vHi);
    }

    /** Pushes Lanes.op(op, x, y): inline or through VecOps for the common ones, else Lanes.op itself. */
    private void chunk(int op, int x, int y) {
        switch (op) {
            case PAND, POR, PXOR, PADDQ, PSUBQ -> {
                cb.lload(x);
                cb.lload(y);
                switch (op) {
                    case PAND -> cb.land();
                    case POR -> cb.lor();
                    case PXOR -> cb.lxor();
                    case PADDQ -> cb.ladd();
                    default -> cb.lsub();
                }
            }
            case PANDN -> {
                cb.lload(x);
                cb.loadConstant(-1L);
                cb.lxor();
                cb.lload(y);
                cb.land();
            }
            case UNPCK_QDQ -> cb.lload(x);
            case UNPCK_QDQ + 1 -> cb.lload(y);
            default -> {
                String name = VecOps.name(op);
                if (name != null) {
                    cb.lload(x);
                    cb.lload(y);
                    cb.invokestatic(CD_VEC, name, MT_JJ_J);
                } else {
                    cb.loadConstant(op);
                    cb.lload(x);
                    cb.lload(y);
                    cb.invokestatic(CD_LANES, "op", MT_IJJ_J);
                }
            }
        }
    }

    /** PSHUFD V, W, imm: each dword of V from the W dword the 2-bit field selects. */
    private void pshufd(Insn i) {
        loadW(i, true);
        int imm = (int) i.imm;
        for (int k = 0; k < 4; k++) {
            int sel = (imm >> (2 * k)) & 3;
            cb.lload(sel < 2 ? wLo : wHi);
            if ((sel & 1) != 0) {
                cb.bipush(32);
                cb.lushr();
            } else {
                mask(4);
            }
            if ((k & 1) != 0) {
                cb.bipush(32);
                cb.lshl();
                cb.lor();
                cb.lstore(k == 1 ? vLo : vHi);
            }
        }
        putX(2 * i.reg, vLo);
        putX(2 * i.reg + 1, vHi);
    }

    /** PSRLx/PSLLx/PSRAx U, imm (SseInt.shiftImm = Lanes.shift with a constant count). */
    private void shiftImm(Insn i) {
        int op = i.arg;
        long n = i.imm & 0xff;
        for (int h = 0; h < 2; h++) {
            int half = 2 * i.rm + h;
            if (op == PSRAW || op == PSRAD) {
                cb.aload(xmmL);
                cb.loadConstant(half);
                cb.loadConstant(op);
                getX(half);
                cb.loadConstant(n);
                cb.invokestatic(CD_LANES, "shift", MT_IJJ_J);
                cb.lastore();
                continue;
            }
            long keep = Lanes_shift(op, -1L, n); // the bits of each element that survive the shift
            cb.aload(xmmL);
            cb.loadConstant(half);
            if (keep == 0) {
                cb.lconst_0();
            } else {
                getX(half);
                cb.loadConstant((int) n);
                if (op == PSLLW || op == PSLLD || op == PSLLQ) cb.lshl();
                else cb.lushr();
                if (keep != -1L) {
                    cb.loadConstant(keep);
                    cb.land();
                }
            }
            cb.lastore();
        }
    }

    private static long Lanes_shift(int op, long a, long n) {
        return dev.jemu.target.x86.sse.Lanes.shift(op, a, n);
    }

    /** PSRLDQ/PSLLDQ U, imm: the 128-bit register shifted by whole bytes (SseInt.psrldq/pslldq). */
    private void byteShift(Insn i, boolean left) {
        int n = (int) i.imm & 0xff;
        int r = 2 * i.rm;
        if (n == 0) return;
        if (n >= 16) {
            zeroX(r);
            zeroX(r + 1);
            return;
        }
        getX(r);
        cb.lstore(vLo);
        getX(r + 1);
        cb.lstore(vHi);
        if (n >= 8) {
            cb.lload(left ? vLo : vHi);
            cb.loadConstant(8 * (n - 8));
            if (left) cb.lshl();
            else cb.lushr();
            cb.lstore(left ? vHi : vLo);
            putX(r, vLo);
            putX(r + 1, vHi);
            zeroX(left ? r : r + 1);
            return;
        }
        int b = 8 * n;
        if (left) {
            // hi = (hi << b) | (lo >>> (64 - b)), lo <<= b
            cb.lload(vHi);
            cb.loadConstant(b);
            cb.lshl();
            cb.lload(vLo);
            cb.loadConstant(64 - b);
            cb.lushr();
            cb.lor();
            cb.lstore(vHi);
            cb.lload(vLo);
            cb.loadConstant(b);
            cb.lshl();
            cb.lstore(vLo);
        } else {
            // lo = (lo >>> b) | (hi << (64 - b)), hi >>>= b
            cb.lload(vLo);
            cb.loadConstant(b);
            cb.lushr();
            cb.lload(vHi);
            cb.loadConstant(64 - b);
            cb.lshl();
            cb.lor();
            cb.lstore(vLo);
            cb.lload(vHi);
            cb.loadConstant(b);
            cb.lushr();
            cb.lstore(vHi);
        }
        putX(r, vLo);
        putX(r + 1, vHi);
    }
}
