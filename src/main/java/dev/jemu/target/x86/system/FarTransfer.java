package dev.jemu.target.x86.system;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * Far JMP, far CALL, far RET and IRET in every mode: real and virtual-8086 mode load CS as base = sel * 16;
 * protected and long mode check the target descriptor (SDM vol. 2 pseudocode), follow call gates (with the
 * privilege change through the TSS stack and parameter copying), task gates and TSS selectors, and return to
 * outer levels (popping SS:ESP and nulling data registers the outer level may not use). Every memory access
 * and check happens before any register changes.
 */
public final class FarTransfer {
    private FarTransfer() {}

    private static long ipMask(int osize) {
        return osize == 8 ? -1L : osize == 4 ? 0xffffffffL : 0xffffL;
    }

    private static boolean lma(X86Cpu c) {
        return (c.efer & Modes.EFER_LMA) != 0;
    }

    // ---- JMP ----

    public static void jmp(X86Cpu c, int sel, long off, int osize) {
        if (!Modes.protectedMode(c)) {
            realCs(c, sel);
            c.rip = off & ipMask(osize);
            return;
        }
        if ((sel & 0xfffc) == 0) throw X86Exception.gp0();
        long d = Seg.read(c, sel, X86Exception.GP, 0);
        int a = Seg.attr(d), cpl = c.cpl, rpl = sel & 3, dpl = Seg.dpl(a);
        int err = sel & 0xfffc;
        if ((a & Seg.A_S) != 0) {
            checkDirectCode(c, a, err, rpl, cpl);
            boolean to64 = targets64(c, a, err);
            Seg.checkLimit(off, d, to64);
            Seg.setAccessed(c, sel, d);
            Seg.loadCs(c, sel, d, cpl);
            c.rip = off;
            return;
        }
        int type = a & 0xf;
        if (type == 4 || type == 12) {
            gateChecks(c, a, err, rpl, cpl, d);
            long[] target = gateTarget(c, sel, d, type);
            int csel = (int) target[1];
            long cd = gateCode(c, csel);
            int ca = Seg.attr(cd);
            if ((ca & Seg.A_CONFORM) != 0 ? Seg.dpl(ca) > cpl : Seg.dpl(ca) != cpl)
                throw X86Exception.fault(X86Exception.GP, csel & 0xfffc);
            if ((ca & Seg.A_P) == 0) throw X86Exception.fault(X86Exception.NP, csel & 0xfffc);
            boolean to64 = targets64(c, ca, csel & 0xfffc);
            Seg.checkLimit(target[0], cd, to64);
            Seg.setAccessed(c, csel, cd);
            Seg.loadCs(c, csel, cd, cpl);
            c.rip = target[0];
            return;
        }
        if (!lma(c) && (type == 1 || type == 9 || type == 5)) {
            taskTarget(c, sel, a, dpl, rpl, cpl, TaskSwitch.JMP, c.rip);
            return;
        }
        throw X86Exception.fault(X86Exception.GP, err);
    }

    // ---- CALL ----

