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

/**
 * Compiles a {@link Region} of x86 code into one JVM method, {@code int run(Object cpu)}.
 *
 * <p>Every instruction becomes either a call of its handler ({@code invokestatic Alu.aluEG(cpu, insn)}, the
 * Insn an {@code ldc} of the class data) after setting RIP, exactly what the interpreter does, or, for the
 * common simple forms, inline bytecode that does the same thing with the operands as constants. Inline code
 * keeps guest registers in JVM locals (loaded at entry, written back at exits and before handler calls) and
 * keeps the lazy flags in locals too: a flag-setting instruction stores its result and operands in locals, and
 * the CPU's flag fields are written only when something outside the inline code could look at them (an
 * exit, a handler call, an exception). A conditional branch after CMP/SUB/TEST... compares the operands.
 *
 * <p>Blocks of the region are laid out as JVM basic blocks; branches between them are gotos (loops stay in
 * the method; each back edge polls {@code exitRequest}). Other branches leave through exit stubs that write
 * back the state and return the static exit index (for chaining) or -1 (RIP in the CPU).
 *
 * <p>Precise exceptions: each instruction that can fault is covered by an exception-table entry whose
 * handler writes back the registers and flags as they were before the instruction (inline code changes
 * nothing before its last faulting access), records the instruction's index and rethrows; the loop then sets
 * RIP to the instruction. Stores that hit the region's own code make it invalid; it is checked after them.
 */
final class Translator {
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
    static final ClassDesc CD_SEGMENT = ClassDesc.of("java.lang.foreign.MemorySegment");
    static final ClassDesc CD_VALUE_LAYOUT = ClassDesc.of("java.lang.foreign.ValueLayout");
    private static final String[] LAYOUT_NAME = {"JAVA_BYTE", "JAVA_SHORT_UNALIGNED", "JAVA_INT_UNALIGNED",
            "JAVA_LONG_UNALIGNED"};
    private static final ClassDesc[] LAYOUT_TYPE = {ClassDesc.of("java.lang.foreign.ValueLayout$OfByte"),
            ClassDesc.of("java.lang.foreign.ValueLayout$OfShort"), ClassDesc.of("java.lang.foreign.ValueLayout$OfInt"),
            ClassDesc.of("java.lang.foreign.ValueLayout$OfLong")};
    private static final ClassDesc[] PRIM = {ConstantDescs.CD_byte, ConstantDescs.CD_short, CD_int, CD_long};
    static final MethodTypeDesc MT_HANDLER = MethodTypeDesc.of(CD_void, CD_CPU, CD_INSN);
    static final MethodTypeDesc MT_RUN = MethodTypeDesc.of(CD_int, CD_Object);
    static final MethodTypeDesc MT_INIT = MethodTypeDesc.of(CD_void, CD_INIT);

    // ---- instruction forms the translator specialises (everything else calls its handler) ----
    static final int GENERIC = 0, NOP = 1, MOV_EG = 2, MOV_GE = 3, MOV_EI = 4, MOV_ZI = 5, MOV_AO = 6, MOV_OA = 7,
            LEA = 8, MOVZX = 9, MOVSX = 10, CMOV = 11, SETCC = 12, ALU_EG = 13, ALU_EI = 14, ALU_GE = 15,
            ALU_AI = 16, TEST_EG = 17, TEST_EI = 18, TEST_AI = 19, INC = 20, DEC = 21, INC_Z = 22, DEC_Z = 23,
            NOT = 24, NEG = 25, PUSH_Z = 26, PUSH_I = 27, POP_Z = 28, JCC = 29, JMP = 30, CALL = 31, RET = 32,
            JMP_E = 33, CALL_E = 34, SHIFT_I = 35, IMUL_GE = 36, IMUL_GEI = 37;

    // Alu operation numbers (as in ops.Alu).
    private static final int ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7;

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
            case "Mov.xchgZA" -> i.rm == X86Cpu.RAX && (i.osize != 8 || !i.has(Insn.P_REXW)) && !i.has(Insn.P_REP)
                    ? NOP : GENERIC;
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
            case "Shift.byIb", "Shift.by1" -> i.arg >= 4 ? SHIFT_I : GENERIC; // SHL SHR SAL SAR by a constant
            case "MulDiv.imulGE" -> i.osize > 1 ? IMUL_GE : GENERIC;
            case "MulDiv.imulGEI" -> i.osize > 1 ? IMUL_GEI : GENERIC;
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

    // ---- the region and its mode ----
    private final Region region;
    private final boolean longMode;
    private final int stackSize;
    private final int nBlocks;
    /** succ[b]: region block indices of b's in-region successors (for the flag dataflow). */
    private final int[][] succ;
    private final int[] kinds;
    private final boolean[] reachable;
    /** liveAfter[k]: the flags after instruction k may be looked at (see {@link #liveness}). */
    private boolean[] liveAfter;
    private static final int MAX_PREDICTED_RETURNS = 4;
    /** Return addresses a RET of this region compares its target with (each one's block is in the region). */
    private final long[] returnTargets;

    // ---- analysis results (from the first pass) ----
    private boolean analysis;
    private int touched, written;
    /** Flag state each block leaves behind when entered with CC_IN (pass 1), per emitted node. */
    private int[] transfer;
    /** Flag state at each node's entry (pass 2). */
    private int[] ccIn;
    /** Node of the entry copy of block 0 (when block 0 is also a branch target), else -1. */
    private int entryCopy = -1;
    private final boolean[] backEdgeTarget;

    // ---- code generation state ----
    private CodeBuilder cb;
    private int cpuL, regsL, memL, segL, ramL, rTagL, rAddL, wTagL, wAddL;
    private final int tlbMask;
    private final int[] regL = new int[16];
    private int ccDstL, ccSrc1L, ccSrcL, ccAuxL;
    private int aT, bT, rT, cT, addrT, ripT, retT, idxT, vaT, valT, smcT;
    private Label[] blockLabel;

    /** Compile-time state: which registers are in locals / newer than cpu.regs; where the flags are. */
    private int inLocal, dirty;
    private int cc;
    private boolean synced;
    static final int CC_CPU = -1, CC_IN = -2, CC_TOP = -3;

