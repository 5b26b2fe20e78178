package dev.jemu.user.linux;

import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * The i386 signal frames (arch/x86/include/asm/sigframe.h, ia32 layouts): {@code struct sigframe_ia32} for
 * handlers without SA_SIGINFO (returned from with sigreturn, 119) and {@code struct rt_sigframe_ia32} with it
 * (rt_sigreturn, 173). The 32-bit {@code struct sigcontext} points to a {@code struct _fpstate_32}: the legacy
 * FSAVE header followed by the FXSAVE image, 64-byte aligned, above the frame. Without SA_RESTORER the return
 * address is the frame's own retcode (which needs an executable stack; Linux would use the vDSO).
 */
public final class SigFrameI386 {
    private SigFrameI386() {}

    // struct sigcontext_32
    static final int SC_GS = 0, SC_FS = 4, SC_ES = 8, SC_DS = 12, SC_EDI = 16, SC_ESI = 20, SC_EBP = 24,
            SC_ESP = 28, SC_EBX = 32, SC_EDX = 36, SC_ECX = 40, SC_EAX = 44, SC_TRAPNO = 48, SC_ERR = 52,
            SC_EIP = 56, SC_CS = 60, SC_FLAGS = 64, SC_SP_AT_SIGNAL = 68, SC_SS = 72, SC_FPSTATE = 76,
            SC_OLDMASK = 80, SC_CR2 = 84, SC_SIZE = 88;
    // struct sigframe_ia32: pretcode, sig, sc, fpstate_unused[624], extramask, retcode[8]
    static final int F_SIG = 4, F_SC = 8, F_EXTRAMASK = 8 + SC_SIZE + 624, F_RETCODE = F_EXTRAMASK + 4,
            F_SIZE = F_RETCODE + 8;
    // struct rt_sigframe_ia32: pretcode, sig, pinfo, puc, info[128], uc, retcode[8]
    static final int R_SIG = 4, R_PINFO = 8, R_PUC = 12, R_INFO = 16, R_UC = 144;
    static final int UC_FLAGS = 0, UC_LINK = 4, UC_STACK = 8, UC_MCONTEXT = 20, UC_SIGMASK = 108, UC_SIZE = 116;
    static final int R_RETCODE = R_UC + UC_SIZE, R_SIZE = R_RETCODE + 8;
    static final int NR_SIGRETURN = 119, NR_RT_SIGRETURN = 173;
    static final int USER_CS = 0x23, USER_DS = 0x2b;

