package dev.jemu.target.x86.system;

import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.ops.ControlRegs;

/**
 * Hardware task switches (SDM vol. 3 §7.3): JMP/CALL to a TSS descriptor or a task gate, INT n, exceptions and
 * external interrupts through a task gate in the IDT, and IRET with EFLAGS.NT (back to the task linked in the
 * current TSS). 16- and 32-bit TSS formats; busy bits as the SDM says (JMP and IRET free the old task, JMP,
 * CALL and INT mark the new one, IRET finds it marked); CALL and INT set NT and the back link.
 *
 * <p>Faults found before the commit point (the new TSS selector, its descriptor, reading the new TSS, saving
 * into the old one) leave the old task as it was. From the commit on, faults (LDT, segment registers, the
 * EIP limit) belong to the new task: they are delivered here, with the new task's CS:EIP on the handler's
 * stack (SDM table 7-1), and the switch returns {@code false}.
 */
public final class TaskSwitch {
    private TaskSwitch() {}

    public static final int JMP = 0, CALL = 1, INT = 2, IRET = 3;

    /** EFLAGS bits a task switch loads from the TSS (every defined bit but the reserved 1). */
    private static final int EFLAGS_ALL = 0x3f7fd5;

    /**
     * Switches to the task whose TSS selector is {@code sel} (for a task gate: the selector the gate holds).
     * {@code ret} is the EIP saved in the old task. Returns false if a fault of the new task was delivered.
     */
    static boolean switchTask(X86Cpu c, int sel, int how, int ext, long ret) {
        SoftMmu m = Seg.sys(c);
        int err = (sel & 0xfffc) | ext;
        int badVector = how == IRET ? X86Exception.TS : X86Exception.GP;
        if ((sel & 4) != 0) throw X86Exception.fault(badVector, err);
        long addr = Seg.address(c, sel, 8);
        if (addr == Seg.BEYOND_LIMIT) throw X86Exception.fault(badVector, err);
        long d = m.read64(addr);
        int a = Seg.attr(d), type = Seg.systemType(a);
        boolean typeOk = how == IRET ? type == 3 || type == 11 : type == 1 || type == 9;
        if (!typeOk) throw X86Exception.fault(badVector, err);
        if ((a & Seg.A_P) == 0) throw X86Exception.fault(X86Exception.NP, err);
        boolean new32 = (type & 8) != 0;
        long base = Seg.base(d);
        int limit = Seg.limit(d);
        if (Integer.compareUnsigned(limit, new32 ? 0x67 : 0x2b) < 0) throw X86Exception.fault(X86Exception.TS, err);

        // read the whole new state first (page faults here leave the old task untouched)
        long[] regs = new long[8];
        int[] segs = new int[6];
        long eip, cr3 = 0;
        int eflags, ldt;
        if (new32) {
            cr3 = m.read32(lin(c, base + 0x1c)) & 0xffffffffL;
            eip = m.read32(lin(c, base + 0x20)) & 0xffffffffL;
            eflags = m.read32(lin(c, base + 0x24));
            for (int r = 0; r < 8; r++) regs[r] = m.read32(lin(c, base + 0x28 + 4 * r)) & 0xffffffffL;
            for (int s = 0; s < 6; s++) segs[s] = m.read16(lin(c, base + 0x48 + 4 * s));
            ldt = m.read16(lin(c, base + 0x60));
        } else {
            eip = m.read16(lin(c, base + 0x0e));
            eflags = m.read16(lin(c, base + 0x10));
            for (int r = 0; r < 8; r++) regs[r] = m.read16(lin(c, base + 0x12 + 2 * r));
            for (int s = 0; s < 4; s++) segs[s] = m.read16(lin(c, base + 0x22 + 2 * s));
            ldt = m.read16(lin(c, base + 0x2a));
        }

        // save the old task (its busy bit is freed by JMP and IRET; NT is cleared in the image IRET saves)
        int oldFlags = c.getEflags();
        if (how == IRET) oldFlags &= ~Flags.NT;
        long ob = c.trBase;
        if (Tss.is32(c)) {
            m.write32(lin(c, ob + 0x20), (int) ret);
            m.write32(lin(c, ob + 0x24), oldFlags);
            for (int r = 0; r < 8; r++) m.write32(lin(c, ob + 0x28 + 4 * r), (int) c.regs[r]);
            for (int s = 0; s < 6; s++) m.write16(lin(c, ob + 0x48 + 4 * s), c.segSel[s]);
        } else {
            m.write16(lin(c, ob + 0x0e), (int) ret);
            m.write16(lin(c, ob + 0x10), oldFlags);
            for (int r = 0; r < 8; r++) m.write16(lin(c, ob + 0x12 + 2 * r), (int) c.regs[r]);
            for (int s = 0; s < 4; s++) m.write16(lin(c, ob + 0x22 + 2 * s), c.segSel[s]);
        }
        if (how == JMP || how == IRET) setBusy(c, c.trSel, false);
        if (how == CALL || how == INT) {
            m.write16(lin(c, base), c.trSel);
            eflags |= Flags.NT;
        }
        if (how != IRET) setBusy(c, sel, true);

        // commit: from here on, faults are the new task's
        if ((c.cr0 & Paging.CR0_TS) == 0) {
            c.cr0 |= Paging.CR0_TS;
            FpuGate.changed(c);
        }
        c.trSel = sel & 0xffff;
        c.trBase = base;
        c.trLimit = limit;
        c.trAttr = a | 2;
        c.dr[7] &= ~0x155L; // local breakpoints belong to the old task
        c.exitRequest = true; // IF may have become set
        try {
            if (new32 && (c.cr0 & Paging.CR0_PG) != 0 && cr3 != c.cr3) ControlRegs.writeCr3(c, cr3);
            c.rip = eip;
            if (new32) {
                c.setEflags(eflags, EFLAGS_ALL);
                System.arraycopy(regs, 0, c.regs, 0, 8);
            } else {
                c.setEflags(eflags, 0xffff & EFLAGS_ALL);
                for (int r = 0; r < 8; r++) c.regs[r] = (c.regs[r] & 0xffff0000L) | regs[r];
            }
            boolean vm = new32 && (eflags & Flags.VM) != 0;
            // the selectors first, with empty caches: the loads below may fault in the new task
            for (int s = 0; s < 6; s++) {
                if (vm) Seg.cacheReal(c, s, segs[s], 3);
                else Seg.cacheNull(c, s, segs[s]);
            }
            int cpl = vm ? 3 : segs[X86Cpu.CS] & 3;
            Seg.setCpl(c, cpl);
            c.ldtrSel = ldt & 0xffff;
            c.ldtrBase = 0;
            c.ldtrLimit = 0;
            c.ldtrAttr = 0;
            Modes.refresh(c);
            loadLdt(c, ldt, ext);
            if (!vm) {
                loadSeg(c, X86Cpu.CS, segs[X86Cpu.CS], cpl, ext);
                loadSeg(c, X86Cpu.SS, segs[X86Cpu.SS], cpl, ext);
                loadSeg(c, X86Cpu.ES, segs[X86Cpu.ES], cpl, ext);
                loadSeg(c, X86Cpu.DS, segs[X86Cpu.DS], cpl, ext);
                loadSeg(c, X86Cpu.FS, segs[X86Cpu.FS], cpl, ext);
                loadSeg(c, X86Cpu.GS, segs[X86Cpu.GS], cpl, ext);
            }
            Modes.refresh(c);
            if (Long.compareUnsigned(eip, Integer.toUnsignedLong(c.segLimit[X86Cpu.CS])) > 0) throw X86Exception.gp0();
            return true;
        } catch (X86Exception f) {
            if (f.vector > 0xff) throw f;
            Modes.refresh(c);
            Interrupts.deliver(c, f);
            return false;
        }
    }

