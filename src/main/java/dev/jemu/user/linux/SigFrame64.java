package dev.jemu.user.linux;

import dev.jemu.target.x86.X86Cpu;

/**
 * The x86-64 signal frame (arch/x86/kernel/signal_64.c): {@code struct rt_sigframe} = return address (the
 * SA_RESTORER trampoline), {@code ucontext} (uc_mcontext in the kernel's {@code struct sigcontext} layout) and
 * siginfo, below the 512-byte FXSAVE area that uc_mcontext.fpstate points to. rt_sigreturn reads it back.
 */
final class SigFrame64 {
    private SigFrame64() {}

    static final int REDZONE = 128;
    // struct rt_sigframe
    static final int UC = 8, INFO = 8 + 304, SIZE = 8 + 304 + 128;
    // struct ucontext (kernel)
    static final int UC_FLAGS = 0, UC_LINK = 8, UC_STACK = 16, UC_MCONTEXT = 40, UC_SIGMASK = 296;
    // struct sigcontext (64-bit)
    static final int SC_R8 = 0, SC_RDI = 64, SC_RSI = 72, SC_RBP = 80, SC_RBX = 88, SC_RDX = 96, SC_RAX = 104,
            SC_RCX = 112, SC_RSP = 120, SC_RIP = 128, SC_EFLAGS = 136, SC_CS = 144, SC_GS = 146, SC_FS = 148,
            SC_SS = 150, SC_ERR = 152, SC_TRAPNO = 160, SC_OLDMASK = 168, SC_CR2 = 176, SC_FPSTATE = 184;
    static final long UC_SIGCONTEXT_SS = 2, UC_STRICT_RESTORE_SS = 4;
    /** EFLAGS bits a signal frame may change (the kernel's FIX_EFLAGS). */
    static final int FIX_EFLAGS = 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | 0x10000;
    static final int EFLAGS_TF = 0x100, EFLAGS_DF = 0x400, EFLAGS_RF = 0x10000;

