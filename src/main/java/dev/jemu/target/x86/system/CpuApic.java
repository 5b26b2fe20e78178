package dev.jemu.target.x86.system;

/**
 * The CPU's side of its local APIC: CR8 is the task priority (TPR bits 7:4) and IA32_APIC_BASE relocates and
 * enables it. The board's LAPIC implements this (through an adapter: devices do not import target/); without
 * one, X86Cpu keeps CR8 and Msrs keeps the APIC base as plain storage.
 */
public interface CpuApic {
    /** CR8: TPR[7:4] (0..15). */
    long readCr8();

    void writeCr8(long value);

    long readApicBase();

    /** Returns false if the value is not accepted (#GP). */
    boolean writeApicBase(long value);
}
