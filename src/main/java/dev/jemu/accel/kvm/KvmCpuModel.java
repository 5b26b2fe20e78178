package dev.jemu.accel.kvm;

import java.util.List;

/**
 * The CPUID a vCPU is given under KVM: what KVM_GET_SUPPORTED_CPUID offers, filtered to the -cpu model as QEMU
 * does (qemu64, kvm64, qemu32, kvm32 keep only their feature bits, plus KVM's defaults x2apic and hypervisor;
 * host and max keep everything), with the topology fields (APIC ID, logical processor count) per vCPU.
 * Features a model asks for that the host cannot give are dropped with QEMU's warning.
 */
final class KvmCpuModel {
    private KvmCpuModel() {}

    // CPUID.1:EDX
    private static final int FPU = 1, DE = 1 << 2, PSE = 1 << 3, TSC = 1 << 4, MSR = 1 << 5, PAE = 1 << 6,
            MCE = 1 << 7, CX8 = 1 << 8, APIC = 1 << 9, SEP = 1 << 11, MTRR = 1 << 12, PGE = 1 << 13, MCA = 1 << 14,
            CMOV = 1 << 15, PAT = 1 << 16, PSE36 = 1 << 17, CLFLUSH = 1 << 19, MMX = 1 << 23, FXSR = 1 << 24,
            SSE = 1 << 25, SSE2 = 1 << 26, HTT = 1 << 28;
    // CPUID.1:ECX
    private static final int SSE3 = 1, CX16 = 1 << 13, X2APIC = 1 << 21, HYPERVISOR = 1 << 31;
    // CPUID.80000001H:EDX / ECX
    private static final int SYSCALL = 1 << 11, NX = 1 << 20, LM = 1 << 29, LAHF_LM = 1;

    /** QEMU's PPRO_FEATURES. */
    private static final int PPRO = FPU | DE | PSE | TSC | MSR | MCE | CX8 | PGE | CMOV | PAT | FXSR | MMX | SSE
            | SSE2 | PAE | SEP | APIC;

    /** A model's feature words: 1:EDX, 1:ECX, 80000001H:EDX, 80000001H:ECX; null for host/max (no filter). */
    static int[] features(String model) {
        return switch (model) {
            case "qemu64" -> new int[]{PPRO | MTRR | CLFLUSH | MCA | PSE36, SSE3 | CX16, LM | SYSCALL | NX, LAHF_LM};
            case "kvm64" -> new int[]{PPRO | MTRR | CLFLUSH | MCA | PSE36, SSE3 | CX16, LM | SYSCALL | NX, 0};
            case "qemu32" -> new int[]{PPRO, SSE3, 0, 0};
            case "kvm32" -> new int[]{PPRO | MTRR | CLFLUSH | MCA | PSE36, SSE3, 0, 0};
            case "base" -> new int[]{0, 0, 0, 0};
            default -> null; // host, max
        };
    }

    /** QEMU's feature names (feature_word_info), for the warnings. */
    private static final String[] EDX1 = {"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", null,
            "sep", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", null, "ds", "acpi", "mmx", "fxsr",
            "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe"};
    private static final String[] ECX1 = {"pni", "pclmulqdq", "dtes64", "monitor", "ds-cpl", "vmx", "smx", "est",
            "tm2", "ssse3", "cid", null, "fma", "cx16", "xtpr", "pdcm", null, "pcid", "dca", "sse4.1", "sse4.2",
            "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave", null, "avx", "f16c", "rdrand", "hypervisor"};
    private static final String[] EDX81 = {null, null, null, null, null, null, null, null, null, null, null,
            "syscall", null, null, null, null, null, null, null, "mp", "nx", null, "mmxext", null, null, "fxsr-opt",
            "pdpe1gb", "rdtscp", null, "lm", "3dnowext", "3dnow"};
    private static final String[] ECX81 = {"lahf-lm", "cmp-legacy", "svm", "extapic", "cr8legacy", "abm", "sse4a",
            "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt", null, "lwp", "fma4", "tce", null,
            "nodeid-msr", null, "tbm", "topoext", "perfctr-core", "perfctr-nb", null, null, null, null, null, null, null};

    /**
     * The table for vCPU {@code id} of {@code count}: a copy of {@code supported} filtered to {@code model}.
     * {@code warnings} (may be null) receives QEMU's "host doesn't support requested feature" lines.
     */
    static CpuidTable forVcpu(CpuidTable supported, String model, boolean longMode, int id, int count, List<String> warnings) {
        CpuidTable t = supported.copy();
        int[] want = features(model);
        if (want != null && !longMode) {
            want[2] &= ~LM;
        }
        CpuidTable.Entry l1 = t.find(1, 0), l81 = t.find(0x80000001, 0);
        if (want != null) {
            if (l1 != null) {
                warn(warnings, "01H:EDX", EDX1, want[0], l1.edx);
                warn(warnings, "01H:ECX", ECX1, want[1], l1.ecx);
                l1.edx &= want[0];
                l1.ecx &= want[1] | X2APIC | HYPERVISOR; // KVM's defaults on every model (kvm_default_props)
            }
            if (l81 != null) {
                warn(warnings, "80000001H:EDX", EDX81, want[2], l81.edx);
                warn(warnings, "80000001H:ECX", ECX81, want[3], l81.ecx);
                l81.edx &= want[2];
                l81.ecx &= want[3];
            }
            for (CpuidTable.Entry e : t.entries()) {
                if (e.function == 7) e.ebx = e.ecx = e.edx = 0; // no structured extended features on these models
            }
        }
        if (l1 != null) {
            l1.ecx |= HYPERVISOR;
            // APIC ID, logical processors per package, CLFLUSH line size in 8-byte units
            l1.ebx = id << 24 | (count > 1 ? count << 16 : 0) | 8 << 8;
            if (count > 1) l1.edx |= HTT;
            else l1.edx &= ~HTT;
        }
        for (CpuidTable.Entry e : t.entries()) {
            if (e.function == 0xb || e.function == 0x1f) e.edx = id; // x2APIC ID on every topology level
        }
        return t;
    }

    private static void warn(List<String> out, String word, String[] names, int want, int have) {
        if (out == null) return;
        int missing = want & ~have;
        for (int b = 0; b < 32; b++) {
            if ((missing >>> b & 1) == 0) continue;
            String n = names[b] == null ? "[" + b + "]" : names[b];
            out.add("warning: host doesn't support requested feature: CPUID." + word + "." + n + " [bit " + b + "]");
        }
    }
}
