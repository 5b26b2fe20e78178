package dev.jemu.target.x86.tcg;

import dev.jemu.tcg.ChainRunner;
import dev.jemu.tcg.ClassEmitter;
import dev.jemu.tcg.CodeCache;
import dev.jemu.tcg.TcgOptions;
import dev.jemu.tcg.TranslatedBlock;
import dev.jemu.target.x86.DecodedBlock;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.Interpreter;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.MethodModel;
import java.lang.constant.ClassDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

/**
 * The x86 translator of one vCPU: turns hot decoded blocks (with the blocks they branch to on the same page)
 * into hidden classes, keeps them in a bounded {@link CodeCache}, and runs them through a {@link ChainRunner}.
 */
public final class X86Jit implements ChainRunner.Target<X86Cpu> {
    /** Blocks and instructions per translation, and the bytecode size C2 still compiles (HugeMethodLimit). */
    private static final int MAX_BLOCKS = 32, MAX_INSNS = 200, MAX_CODE = 7900;
    private static final ClassEmitter EMITTER = new ClassEmitter(MethodHandles.lookup());
    private static final java.util.concurrent.atomic.AtomicLong NAMES = new java.util.concurrent.atomic.AtomicLong();

    private final X86Cpu cpu;
    private final Interpreter interp;
    private final CodeCache<X86Translation> cache;
    private final ChainRunner<X86Cpu> runner = new ChainRunner<>(this);

    // statistics
    private long translations, translatedInsns, bytecodeBytes, nanos, compileNanos, defineNanos;

    public X86Jit(X86Cpu cpu, Interpreter interp, TcgOptions options) {
        this.cpu = cpu;
        this.interp = interp;
        this.cache = new CodeCache<>(options.maxBlocks(), t -> {
            if (t.entry.code == t) t.entry.code = null;
        });
    }

    /** The mode bits a translation depends on besides CS base: code size, long mode, stack size. */
    public static int mode(X86Cpu c) {
        return c.codeBits | (c.longMode ? 0x80 : 0) | (c.stackSize << 8);
    }

    /** Runs translated code from {@code t}: null when it left for code not translated, else the guest event. */
    public X86Exception execute(X86Translation t) {
        try {
            runner.run(t, cpu);
            return null;
        } catch (X86Exception e) {
            return e;
        }
    }

    /** After {@link #execute} returned an exception: the instruction it came from (RIP is not yet rewound). */
    public Insn faultingInsn() {
        X86Translation t = (X86Translation) runner.last;
        return t.insns[t.faultIndex];
    }

    @Override
    public TranslatedBlock<X86Cpu> find(X86Cpu c) {
        DecodedBlock b;
        try {
            b = interp.block(c.rip);
        } catch (X86Exception e) {
            return null; // the interpreter loop will meet the fault again and report it
        }
        X86Translation t = b.code;
        return t != null && t.valid && t.mode == mode(c) ? t : null;
    }

    @Override
    public boolean stopRequested(X86Cpu c) {
        return c.exitRequest;
    }

    @Override
    public long pc(X86Cpu c) {
        return c.rip;
    }

    /** A translation of the block at {@code rip} made earlier (the decoded block had been evicted), or null. */
    public X86Translation find(long rip, long csBase) {
        return cache.get(rip, csBase, mode(cpu));
    }

    /** Translates the region entered at {@code entry}; attaches and returns it (null if it cannot be done). */
    public X86Translation translate(DecodedBlock entry) {
        long t0 = System.nanoTime();
        Region region = Region.collect(interp, cpu, entry, MAX_BLOCKS, MAX_INSNS);
        X86Translation t = null;
        while (t == null) {
            Translator tr = new Translator(region, cpu);
            String simple = "X86Block" + NAMES.incrementAndGet();
            ClassDesc name = ClassDesc.of("dev.jemu.target.x86.tcg." + simple);
            long c0 = System.nanoTime();
            byte[] bytes = tr.compile(EMITTER.classFile(), name);
            int size = codeSize(bytes);
            compileNanos += System.nanoTime() - c0;
            if (size > MAX_CODE && region.blocks.length > 1) {
                region = region.prefix(Math.max(1, region.blocks.length / 2));
                continue;
            }
            try {
                long d0 = System.nanoTime();
                MethodHandles.Lookup l = EMITTER.define(simple, bytes, List.of(region.insns));
                defineNanos += System.nanoTime() - d0;
                MethodHandle ctor = l.findConstructor(l.lookupClass(),
                        MethodType.methodType(void.class, X86Translation.Init.class));
                t = (X86Translation) ctor.invoke(new X86Translation.Init(entry, region.insns, region.pages,
                        mode(cpu), tr.staticExitCount(), tr.indirectExitCount()));
            } catch (Throwable e) {
                throw new IllegalStateException("translation of block at " + Long.toHexString(entry.rip) + " failed", e);
            }
            bytecodeBytes += size;
        }
        cache.put(t);
        entry.code = t;
        translations++;
        translatedInsns += region.insns.length;
        nanos += System.nanoTime() - t0;
        return t;
    }

    private static int codeSize(byte[] bytes) {
        for (MethodModel m : ClassFile.of().parse(bytes).methods()) {
            if (m.methodName().equalsString("run")) {
                return m.findAttribute(Attributes.code()).map(c -> c.codeLength()).orElse(0);
            }
        }
        return 0;
    }

    public void invalidatePage(long page) {
        cache.invalidatePage(page);
    }

    public void invalidateAll() {
        cache.clear();
    }

    /** Translations made so far. */
    public long translations() {
        return translations;
    }

    public String stats() {
        return String.format("%d translations (%d insns, %d bytes of bytecode, %.1f ms: compile %.1f define %.1f), %d live, %d dropped",
                translations, translatedInsns, bytecodeBytes, nanos / 1e6, compileNanos / 1e6, defineNanos / 1e6,
                cache.size(), cache.dropped());
    }
}