    public static void call(X86Cpu c, int sel, long off, int osize) {
        long ret = c.rip;
        if (!Modes.protectedMode(c)) {
            long mask = StackOps.mask(c.stackSize), base = c.segBase[X86Cpu.SS];
            long sp = StackOps.push(c, c.mem, base, c.regs[X86Cpu.RSP], mask, osize, c.segSel[X86Cpu.CS]);
            sp = StackOps.push(c, c.mem, base, sp, mask, osize, ret);
            StackOps.setSp(c, sp, mask);
            realCs(c, sel);
            c.rip = off & ipMask(osize);
            return;
        }
        if ((sel & 0xfffc) == 0) throw X86Exception.gp0();
        long d = Seg.read(c, sel, X86Exception.GP, 0);
        int a = Seg.attr(d), cpl = c.cpl, rpl = sel & 3, dpl = Seg.dpl(a);
        int err = sel & 0xfffc;
        long mask = StackOps.mask(c.stackSize), base = c.segBase[X86Cpu.SS];
        if ((a & Seg.A_S) != 0) {
            checkDirectCode(c, a, err, rpl, cpl);
            boolean to64 = targets64(c, a, err);
            Seg.checkLimit(off, d, to64);
            long sp = StackOps.push(c, c.mem, base, c.regs[X86Cpu.RSP], mask, osize, c.segSel[X86Cpu.CS]);
            sp = StackOps.push(c, c.mem, base, sp, mask, osize, ret);
            Seg.setAccessed(c, sel, d);
            StackOps.setSp(c, sp, mask);
            Seg.loadCs(c, sel, d, cpl);
            c.rip = off;
            return;
        }
        int type = a & 0xf;
        if (type == 4 || type == 12) {
            gateChecks(c, a, err, rpl, cpl, d);
            long[] target = gateTarget(c, sel, d, type);
            int csel = (int) target[1];
            long cd = gateCode(c, csel);
            int ca = Seg.attr(cd), cdpl = Seg.dpl(ca);
            if (cdpl > cpl) throw X86Exception.fault(X86Exception.GP, csel & 0xfffc);
            if ((ca & Seg.A_P) == 0) throw X86Exception.fault(X86Exception.NP, csel & 0xfffc);
            boolean to64 = targets64(c, ca, csel & 0xfffc);
            Seg.checkLimit(target[0], cd, to64);
            int size = lma(c) ? 8 : type == 12 ? 4 : 2;
            if ((ca & Seg.A_CONFORM) == 0 && cdpl < cpl) {
                callInner(c, csel, cd, cdpl, target[0], size, (int) (d >>> 32) & 0x1f, ret);
                return;
            }
            long sp = StackOps.push(c, c.mem, base, c.regs[X86Cpu.RSP], mask, size, c.segSel[X86Cpu.CS]);
            sp = StackOps.push(c, c.mem, base, sp, mask, size, ret);
            Seg.setAccessed(c, csel, cd);
            StackOps.setSp(c, sp, mask);
            Seg.loadCs(c, csel, cd, cpl);
            c.rip = target[0];
            return;
        }
        if (!lma(c) && (type == 1 || type == 9 || type == 5)) {
            taskTarget(c, sel, a, dpl, rpl, cpl, TaskSwitch.CALL, ret);
            return;
        }
        throw X86Exception.fault(X86Exception.GP, err);
    }

    /** A call gate to a more privileged non-conforming segment: switch to the TSS stack, copy parameters. */
    private static void callInner(X86Cpu c, int csel, long cd, int newCpl, long target, int size, int params, long ret) {
        long oldMask = StackOps.mask(c.stackSize), oldBase = c.segBase[X86Cpu.SS], oldSp = c.regs[X86Cpu.RSP];
        if (lma(c)) {
            long sp = Tss.stack64(c, newCpl, 0, 0);
                sp = StackOps.push(c, Seg.sys(c), 0, sp, -1L, 8, c.segSel[X86Cpu.SS]);
            sp = StackOps.push(c, Seg.sys(c), 0, sp, -1L, 8, oldSp & oldMask);
            sp = StackOps.push(c, Seg.sys(c), 0, sp, -1L, 8, c.segSel[X86Cpu.CS]);
            sp = StackOps.push(c, Seg.sys(c), 0, sp, -1L, 8, ret);
            Seg.setAccessed(c, csel, cd);
            Seg.cacheNull(c, X86Cpu.SS, newCpl);
            c.segAttr[X86Cpu.SS] = (newCpl << 5) | Seg.A_P | Seg.A_S | Seg.A_WRITE | Seg.A_DB;
            c.regs[X86Cpu.RSP] = sp;
            Seg.loadCs(c, csel, cd, newCpl);
            c.rip = target;
            return;
        }
        long ssEsp = Tss.stackFor(c, newCpl, 0);
        int ss = (int) (ssEsp >>> 32);
        long ssd = Seg.checkStack(c, ss, newCpl, X86Exception.TS, 0);
        long base = Seg.base(ssd), mask = (Seg.attr(ssd) & Seg.A_DB) != 0 ? 0xffffffffL : 0xffffL;
        long sp = ssEsp & 0xffffffffL;
        sp = StackOps.push(c, Seg.sys(c), base, sp, mask, size, c.segSel[X86Cpu.SS]);
        sp = StackOps.push(c, Seg.sys(c), base, sp, mask, size, oldSp & oldMask);
        for (int k = params - 1; k >= 0; k--) {
            long v = StackOps.read(c, c.mem, oldBase, (oldSp + (long) k * size) & oldMask, oldMask, size);
            sp = StackOps.push(c, Seg.sys(c), base, sp, mask, size, v);
        }
        sp = StackOps.push(c, Seg.sys(c), base, sp, mask, size, c.segSel[X86Cpu.CS]);
        sp = StackOps.push(c, Seg.sys(c), base, sp, mask, size, ret);
        Seg.setAccessed(c, ss, ssd);
        Seg.setAccessed(c, csel, cd);
        Seg.cache(c, X86Cpu.SS, ss, ssd);
        StackOps.setSp(c, sp, mask);
        Seg.loadCs(c, csel, cd, newCpl);
        c.rip = target;
    }

