package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.CpuModel;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.Msrs;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.system.FpuGate;

import static dev.jemu.target.x86.system.Paging.*;

/**
 * Control state of the CPU: MOV to/from CR0/CR2/CR3/CR4/CR8 and DR0-DR7, LMSW, SMSW, CLTS, INVLPG, INVD,
 * WBINVD, RDMSR/WRMSR, RDTSCP. Privileged ones raise #GP(0) outside CPL 0 (so in user-mode emulation too,
 * as Linux does: SIGSEGV). Writes that change paging or the mode end the translation block.
 */
public final class ControlRegs {
    private ControlRegs() {}

    public static void register(OpcodeTable t) {
        t.add("0F 20 /r r", "MOV Rq,Cq f64", ControlRegs::movFromCr);
        t.add("0F 22 /r r", "MOV Cq,Rq f64 end", ControlRegs::movToCr);
        t.add("0F 21 /r r", "MOV Rq,Dq f64", ControlRegs::movFromDr);
        t.add("0F 23 /r r", "MOV Dq,Rq f64 end", ControlRegs::movToDr);
        t.add("0F 01 /4", "SMSW Ew", ControlRegs::smsw);
        t.add("0F 01 /6", "LMSW Ew end", ControlRegs::lmsw);
        t.add("0F 01 /7 m", "INVLPG Mb end", ControlRegs::invlpg);
        t.add("0F 01 F9", "RDTSCP", ControlRegs::rdtscp);
        t.add("0F 06", "CLTS", ControlRegs::clts);
        t.add("0F 08", "INVD", ControlRegs::wbinvd);
        t.add("0F 09", "WBINVD", ControlRegs::wbinvd);
        t.add("0F 30", "WRMSR end", ControlRegs::wrmsr);
        t.add("0F 32", "RDMSR", ControlRegs::rdmsr);
    }

    static void cpl0(X86Cpu c) {
        if (c.cpl != 0) throw X86Exception.gp0();
    }

    /** Recomputes codeBits, stack size, long mode and the segment unit after CR0/EFER changes. */
    static void refreshModes(X86Cpu c) {
        dev.jemu.target.x86.system.Modes.refresh(c);
    }

    private static int regSize(X86Cpu c) {
        return c.codeBits == 64 ? 8 : 4;
    }

    // ---- control registers ----

    public static void movFromCr(X86Cpu c, Insn i) {
        cpl0(c);
        long v = switch (i.reg) {
            case 0 -> c.cr0;
            case 2 -> c.cr2;
            case 3 -> c.cr3;
            case 4 -> c.cr4;
            case 8 -> c.apic != null ? c.apic.readCr8() : c.cr8;
            default -> throw X86Exception.ud();
        };
        c.setReg(i.rm, regSize(c), false, v);
    }

    public static void movToCr(X86Cpu c, Insn i) {
        cpl0(c);
        long v = c.getReg(i.rm, regSize(c), false);
        switch (i.reg) {
            case 0 -> writeCr0(c, v);
            case 2 -> c.cr2 = v;
            case 3 -> writeCr3(c, v);
            case 4 -> writeCr4(c, v);
            case 8 -> {
                if ((v & ~0xfL) != 0) throw X86Exception.gp0();
                if (c.apic != null) c.apic.writeCr8(v);
                else c.cr8 = v;
                c.exitRequest = true; // a lower priority may unmask a pending interrupt
            }
            default -> throw X86Exception.ud();
        }
    }

    private static final long CR0_BITS = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM
            | CR0_NW | CR0_CD | CR0_PG;