    /** IRET with NT set: returns to the task linked in the current TSS (which must be a busy TSS: else #TS). */
    static void iretTask(X86Cpu c) {
        int link = Seg.sys(c).read16(lin(c, c.trBase));
        switchTask(c, link, IRET, 0, c.rip);
    }

    private static long lin(X86Cpu c, long a) {
        return a & 0xffffffffL;
    }

    private static void setBusy(X86Cpu c, int sel, boolean busy) {
        long addr = Seg.address(c, sel, 8);
        if (addr == Seg.BEYOND_LIMIT || (sel & 4) != 0) return; // no valid current task (TR never loaded)
        SoftMmu m = Seg.sys(c);
        int hi = m.read32(addr + 4);
        m.write32(addr + 4, busy ? hi | 0x200 : hi & ~0x200);
    }

    /** The new task's LDT: a present LDT descriptor in the GDT, or null; anything else is #TS(LDT selector). */
    private static void loadLdt(X86Cpu c, int ldt, int ext) {
        int err = (ldt & 0xfffc) | ext;
        if ((ldt & 4) != 0) throw X86Exception.fault(X86Exception.TS, err);
        if ((ldt & 0xfffc) == 0) return;
        long addr = Seg.address(c, ldt, 8);
        if (addr == Seg.BEYOND_LIMIT) throw X86Exception.fault(X86Exception.TS, err);
        long d = Seg.sys(c).read64(addr);
        int a = Seg.attr(d);
        if (Seg.systemType(a) != 2 || (a & Seg.A_P) == 0) throw X86Exception.fault(X86Exception.TS, err);
        c.ldtrBase = Seg.base(d);
        c.ldtrLimit = Seg.limit(d);
        c.ldtrAttr = a;
    }

