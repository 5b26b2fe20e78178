package dev.jemu.target.x86.system;

import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * Delivers exceptions, software interrupts and external interrupts through the IVT (real mode), the IDT
 * (protected mode: interrupt, trap and task gates, 16/32-bit, privilege change with the TSS stack, v8086) and
 * the long-mode IDT (64-bit gates, IST). A fault during delivery is delivered in turn, or becomes #DF when
 * both are contributory or a #PF meets a contributory fault/#PF (SDM table 6-5); a fault while delivering #DF
 * throws {@link TripleFault}.
 *
 * <p>On entry RIP is the return address the handler must see: the faulting instruction for faults (the
 * execution loop rewinds it), the next instruction for traps and external interrupts.
 */
public final class Interrupts {
    private Interrupts() {}

    /** Kinds of events: software INT n/INT3/INTO (gate DPL checked), exceptions, external interrupts/NMI. */
    static final int SOFT = 0, EXCEPTION = 1, EXTERNAL = 2, ICEBP = 3;

    /** Delivers a guest exception or software interrupt thrown by the interpreter (vectors 0-255). */
    public static void deliver(X86Cpu c, X86Exception e) {
        if (e.vector > 0xff) throw new IllegalArgumentException("not a guest event: " + e.vector);
        if (e.vector == X86Exception.PF) c.cr2 = e.address;
        int kind = e.trap && e.vector != X86Exception.DB ? SOFT : EXCEPTION;
        if (e.trap && e.vector == X86Exception.DB) kind = EXCEPTION; // a #DB trap (single step) is not software
        event(c, e.vector, kind, e.errorCode, e.hasErrorCode);
    }

    /** Delivers an external (maskable) interrupt: the caller checked IF and the shadow and acknowledged it. */
    public static void deliverExternal(X86Cpu c, int vector) {
        c.halted = false;
        event(c, vector & 0xff, EXTERNAL, 0, false);
    }

    public static void deliverNmi(X86Cpu c) {
        c.halted = false;
        event(c, X86Exception.NMI, EXTERNAL, 0, false);
    }

    /** INT1 / ICEBP (F1): a #DB trap without the gate's DPL check; RIP is already past the instruction. */
    public static void icebp(X86Cpu c) {
        event(c, X86Exception.DB, ICEBP, 0, false);
    }

    private static boolean contributory(int v) {
        return v == X86Exception.DE || (v >= X86Exception.TS && v <= X86Exception.GP);
    }

    private static void event(X86Cpu c, int vector, int kind, int err, boolean hasErr) {
        for (;;) {
            try {
                dispatch(c, vector, kind, err, hasErr);
                c.halted = false;
                return;
            } catch (X86Exception f) {
                if (f.vector > 0xff) throw f;
                if (f.vector == X86Exception.PF) c.cr2 = f.address;
                if (kind == EXCEPTION && vector == X86Exception.DF) throw new TripleFault("triple fault");
                if (kind == SOFT) c.rip = softInsnStart(c, vector); // the fault reports the INT instruction
                boolean first = kind == EXCEPTION;
                if (first && ((contributory(vector) && contributory(f.vector))
                        || (vector == X86Exception.PF && (contributory(f.vector) || f.vector == X86Exception.PF)))) {
                    vector = X86Exception.DF;
                    err = 0;
                    hasErr = true;
                } else {
                    vector = f.vector;
                    err = f.errorCode;
                    hasErr = f.hasErrorCode;
                }
                kind = EXCEPTION;
            }
        }
    }

    /** Start of the INT n (CD ib), INT3 (CC) or INTO (CE) that raised a software interrupt whose RIP is past it. */
    private static long softInsnStart(X86Cpu c, long vector) {
        long rip = c.rip;
        try {
            int b1 = c.mem.read8(c.linear(X86Cpu.CS, rip - 1, c.codeBits / 8));
            int b2 = c.mem.read8(c.linear(X86Cpu.CS, rip - 2, c.codeBits / 8));
            if (b2 == 0xcd && b1 == vector) return rip - 2;
        } catch (X86Exception ignored) {
            // the bytes were readable a moment ago; keep RIP
        }
        return rip - 1;
    }

    /** True if a software interrupt came from INT n (CD), which v8086 mode checks against IOPL. */
    private static boolean isIntN(X86Cpu c, int vector) {
        return softInsnStart(c, vector) == c.rip - 2;
    }

    private static void dispatch(X86Cpu c, int vector, int kind, int err, boolean hasErr) {
        if ((c.cr0 & Modes.CR0_PE) == 0) real(c, vector);
        else if ((c.efer & Modes.EFER_LMA) != 0) long64(c, vector, kind, err, hasErr);
        else prot(c, vector, kind, err, hasErr);
    }

    // ---- real mode ----

