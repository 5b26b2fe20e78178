package dev.jemu.accel.tcg;

import dev.jemu.accel.Accelerator;
import dev.jemu.accel.Board;
import dev.jemu.accel.MachineControl;
import dev.jemu.accel.SystemCpu;
import dev.jemu.hw.core.VirtualClock;
import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.CpuModel;
import dev.jemu.target.x86.InterruptController;
import dev.jemu.target.x86.Interpreter;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.system.Paging;
import dev.jemu.util.Log;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The TCG vCPU loop (QEMU's tcg_cpu_exec + the BQL): one thread runs guest code and device code while holding
 * the machine lock. Between runs of the interpreter it samples NMI and INTR (IF and the interrupt shadow
 * permitting), runs due timers and lets other threads take the lock; on HLT it sleeps on the lock's condition
 * until an interrupt arrives or the next timer is due. A small kicker thread ends a run of guest code when a
 * timer may be due (the loop publishes the next deadline at each exit; at most {@link #KICK_NS} apart).
 */
public final class TcgVcpu implements Accelerator, MachineControl {
    /** Longest stretch of guest code without looking at timers (device timers armed by port writes in between). */
    static final long KICK_NS = 1_000_000;
    private static final int IF = 0x200;

    private final X86Cpu cpu;
    private final Board board;
    private final SystemCpu sys;
    private final Interpreter interp;
    private final VirtualClock clock;
    private final Log log;
    private final boolean noReboot, noShutdown;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition wakeup = lock.newCondition();

    private volatile boolean resetRequested, powerOffRequested;
    private volatile int exitStatus = -1;
    private volatile long kickDeadline = Long.MAX_VALUE;
    private volatile Thread kicker;
    private boolean stopped; // -no-shutdown after a power-off

    /** Counts for tests and -d: resets done, external interrupts delivered. */
    public int resets, externalInterrupts;

    public TcgVcpu(Board board, CpuModel model, SystemCpu sys, boolean noReboot, boolean noShutdown, Log log) {
        this(board, model, sys, noReboot, noShutdown, log, true);
    }

    /** @param paging false: linear = physical always (tests of the loop with a minimal CPU model) */
    public TcgVcpu(Board board, CpuModel model, SystemCpu sys, boolean noReboot, boolean noShutdown, Log log,
                   boolean paging) {
        this.board = board;
        this.sys = sys;
        this.noReboot = noReboot;
        this.noShutdown = noShutdown;
        this.log = log;
        this.clock = board.clock();
        PhysBackend backend = new PhysBackend(board.phys());
        SoftMmu mmu = new SoftMmu(board.phys().hostRam(), backend);
        this.cpu = new X86Cpu(model, mmu);
        cpu.userMode = false;
        cpu.io = board.portIo();
        cpu.intc = board.interrupts(cpu);
        Paging pg = paging ? new Paging(cpu, board.phys()) : null; // sets cpu.mem and cpu.paging
        this.interp = new Interpreter(cpu);
        if (pg != null) pg.attach(interp);
        else backend.attach(mmu, interp);
        board.attach(this);
        sys.powerOn(cpu);
    }

    public X86Cpu cpu() {
        return cpu;
    }

    public Interpreter interpreter() {
        return interp;
    }

    @Override
    public String name() {
        return "tcg";
    }

    // ---- MachineControl ----

    @Override
    public void requestReset() {
        resetRequested = true;
        cpu.exitRequest = true;
        signal();
    }

    @Override
    public void requestPowerOff() {
        powerOffRequested = true;
        cpu.exitRequest = true;
        signal();
    }

    @Override
    public void requestExit(int status) {
        if (exitStatus < 0) exitStatus = status;
        cpu.exitRequest = true;
        signal();
    }

    @Override
    public void shutdown(int status) {
        requestExit(status);
    }

    @Override
    public void wake() {
        cpu.exitRequest = true;
        signal();
    }

    @Override
    public void runLocked(Runnable work) {
        cpu.exitRequest = true;
        lock.lock();
        try {
            work.run();
            wakeup.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the halted loop; takes the lock only if no one (the vCPU running guest code) holds it long. */
    private void signal() {
        if (lock.isHeldByCurrentThread()) {
            wakeup.signalAll();
            return;
        }
        // From a foreign thread: the vCPU leaves guest code at once (exitRequest), so the lock comes quickly.
        lock.lock();
        try {
            wakeup.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- the loop ----

    @Override
    public int run() {
        lock.lock();
        try {
            board.boot(cpu);
            clock.resume();
            startKicker();
            for (;;) {
                if (exitStatus >= 0) return exitStatus;
                if (powerOffRequested) {
                    powerOffRequested = false;
                    if (!noShutdown) return 0;
                    stopped = true; // as QEMU's -no-shutdown: the VM stops, the emulator stays until told to quit
                    clock.pause();
                }
                if (resetRequested) {
                    resetRequested = false;
                    if (noReboot) return 0;
                    reset();
                }
                if (stopped) {
                    wakeup.awaitUninterruptibly();
                    continue;
                }
                clock.timers().runDue();
                if (exitStatus >= 0 || powerOffRequested || resetRequested) continue; // a timer asked
                if (cpu.halted && !wakeable()) {
                    sleepHalted();
                    continue;
                }
                try {
                    sampleInterrupts();
                    if (cpu.halted) continue; // the instruction run in an interrupt shadow was HLT (sti; hlt)
                    X86Exception e = interp.run();
                    handle(e);
                } catch (RuntimeException e) {
                    if (!sys.isTripleFault(e)) throw e;
                    if (log.on(Log.Item.INT)) log.printf("Triple fault\n");
                    resetRequested = true;
                }
                kickDeadline = clock.timers().nextDeadline();
                if (lock.hasQueuedThreads()) {
                    lock.unlock(); // let I/O threads in (the lock is fair: they go first)
                    lock.lock();
                }
            }
        } finally {
            Thread k = kicker;
            kicker = null;
            if (k != null) LockSupport.unpark(k);
            lock.unlock();
        }
    }

    private void handle(X86Exception e) {
        switch (e.vector) {
            case X86Exception.EXIT_INTERRUPT -> { }
            case X86Exception.EXIT_HLT -> cpu.halted = true;
            case X86Exception.EXIT_SYSCALL -> throw new IllegalStateException("SYSCALL exit in system mode");
            default -> {
                if (log.on(Log.Item.INT)) {
                    log.printf("exception %#x err=%#x at %04x:%x%s\n", e.vector, e.errorCode,
                            cpu.segSel[X86Cpu.CS], cpu.rip,
                            e.vector == X86Exception.PF ? String.format(" cr2=%#x", e.address) : "");
                }
                sys.deliver(cpu, e);
            }
        }
    }

    /** A halted CPU resumes on NMI, or on INTR when IF is set. */
    private boolean wakeable() {
        InterruptController ic = cpu.intc;
        if (ic == null) return false;
        return (cpu.eflags & IF) != 0 && ic.intr() || nmiPending;
    }

    private boolean nmiPending;

    private void sampleInterrupts() {
        InterruptController ic = cpu.intc;
        if (ic == null) return;
        if (!nmiPending) nmiPending = ic.takeNmi();
        if (cpu.rip == cpu.interruptShadowEnd) {
            // STI / MOV SS shadow: one more instruction first.
            X86Exception e = interp.step();
            cpu.interruptShadowEnd = -1;
            if (e != null) {
                handle(e);
                return;
            }
        }
        cpu.interruptShadowEnd = -1;
        if (nmiPending) {
            nmiPending = false;
            cpu.halted = false;
            sys.deliverNmi(cpu);
        } else if ((cpu.eflags & IF) != 0 && ic.intr()) {
            int vector = ic.acknowledge();
            cpu.halted = false;
            externalInterrupts++;
            if (log.on(Log.Item.INT)) {
                log.printf("Servicing hardware INT=%#04x at %04x:%x\n", vector, cpu.segSel[X86Cpu.CS], cpu.rip);
            }
            sys.deliverExternal(cpu, vector);
        }
    }

    private void sleepHalted() {
        if (exitStatus >= 0 || powerOffRequested || resetRequested) return;
        long ns = clock.hostNanosUntil(clock.timers().nextDeadline());
        cpu.exitRequest = false;
        if (ns == Long.MAX_VALUE) wakeup.awaitUninterruptibly();
        else if (ns > 0) {
            try {
                wakeup.awaitNanos(ns);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void reset() {
        resets++;
        board.reset();
        sys.powerOn(cpu);
        cpu.halted = false;
        nmiPending = false;
        if (cpu.paging != null) cpu.paging.flushAll();
        else cpu.mem.flushAll();
        interp.invalidateAll();
    }

    /** Ends runs of guest code when a timer may be due, so that timers fire while the guest computes. */
    private void startKicker() {
        Thread t = Thread.ofPlatform().daemon().name("jemu-timer-kick").unstarted(() -> {
            while (kicker == Thread.currentThread()) {
                long d = kickDeadline;
                long wait = Math.min(KICK_NS, clock.running() ? Math.max(0, clock.hostNanosUntil(d)) : KICK_NS);
                LockSupport.parkNanos(Math.max(wait, 20_000)); // never spin while the loop catches up
                if (kicker != Thread.currentThread()) break;
                if (clock.running() && clock.now() >= kickDeadline) cpu.exitRequest = true;
                else if (wait >= KICK_NS) cpu.exitRequest = true;
            }
        });
        kicker = t;
        t.start();
    }

    static long ms(long ns) {
        return TimeUnit.NANOSECONDS.toMillis(ns);
    }
}