    /** A segment register of the new task, with the checks of SDM table 7-1. */
    private static void loadSeg(X86Cpu c, int seg, int sel, int cpl, int ext) {
        int err = (sel & 0xfffc) | ext;
        if ((sel & 0xfffc) == 0) {
            if (seg == X86Cpu.CS || seg == X86Cpu.SS) throw X86Exception.fault(X86Exception.TS, err);
            return;
        }
        long addr = Seg.address(c, sel, 8);
        if (addr == Seg.BEYOND_LIMIT) throw X86Exception.fault(X86Exception.TS, err);
        long d = Seg.sys(c).read64(addr);
        int a = Seg.attr(d), dpl = Seg.dpl(a), rpl = sel & 3;
        if ((a & Seg.A_S) == 0) throw X86Exception.fault(X86Exception.TS, err);
        int notPresent = X86Exception.NP;
        if (seg == X86Cpu.CS) {
            if (!Seg.isCode(a)) throw X86Exception.fault(X86Exception.TS, err);
            if ((a & Seg.A_CONFORM) != 0 ? dpl > rpl : dpl != rpl) throw X86Exception.fault(X86Exception.TS, err);
        } else if (seg == X86Cpu.SS) {
            if (!Seg.isData(a) || (a & Seg.A_WRITE) == 0 || dpl != cpl || rpl != cpl)
                throw X86Exception.fault(X86Exception.TS, err);
            notPresent = X86Exception.SS;
        } else {
            if (Seg.isCode(a) && (a & Seg.A_WRITE) == 0) throw X86Exception.fault(X86Exception.TS, err);
            if ((Seg.isData(a) || (a & Seg.A_CONFORM) == 0) && (dpl < cpl || dpl < rpl))
                throw X86Exception.fault(X86Exception.TS, err);
        }
        if ((a & Seg.A_P) == 0) throw X86Exception.fault(notPresent, err);
        Seg.setAccessed(c, sel, d);
        Seg.cache(c, seg, sel, d);
    }
}
