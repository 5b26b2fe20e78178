package dev.jemu.target.x86;

/**
 * Model-specific registers that are storage with side effects elsewhere (read by SYSCALL, SYSENTER, SWAPGS...).
 * EFER, FS/GS base, TSC and the APIC base are not here: they live where their effects are.
 */
public final class Msrs {
    public static final int IA32_TSC = 0x10, IA32_APIC_BASE = 0x1b, IA32_FEATURE_CONTROL = 0x3a,
            IA32_SYSENTER_CS = 0x174, IA32_SYSENTER_ESP = 0x175, IA32_SYSENTER_EIP = 0x176,
            IA32_MISC_ENABLE = 0x1a0, IA32_PAT = 0x277, IA32_TSC_DEADLINE = 0x6e0,
            IA32_EFER = 0xc0000080, IA32_STAR = 0xc0000081, IA32_LSTAR = 0xc0000082, IA32_CSTAR = 0xc0000083,
            IA32_FMASK = 0xc0000084, IA32_FS_BASE = 0xc0000100, IA32_GS_BASE = 0xc0000101,
            IA32_KERNEL_GS_BASE = 0xc0000102, IA32_TSC_AUX = 0xc0000103;

    public long sysenterCs, sysenterEsp, sysenterEip;
    public long star, lstar, cstar, fmask, kernelGsBase, tscAux;
    public long pat = 0x0007040600070406L;
    public long miscEnable = 1; // fast strings
    /** IA32_APIC_BASE while there is no local APIC (BSP, enabled, at 0xFEE00000). */
    public long apicBase = 0xfee00900L;
    /** TSC = host nanoseconds + tscOffset (WRMSR IA32_TSC moves it). */
    public long tscOffset;
    /** MTRRs: MTRRcap reads fixed; the variable pairs and fixed ranges are storage. */
    public long mtrrDefType;
    public final long[] mtrrVar = new long[16];
    public final long[] mtrrFixed = new long[11];
}