    /** MOV CR0 (and LMSW, CLTS through it): the checks, EFER.LMA activation, PDPTE loads and TLB flushes. */
    public static void writeCr0(X86Cpu c, long v) {
        if ((v >>> 32) != 0) throw X86Exception.gp0();
        v = (v & CR0_BITS) | CR0_ET;
        if ((v & CR0_PG) != 0 && (v & CR0_PE) == 0) throw X86Exception.gp0();
        if ((v & CR0_NW) != 0 && (v & CR0_CD) == 0) throw X86Exception.gp0();
        long old = c.cr0;
        long efer = c.efer;
        boolean pgOn = (v & CR0_PG) != 0 && (old & CR0_PG) == 0, pgOff = (v & CR0_PG) == 0 && (old & CR0_PG) != 0;
        if (pgOn && (efer & EFER_LME) != 0) {
            if ((c.cr4 & CR4_PAE) == 0) throw X86Exception.gp0();
            efer |= EFER_LMA;
        } else if (pgOff && (efer & EFER_LMA) != 0) {
            if (c.codeBits == 64) throw X86Exception.gp0();
            efer &= ~EFER_LMA;
        }
        boolean paePaging = (v & CR0_PG) != 0 && (c.cr4 & CR4_PAE) != 0 && (efer & EFER_LMA) == 0;
        if (paePaging && ((v ^ old) & (CR0_PG | CR0_CD | CR0_NW)) != 0) {
            if (c.paging != null) c.paging.loadPdptes(c.cr3);
        }
        c.cr0 = v;
        c.efer = efer;
        if (((v ^ old) & (CR0_PG | CR0_WP | CR0_PE)) != 0) flush(c);
        if (((v ^ old) & (CR0_EM | CR0_TS | CR0_MP)) != 0) FpuGate.changed(c);
        refreshModes(c);
    }

    public static void writeCr3(X86Cpu c, long v) {
        if ((c.efer & EFER_LMA) != 0) {
            if ((v & ~((1L << PHYS_BITS) - 1)) != 0) throw X86Exception.gp0();
        } else {
            v &= 0xffffffffL;
            if ((c.cr0 & CR0_PG) != 0 && (c.cr4 & CR4_PAE) != 0 && c.paging != null) c.paging.loadPdptes(v);
        }
        c.cr3 = v;
        flush(c);
    }

    /** CR4 bits this CPU model accepts (the others are reserved: #GP). */
    static long cr4Mask(CpuModel m) {
        long ok = CR4_PCE;
        if (m.has1Edx(CpuModel.VME)) ok |= CR4_VME | CR4_PVI;
        if (m.has1Edx(CpuModel.TSC)) ok |= CR4_TSD;
        if (m.has1Edx(CpuModel.DE)) ok |= CR4_DE;
        if (m.has1Edx(CpuModel.PSE)) ok |= CR4_PSE;
        if (m.has1Edx(CpuModel.PAE)) ok |= CR4_PAE;
        if (m.has1Edx(CpuModel.MCE)) ok |= CR4_MCE;
        if (m.has1Edx(CpuModel.PGE)) ok |= CR4_PGE;
        if (m.has1Edx(CpuModel.FXSR)) ok |= CR4_OSFXSR;
        if (m.has1Edx(CpuModel.SSE)) ok |= CR4_OSXMMEXCPT;
        return ok;
    }

    public static void writeCr4(X86Cpu c, long v) {
        if ((v & ~cr4Mask(c.model)) != 0) throw X86Exception.gp0();
        long old = c.cr4;
        if ((c.efer & EFER_LMA) != 0 && (v & CR4_PAE) == 0) throw X86Exception.gp0();
        long changed = v ^ old;
        if ((c.cr0 & CR0_PG) != 0 && (v & CR4_PAE) != 0 && (c.efer & EFER_LMA) == 0
                && (changed & (CR4_PAE | CR4_PGE | CR4_PSE)) != 0 && c.paging != null) {
            c.paging.loadPdptes(c.cr3);
        }
        c.cr4 = v;
        if ((changed & (CR4_PAE | CR4_PGE | CR4_PSE)) != 0) flush(c);
        if ((changed & CR4_OSFXSR) != 0) FpuGate.changed(c);
    }

    private static void flush(X86Cpu c) {
        if (c.paging != null) c.paging.flushAll();
    }

    public static void smsw(X86Cpu c, Insn i) {
        // register destinations take the operand size (upper bits of CR0 as they are), memory 16 bits
        if (i.mem) c.mem.write16(c.ea(i), (int) c.cr0);
        else c.setReg(i.rm, i.osize, i.rex, c.cr0);
    }

