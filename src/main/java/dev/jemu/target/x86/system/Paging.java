package dev.jemu.target.x86.system;

import dev.jemu.memory.PhysMemory;
import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.CpuModel;
import dev.jemu.target.x86.Interpreter;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * x86 paging for system emulation: the {@link SoftMmu.Backend} of a vCPU over the machine's {@link PhysMemory}.
 * Paging off (linear = physical, A20 applied by PhysMemory), 32-bit paging with PSE 4 MiB pages (PSE-36),
 * PAE (PDPTEs loaded by {@link #loadPdptes}), 4-level long mode with 2 MiB and 1 GiB pages, NX (EFER.NXE),
 * CR0.WP, U/S, reserved-bit checks, accessed/dirty bits set with PhysMemory.cmpxchg as hardware does (A on
 * every level walked, D on the leaf of a write), and #PF with its error code and CR2.
 *
 * <p>Two soft TLBs per vCPU: {@link #kernel} (accesses at CPL 0-2, and the CPU's own implicit supervisor
 * accesses: descriptor tables, TSS, the stacks of interrupt delivery) and {@link #user} (CPL 3). A translation
 * cached in one is valid for its privilege only, so a change of CPL needs no flush: it selects the other TLB
 * ({@code X86Cpu.setCpl} does it; anything that assigns {@code cpu.cpl} must go through it). Instructions that
 * change CPL, CR0/CR3/CR4/EFER or invalidate TLB entries must end translation blocks ({@code end} in the
 * opcode table), as translated code keeps {@code cpu.mem} for its whole run.
 *
 * <p>Global pages are not tracked: a CR3 write flushes everything (allowed, only slower). INVLPG flushes one
 * page, or, in the range large pages were cached from, the 4 KiB entries of the whole large page holding it
 * (everything once 1 GiB pages were cached).
 *
 * <p>Use: {@code Paging p = new Paging(cpu, phys)} (sets {@code cpu.mem} and {@code cpu.paging}, listens to
 * PhysMemory for TLB flushes on map changes), then {@code p.attach(interpreter)} once the vCPU's interpreter
 * exists: code invalidation by host page on writes by a CPU or DMA reaches it, and it keys its decoded code
 * by physical page. {@link #detach} when the vCPU goes away. Listener calls must come from the vCPU
 * thread or while it is stopped outside guest code (the machine lock).
 */
public final class Paging implements PhysMemory.Listener {
    public static final long CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 0x10, CR0_NE = 0x20,
            CR0_WP = 1L << 16, CR0_AM = 1L << 18, CR0_NW = 1L << 29, CR0_CD = 1L << 30, CR0_PG = 1L << 31;
    public static final long CR4_VME = 1, CR4_PVI = 2, CR4_TSD = 4, CR4_DE = 8, CR4_PSE = 0x10, CR4_PAE = 0x20,
            CR4_MCE = 0x40, CR4_PGE = 0x80, CR4_PCE = 0x100, CR4_OSFXSR = 0x200, CR4_OSXMMEXCPT = 0x400;
    public static final long EFER_SCE = 1, EFER_LME = 1L << 8, EFER_LMA = 1L << 10, EFER_NXE = 1L << 11;

    /** #PF error code bits. */
    public static final int PF_P = 1, PF_W = 2, PF_U = 4, PF_RSVD = 8, PF_ID = 16;

    /** Physical address bits (CPUID 0x80000008: 40). */
    public static final int PHYS_BITS = 40;
    private static final long ADDR = ((1L << PHYS_BITS) - 1) & ~0xfffL;
    private static final long HIGH_RSVD = 0x000fffffffffffffL & ~((1L << PHYS_BITS) - 1); // bits 51:M
    private static final long P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, NX = 1L << 63;
    /** walk() result bit: the translation failed; the low bits are the #PF error code. */
    private static final long FAULT = 1L << 63;
    /** walk() result bit: the leaf is a large page (4 MiB, or 2 MiB with PAE). */
    private static final long LARGE = 1L << 62;
    /** walk() result bit, with LARGE: the leaf is a 1 GiB page. */
    private static final long HUGE = 1L << 61;

    private final X86Cpu cpu;
    private final PhysMemory phys;
    /** The soft TLB of supervisor accesses (CPL 0-2 and implicit system accesses). */
    public final SoftMmu kernel;
    /** The soft TLB of CPL 3. */
    public final SoftMmu user;
    /** PAE paging's PDPTE registers (loaded at CR3 writes and when PAE paging is enabled). */
    public final long[] pdpte = new long[4];
    private Interpreter interp;
    /**
     * The range of linear addresses that large pages were cached from (lo > hi: none), widened to whole large
     * pages, and the largest page size among them: INVLPG inside the range flushes that large page's 4 KiB
     * entries. (A 32-bit kernel maps its low memory with 4 MiB pages and INVLPGs its fixmap and vmalloc pages
     * in the same gigabyte: a full flush there would empty the TLB at every INVLPG.)
     */
    private long largeLo = -1, largeHi = 0, largeSize = 0;
    /**
     * Counts TLB flushes (full or of a page): while it stays the same, a linear page whose fetch translation
     * was checked keeps it (cached entries change only through flushes, and refills after an eviction may
     * legitimately see the page tables as they are now). Translated code links across pages on this.
     */
    public long mapEpoch;

    public Paging(X86Cpu cpu, PhysMemory phys) {
        this.cpu = cpu;
        this.phys = phys;
        this.kernel = new SoftMmu(phys.hostRam(), new View(false));
        this.user = new SoftMmu(phys.hostRam(), new View(true));
        cpu.paging = this;
        cpu.mem = view(cpu.cpl);
        phys.addListener(this);
    }

    /** Listens to the physical map and makes {@code interp} key decoded code by physical page. */
    public void attach(Interpreter interp) {
        this.interp = interp;
        interp.setPhysicalCodeKeys(true);
    }

    /** Stops listening to PhysMemory (the vCPU is gone). */
    public void detach() {
        phys.removeListener(this);
        interp = null;
    }

    /** The TLB for accesses at {@code cpl}. */
    public SoftMmu view(int cpl) {
        return cpl == 3 ? user : kernel;
    }

    public PhysMemory phys() {
        return phys;
    }

    // ---- invalidation ----

    /** Forgets every cached translation (CR3 and paging-mode changes). */
    public void flushAll() {
        mapEpoch++;
        kernel.flushAll();
        user.flushAll();
        largeLo = -1;
        largeHi = 0;
        largeSize = 0;
    }

    /** INVLPG: forgets the translations of the page holding {@code va}. */
    public void flushPage(long va) {
        mapEpoch++;
        if (Long.compareUnsigned(va, largeLo) >= 0 && Long.compareUnsigned(va, largeHi) <= 0) {
            if (largeSize > LARGEST_PARTIAL_FLUSH) {
                flushAll();
                return;
            }
            long start = va & -largeSize;
            for (long p = start; p != start + largeSize; p += 1L << 12) {
                kernel.flushPage(p);
                user.flushPage(p);
            }
            return;
        }
        kernel.flushPage(va);
        user.flushPage(va);
    }

    /** Drops all decoded and translated code (decoding depends on changed control bits). */
    public void invalidateCode() {
        if (interp != null) interp.invalidateAll();
    }

    @Override
    public void flushTlb() {
        flushAll();
    }

    @Override
    public void protectCode(long hostPage) {
        // only write entries change: linear-to-physical mappings (and mapEpoch) stay as they were
        kernel.dropWrites(hostPage);
        user.dropWrites(hostPage);
    }

    @Override
    public void invalidateCode(long hostPage) {
        if (interp != null) interp.invalidatePage(hostPage);
    }

    /**
     * Loads the PAE PDPTE registers from CR3 (MOV CR3, and MOV CR0/CR4 that enable PAE paging outside long
     * mode). Throws #GP(0) if a present entry has reserved bits set, leaving the registers as they were.
     */
    public void loadPdptes(long cr3) {
        long base = cr3 & 0xffffffe0L;
        long[] n = new long[4];
        for (int k = 0; k < 4; k++) {
            long e = phys.read(base + 8L * k, 8);
            if ((e & P) != 0 && (e & (0x1e6L | ~((1L << PHYS_BITS) - 1))) != 0) throw X86Exception.gp0();
            n[k] = e;
        }
        System.arraycopy(n, 0, pdpte, 0, 4);
    }

    // ---- translation ----

    /** One privilege's view: the backend of one of the two soft TLBs. */
    private final class View implements SoftMmu.Backend {
        private final boolean userView;

        View(boolean userView) {
            this.userView = userView;
        }

        @Override
        public long translate(long va, int access) {
            long r = walk(va, access, userView, true);
            if ((r & FAULT) != 0) {
                if (r == NONCANONICAL) throw X86Exception.gp0();
                int err = (int) r & 0x1f;
                cpu.cr2 = va;
                throw X86Exception.pageFault(va, err);
            }
            if ((r & LARGE) != 0) noteLarge(va, (r & HUGE) != 0 ? 1L << 30 : (cpu.cr4 & CR4_PAE) != 0 ? 1L << 21 : 1L << 22);
            return phys.translate(r & ~(LARGE | HUGE), access);
        }

        @Override
        public long ioRead(long pa, int size) {
            return phys.read(pa, size);
        }

        @Override
        public void ioWrite(long pa, int size, long value) {
            phys.write(pa, size, value);
        }

        @Override
        public void markCode(long va) {
            long r = walk(va, SoftMmu.EXEC, userView, false);
            if ((r & FAULT) == 0) phys.markCode(r & ~(LARGE | HUGE));
        }
    }

    /** walk()'s result for a non-canonical address (#GP(0), not #PF). */
    private static final long NONCANONICAL = FAULT | 0x100;

    /** Above this page size INVLPG in the large-page range flushes everything rather than page by page. */
    private static final long LARGEST_PARTIAL_FLUSH = 1L << 22;

    private void noteLarge(long va, long size) {
        // the whole large page, not only the 4 KiB piece cached
        long lo = va & -size, hi = lo + size - 1;
        if (largeLo == -1 && largeHi == 0) {
            largeLo = lo;
            largeHi = hi;
        } else {
            if (Long.compareUnsigned(lo, largeLo) < 0) largeLo = lo;
            if (Long.compareUnsigned(hi, largeHi) > 0) largeHi = hi;
        }
        if (size > largeSize) largeSize = size;
    }

    /**
     * Translates {@code va} for an access: the physical address of its page (with {@link #LARGE} if the leaf
     * is a large page), or {@link #FAULT} with the #PF error code. With {@code update}, accessed and dirty
     * bits are set as hardware does.
     */
    public long walk(long va, int access, boolean userAccess, boolean update) {
        long cr0 = cpu.cr0;
        if ((cr0 & CR0_PG) == 0) return va & ~SoftMmu.PAGE_MASK;
        boolean write = access == SoftMmu.WRITE, fetch = access == SoftMmu.EXEC;
        long cr4 = cpu.cr4, efer = cpu.efer;
        boolean nxe = (efer & EFER_NXE) != 0;
        int errBase = (write ? PF_W : 0) | (userAccess ? PF_U : 0)
                | (fetch && nxe && (cr4 & CR4_PAE) != 0 ? PF_ID : 0);
        for (;;) { // restarts when an entry changed under an A/D update
            long rsvd = HIGH_RSVD | (nxe ? 0 : NX);
            long rights = RW | US; // ANDed over the levels
            long nx = 0;           // ORed over the levels
            long pa, pageMask;
            boolean large = false;
            if ((cr4 & CR4_PAE) == 0) {
                // 32-bit paging: PDE, PTE (or a 4 MiB PDE with CR4.PSE)
                long pdeAddr = (cpu.cr3 & 0xfffff000L) | ((va >>> 20) & 0xffc);
                long pde = phys.read(pdeAddr, 4);
                if ((pde & P) == 0) return FAULT | errBase;
                if ((pde & PS) != 0 && (cr4 & CR4_PSE) != 0) {
                    if ((pde & (1L << 21)) != 0) return FAULT | errBase | PF_P | PF_RSVD;
                    rights &= pde;
                    long f = check(rights, 0, write, fetch, userAccess, false, cr0);
                    if (f != 0) return FAULT | errBase | PF_P;
                    if (update && !setAd(pdeAddr, 4, pde, write)) continue;
                    pa = (pde & 0xffc00000L) | ((pde >>> 13) & 0xffL) << 32;
                    return pa | (va & 0x3ff000L) | LARGE;
                }
                if (update && (pde & A) == 0 && !setAd(pdeAddr, 4, pde, false)) continue;
                rights &= pde;
                long pteAddr = (pde & 0xfffff000L) | ((va >>> 10) & 0xffc);
                long pte = phys.read(pteAddr, 4);
                if ((pte & P) == 0) return FAULT | errBase;
                rights &= pte;
                if (check(rights, 0, write, fetch, userAccess, false, cr0) != 0) return FAULT | errBase | PF_P;
                if (update && !setAd(pteAddr, 4, pte, write)) continue;
                return pte & 0xfffff000L;
            }
            long table;
            int level;
            if ((efer & EFER_LMA) != 0) {
                if ((va >> 47) != 0 && (va >> 47) != -1) return NONCANONICAL;
                long pml4Addr = (cpu.cr3 & ADDR) | ((va >>> 36) & 0xff8);
                long pml4e = phys.read(pml4Addr, 8);
                if ((pml4e & P) == 0) return FAULT | errBase;
                if ((pml4e & (rsvd | PS)) != 0) return FAULT | errBase | PF_P | PF_RSVD;
                if (update && (pml4e & A) == 0 && !setAd(pml4Addr, 8, pml4e, false)) continue;
                rights &= pml4e;
                nx |= pml4e;
                long pdpAddr = (pml4e & ADDR) | ((va >>> 27) & 0xff8);
                long pdpe = phys.read(pdpAddr, 8);
                if ((pdpe & P) == 0) return FAULT | errBase;
                if ((pdpe & PS) != 0) {
                    if (!cpu.model.hasExt1Edx(CpuModel.PDPE1GB) || (pdpe & (rsvd | 0x3fffe000L)) != 0)
                        return FAULT | errBase | PF_P | PF_RSVD;
                    rights &= pdpe;
                    nx |= pdpe;
                    if (check(rights, nx, write, fetch, userAccess, nxe, cr0) != 0) return FAULT | errBase | PF_P;
                    if (update && !setAd(pdpAddr, 8, pdpe, write)) continue;
                    return (pdpe & ADDR & ~0x3fffffffL) | (va & 0x3ffff000L) | LARGE | HUGE;
                }
                if ((pdpe & rsvd) != 0) return FAULT | errBase | PF_P | PF_RSVD;
                if (update && (pdpe & A) == 0 && !setAd(pdpAddr, 8, pdpe, false)) continue;
                rights &= pdpe;
                nx |= pdpe;
                table = pdpe & ADDR;
            } else {
                // PAE: the PDPTE registers (no A bit, no rights)
                long pdpe = pdpte[(int) (va >>> 30) & 3];
                if ((pdpe & P) == 0) return FAULT | errBase;
                table = pdpe & ADDR;
            }
            long pdeAddr = table | ((va >>> 18) & 0xff8);
            long pde = phys.read(pdeAddr, 8);
            if ((pde & P) == 0) return FAULT | errBase;
            if ((pde & PS) != 0) {
                if ((pde & (rsvd | 0x1fe000L)) != 0) return FAULT | errBase | PF_P | PF_RSVD;
                rights &= pde;
                nx |= pde;
                if (check(rights, nx, write, fetch, userAccess, nxe, cr0) != 0) return FAULT | errBase | PF_P;
                if (update && !setAd(pdeAddr, 8, pde, write)) continue;
                return (pde & ADDR & ~0x1fffffL) | (va & 0x1ff000L) | LARGE;
            }
            if ((pde & rsvd) != 0) return FAULT | errBase | PF_P | PF_RSVD;
            if (update && (pde & A) == 0 && !setAd(pdeAddr, 8, pde, false)) continue;
            rights &= pde;
            nx |= pde;
            long pteAddr = (pde & ADDR) | ((va >>> 9) & 0xff8);
            long pte = phys.read(pteAddr, 8);
            if ((pte & P) == 0) return FAULT | errBase;
            if ((pte & rsvd) != 0) return FAULT | errBase | PF_P | PF_RSVD;
            rights &= pte;
            nx |= pte;
            if (check(rights, nx, write, fetch, userAccess, nxe, cr0) != 0) return FAULT | errBase | PF_P;
            if (update && !setAd(pteAddr, 8, pte, write)) continue;
            return pte & ADDR;
        }
    }

    /** Nonzero if the access is not allowed by the accumulated rights (a protection fault). */
    private static long check(long rights, long nx, boolean write, boolean fetch, boolean userAccess, boolean nxe,
                              long cr0) {
        if (userAccess && (rights & US) == 0) return 1;
        if (write && (rights & RW) == 0 && (userAccess || (cr0 & CR0_WP) != 0)) return 1;
        if (fetch && nxe && (nx & NX) != 0) return 1;
        return 0;
    }

    /**
     * Sets A (and D for a write) in the entry at {@code addr} if not yet set; false if the entry changed
     * meanwhile (the walk restarts).
     */
    private boolean setAd(long addr, int size, long old, boolean dirty) {
        long n = old | A | (dirty ? D : 0);
        if (n == old) return true;
        long mask = size == 8 ? -1L : 0xffffffffL;
        return phys.cmpxchg(addr, size, old & mask, n & mask) == (old & mask);
    }
}