    // ---- RET ----

    public static void retf(X86Cpu c, int osize, int imm) {
        long mask = StackOps.mask(c.stackSize), base = c.segBase[X86Cpu.SS];
        long sp = c.regs[X86Cpu.RSP];
        long off = StackOps.read(c, c.mem, base, sp, mask, osize);
        int sel = (int) StackOps.read(c, c.mem, base, sp + osize, mask, osize) & 0xffff;
        long sp2 = (sp + 2L * osize + imm) & mask;
        if (!Modes.protectedMode(c)) {
            StackOps.setSp(c, sp2, mask);
            realCs(c, sel);
            c.rip = off & ipMask(osize);
            return;
        }
        int cpl = c.cpl, rpl = sel & 3;
        long d = returnCode(c, sel, cpl);
        boolean to64 = targets64(c, Seg.attr(d), sel & 0xfffc);
        if (!to64) off &= ipMask(osize);
        if (rpl == cpl) {
            Seg.checkLimit(off, d, to64);
            Seg.setAccessed(c, sel, d);
            StackOps.setSp(c, sp2, mask);
            Seg.loadCs(c, sel, d, cpl);
            c.rip = off;
            return;
        }
        long newSp = StackOps.read(c, c.mem, base, sp2, mask, osize);
        int ss = (int) StackOps.read(c, c.mem, base, sp2 + osize, mask, osize) & 0xffff;
        long ssd = outerStack(c, ss, rpl, to64);
        Seg.checkLimit(off, d, to64);
        Seg.setAccessed(c, sel, d);
        commitStack(c, ss, ssd, rpl);
        Seg.loadCs(c, sel, d, rpl);
        StackOps.setSp(c, newSp + imm, StackOps.mask(c.stackSize));
        c.rip = off;
        Seg.validateDataSegments(c);
    }

    // ---- IRET ----

    public static void iret(X86Cpu c, int osize) {
        long mask = StackOps.mask(c.stackSize), base = c.segBase[X86Cpu.SS];
        long sp = c.regs[X86Cpu.RSP];
        int iopl = (c.eflags >> 12) & 3;
        boolean pe = (c.cr0 & Modes.CR0_PE) != 0;
        if (pe && (c.eflags & Flags.VM) != 0 && iopl < 3) throw X86Exception.gp0();
        if (pe && (c.eflags & Flags.VM) == 0 && (c.eflags & Flags.NT) != 0) {
            if (lma(c)) throw X86Exception.gp0();
            TaskSwitch.iretTask(c);
            c.exitRequest = true;
            return;
        }
        long off = StackOps.read(c, c.mem, base, sp, mask, osize);
        int sel = (int) StackOps.read(c, c.mem, base, sp + osize, mask, osize) & 0xffff;
        int flags = (int) StackOps.read(c, c.mem, base, sp + 2L * osize, mask, osize);
        long sp2 = (sp + 3L * osize) & mask;
        int width = osize == 2 ? 0xffff : -1;
        c.exitRequest = true; // IF may become set: let the loop look at INTR
        if (!pe) {
            StackOps.setSp(c, sp2, mask);
            realCs(c, sel);
            c.setEflags(flags, width & ~(Flags.VM | Flags.RF | Flags.VIF | Flags.VIP) & 0x3f7fd5);
            c.rip = off & ipMask(osize);
            Modes.refresh(c);
            return;
        }
        if ((c.eflags & Flags.VM) != 0) {
            StackOps.setSp(c, sp2, mask);
            realCs(c, sel);
            c.setEflags(flags, width & ~(Flags.VM | Flags.RF | Flags.VIF | Flags.VIP | Flags.IOPL) & 0x3f7fd5);
            c.rip = off & ipMask(osize);
            return;
        }
        int cpl = c.cpl;
        if (osize == 4 && (flags & Flags.VM) != 0 && cpl == 0 && !lma(c)) {
            iretToV86(c, base, sp2, mask, off, sel, flags);
            return;
        }
        int rpl = sel & 3;
        long d = returnCode(c, sel, cpl);
        boolean to64 = targets64(c, Seg.attr(d), sel & 0xfffc);
        if (!to64) off &= ipMask(osize);
        int fmask = Flags.ARITH | Flags.TF | Flags.DF | Flags.NT | Flags.RF | Flags.AC | Flags.ID;
        if (cpl == 0) fmask |= Flags.IOPL | Flags.VIF | Flags.VIP;
        if (cpl <= iopl) fmask |= Flags.IF;
        fmask &= width;
        if (rpl == cpl && c.codeBits != 64) {
            Seg.checkLimit(off, d, to64);
            Seg.setAccessed(c, sel, d);
            StackOps.setSp(c, sp2, mask);
            c.setEflags(flags, fmask);
            Seg.loadCs(c, sel, d, cpl);
            c.rip = off;
            return;
        }
        long newSp = StackOps.read(c, c.mem, base, sp2, mask, osize);
        int ss = (int) StackOps.read(c, c.mem, base, sp2 + osize, mask, osize) & 0xffff;
        long ssd = outerStack(c, ss, rpl, to64);
        Seg.checkLimit(off, d, to64);
        Seg.setAccessed(c, sel, d);
        commitStack(c, ss, ssd, rpl);
        c.setEflags(flags, fmask);
        Seg.loadCs(c, sel, d, rpl);
        StackOps.setSp(c, newSp, StackOps.mask(c.stackSize));
        c.rip = off;
        if (rpl > cpl) Seg.validateDataSegments(c);
    }