    public static void lmsw(X86Cpu c, Insn i) {
        cpl0(c);
        long v = i.mem ? c.mem.read16(c.ea(i)) : c.getReg(i.rm, 2, i.rex);
        // loads PE, MP, EM, TS; PE can be set but not cleared
        long n = (c.cr0 & ~0xeL) | (v & 0xf) | (c.cr0 & CR0_PE);
        writeCr0(c, n);
    }

    public static void clts(X86Cpu c, Insn i) {
        cpl0(c);
        setTs(c, false);
    }

    /** Sets or clears CR0.TS (CLTS; task switches set it), dropping code decoded under the old value. */
    public static void setTs(X86Cpu c, boolean ts) {
        long old = c.cr0;
        c.cr0 = ts ? old | CR0_TS : old & ~CR0_TS;
        if (c.cr0 != old) FpuGate.changed(c);
    }

    public static void invlpg(X86Cpu c, Insn i) {
        cpl0(c);
        long va = c.ea(i);
        if (c.paging != null) c.paging.flushPage(va);
    }

    public static void wbinvd(X86Cpu c, Insn i) {
        cpl0(c);
    }

    // ---- debug registers ----

    private static int drIndex(X86Cpu c, Insn i) {
        int n = i.reg;
        if (n > 7) throw X86Exception.ud();
        if (n == 4 || n == 5) {
            if ((c.cr4 & CR4_DE) != 0) throw X86Exception.ud();
            n += 2;
        }
        return n;
    }

    public static void movFromDr(X86Cpu c, Insn i) {
        cpl0(c);
        int n = drIndex(c, i);
        c.setReg(i.rm, regSize(c), false, c.dr[n]);
    }

    public static void movToDr(X86Cpu c, Insn i) {
        cpl0(c);
        int n = drIndex(c, i);
        long v = c.getReg(i.rm, regSize(c), false);
        switch (n) {
            case 6 -> {
                if ((v >>> 32) != 0) throw X86Exception.gp0();
                v = (v & 0x0000e00fL) | 0xffff0ff0L; // reserved bits read as 1
            }
            case 7 -> {
                if ((v >>> 32) != 0) throw X86Exception.gp0();
                v = (v & 0xffff2fffL) | 0x400L;
            }
            default -> {
                if (c.codeBits != 64) v &= 0xffffffffL;
            }
        }
        c.dr[n] = v;
    }

    // ---- time stamp counter ----

    public static long tsc(X86Cpu c) {
        return Misc.tsc() + c.msrs.tscOffset;
    }

    public static void rdtscp(X86Cpu c, Insn i) {
        if (!c.model.hasExt1Edx(CpuModel.RDTSCP)) throw X86Exception.ud();
        if ((c.cr4 & CR4_TSD) != 0 && c.cpl != 0) throw X86Exception.gp0();
        long t = tsc(c);
        c.regs[X86Cpu.RAX] = t & 0xffffffffL;
        c.regs[X86Cpu.RDX] = t >>> 32;
        c.regs[X86Cpu.RCX] = c.msrs.tscAux & 0xffffffffL;
    }

    // ---- model-specific registers ----

    /** AMD's SYSCFG (memory-type and encryption controls): reads 0 on an AMD model, as under QEMU. */
    public static final int MSR_AMD64_SYSCFG = 0xc0010010;
    public static final int MSR_UCODE_REV = 0x8b, MSR_MTRRCAP = 0xfe, MSR_MTRR_DEF_TYPE = 0x2ff,
            MSR_MTRR_PHYS_BASE0 = 0x200, MSR_MTRR_FIX64K = 0x250, MSR_MTRR_FIX16K = 0x258, MSR_MTRR_FIX4K = 0x268;
    /** MTRRcap: 8 variable ranges, fixed ranges, write-combining (as QEMU). */
    public static final long MTRRCAP = 0x508;

    public static void rdmsr(X86Cpu c, Insn i) {
        cpl0(c);
        long v = readMsr(c, (int) c.regs[X86Cpu.RCX]);
        c.regs[X86Cpu.RAX] = v & 0xffffffffL;
        c.regs[X86Cpu.RDX] = v >>> 32;
    }

