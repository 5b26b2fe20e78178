package dev.jemu.user.linux;

import dev.jemu.target.x86.Interpreter;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.util.Log;

/**
 * One guest thread: a vCPU and the loop that runs it, turning what the CPU stops for (system calls, faults,
 * interrupt requests) into Linux behaviour: the system call layer, signals, exit.
 */
public final class LinuxThread implements AddressSpace.Listener {
    public final LinuxProcess proc;
    public final X86Cpu cpu;
    public final Interpreter interp;
    public final int tid;
    /** Blocked signals (bit n-1 for signal n). */
    public long sigMask;
    /** set_tid_address: cleared and futex-woken when the thread exits. */
    public long clearChildTid;
    public long robustList;
    /** The host thread running this guest thread. */
    public volatile Thread host;

    private volatile boolean tlbFlushPending;
    private volatile boolean codeFlushPending;

    /** Thrown to unwind the loop when the thread or its process ends. */
    public static final class Exit extends RuntimeException {
        public Exit() {
            super(null, null, false, false);
        }
    }

    public LinuxThread(LinuxProcess proc, X86Cpu cpu, int tid) {
        this.proc = proc;
        this.cpu = cpu;
        this.tid = tid;
        this.interp = new Interpreter(cpu);
    }

    // ---- AddressSpace.Listener ----

    @Override
    public void flushTlb() {
        if (Thread.currentThread() == host) {
            cpu.mem.flushAll();
        } else {
            tlbFlushPending = true;
            cpu.exitRequest = true;
        }
    }

    @Override
    public void invalidateCode(long page) {
        if (Thread.currentThread() == host) {
            interp.invalidatePage(page);
        } else {
            codeFlushPending = true;
            cpu.exitRequest = true;
        }
    }

    /** Runs the guest thread until it exits. */
    public void run() {
        host = Thread.currentThread();
        proc.mm.addListener(this);
        Log log = proc.kernel.log;
        try {
            for (;;) {
                X86Exception e = interp.run();
                switch (e.vector) {
                    case X86Exception.EXIT_SYSCALL -> Syscalls.syscall64(this);
                    case X86Exception.EXIT_INTERRUPT -> serviceRequests();
                    default -> {
                        if (e.trap && e.vector == 0x80 && !proc.is64()) {
                            Syscalls.syscall32(this);
                        } else {
                            if (log.on(Log.Item.INT)) {
                                log.printf("%d: exception %d at %#x%s%n", tid, e.vector, cpu.rip,
                                        e.vector == X86Exception.PF ? String.format(" addr %#x err %#x", e.address, e.errorCode) : "");
                            }
                            Signals.fromException(this, e);
                        }
                    }
                }
                Signals.deliverPending(this);
            }
        } catch (Exit ex) {
            // thread or process ended
        } finally {
            proc.mm.removeListener(this);
        }
    }

    /** Work other threads asked for: flushes after memory-map changes, pending signals. */
    private void serviceRequests() {
        if (tlbFlushPending) {
            tlbFlushPending = false;
            cpu.mem.flushAll();
        }
        if (codeFlushPending) {
            codeFlushPending = false;
            interp.invalidateAll();
        }
        if (proc.waitStatus >= 0) throw new Exit();
    }

    /** Asks this thread's loop to look at requests soon (from any thread). */
    public void kick() {
        cpu.exitRequest = true;
    }
}
