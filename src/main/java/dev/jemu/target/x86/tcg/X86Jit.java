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
    /** Executions a block needs to be taken into a region with a hotter one. */
    private final int minHits;

    // statistics
    /** Builds translations in the background (ON mode); one thread for every vCPU of the process. */
    private static final java.util.concurrent.ExecutorService BUILDER =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "jemu-tcg");
                t.setDaemon(true);
                return t;
            });
    private final boolean background;
    private final java.util.concurrent.ConcurrentLinkedQueue<Built> done = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /**
     * Translations finished in the background, counted by the builder: {@link #poll}, called before every
     * block, reads this one volatile int and touches the queue only when it moved.
     */
    private volatile int finished;
    /** The value of {@link #finished} when the queue was last drained (vCPU thread only). */
    private int drained;
    /**
     * Counts invalidations: a translation built across one of its own pages is dropped (its code may have
     * changed). The last {@link #INVALIDATED} invalidated pages are kept, so that translations of other pages
     * survive (a booting kernel patches its code many times a second while translations are being built);
     * invalidateAll, or more invalidations than kept, drops every translation in flight.
     */
    private long epoch;
    private static final int INVALIDATED = 64;
    private final long[] invalidated = new long[INVALIDATED];

    private final List<X86Translation> all = new java.util.ArrayList<>();
    private final java.util.Set<Long> distinct = Boolean.getBoolean("jemu.jit.stats") ? new java.util.HashSet<>() : null;
    private long staleDrops, failures, tooBig, translations, translatedInsns, bytecodeBytes, nanos, compileNanos, defineNanos;

    public X86Jit(X86Cpu cpu, Interpreter interp, TcgOptions options) {
        this.cpu = cpu;
        this.interp = interp;
        this.minHits = options.mode() == TcgOptions.Mode.ALL ? 0 : Math.max(1, options.threshold() / 4);
        this.background = options.background() && options.mode() == TcgOptions.Mode.ON;
        this.cache = new CodeCache<>(options.maxBlocks(), t -> {
            if (t.entry.code == t) t.entry.code = null;
        });
        if (JitProfile.ON) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                List<X86Translation> l = new java.util.ArrayList<>(all);
                l.sort((a, b) -> Long.compare(b.runs, a.runs));
                for (X86Translation t : l.subList(0, Math.min(25, l.size()))) {
                    System.err.printf("  %10d runs  %x  %d insns  %d exits%n", t.runs, t.pc, t.insns.length, t.links.length);
                }
            }));
        }
        if (Boolean.getBoolean("jemu.jit.stats")) {
            long tid = Thread.currentThread().threadId();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.printf("jit: %s; vCPU thread %.2f s CPU%n",
                    stats(), java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(tid) / 1e9)));
        }
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

    /**
     * System mode: a link (to any page) is followed only while the target's linear pages still fetch from the
     * host pages it was translated from. That is checked through the exec TLB once per TLB flush epoch and
     * privilege view ({@code Paging.mapEpoch}), so following a link costs two compares.
     */
    @Override
    public boolean stillMapped(TranslatedBlock<X86Cpu> to) {
        if (!interp.physicalCodeKeys()) return true;
        X86Translation t = (X86Translation) to;
        long epoch = cpu.paging.mapEpoch;
        Object view = cpu.mem;
        if (t.mappedEpoch == epoch && t.mappedIn == view) return true;
        DecodedBlock d = t.entry;
        if (d == null || !interp.samePages(d)) return false;
        t.mappedEpoch = epoch;
        t.mappedIn = view;
        return true;
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

    /** What building a translation needs, fixed on the vCPU thread. */
    private record Job(DecodedBlock entry, Region region, int mode, boolean longMode, int stackSize, long epoch,
                       boolean inlineTlb) {}

    /** A built translation (or why it failed), with the cost of building it. */
    private record Built(Job job, X86Translation t, Region region, int bytes, long compileNanos, long defineNanos,
                         long nanos, Throwable error) {}

    /**
     * Translates the region entered at {@code entry}. Returns the translation, attached to the block; or
     * null when it is being built in the background (it is attached by a later {@link #poll}) or failed.
     */
    public X86Translation translate(DecodedBlock entry) {
        long t0 = System.nanoTime();
        Region region = Region.collect(interp, cpu, entry, MAX_BLOCKS, MAX_INSNS, minHits);
        Job job = new Job(entry, region, mode(cpu), cpu.longMode, cpu.stackSize, epoch, minHits > 0);
        long collect = System.nanoTime() - t0;
        nanos += collect;
        if (!background) return install(build(job));
        // pending: its blocks stop counting (and so are not taken into other translations meanwhile)
        for (DecodedBlock b : region.blocks) b.hits = Integer.MIN_VALUE;
        BUILDER.execute(() -> {
            done.add(build(job));
            finished++; // the builder is the only writer
        });
        return null;
    }

    /** Attaches translations finished in the background (on the vCPU thread, between blocks). */
    public void poll() {
        int f = finished;
        if (f == drained) return;
        drained = f;
        for (Built b; (b = done.poll()) != null; ) {
            install(b);
        }
    }

    /** Builds the class of a translation and instantiates it (any thread). */
    private static Built build(Job job) {
        long t0 = System.nanoTime(), compile = 0, define = 0;
        Region region = job.region;
        try {
            for (;;) {
                Translator tr = new Translator(region, job.longMode, job.stackSize);
                tr.inlineTlb = job.inlineTlb;
                String simple = "X86Block" + NAMES.incrementAndGet();
                ClassDesc name = ClassDesc.of("dev.jemu.target.x86.tcg." + simple);
                long c0 = System.nanoTime();
                byte[] bytes = tr.compile(EMITTER.classFile(), name);
                int size = codeSize(bytes);
                compile += System.nanoTime() - c0;
                if (size > MAX_CODE) {
                    if (region.blocks.length > 1) {
                        region = region.prefix(Math.max(1, region.blocks.length / 2));
                        continue;
                    }
                    // one block alone too big for C2: its method would run in the JVM's bytecode
                    // interpreter for good, slower than ours, so the block stays interpreted
                    return new Built(job, null, region, size, compile, define, System.nanoTime() - t0, null);
                }
                long d0 = System.nanoTime();
                MethodHandles.Lookup l = EMITTER.define(simple, bytes, List.of(region.insns));
                MethodHandle ctor = l.findConstructor(l.lookupClass(),
                        MethodType.methodType(void.class, X86Translation.Init.class));
                X86Translation t = (X86Translation) ctor.invoke(new X86Translation.Init(job.entry, region.insns,
                        region.pages, job.mode, tr.staticExitCount(), tr.indirectExitCount()));
                define += System.nanoTime() - d0;
                return new Built(job, t, region, size, compile, define, System.nanoTime() - t0, null);
            }
        } catch (Throwable e) {
            return new Built(job, null, region, 0, compile, define, System.nanoTime() - t0, e);
        }
    }

    private X86Translation install(Built b) {
        DecodedBlock entry = b.job.entry;
        // the other blocks may become entries of their own (when reached from elsewhere)
        for (DecodedBlock d : b.job.region.blocks) if (d != entry && d.hits < 0) d.hits = 0;
        nanos += b.nanos;
        compileNanos += b.compileNanos;
        defineNanos += b.defineNanos;
        if (b.error != null) {
            // a translator bug: the block stays interpreted (counted; told with JEMU_DEBUG set)
            entry.hits = Integer.MIN_VALUE;
            failures++;
            if (System.getenv("JEMU_DEBUG") != null) {
                System.err.println("jemu: translation of the block at " + Long.toHexString(entry.rip) + " failed");
                b.error.printStackTrace();
            }
            return null;
        }
        if (b.job.epoch != epoch && stale(b)) {
            entry.hits = 0; // code was written or dropped meanwhile: the translation may be stale
            staleDrops++;
            return null;
        }
        X86Translation t = b.t;
        if (t == null) {
            entry.hits = Integer.MIN_VALUE; // too big to translate (see build)
            tooBig++;
            return null;
        }
        cache.put(t);
        if (JitProfile.ON) all.add(t);
        entry.code = t;
        translations++;
        translatedInsns += b.region.insns.length;
        bytecodeBytes += b.bytes;
        if (distinct != null) for (Insn i : b.region.insns) distinct.add(i.pc);
        return t;
    }

    /** True if code the translation was made from may have been invalidated since its job was made. */
    private boolean stale(Built b) {
        if (epoch - b.job.epoch > INVALIDATED) return true;
        for (long e = b.job.epoch; e != epoch; e++) {
            if (b.t.coversPage(invalidated[(int) (e % INVALIDATED)])) return true;
        }
        return false;
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
        invalidated[(int) (epoch % INVALIDATED)] = page;
        epoch++;
        cache.invalidatePage(page);
    }

    public void invalidateAll() {
        epoch += INVALIDATED + 1;
        cache.clear();
    }

    /** Translations that failed (translator bugs: those blocks are interpreted). */
    public long failures() {
        return failures;
    }

    /** Blocks left to the interpreter because their translation alone was too big for C2. */
    public long tooBig() {
        return tooBig;
    }

    /** Translations made so far. */
    public long translations() {
        return translations;
    }

    public String stats() {
        return String.format("%d translations (%d insns (%d distinct), %d bytes of bytecode, %.1f ms: compile %.1f define %.1f), %d live, %d dropped",
                translations, translatedInsns, distinct == null ? -1 : distinct.size(), bytecodeBytes, nanos / 1e6, compileNanos / 1e6, defineNanos / 1e6,
                cache.size(), cache.dropped()) + ", " + staleDrops + " stale" + (tooBig > 0 ? ", " + tooBig + " too big" : "") + (failures > 0 ? ", " + failures + " failed" : "");
    }
}