    public static void wrmsr(X86Cpu c, Insn i) {
        cpl0(c);
        long v = (c.regs[X86Cpu.RAX] & 0xffffffffL) | (c.regs[X86Cpu.RDX] << 32);
        writeMsr(c, (int) c.regs[X86Cpu.RCX], v);
    }

    /** The MSR's value, or #GP(0) for an MSR this CPU does not have. */
    public static long readMsr(X86Cpu c, int msr) {
        Msrs m = c.msrs;
        switch (msr) {
            case Msrs.IA32_TSC: return tsc(c);
            case Msrs.IA32_APIC_BASE: return c.apic != null ? c.apic.readApicBase() : m.apicBase;
            case Msrs.IA32_FEATURE_CONTROL: return 0;
            case MSR_UCODE_REV: return 0x100000000L;
            case MSR_AMD64_SYSCFG:
                if (!amd(c)) throw X86Exception.gp0();
                return 0;
            case Msrs.IA32_SYSENTER_CS: return m.sysenterCs;
            case Msrs.IA32_SYSENTER_ESP: return m.sysenterEsp;
            case Msrs.IA32_SYSENTER_EIP: return m.sysenterEip;
            case Msrs.IA32_MISC_ENABLE: return m.miscEnable;
            case Msrs.IA32_PAT: return m.pat;
            case MSR_MTRRCAP: return MTRRCAP;
            case MSR_MTRR_DEF_TYPE: return m.mtrrDefType;
            case Msrs.IA32_EFER: return c.efer;
            case Msrs.IA32_STAR: return m.star;
            case Msrs.IA32_LSTAR: return m.lstar;
            case Msrs.IA32_CSTAR: return m.cstar;
            case Msrs.IA32_FMASK: return m.fmask;
            case Msrs.IA32_FS_BASE: return c.segBase[X86Cpu.FS];
            case Msrs.IA32_GS_BASE: return c.segBase[X86Cpu.GS];
            case Msrs.IA32_KERNEL_GS_BASE: return m.kernelGsBase;
            case Msrs.IA32_TSC_AUX:
                if (!c.model.hasExt1Edx(CpuModel.RDTSCP)) throw X86Exception.gp0();
                return m.tscAux;
            default:
                int fixed = mtrrFixedIndex(msr);
                if (fixed >= 0) return m.mtrrFixed[fixed];
                if (msr >= MSR_MTRR_PHYS_BASE0 && msr < MSR_MTRR_PHYS_BASE0 + 16) return m.mtrrVar[msr - MSR_MTRR_PHYS_BASE0];
                throw X86Exception.gp0();
        }
    }

    private static boolean amd(X86Cpu c) {
        return "AuthenticAMD".equals(c.model.vendor);
    }

    private static int mtrrFixedIndex(int msr) {
        if (msr == MSR_MTRR_FIX64K) return 0;
        if (msr == MSR_MTRR_FIX16K || msr == MSR_MTRR_FIX16K + 1) return 1 + msr - MSR_MTRR_FIX16K;
        if (msr >= MSR_MTRR_FIX4K && msr < MSR_MTRR_FIX4K + 8) return 3 + msr - MSR_MTRR_FIX4K;
        return -1;
    }

    private static boolean canonical(long v) {
        return (v >> 47) == 0 || (v >> 47) == -1;
    }

    private static long canonicalOrGp(long v) {
        if (!canonical(v)) throw X86Exception.gp0();
        return v;
    }

    /** True if {@code v} is a valid memory type in every byte of a PAT or fixed-range MTRR (0, 1, 4, 5, 6, 7). */
    private static boolean memTypes(long v, boolean pat) {
        for (int k = 0; k < 8; k++) {
            int t = (int) (v >>> (8 * k)) & 0xff;
            if (t == 2 || t == 3 || t > 7 || (!pat && t == 7)) return false;
        }
        return true;
    }

