package dev.jemu.accel.kvm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The layouts against linux/kvm.h on x86-64 (sizes and offsets printed by a C program with the header). */
class KvmLayoutsTest {
    @Test
    void structSizesMatchTheHeader() {
        assertEquals(0x90, KvmLayouts.REGS.byteSize());
        assertEquals(0x138, KvmLayouts.SREGS.byteSize());
        assertEquals(0x18, KvmLayouts.SEGMENT.byteSize());
        assertEquals(0x40, KvmLayouts.PIT_CONFIG.byteSize());
        assertEquals(0x28, KvmLayouts.CPUID_ENTRY2.byteSize());
        assertEquals(0x10, KvmLayouts.MSR_ENTRY.byteSize());
        assertEquals(32, KvmLayouts.USERSPACE_MEMORY_REGION.byteSize());
        assertEquals(0xc0, KvmLayouts.offset(KvmLayouts.SREGS, "gdt"));
        assertEquals(0xe0, KvmLayouts.offset(KvmLayouts.SREGS, "cr0"));
        assertEquals(0x118, KvmLayouts.offset(KvmLayouts.SREGS, "interrupt_bitmap"));
    }

    @Test
    void runOffsetsMatchTheHeader() {
        assertEquals(0x8, KvmLayouts.RUN_EXIT_REASON);
        assertEquals(0x10, KvmLayouts.offset(KvmLayouts.RUN, "cr8"));
        assertEquals(0x20, KvmLayouts.IO_DIRECTION);
        assertEquals(0x28, KvmLayouts.IO_DATA_OFFSET);
        assertEquals(0x28, KvmLayouts.MMIO_DATA);
        assertEquals(0x30, KvmLayouts.MMIO_LEN);
        assertEquals(0x34, KvmLayouts.MMIO_IS_WRITE);
        assertEquals(0x28, KvmLayouts.INTERNAL_DATA);
    }

    @Test
    void ioctlNumbersMatchTheHeader() {
        assertEquals(0xae80, KvmNative.RUN);
        assertEquals(0x4020ae46L, KvmNative.SET_USER_MEMORY_REGION);
        assertEquals(0x8138ae83L, KvmNative.GET_SREGS);
        assertEquals(0xc008ae05L, KvmNative.GET_SUPPORTED_CPUID);
        assertEquals(0x4040ae77L, KvmNative.CREATE_PIT2);
        assertEquals(0x4008ae90L, KvmNative.SET_CPUID2);
        assertEquals(0xc008ae88L, KvmNative.GET_MSRS);
    }
}
