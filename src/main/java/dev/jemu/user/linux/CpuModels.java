package dev.jemu.user.linux;

import dev.jemu.target.x86.CpuModel;

/** The -cpu models of the user-mode tools. */
final class CpuModels {
    private CpuModels() {}

    static CpuModel find(String name, boolean is64) {
        return switch (name) {
            case "max", "host" -> CpuModel.max();
            case "qemu64" -> {
                // the x86-64 baseline: SSE2 and no more
                CpuModel m = CpuModel.max();
                m.features1Ecx &= CpuModel.SSE3 | CpuModel.CX16;
                yield m;
            }
            case "qemu32" -> {
                CpuModel m = CpuModel.max();
                m.features1Ecx &= CpuModel.SSE3;
                yield is64 ? null : m;
            }
            default -> null;
        };
    }

    static String help() {
        return "Available CPUs:\n"
                + "  max       all the features jemu implements (default)\n"
                + "  host      the same as max\n"
                + "  qemu64    the x86-64 baseline (SSE2, SSE3)\n"
                + "  qemu32    a 32-bit baseline (jemu-i386 only)\n";
    }
}