    /** Builds the frame (rt if SA_SIGINFO) and enters the handler; false if the stack cannot hold it. */
    static boolean setup(LinuxThread t, SigInfo si, long handler, long flags, long restorer, long oldMask) {
        X86Cpu c = t.cpu;
        GuestMemory m = t.proc.mem;
        long[] r = c.regs;
        boolean rt = (flags & Signals.SA_SIGINFO) != 0;
        long esp = r[X86Cpu.RSP] & 0xffffffffL;
        long sp = esp;
        boolean onAlt = t.onAltStack(esp);
        if ((flags & Signals.SA_ONSTACK) != 0 && t.altSize != 0 && !onAlt) {
            sp = t.altSp + t.altSize;
            onAlt = true;
        }
        long fx = (sp - FpuImage.SIZE) & ~63L;
        long fpstate = fx - FpuImage.LEGACY_HEADER;
        int size = rt ? R_SIZE : F_SIZE;
        long frame = ((fpstate - size + 4) & ~15L) - 4;
        if (frame < 0 || (onAlt && !(frame > t.altSp && frame - t.altSp <= t.altSize))) return false;
        try {
            FpuImage.saveLegacyHeader(c, m, fpstate);
            FpuImage.save(c, m, fx, false);
            m.write(frame, new byte[size]);
            long sc;
            if (rt) {
                long ret = (flags & Signals.SA_RESTORER) != 0 ? restorer : frame + R_RETCODE;
                m.writeInt(frame, (int) ret);
                m.writeInt(frame + R_SIG, si.signo);
                m.writeInt(frame + R_PINFO, (int) (frame + R_INFO));
                m.writeInt(frame + R_PUC, (int) (frame + R_UC));
                si.write(m, frame + R_INFO, false);
                long uc = frame + R_UC;
                m.writeInt(uc + UC_FLAGS, 0);
                m.writeInt(uc + UC_LINK, 0);
                m.writeInt(uc + UC_STACK, (int) t.altSp);
                m.writeInt(uc + UC_STACK + 4, SignalCalls.stackFlags(t, esp));
                m.writeInt(uc + UC_STACK + 8, (int) t.altSize);
                sc = uc + UC_MCONTEXT;
                m.writeLong(uc + UC_SIGMASK, oldMask);
                // movl $173,%eax; int $0x80
                m.write(frame + R_RETCODE, new byte[] {(byte) 0xb8, (byte) NR_RT_SIGRETURN, 0, 0, 0, (byte) 0xcd, (byte) 0x80, 0});
            } else {
                long ret = (flags & Signals.SA_RESTORER) != 0 ? restorer : frame + F_RETCODE;
                m.writeInt(frame, (int) ret);
                m.writeInt(frame + F_SIG, si.signo);
                sc = frame + F_SC;
                m.writeInt(frame + F_EXTRAMASK, (int) (oldMask >>> 32));
                // popl %eax; movl $119,%eax; int $0x80
                m.write(frame + F_RETCODE, new byte[] {0x58, (byte) 0xb8, (byte) NR_SIGRETURN, 0, 0, 0, (byte) 0xcd, (byte) 0x80});
            }
            writeSigcontext(c, m, sc, si, fpstate, oldMask);
        } catch (GuestMemory.Fault f) {
            return false;
        }
        if (onAlt && (t.altFlags & SignalCalls.SS_AUTODISARM) != 0) {
            t.altSp = 0;
            t.altSize = 0;
            t.altFlags = SignalCalls.SS_DISABLE;
        }
        r[X86Cpu.RAX] = si.signo;
        r[X86Cpu.RDX] = rt ? frame + R_INFO : 0;
        r[X86Cpu.RCX] = rt ? frame + R_UC : 0;
        r[X86Cpu.RSP] = frame;
        c.rip = handler & 0xffffffffL;
        c.setEflags(0, SigFrame64.EFLAGS_DF | SigFrame64.EFLAGS_TF | SigFrame64.EFLAGS_RF);
        flat(c, X86Cpu.DS, USER_DS);
        flat(c, X86Cpu.ES, USER_DS);
        flat(c, X86Cpu.SS, USER_DS);
        flat(c, X86Cpu.CS, USER_CS);
        FpuImage.resetForHandler(c);
        return true;
    }

    private static void flat(X86Cpu c, int seg, int sel) {
        c.segSel[seg] = sel;
        c.segBase[seg] = 0;
        c.segLimit[seg] = 0xffffffff;
    }

    private static void writeSigcontext(X86Cpu c, GuestMemory m, long sc, SigInfo si, long fpstate, long oldMask) {
        long[] r = c.regs;
        m.writeInt(sc + SC_GS, c.segSel[X86Cpu.GS]);
        m.writeInt(sc + SC_FS, c.segSel[X86Cpu.FS]);
        m.writeInt(sc + SC_ES, c.segSel[X86Cpu.ES]);
        m.writeInt(sc + SC_DS, c.segSel[X86Cpu.DS]);
        m.writeInt(sc + SC_EDI, (int) r[X86Cpu.RDI]);
        m.writeInt(sc + SC_ESI, (int) r[X86Cpu.RSI]);
        m.writeInt(sc + SC_EBP, (int) r[X86Cpu.RBP]);
        m.writeInt(sc + SC_ESP, (int) r[X86Cpu.RSP]);
        m.writeInt(sc + SC_EBX, (int) r[X86Cpu.RBX]);
        m.writeInt(sc + SC_EDX, (int) r[X86Cpu.RDX]);
        m.writeInt(sc + SC_ECX, (int) r[X86Cpu.RCX]);
        m.writeInt(sc + SC_EAX, (int) r[X86Cpu.RAX]);
        boolean fault = si.kind == SigInfo.FAULT;
        m.writeInt(sc + SC_TRAPNO, fault ? si.trapNo : 0);
        m.writeInt(sc + SC_ERR, fault ? si.errorCode : 0);
        m.writeInt(sc + SC_EIP, (int) c.rip);
        m.writeInt(sc + SC_CS, c.segSel[X86Cpu.CS]);
        m.writeInt(sc + SC_FLAGS, c.getEflags());
        m.writeInt(sc + SC_SP_AT_SIGNAL, (int) r[X86Cpu.RSP]);
        m.writeInt(sc + SC_SS, c.segSel[X86Cpu.SS]);
        m.writeInt(sc + SC_FPSTATE, (int) fpstate);
        m.writeInt(sc + SC_OLDMASK, (int) oldMask);
        m.writeInt(sc + SC_CR2, fault && si.trapNo == 14 ? (int) si.addr : 0);
    }