    /** Builds the frame and enters the handler; false if the stack cannot hold it (the caller kills). */
    static boolean setup(LinuxThread t, SigInfo si, long handler, long flags, long restorer, long oldMask) {
        X86Cpu c = t.cpu;
        GuestMemory m = t.proc.mem;
        long[] r = c.regs;
        long rsp = r[X86Cpu.RSP];
        long sp = rsp - REDZONE;
        boolean onAlt = false;
        if ((flags & Signals.SA_ONSTACK) != 0 && t.altSize != 0 && !t.onAltStack(rsp)) {
            sp = t.altSp + t.altSize;
            onAlt = true;
        } else if (t.onAltStack(rsp)) {
            onAlt = true;
        }
        if ((flags & Signals.SA_RESTORER) == 0) return false; // the kernel refuses too (no vDSO fallback)
        long fx = (sp - FpuImage.SIZE) & ~63L;
        long frame = ((fx - SIZE) & ~15L) - 8;
        if (onAlt && !(frame > t.altSp && frame - t.altSp <= t.altSize)) return false; // alternate stack overflow
        try {
            FpuImage.save(c, m, fx, true);
            m.write(frame, new byte[SIZE]);
            m.writeLong(frame, restorer);
            long uc = frame + UC;
            m.writeLong(uc + UC_FLAGS, UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
            m.writeLong(uc + UC_LINK, 0);
            writeStack(t, m, uc + UC_STACK, rsp);
            long sc = uc + UC_MCONTEXT;
            for (int k = 0; k < 8; k++) m.writeLong(sc + SC_R8 + 8L * k, r[8 + k]);
            m.writeLong(sc + SC_RDI, r[X86Cpu.RDI]);
            m.writeLong(sc + SC_RSI, r[X86Cpu.RSI]);
            m.writeLong(sc + SC_RBP, r[X86Cpu.RBP]);
            m.writeLong(sc + SC_RBX, r[X86Cpu.RBX]);
            m.writeLong(sc + SC_RDX, r[X86Cpu.RDX]);
            m.writeLong(sc + SC_RAX, r[X86Cpu.RAX]);
            m.writeLong(sc + SC_RCX, r[X86Cpu.RCX]);
            m.writeLong(sc + SC_RSP, rsp);
            m.writeLong(sc + SC_RIP, c.rip);
            m.writeLong(sc + SC_EFLAGS, c.getEflags() & 0xffffffffL);
            m.writeShort(sc + SC_CS, c.segSel[X86Cpu.CS]);
            m.writeShort(sc + SC_SS, c.segSel[X86Cpu.SS]);
            m.writeLong(sc + SC_ERR, si.kind == SigInfo.FAULT ? si.errorCode : 0);
            m.writeLong(sc + SC_TRAPNO, si.kind == SigInfo.FAULT ? si.trapNo : 0);
            m.writeLong(sc + SC_OLDMASK, oldMask);
            m.writeLong(sc + SC_CR2, si.kind == SigInfo.FAULT && si.trapNo == 14 ? si.addr : 0);
            m.writeLong(sc + SC_FPSTATE, fx);
            m.writeLong(uc + UC_SIGMASK, oldMask);
            si.write(m, frame + INFO, true);
        } catch (GuestMemory.Fault f) {
            return false;
        }
        if (onAlt && (t.altFlags & SignalCalls.SS_AUTODISARM) != 0) {
            t.altSp = 0;
            t.altSize = 0;
            t.altFlags = SignalCalls.SS_DISABLE;
        }
        r[X86Cpu.RDI] = si.signo;
        r[X86Cpu.RSI] = frame + INFO;
        r[X86Cpu.RDX] = frame + UC;
        r[X86Cpu.RAX] = 0;
        r[X86Cpu.RSP] = frame;
        c.rip = handler;
        c.setEflags(0, EFLAGS_DF | EFLAGS_TF | EFLAGS_RF);
        c.segSel[X86Cpu.CS] = 0x33;
        c.segSel[X86Cpu.SS] = 0x2b;
        FpuImage.resetForHandler(c);
        return true;
    }

    /** uc_stack: the alternate stack as it was, and whether the interrupted code ran on it. */
    static void writeStack(LinuxThread t, GuestMemory m, long a, long sp) {
        m.writeLong(a, t.altSp);
        m.writeInt(a + 8, SignalCalls.stackFlags(t, sp));
        m.writeLong(a + 16, t.altSize);
    }

    /** rt_sigreturn: restores what the frame at RSP-8 saved (registers, mask, FPU, alternate stack). */
    static long sigreturn(LinuxThread t) {
        X86Cpu c = t.cpu;
        GuestMemory m = t.proc.mem;
        long[] r = c.regs;
        long frame = r[X86Cpu.RSP] - 8;
        try {
            long uc = frame + UC;
            long sc = uc + UC_MCONTEXT;
            long mask = m.readLong(uc + UC_SIGMASK);
            long[] nr = new long[16];
            for (int k = 0; k < 8; k++) nr[8 + k] = m.readLong(sc + SC_R8 + 8L * k);
            nr[X86Cpu.RDI] = m.readLong(sc + SC_RDI);
            nr[X86Cpu.RSI] = m.readLong(sc + SC_RSI);
            nr[X86Cpu.RBP] = m.readLong(sc + SC_RBP);
            nr[X86Cpu.RBX] = m.readLong(sc + SC_RBX);
            nr[X86Cpu.RDX] = m.readLong(sc + SC_RDX);
            nr[X86Cpu.RAX] = m.readLong(sc + SC_RAX);
            nr[X86Cpu.RCX] = m.readLong(sc + SC_RCX);
            nr[X86Cpu.RSP] = m.readLong(sc + SC_RSP);
            long rip = m.readLong(sc + SC_RIP);
            int fl = (int) m.readLong(sc + SC_EFLAGS);
            long fp = m.readLong(sc + SC_FPSTATE);
            long ssp = m.readLong(uc + UC_STACK);
            int sflags = m.readInt(uc + UC_STACK + 8);
            long ssize = m.readLong(uc + UC_STACK + 16);
            if (fp != 0) FpuImage.restore(c, m, fp, true);
            else FpuImage.resetForHandler(c);
            System.arraycopy(nr, 0, r, 0, 16);
            c.rip = rip;
            c.setEflags(fl, FIX_EFLAGS);
            c.segSel[X86Cpu.CS] = 0x33;
            c.segSel[X86Cpu.SS] = 0x2b;
            SignalCalls.setMaskFromSigreturn(t, mask);
            SignalCalls.restoreAltStack(t, ssp, sflags, ssize);
        } catch (GuestMemory.Fault f) {
            Signals.force(t, Signals.SIGSEGV, Signals.SI_KERNEL, 0);
        }
        return Sys64.NO_RESULT;
    }
}
