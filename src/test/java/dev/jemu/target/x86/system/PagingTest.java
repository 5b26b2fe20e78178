package dev.jemu.target.x86.system;

import dev.jemu.memory.HostRam;
import dev.jemu.memory.PhysMemory;
import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.CpuModel;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.ops.ControlRegs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.jemu.target.x86.system.Paging.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The page walker on crafted page tables in PhysMemory: every format, A/D bits, NX, WP, U/S, reserved bits,
 * #PF error codes and CR2 (values from the SDM, vol. 3 chapter 4).
 */
class PagingTest {
    static final long RAM = 16 << 20;
    static final HostRam HOST = HostRam.reserve(RAM);
    X86Cpu cpu;
    PhysMemory phys;
    Paging pg;

    @AfterAll
    static void release() {
        HOST.release();
    }

    @org.junit.jupiter.api.AfterEach
    void tearDown() {
        pg.detach();
    }

    @BeforeEach
    void setUp() {
        HOST.discard(0, RAM);
        phys = new PhysMemory(HOST, new PhysMemory.Mmio() {
            public long read(long pa, int size) {
                return 0xabL;
            }

            public void write(long pa, int size, long value) {
            }
        });
        phys.mapRam(0, RAM, 0);
        CpuModel m = CpuModel.max();
        m.features1Edx |= CpuModel.PGE;
        cpu = new X86Cpu(m, null);
        cpu.userMode = false;
        cpu.longMode = false;
        cpu.codeBits = 32;
        cpu.stackSize = 4;
        pg = new Paging(cpu, phys);
        cpu.setCpl(0);
    }

    void w32(long pa, long v) {
        phys.write(pa, 4, v);
    }

    void w64(long pa, long v) {
        phys.write(pa, 8, v);
    }

    long r64(long pa) {
        return phys.read(pa, 8);
    }

    X86Exception fault(Runnable r) {
        return assertThrows(X86Exception.class, r::run);
    }

    void assertPf(int err, long va, Runnable r) {
        X86Exception e = fault(r);
        assertEquals(X86Exception.PF, e.vector, e.getMessage());
        assertEquals(err, e.errorCode, "error code");
        assertEquals(va, e.address);
        assertEquals(va, cpu.cr2, "CR2");
    }

    void enable32() {
        cpu.cr3 = 0x10000;
        ControlRegs.writeCr0(cpu, cpu.cr0 | CR0_PE | CR0_PG);
    }

    @Test
    void pagingOffIsPhysicalWithA20() {
        w32(0x5000, 0x12345678);
        assertEquals(0x12345678, cpu.mem.read32(0x5000));
        cpu.mem.write32(0x105000, 0xcafe);
        phys.setA20(false);
        assertEquals(0x12345678, cpu.mem.read32(0x105000)); // wraps to 0x5000
        phys.setA20(true);
        assertEquals(0xcafe, cpu.mem.read32(0x105000));
    }

    @Test
    void twoLevel32WithAccessedAndDirty() {
        w32(0x10000 + 4 * 1, 0x11000 | 7);        // PDE for 0x400000: present, RW, user
        w32(0x11000 + 4 * 2, 0x200000 | 7);       // PTE for 0x402000
        w32(0x200010, 0xdeadbeef);
        enable32();
        assertEquals(0xdeadbeef, cpu.mem.read32(0x402010));
        assertEquals(0x11000 | 7 | 0x20, phys.read(0x10004, 4), "A set on the PDE");
        assertEquals(0x200000 | 7 | 0x20, phys.read(0x11008, 4), "A (not D) on the PTE after a read");
        cpu.mem.write32(0x402014, 0x55);
        assertEquals(0x200000 | 7 | 0x60, phys.read(0x11008, 4), "D after a write");
        assertEquals(0x11000 | 7 | 0x20, phys.read(0x10004, 4), "no D on the PDE");
        assertEquals(0x55, phys.read(0x200014, 4));
        // not present: error 0 (read, supervisor), 2 (write)
        assertPf(0, 0x403000, () -> cpu.mem.read8(0x403000));
        assertPf(2, 0x800123, () -> cpu.mem.write8(0x800123, 1));
    }

