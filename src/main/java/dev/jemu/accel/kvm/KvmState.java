package dev.jemu.accel.kvm;

import dev.jemu.target.x86.X86Cpu;

/**
 * Moves an {@link X86Cpu}'s architectural state into a KVM vCPU. The board and the loaders (power-on state,
 * -kernel's 32-bit entry) speak the one CPU model jemu has; under KVM the same state is handed to the kernel
 * here, so both accelerators start a guest from identical registers.
 */
final class KvmState {
    private KvmState() {}

    /** X86Cpu's register numbers (x86 encoding) for each kvm_regs slot rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp. */
    private static final int[] GPR = {X86Cpu.RAX, X86Cpu.RBX, X86Cpu.RCX, X86Cpu.RDX, X86Cpu.RSI, X86Cpu.RDI,
            X86Cpu.RSP, X86Cpu.RBP};
    /** KVM's segment index for X86Cpu's ES, CS, SS, DS, FS, GS. */
    private static final int[] SEG = {KvmVcpu.ES, KvmVcpu.CS, KvmVcpu.SS, KvmVcpu.DS, KvmVcpu.FS, KvmVcpu.GS};

    /** MSRs QEMU writes at every vCPU reset (kvm_put_msrs): KVM keeps them across a reset otherwise. */
    static final int MSR_SYSENTER_CS = 0x174, MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176, MSR_PAT = 0x277,
            MSR_STAR = 0xc0000081, MSR_LSTAR = 0xc0000082, MSR_CSTAR = 0xc0000083, MSR_FMASK = 0xc0000084,
            MSR_KERNEL_GS_BASE = 0xc0000102, MSR_TSC = 0x10, MSR_MISC_ENABLE = 0x1a0;

    /** X86Cpu's attribute word (type/S/DPL/P in bits 0-7, AVL/L/D/G in 12-15) as the descriptor's high word KvmVcpu uses. */
    static int attr(int x86Attr) {
        return (x86Attr & 0xf0ff) << 8;
    }

    /** Writes registers, segments, descriptor tables, control registers and the system MSRs of {@code c}. */
    static void put(X86Cpu c, KvmVcpu v, boolean resetTsc) {
        v.getSregs(); // keeps apic_base and what X86Cpu does not model
        for (int s = 0; s < 6; s++) v.segment(SEG[s], c.segSel[s], c.segBase[s], c.segLimit[s], attr(c.segAttr[s]));
        v.segment(KvmVcpu.LDT, c.ldtrSel, c.ldtrBase, c.ldtrLimit, attr(c.ldtrAttr));
        v.segment(KvmVcpu.TR, c.trSel, c.trBase, c.trLimit, attr(c.trAttr));
        v.gdt(c.gdtBase, c.gdtLimit);
        v.idt(c.idtBase, c.idtLimit);
        v.sreg(KvmVcpu.SR_CR0, c.cr0);
        v.sreg(KvmVcpu.SR_CR2, c.cr2);
        v.sreg(KvmVcpu.SR_CR3, c.cr3);
        v.sreg(KvmVcpu.SR_CR4, c.cr4);
        v.sreg(KvmVcpu.SR_CR8, 0);
        v.sreg(KvmVcpu.SR_EFER, c.efer);
        v.setSregs();
        v.getRegs();
        for (int i = 0; i < 8; i++) v.reg(i, c.regs[GPR[i]]);
        for (int i = 8; i < 16; i++) v.reg(i, c.regs[i]);
        v.reg(KvmVcpu.RIP, c.rip);
        v.reg(KvmVcpu.RFLAGS, c.getEflags() & 0xffffffffL | 2);
        v.setRegs();
        // Some KVMs (kvm_pvm) refuse some of these: the guest then keeps KVM's value, as QEMU tolerates.
        v.setMsr(MSR_SYSENTER_CS, c.msrs.sysenterCs);
        v.setMsr(MSR_SYSENTER_ESP, c.msrs.sysenterEsp);
        v.setMsr(MSR_SYSENTER_EIP, c.msrs.sysenterEip);
        v.setMsr(MSR_STAR, c.msrs.star);
        v.setMsr(MSR_LSTAR, c.msrs.lstar);
        v.setMsr(MSR_CSTAR, c.msrs.cstar);
        v.setMsr(MSR_FMASK, c.msrs.fmask);
        v.setMsr(MSR_KERNEL_GS_BASE, c.msrs.kernelGsBase);
        v.setMsr(MSR_PAT, 0x0007040600070406L);
        v.setMsr(MSR_MISC_ENABLE, 1); // fast strings, as QEMU's reset value
        if (resetTsc) v.setMsr(MSR_TSC, 0);
    }
}