    private static void iretToV86(X86Cpu c, long base, long sp, long mask, long off, int cs, int flags) {
        long esp = StackOps.read(c, c.mem, base, sp, mask, 4);
        int ss = (int) StackOps.read(c, c.mem, base, sp + 4, mask, 4) & 0xffff;
        int es = (int) StackOps.read(c, c.mem, base, sp + 8, mask, 4) & 0xffff;
        int ds = (int) StackOps.read(c, c.mem, base, sp + 12, mask, 4) & 0xffff;
        int fs = (int) StackOps.read(c, c.mem, base, sp + 16, mask, 4) & 0xffff;
        int gs = (int) StackOps.read(c, c.mem, base, sp + 20, mask, 4) & 0xffff;
        c.setEflags(flags, 0x3f7fd5);
        Seg.cacheReal(c, X86Cpu.CS, cs, 3);
        Seg.cacheReal(c, X86Cpu.SS, ss, 3);
        Seg.cacheReal(c, X86Cpu.ES, es, 3);
        Seg.cacheReal(c, X86Cpu.DS, ds, 3);
        Seg.cacheReal(c, X86Cpu.FS, fs, 3);
        Seg.cacheReal(c, X86Cpu.GS, gs, 3);
        c.regs[X86Cpu.RSP] = esp & 0xffffffffL;
        c.rip = off & 0xffff;
        Modes.refresh(c);
    }

    // ---- shared checks ----

    /** Real mode and v8086: CS base = selector * 16; limit and attributes stay. */
    private static void realCs(X86Cpu c, int sel) {
        c.segSel[X86Cpu.CS] = sel & 0xffff;
        c.segBase[X86Cpu.CS] = (long) (sel & 0xffff) << 4;
        Modes.refresh(c); // after MOV CR0 cleared PE, the far jump is what makes the code 16-bit again
    }

    private static void checkDirectCode(X86Cpu c, int a, int err, int rpl, int cpl) {
        if (!Seg.isCode(a)) throw X86Exception.fault(X86Exception.GP, err);
        int dpl = Seg.dpl(a);
        if ((a & Seg.A_CONFORM) != 0 ? dpl > cpl : (rpl > cpl || dpl != cpl))
            throw X86Exception.fault(X86Exception.GP, err);
        if ((a & Seg.A_P) == 0) throw X86Exception.fault(X86Exception.NP, err);
    }

    /** True if the code segment runs in 64-bit mode; L with D set is reserved (#GP). */
    private static boolean targets64(X86Cpu c, int a, int err) {
        if (!lma(c) || (a & Seg.A_L) == 0) return false;
        if ((a & Seg.A_DB) != 0) throw X86Exception.fault(X86Exception.GP, err);
        return true;
    }