    // per instruction
    private final List<Label> ranges = new ArrayList<>();
    private int curIndex;
    private boolean faulting, stored;
    private int hDirty, hCc;
    private boolean hSynced;

    private record StubKey(int dirty, int cc, boolean synced) {}

    private record Handler(Label label, int index, StubKey state) {}

    private final Map<StubKey, Label> exitStubs = new HashMap<>();
    private final Map<StubKey, Label> faultStubs = new HashMap<>();
    private final List<Handler> handlers = new ArrayList<>();
    /** Static exit targets in order of their index. */
    private final LinkedHashMap<Long, Integer> exits = new LinkedHashMap<>();
    private int indirectSites;

    Translator(Region region, X86Cpu cpu) {
        this.region = region;
        this.longMode = cpu.longMode;
        this.stackSize = cpu.stackSize;
        this.nBlocks = region.blocks.length;
        this.tlbMask = cpu.mem.readTags().length - 1;
        this.kinds = new int[region.insns.length];
        for (int k = 0; k < kinds.length; k++) kinds[k] = classify(region.insns[k]);
        this.succ = new int[nBlocks][];
        // Return addresses of the region's calls that lie in the region: RETs are predicted to go there.
        List<Long> rets = new ArrayList<>();
        for (DecodedBlock b : region.blocks) {
            Insn last = b.last();
            if (classify(last) == CALL && region.indexOf(last.next) >= 0 && !rets.contains(last.next)
                    && rets.size() < MAX_PREDICTED_RETURNS) {
                rets.add(last.next);
            }
        }
        returnTargets = rets.stream().mapToLong(Long::longValue).toArray();
        boolean block0Target = false;
        for (int b = 0; b < nBlocks; b++) {
            long[] t = classify(region.blocks[b].last()) == RET ? returnTargets : staticSuccessors(region.blocks[b].last());
            int[] s = new int[t.length];
            int n = 0;
            for (long x : t) {
                int idx = region.indexOf(x);
                if (idx >= 0) {
                    s[n++] = idx;
                    if (idx == 0) block0Target = true;
                }
            }
            succ[b] = Arrays.copyOf(s, n);
        }
        if (block0Target) entryCopy = nBlocks;
        // Back edges (for exitRequest polls): DFS from the start node.
        backEdgeTarget = new boolean[nBlocks];
        dfs(entryCopy >= 0 ? entryCopy : 0, new int[nBlocks + 1]);
        liveness();
        // Blocks only reached from outside (return addresses of calls whose RET is elsewhere) get no code.
        reachable = new boolean[nBlocks];
        ArrayList<Integer> work = new ArrayList<>(List.of(0));
        reachable[0] = true;
        while (!work.isEmpty()) {
            int b = work.removeLast();
            for (int x : succ[b]) {
                if (!reachable[x]) {
                    reachable[x] = true;
                    work.add(x);
                }
            }
        }
    }

    int staticExitCount() {
        return exits.size();
    }

    int indirectExitCount() {
        return indirectSites;
    }

    /** Builds the class: a subclass of X86Translation with the constructor and run(). */
    byte[] compile(ClassFile cf, ClassDesc name) {
        // Pass 1 finds the registers used and each block's effect on the flags; pass 2 emits for real.
        analysis = true;
        cf.withOptions(ClassFile.StackMapsOption.DROP_STACK_MAPS)
                .build(name, clb -> clb.withMethodBody("run", MT_RUN, ClassFile.ACC_PUBLIC, this::body));
        dataflow();
        analysis = false;
        resetCodeState();
        return cf.build(name, clb -> {
            clb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
            clb.withSuperclass(CD_X86T);
            clb.withMethodBody("<init>", MT_INIT, ClassFile.ACC_PUBLIC, c -> {
                c.aload(0);
                c.aload(1);
                c.invokespecial(CD_X86T, "<init>", MT_INIT);
                c.return_();
            });
            clb.withMethodBody("run", MT_RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, this::body);
        });
    }

    private void resetCodeState() {
        indirectSites = 0;
        exitStubs.clear();
        faultStubs.clear();
        handlers.clear();
        exits.clear();
    }

