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
final class Translator extends SseEmitter {
    // ---- the region and its mode ----
    private final Region region;
    private final int nBlocks;
    /** succ[b]: region block indices of b's in-region successors (for the flag dataflow). */
    private final int[][] succ;
    private final int[] kinds;
    private final boolean[] reachable;
    private static final int MAX_PREDICTED_RETURNS = 4;
    /** Return addresses a RET of this region compares its target with (each one's block is in the region). */
    private final long[] returnTargets;

    // ---- analysis results (from the first pass) ----
    /** Flag state each block leaves behind when entered with CC_IN (pass 1), per emitted node. */
    private int[] transfer;
    /** Flag state at each node's entry (pass 2). */
    private int[] ccIn;
    /** Node of the entry copy of block 0 (when block 0 is also a branch target), else -1. */
    private int entryCopy = -1;
    private final boolean[] backEdgeTarget;

    // ---- code generation state ----
    private Label[] blockLabel;

    private record StubKey(int dirty, int cc, boolean synced) {}

    private record Handler(Label label, int index, StubKey state) {}

    private final Map<StubKey, Label> exitStubs = new HashMap<>();
    private final Map<StubKey, Label> faultStubs = new HashMap<>();
    private final List<Handler> handlers = new ArrayList<>();
    /** Static exit targets in order of their index. */
    private final LinkedHashMap<Long, Integer> exits = new LinkedHashMap<>();
    private int indirectSites;

    /** A translator for {@code region} in the given mode (64-bit addresses or not; stack size in bytes). */
    Translator(Region region, boolean longMode, int stackSize) {
        super(longMode, stackSize);
        this.region = region;
        this.nBlocks = region.blocks.length;
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
        smcT = cb.allocateLocal(TypeKind.INT);
        xmmL = cb.allocateLocal(TypeKind.REFERENCE);
        vLo = cb.allocateLocal(TypeKind.LONG);
        vHi = cb.allocateLocal(TypeKind.LONG);
        wLo = cb.allocateLocal(TypeKind.LONG);
        wHi = cb.allocateLocal(TypeKind.LONG);
        ramBaseL = cb.allocateLocal(TypeKind.LONG);
        tlbMaskL = cb.allocateLocal(TypeKind.INT);
        vaT = cb.allocateLocal(TypeKind.LONG);
        valT = cb.allocateLocal(TypeKind.LONG);
        tlbT = cb.allocateLocal(TypeKind.INT);

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
        cb.aload(cpuL);
        cb.getfield(CD_CPU, "xmm", CD_LONGS);
        cb.astore(xmmL);
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
        // (the four TLB arrays have the same power-of-two length)
        cb.aload(ramL);
        cb.invokeinterface(CD_SEGMENT, "address", MethodTypeDesc.of(CD_long));
        cb.lstore(ramBaseL);
        cb.aload(rTagL);
        cb.arraylength();
        cb.iconst_1();
        cb.isub();
        cb.istore(tlbMaskL);
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
            case ROT_I -> rotate(i, HandlerRef.of(i).method().equals("by1") ? 1 : (int) i.imm);
            case SHIFT_CL -> shiftCl(i);
            case SSE, SSE_FP, SSE_COMI -> sse(i);
            case IMUL_GE, IMUL_GEI -> imul(i, kind == IMUL_GEI);
            case MUL -> mul(i);
            case DIV -> div(i);
            case BSF, BSR -> bitScan(i, kind == BSF);
            case CBW -> cbw(i);
            case CWD -> cwd(i);
            case BSWAP -> bswap(i);
            case XCHG_EG -> { getReg(i.reg, i.osize, i.rex); cb.lstore(aT); getReg(i.rm, i.osize, i.rex); cb.lstore(bT);
                cb.lload(aT); setReg(i.rm, i.osize, i.rex); cb.lload(bT); setReg(i.reg, i.osize, i.rex); }
            case XCHG_ZA -> { getReg(X86Cpu.RAX, i.osize, false); cb.lstore(aT); getReg(i.rm, i.osize, false);
                setReg(X86Cpu.RAX, i.osize, false); cb.lload(aT); setReg(i.rm, i.osize, false); }
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
            // A store may have hit this region's own code: then continue in the interpreter with the new code.
            long resume = kind == CALL ? relTarget(i) : kind == CALL_E ? -1 : i.next;
            Label ok = cb.newLabel();
            cb.iload(smcT);
            cb.ifeq(ok);
            cb.aload(0);
            cb.getfield(CD_TB, "valid", CD_boolean);
            cb.ifne(ok);
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
        boolean end = i.op.has(dev.jemu.target.x86.Opcode.END);
        // handlers run with RIP at the next instruction (they may branch, or raise a trap from there)
        cb.aload(cpuL);
        cb.loadConstant(i.next);
        cb.putfield(CD_CPU, "rip", CD_long);
        HandlerRef h = HandlerRef.of(i);
        DynamicConstantDesc<Object> insn = insnConstant(curIndex);
        if (JitProfile.ON) {
            cb.loadConstant(JitProfile.id(h.key() + " " + i.op.mnemonic + (i.mem ? " m" : " r") + i.osize));
            cb.invokestatic(ClassDesc.of("dev.jemu.target.x86.tcg.JitProfile"), "count", MethodTypeDesc.of(CD_void, CD_int));
        }
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
        if (!end && mayWriteMemory(i)) {
            // it may have written this region's code: then leave for the interpreter with the new code
            Label ok = cb.newLabel();
            cb.aload(0);
            cb.getfield(CD_TB, "valid", CD_boolean);
            cb.ifne(ok);
            cb.iconst_m1(); // registers, flags and RIP are all in the CPU
            cb.ireturn();
            cb.labelBinding(ok);
        }
    }

    private static DynamicConstantDesc<Object> insnConstant(int index) {
        return DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, "_", CD_INSN, index);
    }

}
