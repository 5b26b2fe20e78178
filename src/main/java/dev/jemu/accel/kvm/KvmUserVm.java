package dev.jemu.accel.kvm;

import dev.jemu.user.linux.AddressSpace;
import dev.jemu.util.Native;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The KVM virtual machine behind one guest address space (a process, or processes sharing it with CLONE_VM):
 * guest code runs at CPL 3 on the page tables built here from the {@link AddressSpace}'s pages.
 *
 * <p>Guest-physical layout: slot 0 is a private area at gpa 0 (GDT, IDT, TSS, the CPL-0 stub, its stack, the
 * page tables), mapped supervisor-only at {@link #KBASE} in the top of the guest's virtual space. Every 1 GiB
 * of guest virtual space that ever holds a page gets a memory slot of its own, packed densely above the private
 * area, backed by that very range of the address space's host window: guest va and jemu's host window share
 * their pages, so system calls see what guest code wrote. Only pages the guest may touch are present in the
 * page tables; PROT_NONE and holes are not (a fault there comes back to jemu as #PF).
 *
 * <p>Page tables are edited in place and every vCPU then reloads them ({@link KvmUserCpu#flushPending}) before
 * it runs again.
 */
final class KvmUserVm implements AddressSpace.Listener {
    /** Guest virtual base of the private area (PML4 slot 511): IDT, stub, and each vCPU's GDT, TSS, stack. */
    static final long KBASE = 0xffffff8000000000L;
    static final long IDT = 0x0000, STUB = 0x1000;
    /** Per-vCPU blocks: GDT page, TSS page, two stack pages (RSP0 at the block's end). */
    static final long BLOCKS = 0x10000, BLOCK_SIZE = 0x4000, BLOCK_GDT = 0, BLOCK_TSS = 0x1000;
    static final int MAX_BLOCKS = 256;
    static final long PML4 = BLOCKS + MAX_BLOCKS * BLOCK_SIZE, PT_FIRST = PML4 + 0x1000;
    /** Pages of the private area mapped at KBASE (everything below the page tables). */
    private static final int KPAGES = (int) (PML4 / 4096);
    /** Size of the private slot: page-table pages come from it. */
    static final long PRIVATE_SIZE = 1L << 30;
    private static final int GRANULE_BITS = 30;
    private static final long GRANULE = 1L << GRANULE_BITS, PAGE = 4096;

    // Selectors as Linux has them (a program may look at CS/SS).
    static final int KERNEL_CS = 0x10, KERNEL_DS = 0x18, USER32_CS = 0x23, USER_DS = 0x2b, USER_CS = 0x33, TSS_SEL = 0x40;

    // Page-table entry bits.
    private static final long P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, NX = 1L << 63, ADDR = 0x000ffffffffff000L;

    private static final Map<AddressSpace, KvmUserVm> vms = new IdentityHashMap<>();

    final Kvm kvm;
    final KvmVm vm;
    final AddressSpace as;
    final MemorySegment priv;
    final CpuidTable cpuid;
    private long ptNext = PT_FIRST;
    /** Granule index (va >> 30) to the guest-physical base of its slot. */
    private final Map<Long, Long> granules = new HashMap<>();
    private int nextSlot = 1;
    private final List<KvmUserCpu> cpus = new ArrayList<>();
    private int nextVcpuId;
    /** vCPUs made and not yet released (the VM lives while there are any). */
    private int pending;

    private KvmUserVm(Kvm kvm, AddressSpace as, CpuidTable cpuid, Prepared p) {
        this.kvm = kvm;
        this.as = as;
        this.cpuid = cpuid;
        if (p == null) p = prepare(kvm);
        this.vm = p.vm;
        this.priv = p.priv;
        buildPrivate();
    }

    /** A new VM with its private slot, not yet tied to an address space. */
    record Prepared(KvmVm vm, MemorySegment priv) {
        void close() {
            vm.close();
            Native.munmap(priv);
        }
    }

    /**
     * Makes a VM and its private slot: the kernel's part of a new VM (a memory-slot change waits for an SRCU
     * grace period), which start-up does on another thread while the program loads ({@link KvmUser#prepare}).
     */
    static Prepared prepare(Kvm kvm) {
        KvmVm vm = kvm.createVm();
        MemorySegment priv;
        try {
            priv = Native.mmapAnonymous(PRIVATE_SIZE);
        } catch (RuntimeException e) {
            vm.close();
            throw e;
        }
        try {
            vm.setMemoryRegion(0, false, 0, PRIVATE_SIZE, priv.address());
        } catch (RuntimeException e) {
            vm.close();
            Native.munmap(priv);
            throw e;
        }
        return new Prepared(vm, priv);
    }

    /**
     * The VM of {@code as}, made on first use (from {@code ready} if not null, else afresh) and shared by every
     * thread on it. Throws {@link KvmException} if KVM cannot give one.
     */
    static synchronized KvmUserVm attach(AddressSpace as, CpuidTable cpuid, Kvm kvm, java.util.function.Supplier<Prepared> ready) {
        KvmUserVm v = vms.get(as);
        if (v == null) {
            v = new KvmUserVm(kvm, as, cpuid, ready == null ? null : ready.get());
            vms.put(as, v);
            long t0 = System.nanoTime();
            synchronized (as) {
                as.addListener(v);
                v.syncAll();
            }
            if (System.getenv("JEMU_KVM_DEBUG") != null) System.err.printf("kvm-user: syncAll %d us (slots %d us), %d pages%n", (System.nanoTime() - t0) / 1000, v.slotNanos / 1000, v.syncedPages);
        }
        return v;
    }

    /**
     * A vCPU for a new thread: one a finished thread left (KVM never frees a vCPU id while the VM lives, so
     * a process that makes many threads over its life reuses them), else a new one.
     */
    synchronized KvmVcpu newVcpu() {
        KvmVcpu v = idle.poll();
        if (v == null) v = vm.createVcpu(nextVcpuId++);
        pending++;
        return v;
    }

    /** True if {@code v} ran before (its CPUID is set: KVM refuses to change it after a run). */
    synchronized boolean recycled(KvmVcpu v) {
        return v.id() < nextVcpuId && used.get(v.id());
    }

    private final java.util.ArrayDeque<KvmVcpu> idle = new java.util.ArrayDeque<>();
    private final java.util.BitSet used = new java.util.BitSet();

    /** The vCPU is ready: from now on it hears of page-table changes. */
    synchronized void register(KvmUserCpu c) {
        cpus.add(c);
    }

    /** A thread is done with its vCPU: it waits for the next thread; the last one closes the VM. */
    void release(KvmUserCpu owner, KvmVcpu v) {
        boolean last;
        List<KvmVcpu> close = new ArrayList<>();
        synchronized (KvmUserVm.class) {
            synchronized (this) {
                cpus.remove(owner);
                last = --pending == 0;
                if (v != null) {
                    v.unbindThread();
                    used.set(v.id());
                    idle.add(v);
                }
                if (last) {
                    close.addAll(idle);
                    idle.clear();
                }
            }
            if (last) vms.remove(as);
        }
        if (last) {
            as.removeListener(this);
            for (KvmVcpu c : close) c.close();
            vm.close();
            Native.munmap(priv);
        }
    }

    // ---- the private area ----

    private void buildPrivate() {
        // The stub: one OUT per entry point (the port says which), then IRETQ, the way back to CPL 3.
        KvmUserStub.write(priv, STUB);
        // IDT: vectors 0-31 to their stub entries, interrupt gates, DPL 0 (INT n from CPL 3 is #GP), but
        // INT3 and INTO reachable from CPL 3 as in Linux.
        for (int v = 0; v < 32; v++) {
            long target = KBASE + STUB + KvmUserStub.vectorEntry(v);
            int dpl = v == 3 || v == 4 ? 3 : 0;
            long o = IDT + 16L * v;
            priv.set(JAVA_SHORT, o, (short) target);
            priv.set(JAVA_SHORT, o + 2, (short) KERNEL_CS);
            priv.set(JAVA_BYTE, o + 4, (byte) 0);
            priv.set(JAVA_BYTE, o + 5, (byte) (0x8e | dpl << 5));
            priv.set(JAVA_SHORT, o + 6, (short) (target >>> 16));
            priv.set(JAVA_INT, o + 8, (int) (target >>> 32));
        }
        // KBASE: PML4[511] -> PDPT -> PD -> PTs mapping the private pages below the page tables. The pages
        // are user-accessible: kvm_pvm lets SYSCALL reach its entry without leaving CPL 3 (see KvmUserCpu),
        // and a supervisor-only entry would fault there before the OUT that reports the system call.
        long us = KSTUB_US;
        long pdpt = allocPt(), pd = allocPt();
        priv.set(JAVA_LONG, PML4 + 8 * 511, pdpt | P | RW | A | us);
        priv.set(JAVA_LONG, pdpt, pd | P | RW | A | us);
        long[] t = new long[512]; // a table at a time, copied in bulk (cheap before the JIT)
        for (int first = 0; first < KPAGES; first += 512) {
            long pt = allocPt();
            priv.set(JAVA_LONG, pd + 8L * (first / 512), pt | P | RW | A | us);
            int n = Math.min(512, KPAGES - first);
            for (int i = 0; i < n; i++) {
                long a = (long) (first + i) * PAGE;
                t[i] = a | P | A | D | us | (a == STUB ? 0 : RW | NX);
            }
            MemorySegment.copy(t, 0, priv, JAVA_LONG, pt, n);
        }
    }

    private final java.util.BitSet blocksUsed = new java.util.BitSet();

    /** A free per-vCPU block with its GDT and TSS written, or -1 if all are taken. */
    synchronized int allocBlock() {
        int b = blocksUsed.nextClearBit(0);
        if (b >= MAX_BLOCKS) return -1;
        blocksUsed.set(b);
        long base = BLOCKS + b * BLOCK_SIZE, gdt = base + BLOCK_GDT, tss = base + BLOCK_TSS;
        // GDT: null, kernel CS32, kernel CS64, kernel DS, user CS32, user DS, user CS64, -, TSS (16 bytes)
        long[] g = {0, 0x00cf9a000000ffffL, 0x00af9a000000ffffL, 0x00cf92000000ffffL, 0x00cffa000000ffffL,
                0x00cff2000000ffffL, 0x00affa000000ffffL, 0};
        for (int i = 0; i < g.length; i++) priv.set(JAVA_LONG, gdt + 8L * i, g[i]);
        long t = KBASE + tss;
        priv.set(JAVA_LONG, gdt + 8L * 8, 0x67 | (t & 0xffffff) << 16 | 0x8bL << 40 | (t >>> 24 & 0xff) << 56);
        priv.set(JAVA_LONG, gdt + 8L * 9, t >>> 32);
        // TSS: RSP0 at the end of the block; no I/O bitmap (its base beyond the limit)
        priv.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, tss + 4, KBASE + base + BLOCK_SIZE);
        priv.set(JAVA_SHORT, tss + 102, (short) 0x68);
        return b;
    }

    synchronized void freeBlock(int b) {
        blocksUsed.clear(b);
    }

    /** Guest virtual address of block {@code b}. */
    static long blockVa(int b) {
        return KBASE + BLOCKS + b * BLOCK_SIZE;
    }

    /** US for the private area (see buildPrivate). */
    private static final long KSTUB_US = US;

    private long allocPt() {
        if (ptNext + PAGE > PRIVATE_SIZE) throw new KvmException("user-mode page tables need more than 1 GiB");
        long a = ptNext;
        ptNext += PAGE;
        if (pageGen != null) pageGen[(int) (a / PAGE)] = gen;
        return a; // fresh pages of the private mapping read as zero
    }

    // ---- page tables ----

    /** Guest-physical address of va's page, making a slot for its granule if needed. */
    private long gpaOf(long va) {
        long g = va >>> GRANULE_BITS;
        Long base = granules.get(g);
        if (base == null) {
            base = (long) nextSlot << GRANULE_BITS;
            if (nextSlot >= kvm.checkExtension(KvmNative.CAP_NR_MEMSLOTS) && kvm.checkExtension(KvmNative.CAP_NR_MEMSLOTS) > 0) {
                throw new KvmException("out of KVM memory slots");
            }
            long t0 = System.nanoTime();
            vm.setMemoryRegion(nextSlot, false, base, GRANULE, as.hostAddress(g << GRANULE_BITS));
            slotNanos += System.nanoTime() - t0;
            nextSlot++;
            granules.put(g, base);
        }
        return base + (va & (GRANULE - 1) & ~(PAGE - 1));
    }

    /**
     * Page-table pages are never changed once a vCPU may have walked them: a shadow MMU (KVM without EPT/NPT,
     * as kvm_pvm) caches what it read from them and does not see jemu's writes from the host side. A change
     * copies the tables on its path (copy on write) up to a new root; the vCPUs switch to it before running
     * again ({@link #root}), and pages of older trees are left alone. Pages allocated since the last
     * {@link #publish} are still private to jemu and are edited in place.
     */
    private final int[] pageGen = new int[(int) (PRIVATE_SIZE / PAGE)];
    private int gen = 1;
    private volatile long root = PML4;
    /** The tree under {@link #root} was changed since it was last published. */
    private boolean dirty;

    private long cow(long table) {
        if (pageGen[(int) (table / PAGE)] == gen) return table;
        long n = allocPt();
        MemorySegment.copy(priv, table, priv, n, PAGE);
        return n;
    }

    /** The root the vCPUs must use now: the current tree, published (frozen) if it changed. */
    synchronized long root() {
        if (dirty) {
            dirty = false;
            gen++;
        }
        return root;
    }

    /** The leaf table of va, or minus the address bits of the range whose missing table stopped the walk. */
    private long leafTable(long va) {
        long table = root;
        for (int level = 3; level > 0; level--) {
            long e = priv.get(JAVA_LONG, table + 8 * ((va >>> (12 + 9 * level)) & 511));
            if ((e & P) == 0) return -(12 + 9 * level);
            table = e & ADDR;
        }
        return table;
    }

    /** va's leaf table, made or copied (copy on write) on the way from a new root if needed, to be edited. */
    private long writableLeaf(long va) {
        long table = cow(root);
        root = table;
        dirty = true;
        for (int level = 3; level > 0; level--) {
            long o = table + 8 * ((va >>> (12 + 9 * level)) & 511);
            long e = priv.get(JAVA_LONG, o);
            long child;
            if ((e & P) == 0) {
                child = allocPt();
                priv.set(JAVA_LONG, o, child | P | RW | US | A);
            } else {
                child = cow(e & ADDR);
                if (child != (e & ADDR)) priv.set(JAVA_LONG, o, child | (e & ~ADDR));
            }
            table = child;
        }
        return table;
    }

    private static boolean present(int st) {
        return (st & AddressSpace.PAGE_MAPPED) != 0 && (st & AddressSpace.PAGE_BUS) == 0 && (st & 7) != 0;
    }

    /** Start-up figures for JEMU_KVM_DEBUG. */
    long slotNanos, syncedPages;

    /** The pages one leaf table maps. */
    private static final long TABLE_SPAN = 512 * PAGE;
    /** A leaf table's entries as they should be and as they are (one bulk copy each way per table). */
    private final long[] want = new long[512], have = new long[512];

    /**
     * Rewrites the entries of [start, start+len) from the address space's page state, a leaf table (2 MiB) at
     * a time: entries are worked out in a Java array and copied in bulk, which costs little even before the
     * JIT has compiled anything (start-up maps the whole stack this way).
     */
    private void syncRange(long start, long len) {
        long end = Math.min(start + len, as.limit());
        for (long va = start & ~(PAGE - 1); va < end; ) {
            long next = Math.min((va | (TABLE_SPAN - 1)) + 1, end);
            long leaf = leafTable(va);
            if (leaf < 0 && -leaf > 21 && !present(as.pageState(va))) {
                va = (va | ((1L << -leaf) - 1)) + 1; // no tables for this range: nothing present there
                continue;
            }
            syncTable(va, next, leaf);
            va = next;
        }
    }

    /** Rewrites the entries of [va, end), which one leaf table maps ({@code leaf}, negative if missing). */
    private void syncTable(long va, long end, long leaf) {
        int i0 = (int) ((va >>> 12) & 511), n = (int) ((end - va + PAGE - 1) >>> 12);
        long gpa = -1;
        boolean any = false;
        for (int i = 0; i < n; i++) {
            int st = as.pageState(va + ((long) i << 12));
            long e = 0;
            if (present(st)) {
                if (gpa < 0) gpa = gpaOf(va); // the 2 MiB of one table lie in one granule, one slot
                e = (gpa + ((long) i << 12)) | P | US | A | D;
                if ((st & AddressSpace.PROT_WRITE) != 0) e |= RW;
                if ((st & AddressSpace.PROT_EXEC) == 0) e |= NX;
                any = true;
            }
            want[i0 + i] = e;
        }
        syncedPages += n;
        if (leaf < 0) {
            if (!any) return;
            java.util.Arrays.fill(have, i0, i0 + n, 0);
        } else {
            MemorySegment.copy(priv, JAVA_LONG, leaf + 8L * i0, have, i0, n);
        }
        if (java.util.Arrays.equals(want, i0, i0 + n, have, i0, i0 + n)) return;
        long t = writableLeaf(va);
        MemorySegment.copy(want, i0, priv, JAVA_LONG, t + 8L * i0, n);
    }

    /** Builds the tables for every mapping (a new VM on an existing address space: exec'd or forked). */
    private void syncAll() {
        for (AddressSpace.Vma v : as.vmas()) syncRange(v.start, v.end - v.start);
    }

    /** Refreshes one page after a fault there that the address space allows (a missed update). */
    void refreshPage(long va) {
        synchronized (as) { // the address space's lock first, as mapChanged is called with it
            synchronized (this) {
                try {
                    syncRange(va & ~(PAGE - 1), PAGE);
                } catch (KvmException e) {
                    broken = true;
                }
            }
        }
        flushAll();
    }

    /**
     * The page-table area is full (pages of old trees are never reused): the vCPUs give their threads to the
     * interpreter, which needs no tables.
     */
    volatile boolean broken;

    @Override
    public void mapChanged(long start, long len) {
        synchronized (this) {
            try {
                syncRange(start, len);
            } catch (KvmException e) {
                broken = true;
            }
        }
        flushAll();
    }

    private void flushAll() {
        List<KvmUserCpu> copy;
        synchronized (this) {
            copy = new ArrayList<>(cpus);
        }
        for (KvmUserCpu c : copy) c.requestFlush();
    }

    @Override
    public void flushTlb() {
        // permissions changes arrive through mapChanged
    }

    @Override
    public void invalidateCode(long page) {
        // native code needs no decoded-code invalidation
    }


    /** Host-side view of a private-area kernel va (the stub's stack frames). */
    long privLong(long kva) {
        return priv.get(JAVA_LONG, kva - KBASE);
    }

    void privLong(long kva, long v) {
        priv.set(JAVA_LONG, kva - KBASE, v);
    }
}