    /** Writes the MSR, or #GP(0) for an unknown MSR or a reserved value. */
    public static void writeMsr(X86Cpu c, int msr, long v) {
        Msrs m = c.msrs;
        switch (msr) {
            case Msrs.IA32_TSC -> m.tscOffset = v - Misc.tsc();
            case Msrs.IA32_APIC_BASE -> {
                if ((v & ~(((1L << PHYS_BITS) - 1) & ~0x2ffL)) != 0) throw X86Exception.gp0();
                if (c.apic != null) {
                    if (!c.apic.writeApicBase(v)) throw X86Exception.gp0();
                } else {
                    m.apicBase = v;
                }
            }
            case Msrs.IA32_FEATURE_CONTROL, MSR_UCODE_REV -> { }
            case MSR_AMD64_SYSCFG -> {
                if (!amd(c)) throw X86Exception.gp0();
            }
            case Msrs.IA32_SYSENTER_CS -> m.sysenterCs = v & 0xffff;
            case Msrs.IA32_SYSENTER_ESP -> m.sysenterEsp = canonicalOrGp(v);
            case Msrs.IA32_SYSENTER_EIP -> m.sysenterEip = canonicalOrGp(v);
            case Msrs.IA32_MISC_ENABLE -> m.miscEnable = v;
            case Msrs.IA32_PAT -> {
                if (!memTypes(v, true)) throw X86Exception.gp0();
                m.pat = v;
            }
            case MSR_MTRR_DEF_TYPE -> {
                if ((v & ~0xcffL) != 0 || !memTypes(v & 0xff, false)) throw X86Exception.gp0();
                m.mtrrDefType = v;
            }
            case Msrs.IA32_EFER -> writeEfer(c, v);
            case Msrs.IA32_STAR -> m.star = v;
            case Msrs.IA32_LSTAR -> m.lstar = canonicalOrGp(v);
            case Msrs.IA32_CSTAR -> m.cstar = canonicalOrGp(v);
            case Msrs.IA32_FMASK -> m.fmask = v & 0xffffffffL;
            case Msrs.IA32_FS_BASE -> c.segBase[X86Cpu.FS] = canonicalOrGp(v);
            case Msrs.IA32_GS_BASE -> c.segBase[X86Cpu.GS] = canonicalOrGp(v);
            case Msrs.IA32_KERNEL_GS_BASE -> m.kernelGsBase = canonicalOrGp(v);
            case Msrs.IA32_TSC_AUX -> {
                if (!c.model.hasExt1Edx(CpuModel.RDTSCP) || (v >>> 32) != 0) throw X86Exception.gp0();
                m.tscAux = v;
            }
            default -> {
                int fixed = mtrrFixedIndex(msr);
                if (fixed >= 0) {
                    if (!memTypes(v, false)) throw X86Exception.gp0();
                    m.mtrrFixed[fixed] = v;
                } else if (msr >= MSR_MTRR_PHYS_BASE0 && msr < MSR_MTRR_PHYS_BASE0 + 16) {
                    boolean base = (msr & 1) == 0;
                    long rsvd = ~((1L << PHYS_BITS) - 1) | (base ? 0xf00L : 0x7ffL);
                    if ((v & rsvd) != 0 || (base && !memTypes(v & 0xff, false))) throw X86Exception.gp0();
                    m.mtrrVar[msr - MSR_MTRR_PHYS_BASE0] = v;
                } else {
                    throw X86Exception.gp0();
                }
            }
        }
    }

    /** WRMSR EFER: SCE, LME, NXE as advertised; LMA is read-only; LME cannot change while paging is on. */
    public static void writeEfer(X86Cpu c, long v) {
        long ok = 0;
        if (c.model.hasExt1Edx(CpuModel.SYSCALL)) ok |= EFER_SCE;
        if (c.model.hasExt1Edx(CpuModel.LM)) ok |= EFER_LME;
        if (c.model.hasExt1Edx(CpuModel.NX)) ok |= EFER_NXE;
        if ((v & ~(ok | EFER_LMA)) != 0) throw X86Exception.gp0();
        long old = c.efer;
        if ((c.cr0 & CR0_PG) != 0 && ((v ^ old) & EFER_LME) != 0) throw X86Exception.gp0();
        long n = (v & ~EFER_LMA) | (old & EFER_LMA);
        c.efer = n;
        if (((n ^ old) & EFER_NXE) != 0) flush(c);
        refreshModes(c);
    }

}