    private static void gateChecks(X86Cpu c, int a, int err, int rpl, int cpl, long d) {
        if (lma(c) && (a & 0xf) != 12) throw X86Exception.fault(X86Exception.GP, err);
        int dpl = Seg.dpl(a);
        if (dpl < cpl || dpl < rpl) throw X86Exception.fault(X86Exception.GP, err);
        if ((a & Seg.A_P) == 0) throw X86Exception.fault(X86Exception.NP, err);
    }

    /** A call gate's {offset, code selector}; a long-mode gate is 16 bytes. */
    private static long[] gateTarget(X86Cpu c, int sel, long d, int type) {
        long off = (d & 0xffff) | ((d >>> 32) & 0xffff0000L);
        if (type == 4) off &= 0xffff;
        if (lma(c)) {
            long hi = Seg.readHigh(c, sel, X86Exception.GP, 0);
            if (((hi >>> 40) & 0x1f) != 0) throw X86Exception.fault(X86Exception.GP, sel & 0xfffc);
            off |= (hi & 0xffffffffL) << 32;
        }
        return new long[] {off, (d >>> 16) & 0xffff};
    }

    private static long gateCode(X86Cpu c, int csel) {
        if ((csel & 0xfffc) == 0) throw X86Exception.gp0();
        long cd = Seg.read(c, csel, X86Exception.GP, 0);
        int ca = Seg.attr(cd);
        if (!Seg.isCode(ca)) throw X86Exception.fault(X86Exception.GP, csel & 0xfffc);
        if (lma(c) && ((ca & Seg.A_L) == 0 || (ca & Seg.A_DB) != 0))
            throw X86Exception.fault(X86Exception.GP, csel & 0xfffc);
        return cd;
    }

    /** The code segment a RET/IRET returns to: checks against the current CPL and the selector's RPL. */
    private static long returnCode(X86Cpu c, int sel, int cpl) {
        if ((sel & 0xfffc) == 0) throw X86Exception.gp0();
        int err = sel & 0xfffc, rpl = sel & 3;
        long d = Seg.read(c, sel, X86Exception.GP, 0);
        int a = Seg.attr(d);
        if (!Seg.isCode(a) || rpl < cpl) throw X86Exception.fault(X86Exception.GP, err);
        if ((a & Seg.A_CONFORM) != 0 ? Seg.dpl(a) > rpl : Seg.dpl(a) != rpl)
            throw X86Exception.fault(X86Exception.GP, err);
        if ((a & Seg.A_P) == 0) throw X86Exception.fault(X86Exception.NP, err);
        return d;
    }

    /** The stack popped by a return to an outer level (or by IRETQ): a null SS is allowed into 64-bit code below ring 3. */
    private static long outerStack(X86Cpu c, int ss, int rpl, boolean to64) {
        if ((ss & 0xfffc) == 0 && to64 && rpl != 3) return 0;
        return Seg.checkStack(c, ss, rpl, X86Exception.GP, 0);
    }

    private static void commitStack(X86Cpu c, int ss, long ssd, int rpl) {
        if (ssd == 0) {
            Seg.cacheNull(c, X86Cpu.SS, ss);
            c.segAttr[X86Cpu.SS] = (rpl << 5) | Seg.A_P | Seg.A_S | Seg.A_WRITE | Seg.A_DB;
            return;
        }
        Seg.setAccessed(c, ss, ssd);
        Seg.cache(c, X86Cpu.SS, ss, ssd);
    }

    private static void taskTarget(X86Cpu c, int sel, int a, int dpl, int rpl, int cpl, int how, long ret) {
        int err = sel & 0xfffc;
        if (dpl < cpl || dpl < rpl) throw X86Exception.fault(X86Exception.GP, err);
        if ((a & Seg.A_P) == 0) throw X86Exception.fault(X86Exception.NP, err);
        if ((a & 0xf) == 5) {
            long d = Seg.read(c, sel, X86Exception.GP, 0);
            TaskSwitch.switchTask(c, (int) (d >>> 16) & 0xffff, how, 0, ret);
        } else {
            TaskSwitch.switchTask(c, sel, how, 0, ret);
        }
    }
}
