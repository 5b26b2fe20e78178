package dev.jemu.accel.kvm;

/** The x86 power-on / INIT state written into a KVM vCPU (as Intel SDM 9.1.1 and QEMU's x86_cpu_reset give it). */
final class KvmReset {
    private KvmReset() {}

    static void powerOn(KvmVcpu v) {
        v.getSregs();
        v.segment(KvmVcpu.CS, 0xf000, 0xffff0000L, 0xffff, 0x9b00);
        for (int s : new int[]{KvmVcpu.DS, KvmVcpu.ES, KvmVcpu.FS, KvmVcpu.GS, KvmVcpu.SS}) v.segment(s, 0, 0, 0xffff, 0x9300);
        v.segment(KvmVcpu.LDT, 0, 0, 0xffff, 0x8200);
        v.segment(KvmVcpu.TR, 0, 0, 0xffff, 0x8b00);
        v.gdt(0, 0xffff);
        v.idt(0, 0xffff);
        v.sreg(KvmVcpu.SR_CR0, 0x60000010L);
        v.sreg(KvmVcpu.SR_CR2, 0);
        v.sreg(KvmVcpu.SR_CR3, 0);
        v.sreg(KvmVcpu.SR_CR4, 0);
        v.sreg(KvmVcpu.SR_EFER, 0);
        v.setSregs();
        v.getRegs();
        for (int i = 0; i < 18; i++) v.reg(i, 0);
        v.reg(KvmVcpu.RIP, 0xfff0);
        v.reg(KvmVcpu.RFLAGS, 2);
        v.reg(KvmVcpu.RDX, 0x663); // the CPUID signature QEMU's qemu64 leaves in EDX
        v.setRegs();
    }
}