    @Test
    void pse4MiBPagesAndReservedBit21() {
        w32(0x10000 + 4 * 2, 0x400000 | 0x80 | 3);   // 4 MiB page at 0x800000 -> 0x400000
        w32(0x10000 + 4 * 3, 0x400000 | 0x80 | 3 | (1 << 21));
        w32(0x400000 + 0x1234, 0x77);
        cpu.cr4 |= CR4_PSE;
        enable32();
        assertEquals(0x77, cpu.mem.read8(0x800000 + 0x1234));
        assertEquals(0x400000 | 0x80 | 3 | 0x20, phys.read(0x10008, 4));
        assertPf(PF_P | PF_RSVD, 0xc00000, () -> cpu.mem.read8(0xc00000));
        // without CR4.PSE the PS bit is ignored: the PDE points to a page table
        ControlRegs.writeCr4(cpu, 0);
        w32(0x400000 + 4 * 0, 0x300000 | 3);
        w32(0x300000, 0x99);
        assertEquals(0x99, cpu.mem.read8(0x800000));
    }

    @Test
    void userSupervisorAndWriteProtect() {
        w32(0x10000, 0x11000 | 7);
        w32(0x11000 + 4 * 1, 0x20000 | 1);   // 0x1000: supervisor, read-only
        w32(0x11000 + 4 * 2, 0x21000 | 5);   // 0x2000: user, read-only
        w32(0x11000 + 4 * 3, 0x22000 | 7);   // 0x3000: user, writable
        enable32();
        // supervisor write to a read-only page: allowed with WP=0
        cpu.mem.write8(0x1000, 1);
        assertEquals(1, phys.read(0x20000, 1));
        ControlRegs.writeCr0(cpu, cpu.cr0 | CR0_WP);
        assertPf(PF_P | PF_W, 0x1001, () -> cpu.mem.write8(0x1001, 1));
        cpu.setCpl(3);
        assertPf(PF_P | PF_U, 0x1000, () -> cpu.mem.read8(0x1000));
        assertPf(PF_P | PF_U | PF_W, 0x2000, () -> cpu.mem.write8(0x2000, 1));
        assertEquals(0, cpu.mem.read8(0x2000));
        cpu.mem.write8(0x3000, 3);
        assertPf(PF_U, 0x5000, () -> cpu.mem.read8(0x5000));
        // a supervisor translation cached at CPL 0 is not used at CPL 3
        cpu.setCpl(0);
        assertEquals(1, cpu.mem.read8(0x1000));
        cpu.setCpl(3);
        assertPf(PF_P | PF_U, 0x1000, () -> cpu.mem.read8(0x1000));
        // the CPU's implicit accesses are supervisor ones whatever the CPL
        assertEquals(1, cpu.supervisorMem().read8(0x1000));
    }

    @Test
    void userBitMustBeSetAtEveryLevel() {
        w32(0x10000, 0x11000 | 3);           // PDE: supervisor
        w32(0x11000 + 4 * 3, 0x22000 | 7);   // PTE: user
        enable32();
        cpu.setCpl(3);
        assertPf(PF_P | PF_U, 0x3000, () -> cpu.mem.read8(0x3000));
    }

    /** PAE: PDPTE registers, 2 MiB pages, NX. */
    void setUpPae() {
        w64(0x10000, 0x11000 | 1);            // PDPTE 0
        w64(0x11000 + 8 * 0, 0x12000 | 7);    // PDE 0 -> page table
        w64(0x11000 + 8 * 1, 0x600000 | 0x80 | 7);             // PDE 1: 2 MiB page 0x200000 -> 0x600000
        w64(0x11000 + 8 * 2, 0x800000 | 0x80 | 7 | (1L << 63)); // PDE 2: NX 2 MiB page at 0x400000
        w64(0x12000 + 8 * 5, 0x30000 | 7);    // 0x5000 -> 0x30000
        w64(0x12000 + 8 * 6, 0x31000 | 7 | (1L << 63)); // 0x6000: NX
        cpu.cr3 = 0x10000;
        ControlRegs.writeCr4(cpu, CR4_PAE);
        ControlRegs.writeCr0(cpu, cpu.cr0 | CR0_PE | CR0_PG);
    }

