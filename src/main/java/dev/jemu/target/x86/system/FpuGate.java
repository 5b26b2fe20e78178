package dev.jemu.target.x86.system;

import dev.jemu.target.x86.Exec;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

import static dev.jemu.target.x86.system.Paging.*;

/**
 * CR0.EM/TS/MP and CR4.OSFXSR for x87, MMX and SSE instructions in system mode, decided when an instruction is
 * decoded: if the control bits forbid it, its handler is replaced by one raising #NM or #UD (SDM vol. 3 table
 * 2-2 and 13-1: EM and OSFXSR=0 give #UD before TS gives #NM; x87 and FXSAVE/FXRSTOR give #NM for EM or TS;
 * WAIT only for MP and TS). No cost when executing: instead, changes of these bits drop all decoded code
 * ({@link #changed}).
 */
public final class FpuGate {
    private FpuGate() {}

    /** True if some x87/MMX/SSE instruction may be refused with the current CR0 and CR4 (else nothing to check). */
    public static boolean active(X86Cpu c) {
        return !c.userMode && ((c.cr0 & (CR0_EM | CR0_TS)) != 0 || (c.cr4 & CR4_OSFXSR) == 0);
    }

    /**
     * The handler for an instruction of opcode map {@code map} (0 one-byte, 1 0F, 2 0F 38, 3 0F 3A), opcode
     * {@code b} and ModRM {@code modrm} (-1 if none), chosen with a mandatory prefix or not: {@code exec}
     * itself, or one raising the exception the control registers require.
     */
    public static Exec gate(X86Cpu c, int map, int b, int modrm, boolean prefixed, Exec exec) {
        long cr0 = c.cr0;
        boolean em = (cr0 & CR0_EM) != 0, ts = (cr0 & CR0_TS) != 0, osfxsr = (c.cr4 & CR4_OSFXSR) != 0;
        int kind = kind(map, b, modrm, prefixed);
        switch (kind) {
            case X87 -> {
                if (em || ts) return FpuGate::nm;
            }
            case WAIT -> {
                if (ts && (cr0 & CR0_MP) != 0) return FpuGate::nm;
            }
            case FXSR -> {
                if (em || ts) return FpuGate::nm;
            }
            case MMX -> {
                if (em) return FpuGate::ud;
                if (ts) return FpuGate::nm;
            }
            case SSE -> {
                if (em || !osfxsr) return FpuGate::ud;
                if (ts) return FpuGate::nm;
            }
            default -> { }
        }
        return exec;
    }

    private static final int NONE = 0, X87 = 1, WAIT = 2, FXSR = 3, MMX = 4, SSE = 5;

    private static int kind(int map, int b, int modrm, boolean prefixed) {
        switch (map) {
            case 0:
                if (b >= 0xd8 && b <= 0xdf) return X87;
                return b == 0x9b ? WAIT : NONE;
            case 1:
                if (b == 0xae && modrm >= 0 && (modrm >> 6) != 3) {
                    int r = (modrm >> 3) & 7;
                    return r <= 1 ? FXSR : r <= 3 ? SSE : NONE;
                }
                if ((b >= 0x10 && b <= 0x17) || (b >= 0x28 && b <= 0x2f) || (b >= 0x50 && b <= 0x5f) || b == 0xc2
                        || b == 0xc6) return SSE;
                if ((b >= 0x60 && b <= 0x7f) || b == 0xc4 || b == 0xc5 || b >= 0xd0) return prefixed ? SSE : MMX;
                return NONE;
            case 2:
                if (b == 0xf0 || b == 0xf1) return NONE; // MOVBE, CRC32
                return prefixed ? SSE : MMX;
            default:
                return prefixed ? SSE : MMX;
        }
    }

    public static void nm(X86Cpu c, Insn i) {
        throw X86Exception.fault(X86Exception.NM);
    }

    public static void ud(X86Cpu c, Insn i) {
        throw X86Exception.ud();
    }

    /** CR0.EM/TS/MP or CR4.OSFXSR changed: code decoded under the old values is dropped. */
    public static void changed(X86Cpu c) {
        if (c.paging != null) c.paging.invalidateCode();
    }
}