    /** Forward dataflow of the flag state over the region's blocks (lattice: TOP, a kind, CPU). */
    private void dataflow() {
        int nodes = nBlocks + (entryCopy >= 0 ? 1 : 0);
        ccIn = new int[nodes];
        Arrays.fill(ccIn, CC_TOP);
        int start = entryCopy >= 0 ? entryCopy : 0;
        ccIn[start] = CC_CPU;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int n = 0; n < nodes; n++) {
                if (ccIn[n] == CC_TOP) continue;
                int out = transfer[n] == CC_IN ? ccIn[n] : transfer[n];
                int blk = n == entryCopy ? 0 : n;
                for (int s : succ[blk]) {
                    int m = meet(ccIn[s], out);
                    if (m != ccIn[s]) {
                        ccIn[s] = m;
                        changed = true;
                    }
                }
            }
        }
    }

    private void dfs(int n, int[] color) {
        // n: a block index, or nBlocks for the entry copy of block 0
        color[n] = 1;
        int blk = n == entryCopy ? 0 : n;
        for (int s : succ[blk]) {
            if (color[s] == 1) backEdgeTarget[s] = true;
            else if (color[s] == 0) dfs(s, color);
        }
        color[n] = 2;
    }

    // ---- flag liveness: may the flags after an instruction be looked at before they are overwritten? ----

    private static final int CC_NONE = 0, CC_READ = 1, CC_KILL = 2, CC_IF_LIVE = 3;

    /**
     * How an instruction uses the flags before it: READ if it reads them, calls a handler or may fault (an
     * exception shows them), KILL if it overwrites all six without reading, IF_LIVE if it reads them only
     * to keep the ones it does not set (IMUL), NONE otherwise.
     */
    private static int ccEffect(int kind, Insn i) {
        return switch (kind) {
            case NOP, LEA, MOV_ZI, JMP -> CC_NONE;
            case MOV_EG, MOV_GE, MOV_EI, MOVZX, MOVSX, NOT, JMP_E -> i.mem ? CC_READ : CC_NONE;
            case ALU_EG, ALU_EI, ALU_GE, ALU_AI -> i.mem || usesCarry(i.arg) ? CC_READ : CC_KILL;
            case TEST_EG, TEST_EI, NEG -> i.mem ? CC_READ : CC_KILL;
            case TEST_AI -> CC_KILL;
            case SHIFT_I -> i.mem ? CC_READ : (shiftCount(i) != 0 ? CC_KILL : CC_NONE);
            case IMUL_GE, IMUL_GEI -> i.mem ? CC_READ : CC_IF_LIVE;
            default -> CC_READ; // conditions, carry readers, memory, handlers
        };
    }

    private static int shiftCount(Insn i) {
        int count = HandlerRef.of(i).method().equals("by1") ? 1 : (int) i.imm;
        return count & (i.osize == 8 ? 63 : 31);
    }

    /** True if the flags must be exact after the instruction whatever follows (it may leave the region). */
    private static boolean mayExitAfter(int kind, Insn i) {
        return ccEffect(kind, i) == CC_READ && kind != CMOV && kind != SETCC && kind != JCC || kind == GENERIC;
    }

    private void liveness() {
        liveAfter = new boolean[region.insns.length];
        boolean[] liveIn = new boolean[nBlocks];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int b = nBlocks - 1; b >= 0; b--) {
                DecodedBlock blk = region.blocks[b];
                Insn last = blk.last();
                int lk = kinds[region.first[b] + blk.insns.length - 1];
                boolean live = lk == RET || lk == JMP_E || lk == CALL_E
                        || (lk == GENERIC && last.op.has(dev.jemu.target.x86.Opcode.END));
                for (long t : staticSuccessors(last)) {
                    int s = region.indexOf(t);
                    if (s < 0 || backEdgeTarget[s] || liveIn[s]) live = true; // an exit, a poll, or read there
                }
                for (int k = blk.insns.length - 1; k >= 0; k--) {
                    int idx = region.first[b] + k;
                    if (mayExitAfter(kinds[idx], blk.insns[k])) live = true;
                    liveAfter[idx] = live;
                    switch (ccEffect(kinds[idx], blk.insns[k])) {
                        case CC_READ -> live = true;
                        case CC_KILL -> live = false;
                        default -> { }
                    }
                }
                if (live && !liveIn[b]) {
                    liveIn[b] = true;
                    changed = true;
                }
            }
        }
    }

    private static int meet(int a, int b) {
        if (a == CC_TOP) return b;
        if (b == CC_TOP || a == b) return a;
        return CC_CPU;
    }

    // =====================================================================================================
    // Method structure
    // =====================================================================================================

    private void body(CodeBuilder cb) {
        this.cb = cb;
        cpuL = cb.allocateLocal(TypeKind.REFERENCE);
        regsL = cb.allocateLocal(TypeKind.REFERENCE);
        memL = cb.allocateLocal(TypeKind.REFERENCE);
        segL = cb.allocateLocal(TypeKind.REFERENCE);
        ramL = cb.allocateLocal(TypeKind.REFERENCE);
        rTagL = cb.allocateLocal(TypeKind.REFERENCE);
        rAddL = cb.allocateLocal(TypeKind.REFERENCE);
        wTagL = cb.allocateLocal(TypeKind.REFERENCE);
        wAddL = cb.allocateLocal(TypeKind.REFERENCE);
        for (int r = 0; r < 16; r++) regL[r] = cb.allocateLocal(TypeKind.LONG);
        ccDstL = cb.allocateLocal(TypeKind.LONG);
        ccSrc1L = cb.allocateLocal(TypeKind.LONG);
        ccSrcL = cb.allocateLocal(TypeKind.LONG);
        ccAuxL = cb.allocateLocal(TypeKind.LONG);
        aT = cb.allocateLocal(TypeKind.LONG);
        bT = cb.allocateLocal(TypeKind.LONG);
        rT = cb.allocateLocal(TypeKind.LONG);
        cT = cb.allocateLocal(TypeKind.LONG);
        addrT = cb.allocateLocal(TypeKind.LONG);
        ripT = cb.allocateLocal(TypeKind.LONG);
        retT = cb.allocateLocal(TypeKind.INT);
        idxT = cb.allocateLocal(TypeKind.INT);
        vaT = cb.allocateLocal(TypeKind.LONG);
        valT = cb.allocateLocal(TypeKind.LONG);
        smcT = cb.allocateLocal(TypeKind.INT);

        int regsUsed = analysis ? 0xffff : touched;
        if (analysis) {
            touched = 0;
            written = 0;
            transfer = new int[nBlocks + 1];
        }
        // Prologue: CPU state into locals.
        cb.aload(1);
        cb.checkcast(CD_CPU);
        cb.astore(cpuL);
        cb.aload(cpuL);
        cb.getfield(CD_CPU, "regs", CD_LONGS);
        cb.astore(regsL);
        cb.aload(cpuL);
        cb.getfield(CD_CPU, "mem", CD_MMU);
        cb.astore(memL);
        cb.aload(cpuL);
        cb.getfield(CD_CPU, "segBase", CD_LONGS);
        cb.astore(segL);
        cb.aload(memL);
        cb.invokevirtual(CD_MMU, "ram", MethodTypeDesc.of(CD_SEGMENT));
        cb.astore(ramL);
        String[] tlb = {"readTags", "readAddends", "writeTags", "writeAddends"};
        int[] tlbL = {rTagL, rAddL, wTagL, wAddL};
        for (int k = 0; k < 4; k++) {
            cb.aload(memL);
            cb.invokevirtual(CD_MMU, tlb[k], MethodTypeDesc.of(CD_LONGS));
            cb.astore(tlbL[k]);
        }
        for (int r = 0; r < 16; r++) {
            if ((regsUsed & (1 << r)) == 0) continue;
            cb.aload(regsL);
            cb.loadConstant(r);
            cb.laload();
            cb.lstore(regL[r]);
        }
        for (int l : new int[] {ccDstL, ccSrc1L, ccSrcL, ccAuxL}) {
            cb.lconst_0();
            cb.lstore(l);
        }
        cb.iconst_0();
        cb.istore(smcT);
        blockLabel = new Label[nBlocks];
        for (int b = 0; b < nBlocks; b++) blockLabel[b] = cb.newLabel();

        if (entryCopy >= 0) emitBlock(entryCopy, 0, regsUsed, true);
        for (int b = 0; b < nBlocks; b++) {
            if (!reachable[b]) continue;
            cb.labelBinding(blockLabel[b]);
            emitBlock(b, b, regsUsed, entryCopy < 0 && b == 0);
        }
        emitStubs();
    }

    /** Emits one node: block {@code blk}'s instructions and its way out. */
    private void emitBlock(int node, int blk, int regsUsed, boolean fromPrologue) {
        inLocal = regsUsed;
        dirty = fromPrologue ? 0 : (analysis ? 0xffff : written);
        if (analysis) {
            cc = fromPrologue ? CC_CPU : CC_IN;
        } else {
            cc = ccIn[node] == CC_TOP ? CC_CPU : ccIn[node];
        }
        synced = cc == CC_CPU;
        int first = region.first[blk];
        Insn[] insns = region.blocks[blk].insns;
        for (int k = 0; k < insns.length; k++) {
            boolean last = k == insns.length - 1;
            emitInsn(first + k, insns[k], last, node);
        }
    }

    private void recordTransfer(int node) {
        if (analysis) transfer[node] = cc;
    }

    // ---- state snapshots ----
    private record State(int inLocal, int dirty, int cc, boolean synced) {}

    private State save() {
        return new State(inLocal, dirty, cc, synced);
    }

    private void restore(State s) {
        inLocal = s.inLocal;
        dirty = s.dirty;
        cc = s.cc;
        synced = s.synced;
    }

    // ---- edges and exits ----

    /** Leaves the current block for {@code target}: a goto within the region, else a static exit. */
    private void edge(int node, long target) {
        int s = region.indexOf(target);
        if (s < 0) {
            exitStatic(target);
            return;
        }
        // Canonical state at a block entry: every used register in its local, flags as the dataflow says.
        loadAll();
        int want = analysis ? CC_CPU : ccIn[s];
        if (want == CC_CPU) {
            materializeCc();
            cc = CC_CPU;
            synced = true;
        } else if (cc != want) {
            throw new IllegalStateException("flag state " + cc + " on an edge into a block expecting " + want);
        }
        if (backEdgeTarget != null && backEdgeTarget[s]) {
            // a loop: let other threads stop us (interrupts, signals, flushes)
            Label go = cb.newLabel();
            cb.aload(cpuL);
            cb.getfield(CD_CPU, "exitRequest", CD_boolean);
            cb.ifeq(go);
            State st = save();
            exitStatic(target);
            restore(st);
            cb.labelBinding(go);
        }
        cb.goto_(blockLabel[s]);
    }

    private void loadAll() {
        int want = analysis ? 0xffff : touched;
        for (int r = 0; r < 16; r++) if ((want & (1 << r)) != 0) ensureLocal(r);
    }

    private int exitIndex(long target) {
        Integer k = exits.get(target);
        if (k == null) {
            k = exits.size();
            exits.put(target, k);
        }
        return k;
    }

    /** Static exit: RIP = target, return the exit's link index. */
    private void exitStatic(long target) {
        cb.loadConstant(target);
        cb.lstore(ripT);
        cb.loadConstant(exitIndex(target));
        cb.istore(retT);
        cb.goto_(exitStub());
    }

    /** Dynamic exit: the target is on the stack. */
    private void exitDynamic() {
        cb.lstore(ripT);
        cb.iconst_m1();
        cb.istore(retT);
        cb.goto_(exitStub());
    }

    /** Indirect branch (RET, JMP/CALL through a register or memory): the target is on the stack. */
    private void exitIndirect() {
        cb.lstore(ripT);
        cb.loadConstant(-2 - indirectSites++);
        cb.istore(retT);
        cb.goto_(exitStub());
    }

    private void exitDynamic(long rip) {
        cb.loadConstant(rip);
        exitDynamic();
    }

    private Label exitStub() {
        return exitStubs.computeIfAbsent(new StubKey(dirty, cc, synced), k -> cb.newLabel());
    }

    private void emitStubs() {
        State saved = save();
        for (Map.Entry<StubKey, Label> e : exitStubs.entrySet()) {
            StubKey k = e.getKey();
            cb.labelBinding(e.getValue());
            restore(new State(0xffff, k.dirty, k.cc, k.synced));
            flushRegs();
            materializeCc();
            cb.aload(cpuL);
            cb.lload(ripT);
            cb.putfield(CD_CPU, "rip", CD_long);
            cb.iload(retT);
            cb.ireturn();
        }
        for (Handler h : handlers) {
            cb.labelBinding(h.label);
            cb.loadConstant(h.index);
            Label stub = faultStubs.computeIfAbsent(h.state, k -> cb.newLabel());
            cb.goto_(stub);
        }
        for (Map.Entry<StubKey, Label> e : faultStubs.entrySet()) {
            StubKey k = e.getKey();
            cb.labelBinding(e.getValue());
            cb.istore(idxT);
            restore(new State(0xffff, k.dirty, k.cc, k.synced));
            flushRegs();
            materializeCc();
            cb.aload(0);
            cb.iload(idxT);
            cb.putfield(CD_TB, "faultIndex", CD_int);
            cb.athrow();
        }
        restore(saved);
    }

    // =====================================================================================================
    // Instructions
    // =====================================================================================================

    private void emitInsn(int index, Insn i, boolean last, int node) {
        int kind = kinds[index];
        curIndex = index;
        faulting = false;
        stored = false;
        ranges.clear();
        switch (kind) {
            case NOP -> { }
            case MOV_EG -> { getReg(i.reg, i.osize, i.rex); writeE(i, i.osize); }
            case MOV_GE -> { readE(i, i.osize); setReg(i.reg, i.osize, i.rex); }
            case MOV_EI -> { cb.loadConstant(i.imm); writeE(i, i.osize); }
            case MOV_ZI -> { cb.loadConstant(i.imm); setReg(i.rm, i.osize, i.rex); }
            case MOV_AO -> { readMem(i, i.osize); setReg(X86Cpu.RAX, i.osize, false); }
            case MOV_OA -> { getReg(X86Cpu.RAX, i.osize, false); writeMemOperand(i, i.osize); }
            case LEA -> lea(i);
            case MOVZX -> { readE(i, i.arg); setReg(i.reg, i.osize, i.rex); }
            case MOVSX -> { readE(i, i.arg); sext(i.arg); setReg(i.reg, i.osize, i.rex); }
            case CMOV -> cmov(i);
            case SETCC -> setcc(i);
            case ALU_EG -> aluE(i, i.arg, () -> getReg(i.reg, i.osize, i.rex));
            case ALU_EI -> aluE(i, i.arg, () -> cb.loadConstant(i.imm));
            case ALU_GE -> aluG(i);
            case ALU_AI -> aluA(i);
            case TEST_EG -> { readE(i, i.osize); getReg(i.reg, i.osize, i.rex); cb.land(); setLogic(i.osize); }
            case TEST_EI -> { readE(i, i.osize); cb.loadConstant(i.imm); cb.land(); setLogic(i.osize); }
            case TEST_AI -> { reg64(X86Cpu.RAX); cb.loadConstant(i.imm); cb.land(); setLogic(i.osize); }
            case INC, DEC -> incDecE(i, kind == INC);
            case INC_Z, DEC_Z -> incDecZ(i, kind == INC_Z);
            case NOT -> notE(i);
            case NEG -> negE(i);
            case SHIFT_I -> shift(i, HandlerRef.of(i).method().equals("by1") ? 1 : (int) i.imm);
            case IMUL_GE, IMUL_GEI -> imul(i, kind == IMUL_GEI);
            case PUSH_Z -> { getReg(i.rm, i.osize, false); push(i.osize); }
            case PUSH_I -> { cb.loadConstant(i.imm); push(i.osize); }
            case POP_Z -> { pop(i.osize); setReg(i.rm, i.osize, false); }
            case JCC, JMP -> { }
            case CALL -> { cb.loadConstant(i.next); push(i.osize); }
            case RET -> ret(i);
            case JMP_E -> { readE(i, i.osize); ipMask(i.osize); cb.lstore(cT); }
            case CALL_E -> { readE(i, i.osize); cb.lstore(bT); cb.loadConstant(i.next); push(i.osize); }
            default -> generic(i);
        }
        if (faulting) {
            Label h = cb.newLabel();
            for (int r = 0; r < ranges.size(); r += 2) cb.exceptionCatch(ranges.get(r), ranges.get(r + 1), h, CD_EXC);
            handlers.add(new Handler(h, index, new StubKey(hDirty, hCc, hSynced)));
        }
        if (stored) {
            // A store that took the slow path may have hit this region's own code (the fast path never does:
            // code pages are not in the write TLB): then continue in the interpreter with the new code.
            long resume = kind == CALL ? relTarget(i) : kind == CALL_E ? -1 : i.next;
            Label ok = cb.newLabel();
            cb.iload(smcT);
            cb.ifeq(ok);
            State st = save();
            if (kind == CALL_E) {
                cb.lload(bT);
                ipMask(i.osize);
                exitDynamic();
            } else {
                exitDynamic(resume);
            }
            restore(st);
            cb.labelBinding(ok);
        }
        if (!last) return;
        recordTransfer(node);
        switch (kind) {
            case JCC -> {
                Label taken = cb.newLabel();
                condJump(i.arg, taken);
                State st = save();
                edge(node, i.next);
                restore(st);
                cb.labelBinding(taken);
                edge(node, relTarget(i));
            }
            case JMP, CALL -> edge(node, relTarget(i));
            case RET -> {
                for (long r : returnTargets) {
                    Label other = cb.newLabel();
                    cb.lload(cT);
                    cb.loadConstant(r);
                    cb.lcmp();
                    cb.ifne(other);
                    State st = save();
                    edge(node, r);
                    restore(st);
                    cb.labelBinding(other);
                }
                cb.lload(cT);
                exitIndirect();
            }
            case JMP_E, CALL_E -> {
                if (kind == CALL_E) {
                    cb.lload(bT);
                    ipMask(i.osize);
                } else {
                    cb.lload(cT);
                }
                exitIndirect();
            }
            default -> {
                if (kind == GENERIC && i.op.has(dev.jemu.target.x86.Opcode.END)) {
                    // the handler has set RIP; registers and flags are already in the CPU
                    cb.iconst_m1();
                    cb.ireturn();
                } else {
                    edge(node, i.next);
                }
            }
        }
    }

    /** The instruction's handler, called exactly as the interpreter calls it. */
    private void generic(Insn i) {
        flushRegs();
        materializeCc();
        cb.aload(cpuL);
        cb.loadConstant(i.next);
        cb.putfield(CD_CPU, "rip", CD_long);
        HandlerRef h = HandlerRef.of(i);
        DynamicConstantDesc<Object> insn = insnConstant(curIndex);
        if (h.direct()) {
            cb.aload(cpuL);
            cb.ldc(insn);
            faulting(() -> cb.invokestatic(ClassDesc.ofInternalName(h.owner()), h.method(), MT_HANDLER));
        } else {
            cb.ldc(insn);
            cb.getfield(CD_INSN, "exec", CD_EXEC);
            cb.aload(cpuL);
            cb.ldc(insn);
            faulting(() -> cb.invokeinterface(CD_EXEC, "exec", MT_HANDLER));
        }
        // The handler may have changed any register and the flags.
        inLocal = 0;
        cc = CC_CPU;
        synced = true;
        if (!i.op.has(dev.jemu.target.x86.Opcode.END)) {
            Label ok = cb.newLabel();
            cb.aload(0);
            cb.getfield(CD_TB, "valid", CD_boolean);
            cb.ifne(ok);
            cb.iconst_m1(); // state is all in the CPU and RIP = next
            cb.ireturn();
            cb.labelBinding(ok);
        }
    }

    private static DynamicConstantDesc<Object> insnConstant(int index) {
        return DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, "_", CD_INSN, index);
    }

    // ---- faulting points ----

    /** Emits {@code call}, a call that may throw a guest exception, covered by the instruction's handler. */
    private void faulting(Runnable call) {
        faultingPoint();
        Label s = cb.newBoundLabel();
        call.run();
        ranges.add(s);
        ranges.add(cb.newBoundLabel());
    }

    /** Before each call that may throw a guest exception: all must see the same write-back state. */
    private void faultingPoint() {
        if (!faulting) {
            faulting = true;
            hDirty = dirty;
            hCc = cc;
            hSynced = synced;
        } else if (hDirty != dirty || hCc != cc) {
            throw new IllegalStateException("state changed between faulting accesses of " + region.insns[curIndex]);
        } else {
            hSynced &= synced;
        }
    }

    // =====================================================================================================
    // Registers
    // =====================================================================================================

    private void ensureLocal(int r) {
        touched |= 1 << r;
        if ((inLocal & (1 << r)) != 0) return;
        cb.aload(regsL);
        cb.loadConstant(r);
        cb.laload();
        cb.lstore(regL[r]);
        inLocal |= 1 << r;
    }

    /** Pushes the whole 64-bit register. */
    private void reg64(int r) {
        ensureLocal(r);
        cb.lload(regL[r]);
    }

    private static boolean highByte(int r, int size, boolean rex) {
        return size == 1 && !rex && r >= 4 && r < 8;
    }

    /** Pushes X86Cpu.getReg(r, size, rex). */
    private void getReg(int r, int size, boolean rex) {
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
    private void setReg(int r, int size, boolean rex) {
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

    private void mergeReg(int r, long keep) {
        reg64(r);
        cb.loadConstant(keep);
        cb.land();
        cb.lor();
        storeReg(r);
    }

    private void storeReg(int r) {
        touched |= 1 << r;
        written |= 1 << r;
        cb.lstore(regL[r]);
        inLocal |= 1 << r;
        dirty |= 1 << r;
    }

    /** Writes dirty registers back to cpu.regs. */
    private void flushRegs() {
        for (int r = 0; r < 16; r++) {
            if ((dirty & (1 << r)) == 0) continue;
            cb.aload(regsL);
            cb.loadConstant(r);
            cb.lload(regL[r]);
            cb.lastore();
        }
        dirty = 0;
    }

    // ---- value helpers ----

    static long maskOf(int size) {
        return switch (size) {
            case 1 -> 0xffL;
            case 2 -> 0xffffL;
            case 4 -> 0xffffffffL;
            default -> -1L;
        };
    }

    private void mask(int size) {
        if (size == 8) return;
        cb.loadConstant(maskOf(size));
        cb.land();
    }

    /** Sign-extends the long on the stack from {@code size} bytes. */
    private void sext(int size) {
        switch (size) {
            case 1 -> { cb.l2i(); cb.i2b(); cb.i2l(); }
            case 2 -> { cb.l2i(); cb.i2s(); cb.i2l(); }
            case 4 -> { cb.l2i(); cb.i2l(); }
            default -> { }
        }
    }

    private void ipMask(int osize) {
        if (osize != 8) mask(osize);
    }

    // =====================================================================================================
    // Memory
    // =====================================================================================================

    /** Pushes the effective offset disp + base + index << scale (no segment, no address-size truncation). */
    private void offset(Insn i) {
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
    private void linear(int seg, int asize) {
        if (asize != 8) mask(asize);
        cb.aload(segL);
        cb.loadConstant(seg);
        cb.laload();
        cb.ladd();
        if (!longMode) mask(4);
    }

    /** Pushes the linear address of the memory operand (X86Cpu.ea). */
    private void ea(Insn i) {
        offset(i);
        linear(i.seg, i.asize);
    }

    /** Stack: address → value (zero-extended): the soft-TLB hit inline (SoftMmu.readN), else SoftMmu's slow path. */
    private void load(int size) {
        cb.lstore(vaT);
        Label slow = cb.newLabel(), done = cb.newLabel();
        tlbHit(rTagL, size, slow);
        cb.aload(ramL);
        cb.getstatic(CD_VALUE_LAYOUT, LAYOUT_NAME[sizeIdx(size)], LAYOUT_TYPE[sizeIdx(size)]);
        cb.aload(rAddL);
        cb.iload(idxT);
        cb.laload();
        cb.lload(vaT);
        cb.ladd();
        cb.invokeinterface(CD_SEGMENT, "get", MethodTypeDesc.of(PRIM[sizeIdx(size)], LAYOUT_TYPE[sizeIdx(size)], CD_long));
        widen(size);
        cb.goto_(done);
        cb.labelBinding(slow);
        cb.aload(memL);
        cb.lload(vaT);
        switch (size) {
            case 1 -> faulting(() -> cb.invokevirtual(CD_MMU, "read8", MethodTypeDesc.of(CD_int, CD_long)));
            case 2 -> faulting(() -> cb.invokevirtual(CD_MMU, "read16", MethodTypeDesc.of(CD_int, CD_long)));
            case 4 -> faulting(() -> cb.invokevirtual(CD_MMU, "read32", MethodTypeDesc.of(CD_int, CD_long)));
            default -> faulting(() -> cb.invokevirtual(CD_MMU, "read64", MethodTypeDesc.of(CD_long, CD_long)));
        }
        if (size < 8) cb.i2l();
        if (size == 4) mask(4);
        cb.labelBinding(done);
    }

    /** Stack: address, value → (stored): the soft-TLB hit inline (SoftMmu.writeN), else SoftMmu's slow path. */
    private void store(int size) {
        stored = true;
        cb.lstore(valT);
        cb.lstore(vaT);
        Label slow = cb.newLabel(), done = cb.newLabel();
        tlbHit(wTagL, size, slow);
        cb.aload(ramL);
        cb.getstatic(CD_VALUE_LAYOUT, LAYOUT_NAME[sizeIdx(size)], LAYOUT_TYPE[sizeIdx(size)]);
        cb.aload(wAddL);
        cb.iload(idxT);
        cb.laload();
        cb.lload(vaT);
        cb.ladd();
        cb.lload(valT);
        switch (size) {
            case 1 -> { cb.l2i(); cb.i2b(); }
            case 2 -> { cb.l2i(); cb.i2s(); }
            case 4 -> cb.l2i();
            default -> { }
        }
        cb.invokeinterface(CD_SEGMENT, "set", MethodTypeDesc.of(CD_void, LAYOUT_TYPE[sizeIdx(size)], CD_long, PRIM[sizeIdx(size)]));
        cb.goto_(done);
        cb.labelBinding(slow);
        cb.aload(memL);
        cb.lload(vaT);
        cb.lload(valT);
        if (size < 8) cb.l2i();
        switch (size) {
            case 1 -> faulting(() -> cb.invokevirtual(CD_MMU, "write8", MethodTypeDesc.of(CD_void, CD_long, CD_int)));
            case 2 -> faulting(() -> cb.invokevirtual(CD_MMU, "write16", MethodTypeDesc.of(CD_void, CD_long, CD_int)));
            case 4 -> faulting(() -> cb.invokevirtual(CD_MMU, "write32", MethodTypeDesc.of(CD_void, CD_long, CD_int)));
            default -> faulting(() -> cb.invokevirtual(CD_MMU, "write64", MethodTypeDesc.of(CD_void, CD_long, CD_long)));
        }
        cb.aload(0);
        cb.getfield(CD_TB, "valid", CD_boolean);
        cb.iconst_1();
        cb.ixor();
        cb.istore(smcT); // checked when the instruction is complete
        cb.labelBinding(done);
    }

    /**
     * Jumps to {@code miss} unless the TLB entry for the address in vaT holds its page and the access does
     * not cross into the next page: one compare of the tag with the page of the access's last byte (a
     * crossing access has a last page whose entry index differs, so it can never match). Leaves the index in idxT.
     */
    private void tlbHit(int tagsL, int size, Label miss) {
        cb.aload(tagsL);
        cb.lload(vaT);
        cb.bipush(12);
        cb.lushr();
        cb.l2i();
        cb.loadConstant(tlbMask);
        cb.iand();
        cb.dup();
        cb.istore(idxT);
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

    private static int sizeIdx(int size) {
        return Flags.sizeIndex(size);
    }

    /** Zero-extends the value MemorySegment.get left on the stack to a long. */
    private void widen(int size) {
        switch (size) {
            case 1 -> { cb.sipush(0xff); cb.iand(); cb.i2l(); }
            case 2 -> { cb.ldc(0xffff); cb.iand(); cb.i2l(); }
            case 4 -> { cb.i2l(); mask(4); }
            default -> { }
        }
    }

    /** Pushes the memory operand's value. */
    private void readMem(Insn i, int size) {
        ea(i);
        load(size);
    }

    /** Pops a value and stores it to the memory operand. */
    private void writeMemOperand(Insn i, int size) {
        cb.lstore(cT);
        ea(i);
        cb.lload(cT);
        store(size);
    }

    /** Pushes the E operand (X86Cpu.readE with the given size; register forms use rm with REX rules). */
    private void readE(Insn i, int size) {
        if (i.mem) readMem(i, size);
        else getReg(i.rm, size, i.rex);
    }

    /** Pops a value into the E operand. */
    private void writeE(Insn i, int size) {
        if (i.mem) writeMemOperand(i, size);
        else setReg(i.rm, size, i.rex);
    }

    // ---- stack ----

    /** Pushes stackPointer(): RSP truncated to the stack size. */
    private void stackPointer() {
        getReg(X86Cpu.RSP, stackSize, false);
    }

    /** Pops a value and pushes it on the guest stack (X86Cpu.push): memory first, then RSP. */
    private void push(int size) {
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
    private void pop(int size) {
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

    private void ret(Insn i) {
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

    private void lea(Insn i) {
        offset(i);
        if (i.asize < i.osize) mask(i.asize);
        setReg(i.reg, i.osize, i.rex);
    }

    private void cmov(Insn i) {
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

    private void setcc(Insn i) {
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

    private static boolean usesCarry(int op) {
        return op == ADC || op == SBB;
    }

    /** Computes aT op bT (with carry-in cT for ADC/SBB) and pushes the result, as Alu.alu does. */
    private void compute(int op) {
        cb.lload(aT);
        cb.lload(bT);
        switch (op) {
            case ADD -> cb.ladd();
            case ADC -> { cb.ladd(); cb.lload(cT); cb.ladd(); }
            case SUB, CMP -> cb.lsub();
            case SBB -> { cb.lsub(); cb.lload(cT); cb.lsub(); }
            case AND -> cb.land();
            case OR -> cb.lor();
            default -> cb.lxor();
        }
    }

    /** Records the flags of aT op bT = rT, as Alu.alu's setCc. */
    private void aluFlags(int op, int size) {
        switch (op) {
            case ADD, ADC, SUB, CMP, SBB -> {
                cb.lload(rT);
                cb.lstore(ccDstL);
                cb.lload(aT);
                cb.lstore(ccSrc1L);
                cb.lload(bT);
                cb.lstore(ccSrcL);
                int k = switch (op) {
                    case ADD -> Flags.ADD;
                    case ADC -> Flags.ADC;
                    case SBB -> Flags.SBB;
                    default -> Flags.SUB;
                };
                if (usesCarry(op)) {
                    cb.lload(cT);
                    cb.lstore(ccAuxL);
                }
                setKind(k, size);
            }
            default -> {
                cb.lload(rT);
                setLogic(size);
            }
        }
    }

    private void setKind(int kind, int size) {
        cc = kind | Flags.sizeIndex(size);
        synced = false;
    }

    /** Pops a result and records LOGIC flags for it (setCc(LOGIC, size, r, 0, 0)). */
    private void setLogic(int size) {
        cb.lstore(ccDstL);
        cb.lconst_0();
        cb.lstore(ccSrc1L);
        cb.lconst_0();
        cb.lstore(ccSrcL);
        setKind(Flags.LOGIC, size);
    }

    /** ALU op with E as destination (Alu.rmw without LOCK). */
    private void aluE(Insn i, int op, Runnable src) {
        int size = i.osize;
        if (usesCarry(op)) {
            carryFlag();
            cb.lstore(cT);
        }
        if (i.mem) {
            ea(i);
            cb.dup2();
            cb.lstore(addrT);
            load(size);
        } else {
            getReg(i.rm, size, i.rex);
        }
        cb.lstore(aT);
        src.run();
        cb.lstore(bT);
        compute(op);
        cb.lstore(rT);
        if (op != CMP) {
            if (i.mem) {
                    cb.lload(addrT);
                cb.lload(rT);
                store(size);
            } else {
                cb.lload(rT);
                setReg(i.rm, size, i.rex);
            }
        }
        aluFlags(op, size);
    }

    /** G = G op E (Alu.aluGE). */
    private void aluG(Insn i) {
        int op = i.arg;
        if (usesCarry(op)) {
            carryFlag();
            cb.lstore(cT);
        }
        readE(i, i.osize);
        cb.lstore(bT);
        getReg(i.reg, i.osize, i.rex);
        cb.lstore(aT);
        compute(op);
        cb.lstore(rT);
        if (op != CMP) {
            cb.lload(rT);
            setReg(i.reg, i.osize, i.rex);
        }
        aluFlags(op, i.osize);
    }

    /** rAX = rAX op imm (Alu.aluAI). */
    private void aluA(Insn i) {
        int op = i.arg;
        if (usesCarry(op)) {
            carryFlag();
            cb.lstore(cT);
        }
        getReg(X86Cpu.RAX, i.osize, false);
        cb.lstore(aT);
        cb.loadConstant(i.imm);
        cb.lstore(bT);
        compute(op);
        cb.lstore(rT);
        if (op != CMP) {
            cb.lload(rT);
            setReg(X86Cpu.RAX, i.osize, false);
        }
        aluFlags(op, i.osize);
    }

    /** INC/DEC flags: setCc(INC|DEC, size, r=rT, v=aT, 1) and ccAux = the old CF (in cT). */
    private void incDecFlags(boolean inc, int size) {
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

    private void incDecE(Insn i, boolean inc) {
        int size = i.osize;
        carryFlag();
        cb.lstore(cT);
        if (i.mem) {
            ea(i);
            cb.dup2();
            cb.lstore(addrT);
            load(size);
        } else {
            getReg(i.rm, size, i.rex);
        }
        cb.lstore(aT);
        cb.lload(aT);
        cb.lconst_1();
        if (inc) cb.ladd();
        else cb.lsub();
        cb.lstore(rT);
        if (i.mem) {
            cb.lload(addrT);
            cb.lload(rT);
            store(size);
        } else {
            cb.lload(rT);
            setReg(i.rm, size, i.rex);
        }
        incDecFlags(inc, size);
    }

    private void incDecZ(Insn i, boolean inc) {
        carryFlag();
        cb.lstore(cT);
        getReg(i.rm, i.osize, false);
        cb.lstore(aT);
        cb.lload(aT);
        cb.lconst_1();
        if (inc) cb.ladd();
        else cb.lsub();
        cb.lstore(rT);
        cb.lload(rT);
        setReg(i.rm, i.osize, false);
        incDecFlags(inc, i.osize);
    }

    private void notE(Insn i) {
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

    private void negE(Insn i) {
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
        if (i.mem) {
            cb.lload(addrT);
            cb.lload(rT);
            store(size);
        } else {
            cb.lload(rT);
            setReg(i.rm, size, i.rex);
        }
        // setCc(SUB, size, -v, 0, v)
        cb.lload(rT);
        cb.lstore(ccDstL);
        cb.lconst_0();
        cb.lstore(ccSrc1L);
        cb.lload(bT);
        cb.lstore(ccSrcL);
        setKind(Flags.SUB, size);
    }

    /** SHL/SAL/SHR/SAR by a constant (Shift.shift with the count known). */
    private void shift(Insn i, int count) {
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
        if (i.mem) {
            cb.lload(addrT);
            cb.lload(rT);
            store(size);
        } else {
            cb.lload(rT);
            setReg(i.rm, size, i.rex);
        }
        cb.lload(rT);
        cb.lstore(ccDstL);
        cb.lconst_0();
        cb.lstore(ccSrc1L);
        cb.lload(bT);
        cb.lstore(ccSrcL);
        setKind(op == 4 || op == 6 ? Flags.SHL : Flags.SHR, size);
    }

    /** IMUL Gv,Ev and IMUL Gv,Ev,Iz/Ib (MulDiv.imul): truncated signed product, CF = OF = overflow. */
    private void imul(Insn i, boolean immediate) {
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

    // =====================================================================================================
    // Flags
    // =====================================================================================================

    private static boolean auxKind(int k) {
        int op = k & ~3;
        return op == Flags.ADC || op == Flags.SBB || op == Flags.INC || op == Flags.DEC || op == Flags.EFLAGS;
    }

    /** Makes the CPU's lazy-flag fields hold the current flags (if they are in locals and not yet written). */
    private void materializeCc() {
        if (cc < 0 || synced) return;
        cb.aload(cpuL);
        cb.loadConstant(cc);
        cb.putfield(CD_CPU, "ccOp", CD_int);
        cb.aload(cpuL);
        cb.lload(ccDstL);
        cb.putfield(CD_CPU, "ccDst", CD_long);
        cb.aload(cpuL);
        cb.lload(ccSrc1L);
        cb.putfield(CD_CPU, "ccSrc1", CD_long);
        cb.aload(cpuL);
        cb.lload(ccSrcL);
        cb.putfield(CD_CPU, "ccSrc", CD_long);
        if (auxKind(cc)) {
            cb.aload(cpuL);
            cb.lload(ccAuxL);
            cb.putfield(CD_CPU, "ccAux", CD_long);
        }
        synced = true;
    }

    private int ccSize() {
        return 1 << (cc & 3);
    }

    /** Pushes lcmp-style int comparing (x & m) with (y & m) unsigned, x and y in locals. */
    private void unsignedCompare(int x, int y, int size) {
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
    private void carryFlag() {
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
    private void condJump(int ccode, Label target) {
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
    private void signOf(int l, int size) {
        cb.lload(l);
        sext(size);
        cb.lconst_0();
        cb.lcmp();
    }
}
