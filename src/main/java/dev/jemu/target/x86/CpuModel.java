package dev.jemu.target.x86;

/**
 * What CPUID reports: vendor, family/model, feature bits. Features are advertised only when implemented:
 * glibc picks its string and memory routines from CPUID, so a false bit breaks programs.
 */
public final class CpuModel {
    // CPUID.1:EDX
    public static final int FPU = 1 << 0, VME = 1 << 1, DE = 1 << 2, PSE = 1 << 3, TSC = 1 << 4, MSR = 1 << 5,
            PAE = 1 << 6, MCE = 1 << 7, CX8 = 1 << 8, APIC = 1 << 9, SEP = 1 << 11, MTRR = 1 << 12, PGE = 1 << 13,
            MCA = 1 << 14, CMOV = 1 << 15, PAT = 1 << 16, PSE36 = 1 << 17, CLFSH = 1 << 19, MMX = 1 << 23,
            FXSR = 1 << 24, SSE = 1 << 25, SSE2 = 1 << 26;
    // CPUID.1:ECX
    public static final int SSE3 = 1 << 0, PCLMUL = 1 << 1, SSSE3 = 1 << 9, CX16 = 1 << 13, SSE41 = 1 << 19,
            SSE42 = 1 << 20, MOVBE = 1 << 22, POPCNT = 1 << 23, RDRAND = 1 << 30;
    // CPUID.80000001:EDX / ECX
    public static final int SYSCALL = 1 << 11, NX = 1 << 20, PDPE1GB = 1 << 26, RDTSCP = 1 << 27, LM = 1 << 29;
    public static final int LAHF_LM = 1 << 0, ABM = 1 << 5;

    public final String name;
    public final String vendor;
    public final int family, model, stepping;
    public int features1Edx, features1Ecx, ext1Edx, ext1Ecx, leaf7Ebx, leaf7Ecx, leaf7Edx;
    public String brand;

    public CpuModel(String name, String vendor, int family, int model, int stepping) {
        this.name = name;
        this.vendor = vendor;
        this.family = family;
        this.model = model;
        this.stepping = stepping;
        this.brand = "jemu Virtual CPU";
    }

    /** The 64-bit model for user mode and for -cpu max: everything jemu implements. */
    public static CpuModel max() {
        CpuModel m = new CpuModel("max", "AuthenticAMD", 15, 107, 1);
        m.features1Edx = FPU | DE | PSE | TSC | MSR | PAE | CX8 | SEP | CMOV | PAT | PSE36 | CLFSH | MMX | FXSR | SSE | SSE2;
        m.features1Ecx = SSE3 | SSSE3 | CX16 | POPCNT;
        m.ext1Edx = SYSCALL | NX | LM;
        m.ext1Ecx = LAHF_LM | ABM;
        return m;
    }

    /**
     * Adds what system emulation implements on top of the user-mode features: global pages, MTRRs, 1 GiB
     * pages, RDTSCP (with IA32_TSC_AUX), and the local APIC when the board has one. PSE, PAE, PAT, MSR, SEP,
     * NX and LM are already advertised (user mode shows them as the host does).
     */
    public CpuModel forSystem(boolean localApic) {
        features1Edx |= PGE | MTRR | (localApic ? APIC : 0);
        ext1Edx |= PDPE1GB | RDTSCP;
        return this;
    }

    public boolean has1Ecx(int bit) {
        return (features1Ecx & bit) != 0;
    }

    public boolean hasExt1Edx(int bit) {
        return (ext1Edx & bit) != 0;
    }

    public boolean has1Edx(int bit) {
        return (features1Edx & bit) != 0;
    }

    /** Fills {eax, ebx, ecx, edx} for CPUID leaf {@code leaf}, subleaf {@code sub}. */
    public void cpuid(int leaf, int sub, int[] out) {
        out[0] = out[1] = out[2] = out[3] = 0;
        switch (leaf) {
            case 0 -> {
                out[0] = 7;
                vendorRegs(out);
            }
            case 1 -> {
                out[0] = ((family > 15 ? family - 15 : 0) << 20) | ((model >> 4) << 16)
                        | (Math.min(family, 15) << 8) | ((model & 15) << 4) | stepping;
                out[1] = (8 << 8) | (1 << 16); // CLFLUSH line size 64 bytes, one logical processor
                out[2] = features1Ecx;
                out[3] = features1Edx;
            }
            case 7 -> {
                if (sub == 0) {
                    out[1] = leaf7Ebx;
                    out[2] = leaf7Ecx;
                    out[3] = leaf7Edx;
                }
            }
            case 0x80000000 -> {
                out[0] = 0x80000008;
                vendorRegs(out);
            }
            case 0x80000001 -> {
                out[0] = 0x00a00f11;
                out[2] = ext1Ecx;
                out[3] = ext1Edx;
            }
            case 0x80000002, 0x80000003, 0x80000004 -> brandRegs(leaf - 0x80000002, out);
            case 0x80000005 -> {
                out[2] = (32 << 24) | (8 << 16) | (1 << 8) | 64; // L1D: 32 KiB, 8-way, 64-byte lines
                out[3] = (32 << 24) | (8 << 16) | (1 << 8) | 64; // L1I
            }
            case 0x80000006 -> {
                out[2] = (512 << 16) | (0x6 << 12) | (1 << 8) | 64;   // L2: 512 KiB, 8-way
                out[3] = (16 << 18) | (0x8 << 12) | (1 << 8) | 64;     // L3: 8 MiB (in 512 KiB units), 16-way
            }
            case 0x80000008 -> out[0] = 0x3028; // 40 physical, 48 linear address bits
            default -> { }
        }
    }

    private void vendorRegs(int[] out) {
        byte[] v = vendor.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out[1] = le(v, 0);
        out[3] = le(v, 4);
        out[2] = le(v, 8);
    }

    private void brandRegs(int part, int[] out) {
        byte[] b = java.util.Arrays.copyOf(brand.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 48);
        for (int k = 0; k < 4; k++) out[k] = le(b, part * 16 + k * 4);
    }

    private static int le(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }
}
