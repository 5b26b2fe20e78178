package dev.jemu.user.linux;

import dev.jemu.target.x86.Interpreter;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.util.Log;

import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * One guest thread: a vCPU and the loop that runs it, turning what the CPU stops for (system calls, faults,
 * interrupt requests) into Linux behaviour: the system call layer, signals, exit. Each runs on its own host
 * (platform) thread.
 */
public final class LinuxThread implements AddressSpace.Listener {
    public final LinuxProcess proc;
    public final X86Cpu cpu;
    public final Interpreter interp;
    /** Changes only when a non-leader thread execs (it takes the process's pid, as in Linux). */
    public volatile int tid;

    // ---- signal state (guarded by proc.sigLock; read without it for the fast checks) ----
    /** Blocked signals (bit n-1 for signal n). */
    public volatile long sigMask;
    /** Signals directed at this thread (tkill, faults) and their siginfo. */
    volatile long pending;
    final ArrayDeque<SigInfo> queue = new ArrayDeque<>();
    /** sigsuspend/pselect/ppoll: the mask to restore after the call (or after the handler it lets run). */
    long savedMask;
    boolean restoreMask;
    /** sigaltstack. */
    long altSp, altSize;
    int altFlags = SignalCalls.SS_DISABLE;
    /** Set by a system call that returned one of the kernel's restart codes: the call's number. */
    int restartCode;
    long restartNr;
    /** What restart_syscall continues after an ERESTART_RESTARTBLOCK (nanosleep with the time left). */
    java.util.function.LongSupplier restartBlock;

    /** The thread's name (prctl PR_SET_NAME, /proc/.../comm), at most 15 bytes; set at exec and clone. */
    volatile byte[] comm = new byte[0];

    byte[] commBytes() {
        return comm;
    }

    /** The status exit() gave (the process's if this is its last thread). */
    int exitCode;

    /** set_tid_address: cleared and futex-woken when the thread exits. */
    public long clearChildTid;
    public long robustList, robustListLen;

    // ---- host side ----
    /** The host thread running this guest thread, and its kernel tid (for interrupting blocked calls). */
    public volatile Thread host;
    volatile int hostTid;
    /** True while the thread is in (or about to enter) a host call that may block. */
    volatile boolean inHostCall;
    volatile boolean parked;
    /** The thread must end (process exit, exec by another thread, SIGKILL). */
    volatile boolean killed;
    volatile boolean finished;

    private volatile boolean tlbFlushPending;
    private volatile boolean codeFlushPending;
    /** The address space this thread listens to (changes at execve). */
    private AddressSpace listening;

    /**
     * Something other than the interpreter that runs this thread's guest code (the KVM user-mode accelerator).
     * It keeps {@link #cpu} up to date at every exit it returns and resumes from it, so the system-call and
     * signal layers see one CPU state whichever engine ran the code.
     */
    public interface Engine {
        /** Runs guest code until a system call, fault or request: the same contract as Interpreter.run(). */
        X86Exception run();

        /** Makes {@link #run} return EXIT_INTERRUPT soon (from any thread). */
        void kick();

        /** A signal frame is about to be built or read from {@link #cpu}: bring its x87/SSE state there. */
        void syncFpu();

        /** The thread stops using the engine (exit, exec, fallback). */
        void close();
    }

    /** Makes the engine a thread runs on, or returns null for the interpreter (set by the -accel option). */
    public static volatile java.util.function.Function<LinuxThread, Engine> engineFactory;
    /** The engine running this thread, or null: the interpreter. */
    private volatile Engine engine;
    /** The engine gave up on this thread: the interpreter runs it from now on. */
    private boolean engineDisabled;

    /** Stops using the engine (it cannot go on with this thread); the interpreter continues from {@link #cpu}. */
    public void fallBackToInterpreter(String why) {
        Log log = proc.kernel.log;
        if (log.on(Log.Item.INT) || System.getenv("JEMU_DEBUG") != null) {
            log.printf("%d: accelerator: falling back to tcg: %s%n", tid, why);
        }
        engineDisabled = true;
        if (engine != null) engine.close();
        engine = null;
    }

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