    @Test
    void paeWalkAndLargePages() {
        w64(0x30000 + 8, 0x1122334455667788L);
        w64(0x600000 + 0x12340, 42);
        setUpPae();
        assertEquals(0x1122334455667788L, cpu.mem.read64(0x5008));
        assertEquals(42, cpu.mem.read64(0x212340));
        assertEquals(0x600000 | 0x80 | 7 | 0x20, r64(0x11008));
        cpu.mem.write8(0x200000, 1);
        assertEquals(0x600000 | 0x80 | 7 | 0x60, r64(0x11008));
        assertEquals(0x11000 | 1, r64(0x10000), "PDPTEs have no A bit in PAE mode");
        // PDPTE 1 not present
        assertPf(0, 0x40000000L, () -> cpu.mem.read8(0x40000000L));
    }

    @Test
    void paeNxNeedsNxe() {
        setUpPae();
        // NXE off: bit 63 is reserved
        assertPf(PF_P | PF_RSVD, 0x6000, () -> cpu.mem.read8(0x6000));
        ControlRegs.writeEfer(cpu, EFER_NXE);
        assertEquals(0, cpu.mem.read8(0x6000), "NX pages are readable");
        assertPf(PF_P | PF_ID, 0x6000, () -> cpu.mem.fetch8(0x6000));
        assertPf(PF_P | PF_ID, 0x400010, () -> cpu.mem.fetch8(0x400010));
        assertEquals(0, cpu.mem.fetch8(0x5000));
        // I/D is reported on not-present fetches too when NXE and PAE
        assertPf(PF_ID, 0x7000, () -> cpu.mem.fetch8(0x7000));
    }

    @Test
    void paePdpteReservedBitsGiveGp() {
        setUpPae();
        w64(0x20000, 0x11000 | 1 | 2);   // bit 1 reserved in a PAE PDPTE
        X86Exception e = fault(() -> ControlRegs.writeCr3(cpu, 0x20000));
        assertEquals(X86Exception.GP, e.vector);
        assertEquals(0x10000, cpu.cr3, "CR3 unchanged");
        // the PDPTEs are loaded at the CR3 write: later changes to memory are not seen
        w64(0x10000, 0);
        assertEquals(0, cpu.mem.read8(0x5000));
        ControlRegs.writeCr3(cpu, 0x10000);
        assertPf(0, 0x5000, () -> cpu.mem.read8(0x5000));
    }

    /** 4-level paging: PML4 at 0x10000. */
    void setUpLong() {
        w64(0x10000 + 8 * 0, 0x11000 | 7);          // PML4[0]
        w64(0x10000 + 8 * 511, 0x14000 | 3);        // PML4[511]: kernel half
        w64(0x11000 + 8 * 0, 0x12000 | 7);          // PDPT[0]
        w64(0x11000 + 8 * 1, 0x80 | 7);             // PDPT[1]: 1 GiB page -> 0 (needs PDPE1GB)
        w64(0x12000 + 8 * 0, 0x13000 | 7);          // PD[0]
        w64(0x12000 + 8 * 1, 0xa00000 | 0x80 | 7);  // PD[1]: 2 MiB page
        w64(0x13000 + 8 * 4, 0x40000 | 7);          // 0x4000 -> 0x40000
        w64(0x13000 + 8 * 5, 0x41000 | 7 | (1L << 45)); // reserved physical address bit (M = 40)
        w64(0x14000 + 8 * 511, 0x15000 | 3);        // PDPT for 0xffffffffc0000000
        w64(0x15000 + 8 * 511, 0xc00000 | 0x80 | 3);  // 2 MiB at 0xffffffffffe00000
        cpu.cr3 = 0x10000;
        ControlRegs.writeCr4(cpu, CR4_PAE);
        ControlRegs.writeEfer(cpu, EFER_LME | EFER_NXE);
        ControlRegs.writeCr0(cpu, cpu.cr0 | CR0_PE | CR0_PG);
        cpu.longMode = true;
    }