    /** sigreturn (119): the frame of a non-SA_SIGINFO handler, whose trampoline popped the signal number. */
    public static long sigreturn(LinuxThread t) {
        GuestMemory m = t.proc.mem;
        long frame = (t.cpu.regs[X86Cpu.RSP] - 8) & 0xffffffffL;
        try {
            long sc = frame + F_SC;
            long mask = (m.readInt(sc + SC_OLDMASK) & 0xffffffffL) | ((long) m.readInt(frame + F_EXTRAMASK) << 32);
            restoreSigcontext(t, m, sc);
            SignalCalls.setMaskFromSigreturn(t, mask);
        } catch (GuestMemory.Fault | X86Exception f) {
            Signals.force(t, Signals.SIGSEGV, Signals.SI_KERNEL, 0);
        }
        return Sys64.NO_RESULT;
    }

    /** rt_sigreturn (173). */
    public static long rtSigreturn(LinuxThread t) {
        GuestMemory m = t.proc.mem;
        long frame = (t.cpu.regs[X86Cpu.RSP] - 4) & 0xffffffffL;
        try {
            long uc = frame + R_UC;
            long mask = m.readLong(uc + UC_SIGMASK);
            long ssp = m.readInt(uc + UC_STACK) & 0xffffffffL;
            int sflags = m.readInt(uc + UC_STACK + 4);
            long ssize = m.readInt(uc + UC_STACK + 8) & 0xffffffffL;
            restoreSigcontext(t, m, uc + UC_MCONTEXT);
            SignalCalls.setMaskFromSigreturn(t, mask);
            SignalCalls.restoreAltStack(t, ssp, sflags, ssize);
        } catch (GuestMemory.Fault | X86Exception f) {
            Signals.force(t, Signals.SIGSEGV, Signals.SI_KERNEL, 0);
        }
        return Sys64.NO_RESULT;
    }

    private static void restoreSigcontext(LinuxThread t, GuestMemory m, long sc) {
        X86Cpu c = t.cpu;
        long[] v = new long[8];
        int[] off = {SC_EAX, SC_ECX, SC_EDX, SC_EBX, SC_ESP, SC_EBP, SC_ESI, SC_EDI};
        for (int k = 0; k < 8; k++) v[k] = m.readInt(sc + off[k]) & 0xffffffffL;
        long eip = m.readInt(sc + SC_EIP) & 0xffffffffL;
        int fl = m.readInt(sc + SC_FLAGS);
        long fp = m.readInt(sc + SC_FPSTATE) & 0xffffffffL;
        int gs = m.readShort(sc + SC_GS), fs = m.readShort(sc + SC_FS), es = m.readShort(sc + SC_ES),
                ds = m.readShort(sc + SC_DS);
        if (fp != 0) FpuImage.restoreLegacy(c, m, fp);
        else FpuImage.resetForHandler(c);
        // Segment loads may fault (#GP on a bad selector): the caller turns that into SIGSEGV.
        c.loadSegment(X86Cpu.GS, gs);
        c.loadSegment(X86Cpu.FS, fs);
        c.loadSegment(X86Cpu.ES, es);
        c.loadSegment(X86Cpu.DS, ds);
        System.arraycopy(v, 0, c.regs, 0, 8);
        c.rip = eip;
        c.setEflags(fl, SigFrame64.FIX_EFLAGS);
        flat(c, X86Cpu.CS, USER_CS);
        flat(c, X86Cpu.SS, USER_DS);
    }
}