    private static void real(X86Cpu c, int vector) {
        int off = vector * 4;
        if (off + 3 > c.idtLimit) throw X86Exception.fault(X86Exception.GP, vector * 8 + 2);
        long a = (c.idtBase + off) & 0xffffffffL;
        int ip = c.mem.read16(a), cs = c.mem.read16(a + 2);
        long mask = StackOps.mask(c.stackSize), base = c.segBase[X86Cpu.SS];
        long sp = c.regs[X86Cpu.RSP];
        SoftMmu m = c.mem;
        sp = StackOps.push(c, m, base, sp, mask, 2, c.getEflags());
        sp = StackOps.push(c, m, base, sp, mask, 2, c.segSel[X86Cpu.CS]);
        sp = StackOps.push(c, m, base, sp, mask, 2, c.rip);
        StackOps.setSp(c, sp, mask);
        c.setEflags(0, Flags.IF | Flags.TF | Flags.AC | Flags.RF);
        c.segSel[X86Cpu.CS] = cs;
        c.segBase[X86Cpu.CS] = (long) cs << 4;
        c.rip = ip;
    }

    // ---- protected mode ----

    private static void prot(X86Cpu c, int vector, int kind, int err, boolean hasErr) {
        int ext = kind == SOFT ? 0 : 1;
        boolean vm = (c.eflags & Flags.VM) != 0;
        if (vm && kind == SOFT && ((c.eflags >> 12) & 3) < 3 && isIntN(c, vector)) throw X86Exception.gp0();
        int off = vector * 8;
        int idtErr = off + 2 + ext;
        if (off + 7 > c.idtLimit) throw X86Exception.fault(X86Exception.GP, idtErr);
        long g = Seg.sys(c).read64((c.idtBase + off) & 0xffffffffL);
        int type = (int) (g >>> 40) & 0x1f;
        int gdpl = (int) (g >>> 45) & 3;
        if (type != 5 && type != 6 && type != 7 && type != 14 && type != 15)
            throw X86Exception.fault(X86Exception.GP, idtErr);
        if (kind == SOFT && gdpl < c.cpl) throw X86Exception.fault(X86Exception.GP, off + 2);
        if ((g & (1L << 47)) == 0) throw X86Exception.fault(X86Exception.NP, idtErr);
        int sel = (int) (g >>> 16) & 0xffff;
        if (type == 5) {
            // the error code goes on the new task's stack (unless the new task faulted while being loaded)
            if (TaskSwitch.switchTask(c, sel, TaskSwitch.INT, ext, c.rip) && hasErr) c.push(Tss.is32(c) ? 4 : 2, err);
            return;
        }
        boolean gate32 = type >= 14;
        long offset = (g & 0xffff) | ((g >>> 32) & 0xffff0000L);
        if (!gate32) offset &= 0xffff;
        if ((sel & 0xfffc) == 0) throw X86Exception.fault(X86Exception.GP, ext);
        long d = Seg.read(c, sel, X86Exception.GP, ext);
        int a = Seg.attr(d);
        int cpl = c.cpl;
        if (!Seg.isCode(a) || Seg.dpl(a) > cpl) throw X86Exception.fault(X86Exception.GP, (sel & 0xfffc) | ext);
        if ((a & Seg.A_P) == 0) throw X86Exception.fault(X86Exception.NP, (sel & 0xfffc) | ext);
        int newCpl;
        boolean inner = (a & Seg.A_CONFORM) == 0 && Seg.dpl(a) < cpl;
        if (inner) {
            newCpl = Seg.dpl(a);
            if (vm && newCpl != 0) throw X86Exception.fault(X86Exception.GP, (sel & 0xfffc) | ext);
        } else {
            if (vm) throw X86Exception.fault(X86Exception.GP, (sel & 0xfffc) | ext);
            newCpl = cpl;
        }
        Seg.checkLimit(offset, d, false);
        int size = gate32 ? 4 : 2;
        SoftMmu m = newCpl == 3 ? c.mem : Seg.sys(c);
        long ssBase, sp, mask;
        int ss = 0;
        long ssd = 0;
        if (inner) {
            long ssEsp = Tss.stackFor(c, newCpl, ext);
            ss = (int) (ssEsp >>> 32);
            ssd = Seg.checkStack(c, ss, newCpl, X86Exception.TS, ext);
            ssBase = Seg.base(ssd);
            mask = (Seg.attr(ssd) & Seg.A_DB) != 0 ? 0xffffffffL : 0xffffL;
            sp = ssEsp & 0xffffffffL;
            if (vm) {
                sp = StackOps.push(c, m, ssBase, sp, mask, size, c.segSel[X86Cpu.GS]);
                sp = StackOps.push(c, m, ssBase, sp, mask, size, c.segSel[X86Cpu.FS]);
                sp = StackOps.push(c, m, ssBase, sp, mask, size, c.segSel[X86Cpu.DS]);
                sp = StackOps.push(c, m, ssBase, sp, mask, size, c.segSel[X86Cpu.ES]);
            }
            sp = StackOps.push(c, m, ssBase, sp, mask, size, c.segSel[X86Cpu.SS]);
            sp = StackOps.push(c, m, ssBase, sp, mask, size, c.regs[X86Cpu.RSP]);
        } else {
            ssBase = c.segBase[X86Cpu.SS];
            mask = StackOps.mask(c.stackSize);
            sp = c.regs[X86Cpu.RSP];
        }
        sp = StackOps.push(c, m, ssBase, sp, mask, size, c.getEflags());
        sp = StackOps.push(c, m, ssBase, sp, mask, size, c.segSel[X86Cpu.CS]);
        sp = StackOps.push(c, m, ssBase, sp, mask, size, c.rip);
        if (hasErr) sp = StackOps.push(c, m, ssBase, sp, mask, size, err);
        Seg.setAccessed(c, sel, d);
        // commit
        if (inner) {
            if (vm) {
                Seg.cacheNull(c, X86Cpu.ES, 0);
                Seg.cacheNull(c, X86Cpu.DS, 0);
                Seg.cacheNull(c, X86Cpu.FS, 0);
                Seg.cacheNull(c, X86Cpu.GS, 0);
            }
            Seg.setAccessed(c, ss, ssd);
            Seg.cache(c, X86Cpu.SS, ss, ssd);
        }
        StackOps.setSp(c, sp, mask);
        int clear = Flags.TF | Flags.VM | Flags.RF | Flags.NT | ((type & 1) == 0 ? Flags.IF : 0);
        c.setEflags(0, clear);
        Seg.loadCs(c, sel, d, newCpl);
        c.rip = offset;
    }