    /** Follows the process to a new address space (execve): the vCPU's memory view and decoded code change. */
    void switchMemory(AddressSpace as) {
        if (listening != null) listening.removeListener(this);
        listening = as;
        as.addListener(this);
        if (engine != null) {
            engine.close(); // a new address space: a new VM on the next run
            engine = null;
        }
        cpu.mem = new dev.jemu.memory.SoftMmu(as.ram(), as);
        interp.invalidateAll();
    }

    /** Runs the guest thread until it exits. */
    public void run() {
        host = Thread.currentThread();
        hostTid = (int) HostSyscall.call(Nr.GETTID);
        HostInterrupt.unblockHere();
        listening = proc.mm;
        listening.addListener(this);
        Log log = proc.kernel.log;
        try {
            if (killed) throw new Exit();
            for (;;) {
                if (engine == null && !engineDisabled && engineFactory != null) {
                    engine = engineFactory.apply(this);
                    if (engine == null) engineDisabled = true;
                }
                X86Exception e = engine != null ? engine.run() : interp.run();
                switch (e.vector) {
                    case X86Exception.EXIT_SYSCALL -> {
                        if (proc.is64()) Syscalls.syscall64(this);
                        else Signals.fromException(this, e); // SYSCALL is #UD in 32-bit code
                    }
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
                if (engine != null && needsAttention()) engine.syncFpu();
                Signals.deliverPending(this);
            }
        } catch (Exit ex) {
            // thread or process ended
        } catch (InternalError ex) {
            // The JVM reports a host SIGBUS in a memory access this way: a shared file mapping touched
            // beyond the end of its file. Linux would send SIGBUS; without a way to resume, it is fatal.
            try {
                Signals.terminate(proc, Signals.SIGBUS);
            } catch (Exit ignored) {
                // unwinding
            }
        } catch (RuntimeException | StackOverflowError ex) {
            // A bug in jemu: say so in one line and end the guest process as a crash would.
            System.err.println(proc.kernel.toolName + ": internal error in thread " + tid + " at "
                    + String.format("%#x", cpu.rip) + ": " + ex);
            if (System.getenv("JEMU_DEBUG") != null) ex.printStackTrace();
            try {
                Processes.exitProcess(proc, Signals.SIGABRT);
            } catch (Exit ignored) {
                // unwinding
            }
        } finally {
            if (engine != null) {
                engine.close();
                engine = null;
            }
            if (listening != null) listening.removeListener(this);
            Threads.exited(this);
        }
    }

    /** Work other threads asked for: flushes after memory-map changes. */
    private void serviceRequests() {
        if (tlbFlushPending) {
            tlbFlushPending = false;
            cpu.mem.flushAll();
        }
        if (codeFlushPending) {
            codeFlushPending = false;
            interp.invalidateAll();
        }
    }

    /** Asks this thread's loop to look at requests soon (from any thread). */
    public void kick() {
        cpu.exitRequest = true;
        Engine en = engine;
        if (en != null) en.kick();
    }

    /** Gets the thread's attention wherever it is: running guest code, parked in jemu, or blocked in the host. */
    public void wake() {
        cpu.exitRequest = true;
        Engine en = engine;
        if (en != null) en.kick();
        Thread h = host;
        if (h != null) LockSupport.unpark(h);
        HostInterrupt.interrupt(this);
    }

    /** Something must interrupt what the thread is doing: an unblocked signal, a stop, its end. */
    boolean needsAttention() {
        return killed || proc.stopped || ((pending | proc.sharedPending) & ~sigMask) != 0;
    }

    /** True if the guest stack pointer {@code sp} is on this thread's alternate signal stack. */
    boolean onAltStack(long sp) {
        if ((altFlags & SignalCalls.SS_AUTODISARM) != 0) return false;
        return altSize != 0 && sp > altSp && sp - altSp <= altSize;
    }

    @Override
    public String toString() {
        return "thread " + tid + " of " + proc;
    }
}
