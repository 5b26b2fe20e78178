package dev.jemu.accel.kvm;

import dev.jemu.memory.HostRam;
import dev.jemu.memory.PhysMemory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** CPUID filtering to -cpu (QEMU's qemu64 feature words, its warning text), slots from the board's regions. */
class KvmCpuModelTest {
    /** A host table as KVM_GET_SUPPORTED_CPUID might give it: leaf 1, 7, 0xb, 0x80000001, all bits set. */
    static CpuidTable host(boolean sse3) {
        CpuidTable t = new CpuidTable();
        t.entries().add(new CpuidTable.Entry(1, 0, 0, 0x806f8, 0, sse3 ? -1 : ~1, -1));
        t.entries().add(new CpuidTable.Entry(7, 0, 1, 0, -1, -1, -1));
        t.entries().add(new CpuidTable.Entry(0xb, 0, 1, 1, 1, 0x100, 0));
        t.entries().add(new CpuidTable.Entry(0x80000001, 0, 0, 0, 0, -1, -1));
        return t;
    }

    @Test
    void qemu64KeepsItsFeatureWordsAndKvmDefaults() {
        CpuidTable t = KvmCpuModel.forVcpu(host(true), "qemu64", true, 0, 1, null);
        CpuidTable.Entry l1 = t.find(1, 0), l81 = t.find(0x80000001, 0), l7 = t.find(7, 0);
        // QEMU's PPRO_FEATURES | MTRR | CLFLUSH | MCA | PSE36
        assertEquals(0x078bfbfd, l1.edx);
        // SSE3 | CX16, plus x2apic and hypervisor (kvm_default_props)
        assertEquals(0x80202001, l1.ecx);
        assertEquals(0x20100800, l81.edx); // LM | NX | SYSCALL
        assertEquals(1, l81.ecx);          // LAHF_LM
        assertEquals(0, l7.ebx | l7.ecx | l7.edx);
        assertEquals(0x806f8, l1.eax, "family/model/stepping are the host's");
    }

    @Test
    void missingFeatureGivesQemusWarningAndIsDropped() {
        List<String> w = new ArrayList<>();
        CpuidTable t = KvmCpuModel.forVcpu(host(false), "qemu64", true, 0, 1, w);
        assertEquals(List.of("warning: host doesn't support requested feature: CPUID.01H:ECX.pni [bit 0]"), w);
        assertEquals(0, t.find(1, 0).ecx & 1);
    }

    @Test
    void hostModelPassesEverythingAndTopologyIsPerVcpu() {
        CpuidTable t = KvmCpuModel.forVcpu(host(true), "host", true, 3, 4, null);
        CpuidTable.Entry l1 = t.find(1, 0);
        assertEquals(-1, t.find(7, 0).ebx);
        assertEquals(3, l1.ebx >>> 24, "initial APIC ID");
        assertEquals(4, l1.ebx >> 16 & 0xff, "logical processors");
        assertEquals(1 << 28, l1.edx & 1 << 28, "HTT with more than one");
        assertEquals(3, t.find(0xb, 0).edx, "x2APIC ID");
        assertEquals(-1, host(true).find(7, 0).ebx, "the supported table itself is left alone");
    }

    @Test
    void qemu32HasNoLongMode() {
        CpuidTable t = KvmCpuModel.forVcpu(host(true), "qemu32", false, 0, 1, null);
        assertEquals(0, t.find(0x80000001, 0).edx);
    }

    @Test
    void slotsAreTheRegionsWithContiguousNeighboursMerged() {
        HostRam ram = HostRam.reserve(4 << 20);
        try {
            PhysMemory phys = new PhysMemory(ram, new PhysMemory.Mmio() {
                public long read(long pa, int size) {
                    return 0;
                }

                public void write(long pa, int size, long value) {
                }
            });
            phys.mapRam(0, 0xa0000, 0);
            phys.mapRam(0x100000, 0x100000, 0x100000);
            phys.mapRam(0x200000, 0x100000, 0x200000); // contiguous with the one before: one slot
            phys.mapRom(0x300000, 0x10000, 0x300000);  // ROM: its own slot
            List<long[]> r = KvmVm.regions(phys);
            assertEquals(3, r.size());
            assertArrayEquals(new long[]{0, 0xa0000, 0, 0}, r.get(0));
            assertArrayEquals(new long[]{0x100000, 0x200000, 0x100000, 0}, r.get(1));
            assertArrayEquals(new long[]{0x300000, 0x10000, 0x300000, 1}, r.get(2));
        } finally {
            ram.release();
        }
    }
}
