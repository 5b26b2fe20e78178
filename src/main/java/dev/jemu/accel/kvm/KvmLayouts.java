package dev.jemu.accel.kvm;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** The structures of linux/kvm.h (x86-64) that jemu passes to KVM, with the field names of the header. */
final class KvmLayouts {
    private KvmLayouts() {}

    static final StructLayout USERSPACE_MEMORY_REGION = MemoryLayout.structLayout(
            JAVA_INT.withName("slot"), JAVA_INT.withName("flags"), JAVA_LONG.withName("guest_phys_addr"),
            JAVA_LONG.withName("memory_size"), JAVA_LONG.withName("userspace_addr")).withName("kvm_userspace_memory_region");
    static final int MEM_READONLY = 1 << 1;

    /** kvm_regs: the general registers in the header's order (not the x86 encoding's). */
    static final String[] REG_NAMES = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp",
            "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip", "rflags"};
    static final StructLayout REGS;

    static {
        MemoryLayout[] f = new MemoryLayout[REG_NAMES.length];
        for (int i = 0; i < f.length; i++) f[i] = JAVA_LONG.withName(REG_NAMES[i]);
        REGS = MemoryLayout.structLayout(f).withName("kvm_regs");
    }

    static final StructLayout SEGMENT = MemoryLayout.structLayout(
            JAVA_LONG.withName("base"), JAVA_INT.withName("limit"), JAVA_SHORT.withName("selector"),
            JAVA_BYTE.withName("type"), JAVA_BYTE.withName("present"), JAVA_BYTE.withName("dpl"),
            JAVA_BYTE.withName("db"), JAVA_BYTE.withName("s"), JAVA_BYTE.withName("l"), JAVA_BYTE.withName("g"),
            JAVA_BYTE.withName("avl"), JAVA_BYTE.withName("unusable"), JAVA_BYTE.withName("padding")).withName("kvm_segment");
    static final StructLayout DTABLE = MemoryLayout.structLayout(
            JAVA_LONG.withName("base"), JAVA_SHORT.withName("limit"), MemoryLayout.sequenceLayout(3, JAVA_SHORT).withName("padding"))
            .withName("kvm_dtable");
    /** kvm_sregs' segments, in the header's order. */
    static final String[] SEG_NAMES = {"cs", "ds", "es", "fs", "gs", "ss", "tr", "ldt"};
    static final StructLayout SREGS = MemoryLayout.structLayout(
            SEGMENT.withName("cs"), SEGMENT.withName("ds"), SEGMENT.withName("es"), SEGMENT.withName("fs"),
            SEGMENT.withName("gs"), SEGMENT.withName("ss"), SEGMENT.withName("tr"), SEGMENT.withName("ldt"),
            DTABLE.withName("gdt"), DTABLE.withName("idt"), JAVA_LONG.withName("cr0"), JAVA_LONG.withName("cr2"),
            JAVA_LONG.withName("cr3"), JAVA_LONG.withName("cr4"), JAVA_LONG.withName("cr8"), JAVA_LONG.withName("efer"),
            JAVA_LONG.withName("apic_base"), MemoryLayout.sequenceLayout(4, JAVA_LONG).withName("interrupt_bitmap"))
            .withName("kvm_sregs");

    static final StructLayout IRQ_LEVEL = MemoryLayout.structLayout(JAVA_INT.withName("irq"), JAVA_INT.withName("level"));
    static final StructLayout PIT_CONFIG = MemoryLayout.structLayout(JAVA_INT.withName("flags"),
            MemoryLayout.sequenceLayout(15, JAVA_INT).withName("pad"));
    static final int PIT_SPEAKER_DUMMY = 1;

    static final StructLayout CPUID_ENTRY2 = MemoryLayout.structLayout(
            JAVA_INT.withName("function"), JAVA_INT.withName("index"), JAVA_INT.withName("flags"),
            JAVA_INT.withName("eax"), JAVA_INT.withName("ebx"), JAVA_INT.withName("ecx"), JAVA_INT.withName("edx"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("padding")).withName("kvm_cpuid_entry2");
    /** kvm_cpuid2's header (nent, padding), followed by the entries. */
    static final StructLayout CPUID2 = MemoryLayout.structLayout(JAVA_INT.withName("nent"), JAVA_INT.withName("padding"));
    static final StructLayout MSR_ENTRY = MemoryLayout.structLayout(
            JAVA_INT.withName("index"), JAVA_INT.withName("reserved"), JAVA_LONG.withName("data")).withName("kvm_msr_entry");
    /** kvm_msrs' header (nmsrs, pad), followed by the entries. */
    static final StructLayout MSRS = MemoryLayout.structLayout(JAVA_INT.withName("nmsrs"), JAVA_INT.withName("pad"));

    // ---- kvm_run: the header, then the exit's union at offset 32 ----
    static final StructLayout RUN_IO = MemoryLayout.structLayout(JAVA_BYTE.withName("direction"), JAVA_BYTE.withName("size"),
            JAVA_SHORT.withName("port"), JAVA_INT.withName("count"), JAVA_LONG.withName("data_offset")).withName("io");
    static final StructLayout RUN_MMIO = MemoryLayout.structLayout(JAVA_LONG.withName("phys_addr"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("data"), JAVA_INT.withName("len"), JAVA_BYTE.withName("is_write"),
            MemoryLayout.paddingLayout(3)).withName("mmio");
    static final StructLayout RUN_INTERNAL = MemoryLayout.structLayout(JAVA_INT.withName("suberror"), JAVA_INT.withName("ndata"),
            MemoryLayout.sequenceLayout(16, JAVA_LONG).withName("data")).withName("internal");
    static final StructLayout RUN_FAIL_ENTRY = MemoryLayout.structLayout(JAVA_LONG.withName("hardware_entry_failure_reason"),
            JAVA_INT.withName("cpu"), MemoryLayout.paddingLayout(4)).withName("fail_entry");
    static final StructLayout RUN_HW = MemoryLayout.structLayout(JAVA_LONG.withName("hardware_exit_reason")).withName("hw");
    static final StructLayout RUN_SYSTEM_EVENT = MemoryLayout.structLayout(JAVA_INT.withName("type"), JAVA_INT.withName("ndata"),
            MemoryLayout.sequenceLayout(16, JAVA_LONG).withName("data")).withName("system_event");
    static final UnionLayout RUN_EXIT = MemoryLayout.unionLayout(RUN_HW, RUN_FAIL_ENTRY, RUN_IO, RUN_MMIO, RUN_INTERNAL,
            RUN_SYSTEM_EVENT, MemoryLayout.sequenceLayout(256, JAVA_BYTE).withName("padding"));
    static final StructLayout RUN = MemoryLayout.structLayout(
            JAVA_BYTE.withName("request_interrupt_window"), JAVA_BYTE.withName("immediate_exit"),
            MemoryLayout.sequenceLayout(6, JAVA_BYTE).withName("padding1"), JAVA_INT.withName("exit_reason"),
            JAVA_BYTE.withName("ready_for_interrupt_injection"), JAVA_BYTE.withName("if_flag"), JAVA_SHORT.withName("flags"),
            JAVA_LONG.withName("cr8"), JAVA_LONG.withName("apic_base"), RUN_EXIT.withName("exit")).withName("kvm_run");

    static long offset(StructLayout l, String... path) {
        MemoryLayout.PathElement[] p = new MemoryLayout.PathElement[path.length];
        for (int i = 0; i < path.length; i++) p[i] = groupElement(path[i]);
        return l.byteOffset(p);
    }

    static VarHandle handle(StructLayout l, String... path) {
        MemoryLayout.PathElement[] p = new MemoryLayout.PathElement[path.length];
        for (int i = 0; i < path.length; i++) p[i] = groupElement(path[i]);
        return l.varHandle(p);
    }

    // Offsets the run loop reads without going through VarHandles (checked against the header by KvmLayoutsTest).
    static final long RUN_REQUEST_IRQ_WINDOW = offset(RUN, "request_interrupt_window"),
            RUN_IMMEDIATE_EXIT = offset(RUN, "immediate_exit"), RUN_EXIT_REASON = offset(RUN, "exit_reason"),
            RUN_READY_FOR_INJECTION = offset(RUN, "ready_for_interrupt_injection"), RUN_IF_FLAG = offset(RUN, "if_flag"),
            IO_DIRECTION = offset(RUN, "exit", "io", "direction"), IO_SIZE = offset(RUN, "exit", "io", "size"),
            IO_PORT = offset(RUN, "exit", "io", "port"), IO_COUNT = offset(RUN, "exit", "io", "count"),
            IO_DATA_OFFSET = offset(RUN, "exit", "io", "data_offset"),
            MMIO_PHYS_ADDR = offset(RUN, "exit", "mmio", "phys_addr"), MMIO_DATA = offset(RUN, "exit", "mmio", "data"),
            MMIO_LEN = offset(RUN, "exit", "mmio", "len"), MMIO_IS_WRITE = offset(RUN, "exit", "mmio", "is_write"),
            INTERNAL_SUBERROR = offset(RUN, "exit", "internal", "suberror"),
            INTERNAL_NDATA = offset(RUN, "exit", "internal", "ndata"), INTERNAL_DATA = offset(RUN, "exit", "internal", "data"),
            FAIL_ENTRY_REASON = offset(RUN, "exit", "fail_entry", "hardware_entry_failure_reason"),
            HW_EXIT_REASON = offset(RUN, "exit", "hw", "hardware_exit_reason"),
            SYSTEM_EVENT_TYPE = offset(RUN, "exit", "system_event", "type");
}