    @Test
    void longModeActivationAndWalk() {
        w64(0x40000 + 0x10, 0x0102030405060708L);
        w64(0xc00000 + 0x100, 99);
        setUpLong();
        assertTrue((cpu.efer & EFER_LMA) != 0, "LMA set by CR0.PG with LME and PAE");
        assertEquals(0x0102030405060708L, cpu.mem.read64(0x4010));
        assertEquals(99, cpu.mem.read64(0xffffffffffe00100L));
        assertEquals(0x11000 | 7 | 0x20, r64(0x10000), "A on the PML4E");
        assertEquals(0x12000 | 7 | 0x20, r64(0x11000), "A on the PDPTE");
        assertEquals(0x13000 | 7 | 0x20, r64(0x12000), "A on the PDE");
        assertEquals(0x40000 | 7 | 0x20, r64(0x13020), "A on the PTE");
        assertPf(PF_P | PF_RSVD, 0x5000, () -> cpu.mem.read8(0x5000));
        // a 1 GiB page is a reserved-bit fault unless CPUID advertises PDPE1GB
        assertPf(PF_P | PF_RSVD, 0x40000000L, () -> cpu.mem.read8(0x40000000L));
        cpu.model.ext1Edx |= CpuModel.PDPE1GB;
        pg.flushAll();
        assertEquals(0, cpu.mem.read8(0x40000000L));
        // user access to the supervisor half
        cpu.setCpl(3);
        assertPf(PF_P | PF_U, 0xffffffffffe00000L, () -> cpu.mem.read8(0xffffffffffe00000L));
        // non-canonical: #GP(0), not #PF
        X86Exception e = fault(() -> cpu.mem.read8(0x0000800000000000L));
        assertEquals(X86Exception.GP, e.vector);
    }

    @Test
    void longModeRules() {
        setUpLong();
        // PS in a PML4E is reserved
        w64(0x10000 + 8 * 1, 0x11000 | 0x80 | 7);
        assertPf(PF_P | PF_RSVD, 1L << 39, () -> cpu.mem.read8(1L << 39));
        // CR4.PAE cannot be cleared in long mode; paging cannot be turned off in 64-bit code
        assertEquals(X86Exception.GP, fault(() -> ControlRegs.writeCr4(cpu, 0)).vector);
        cpu.codeBits = 64;
        assertEquals(X86Exception.GP, fault(() -> ControlRegs.writeCr0(cpu, cpu.cr0 & ~CR0_PG)).vector);
        // LME cannot change while paging is on
        assertEquals(X86Exception.GP, fault(() -> ControlRegs.writeEfer(cpu, EFER_NXE)).vector);
        // in compatibility mode it can be turned off: LMA clears
        cpu.codeBits = 32;
        ControlRegs.writeCr0(cpu, cpu.cr0 & ~CR0_PG);
        assertEquals(0, cpu.efer & EFER_LMA);
    }

    @Test
    void cr0Checks() {
        assertEquals(X86Exception.GP, fault(() -> ControlRegs.writeCr0(cpu, CR0_PG)).vector, "PG without PE");
        assertEquals(X86Exception.GP, fault(() -> ControlRegs.writeCr0(cpu, CR0_PE | CR0_NW)).vector, "NW without CD");
        assertEquals(X86Exception.GP, fault(() -> ControlRegs.writeCr0(cpu, 1L << 32)).vector);
        ControlRegs.writeEfer(cpu, EFER_LME);
        assertEquals(X86Exception.GP, fault(() -> ControlRegs.writeCr0(cpu, CR0_PE | CR0_PG)).vector,
                "long mode needs PAE");
        ControlRegs.writeCr0(cpu, CR0_PE);
        assertEquals(CR0_PE | CR0_ET, cpu.cr0, "ET is hardwired");
        assertEquals(X86Exception.GP, fault(() -> ControlRegs.writeCr4(cpu, 1L << 20)).vector, "SMEP not advertised");
    }

    @Test
    void tlbKeepsStaleEntriesUntilInvlpg() {
        w32(0x10000, 0x11000 | 7);
        w32(0x11000 + 4 * 1, 0x20000 | 3);
        w32(0x20000, 1);
        w32(0x21000, 2);
        enable32();
        assertEquals(1, cpu.mem.read32(0x1000));
        w32(0x11000 + 4 * 1, 0x21000 | 3);
        assertEquals(1, cpu.mem.read32(0x1000), "the TLB holds the old translation");
        pg.flushPage(0x1000);
        assertEquals(2, cpu.mem.read32(0x1000));
        w32(0x11000 + 4 * 1, 0x20000 | 3);
        ControlRegs.writeCr3(cpu, 0x10000);
        assertEquals(1, cpu.mem.read32(0x1000), "CR3 writes flush");
    }

