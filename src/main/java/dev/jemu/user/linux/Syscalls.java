package dev.jemu.user.linux;

import dev.jemu.target.x86.X86Cpu;
import dev.jemu.util.Log;

/**
 * System call entry: reads the number and arguments per ABI, dispatches, writes the result back, and logs
 * with -strace. The x86-64 ABI is the host's, so its numbers index the implementations directly; the i386
 * ABI is translated by {@link Syscalls32}.
 */
public final class Syscalls {
    private Syscalls() {}

    /** The x86-64 {@code syscall} ABI: number in RAX, arguments in RDI RSI RDX R10 R8 R9, result in RAX. */
    static void syscall64(LinuxThread t) {
        X86Cpu c = t.cpu;
        long[] r = c.regs;
        int nr = (int) r[X86Cpu.RAX];
        long a0 = r[X86Cpu.RDI], a1 = r[X86Cpu.RSI], a2 = r[X86Cpu.RDX], a3 = r[10], a4 = r[8], a5 = r[9];
        // SYSCALL stores the return address in RCX and RFLAGS in R11.
        r[X86Cpu.RCX] = c.rip;
        r[11] = c.getEflags() & 0xffffffffL;
        Log log = t.proc.kernel.log;
        boolean trace = log.on(Log.Item.STRACE);
        if (trace) Strace.enter(t, nr, a0, a1, a2, a3, a4, a5);
        long res;
        try {
            res = Sys64.dispatch(t, nr, a0, a1, a2, a3, a4, a5);
        } catch (GuestMemory.Fault f) {
            res = -Errno.EFAULT;
        }
        if (res == Sys64.NO_RESULT) { // rt_sigreturn, execve success: registers already set
            if (trace) Strace.noResult(t, nr);
            return;
        }
        if (Blocking.isRestart(res)) {
            t.restartCode = (int) -res;
            t.restartNr = nr;
        }
        r[X86Cpu.RAX] = res;
        if (trace) Strace.exit(t, nr, res);
    }

    /** The i386 {@code int 0x80} ABI: number in EAX, arguments in EBX ECX EDX ESI EDI EBP, result in EAX. */
    static void syscall32(LinuxThread t) {
        X86Cpu c = t.cpu;
        long[] r = c.regs;
        int nr = (int) r[X86Cpu.RAX];
        long a0 = r[X86Cpu.RBX] & 0xffffffffL, a1 = r[X86Cpu.RCX] & 0xffffffffL, a2 = r[X86Cpu.RDX] & 0xffffffffL,
                a3 = r[X86Cpu.RSI] & 0xffffffffL, a4 = r[X86Cpu.RDI] & 0xffffffffL, a5 = r[X86Cpu.RBP] & 0xffffffffL;
        Log log = t.proc.kernel.log;
        boolean trace = log.on(Log.Item.STRACE);
        if (trace) Strace.enter32(t, nr, a0, a1, a2, a3, a4, a5);
        long res;
        try {
            res = Syscalls32.dispatch(t, nr, a0, a1, a2, a3, a4, a5);
        } catch (GuestMemory.Fault f) {
            res = -Errno.EFAULT;
        }
        if (res == Sys64.NO_RESULT) {
            if (trace) Strace.noResult(t, nr);
            return;
        }
        if (Blocking.isRestart(res)) {
            t.restartCode = (int) -res;
            t.restartNr = nr & 0xffffffffL;
        }
        r[X86Cpu.RAX] = res & 0xffffffffL;
        if (trace) Strace.exit(t, nr, res);
    }
}