    // ---- long mode ----

    private static void long64(X86Cpu c, int vector, int kind, int err, boolean hasErr) {
        int ext = kind == SOFT ? 0 : 1;
        int off = vector * 16;
        int idtErr = vector * 8 + 2 + ext;
        if (off + 15 > c.idtLimit) throw X86Exception.fault(X86Exception.GP, idtErr);
        long g = Seg.sys(c).read64(c.idtBase + off), g2 = Seg.sys(c).read64(c.idtBase + off + 8);
        int type = (int) (g >>> 40) & 0x1f;
        int gdpl = (int) (g >>> 45) & 3;
        if (type != 14 && type != 15) throw X86Exception.fault(X86Exception.GP, idtErr);
        if (kind == SOFT && gdpl < c.cpl) throw X86Exception.fault(X86Exception.GP, vector * 8 + 2);
        if ((g & (1L << 47)) == 0) throw X86Exception.fault(X86Exception.NP, idtErr);
        int sel = (int) (g >>> 16) & 0xffff;
        int ist = (int) (g >>> 32) & 7;
        long offset = (g & 0xffff) | ((g >>> 32) & 0xffff0000L) | (g2 << 32);
        if ((sel & 0xfffc) == 0) throw X86Exception.fault(X86Exception.GP, ext);
        long d = Seg.read(c, sel, X86Exception.GP, ext);
        int a = Seg.attr(d);
        int cpl = c.cpl;
        if (!Seg.isCode(a) || Seg.dpl(a) > cpl || (a & Seg.A_L) == 0 || (a & Seg.A_DB) != 0)
            throw X86Exception.fault(X86Exception.GP, (sel & 0xfffc) | ext);
        if ((a & Seg.A_P) == 0) throw X86Exception.fault(X86Exception.NP, (sel & 0xfffc) | ext);
        boolean inner = (a & Seg.A_CONFORM) == 0 && Seg.dpl(a) < cpl;
        int newCpl = inner ? Seg.dpl(a) : cpl;
        long sp;
        if (ist != 0) sp = Tss.stack64(c, 0, ist, ext);
        else if (inner) sp = Tss.stack64(c, newCpl, 0, ext);
        else sp = c.codeBits == 64 ? c.regs[X86Cpu.RSP] : c.regs[X86Cpu.RSP] & 0xffffffffL;
        sp &= ~0xfL;
        SoftMmu m = newCpl == 3 ? c.mem : Seg.sys(c);
        sp = StackOps.push(c, m, 0, sp, -1L, 8, c.segSel[X86Cpu.SS]);
        sp = StackOps.push(c, m, 0, sp, -1L, 8, c.regs[X86Cpu.RSP]);
        sp = StackOps.push(c, m, 0, sp, -1L, 8, c.getEflags());
        sp = StackOps.push(c, m, 0, sp, -1L, 8, c.segSel[X86Cpu.CS]);
        sp = StackOps.push(c, m, 0, sp, -1L, 8, c.rip);
        if (hasErr) sp = StackOps.push(c, m, 0, sp, -1L, 8, err & 0xffffffffL);
        Seg.setAccessed(c, sel, d);
        if (inner) {
            // SS becomes a null selector with RPL = the new CPL
            Seg.cacheNull(c, X86Cpu.SS, newCpl);
            c.segAttr[X86Cpu.SS] = (newCpl << 5) | Seg.A_P | Seg.A_S | Seg.A_WRITE | Seg.A_DB;
        }
        c.regs[X86Cpu.RSP] = sp;
        int clear = Flags.TF | Flags.VM | Flags.RF | Flags.NT | ((type & 1) == 0 ? Flags.IF : 0);
        c.setEflags(0, clear);
        Seg.loadCs(c, sel, d, newCpl);
        c.rip = offset;
    }
}