    @Test
    void invlpgInALargePageFlushesAllOfIt() {
        w32(0x10000 + 4 * 1, 0x800000 | 0x80 | 3);
        w32(0x800000 + 0x3000, 5);
        w32(0xc00000 + 0x3000, 6);
        cpu.cr4 |= CR4_PSE;
        enable32();
        assertEquals(5, cpu.mem.read32(0x403000));
        w32(0x10000 + 4 * 1, 0xc00000 | 0x80 | 3);
        pg.flushPage(0x400000); // another 4 KiB piece of the same large page
        assertEquals(6, cpu.mem.read32(0x403000));
    }

    @Test
    void systemModelAdvertisesPagingFeatures() {
        CpuModel m = CpuModel.max().forSystem(false);
        int[] r = new int[4];
        m.cpuid(1, 0, r);
        int need = CpuModel.PSE | CpuModel.PAE | CpuModel.PGE | CpuModel.MSR | CpuModel.MTRR | CpuModel.PAT;
        assertEquals(need, r[3] & need);
        assertEquals(0, r[3] & CpuModel.APIC, "no APIC without a local APIC");
        m.cpuid(0x80000001, 0, r);
        int ext = CpuModel.NX | CpuModel.LM | CpuModel.PDPE1GB | CpuModel.RDTSCP;
        assertEquals(ext, r[3] & ext);
        // user mode's model is unchanged
        CpuModel.max().cpuid(1, 0, r);
        assertEquals(0, r[3] & (CpuModel.PGE | CpuModel.MTRR));
    }

    @Test
    void msrs() {
        ControlRegs.writeMsr(cpu, 0x277, 0x0007010600070106L);
        assertEquals(0x0007010600070106L, ControlRegs.readMsr(cpu, 0x277));
        assertEquals(X86Exception.GP, fault(() -> ControlRegs.writeMsr(cpu, 0x277, 2)).vector, "PAT type 2 is reserved");
        assertEquals(X86Exception.GP, fault(() -> ControlRegs.readMsr(cpu, 0x12345)).vector, "unknown MSR");
        // AMD's SYSCFG exists on the AMD model only (a 32-bit kernel reads it without a fixup on AMD)
        assertEquals(0, ControlRegs.readMsr(cpu, ControlRegs.MSR_AMD64_SYSCFG));
        X86Cpu intel = new X86Cpu(new CpuModel("qemu32", "GenuineIntel", 6, 6, 3), null);
        assertEquals(X86Exception.GP, fault(() -> ControlRegs.readMsr(intel, ControlRegs.MSR_AMD64_SYSCFG)).vector);
        assertEquals(X86Exception.GP, fault(() -> ControlRegs.writeMsr(cpu, 0xfe, 0)).vector, "MTRRcap is read-only");
        assertEquals(0x508, ControlRegs.readMsr(cpu, 0xfe));
        assertEquals(X86Exception.GP, fault(() -> ControlRegs.writeMsr(cpu, 0xc0000082, 0x0000800000000000L)).vector,
                "LSTAR must be canonical");
        ControlRegs.writeMsr(cpu, 0xc0000100, 0xffff800000001000L);
        assertEquals(0xffff800000001000L, cpu.segBase[X86Cpu.FS]);
        ControlRegs.writeMsr(cpu, 0x10, 1L << 40);
        long t = ControlRegs.readMsr(cpu, 0x10);
        assertTrue(t >= 1L << 40 && t < (1L << 40) + 10_000_000_000L, "TSC moved to the written value");
        assertEquals(X86Exception.GP, fault(() -> ControlRegs.writeMsr(cpu, 0xc0000080, 1L << 10 | 1L << 12)).vector,
                "EFER reserved bit");
        ControlRegs.writeMsr(cpu, 0x259, 0x0606060606060606L); // MTRRfix16K_A0000
        assertEquals(0x0606060606060606L, ControlRegs.readMsr(cpu, 0x259));
        assertEquals(X86Exception.GP, fault(() -> ControlRegs.writeMsr(cpu, 0x200, 7)).vector, "MTRR type 7 is reserved");
    }

    @Test
    void romAndMmioThroughPaging() {
        phys.unmap(0x100000, 0x1000);
        w32(0x10000, 0x11000 | 3);
        w32(0x11000 + 4 * 1, 0x100000 | 3);
        enable32();
        assertEquals(0xab, cpu.mem.read8(0x1000), "MMIO read through a mapping");
    }
}
