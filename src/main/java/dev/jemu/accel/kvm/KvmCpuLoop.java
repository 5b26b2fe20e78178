package dev.jemu.accel.kvm;

import dev.jemu.memory.PhysMemory;
import dev.jemu.target.x86.InterruptController;
import dev.jemu.target.x86.PortIo;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static dev.jemu.accel.kvm.KvmLayouts.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A vCPU thread's loop (QEMU's kvm_cpu_exec): KVM_RUN, then the exit handled on the machine's devices while
 * holding the machine lock (released while the guest runs and while it halts). Port I/O goes to the board's
 * {@link PortIo} (string I/O: {@code count} items in the kvm_run page), MMIO to {@link PhysMemory} (the MMIO
 * bus; writes to read-only ROM slots land there too and are dropped). Without an in-kernel irqchip the loop
 * injects the board's interrupts itself (KVM_INTERRUPT when KVM says the guest can take one, else an
 * interrupt-window exit) and sleeps on HLT until INTR rises. Other threads end the loop with {@link #stop} and
 * wake it with {@link #wake}.
 */
public final class KvmCpuLoop {
    /** Why {@link #run} returned. */
    public enum Stop {
        /** {@link #stop} was called (isa-debug-exit, power-off, Ctrl-A x...). */
        REQUESTED,
        /** Triple fault (KVM_EXIT_SHUTDOWN) or a guest reset request through KVM (system event). */
        RESET,
        /** A PSCI-style power-off event from KVM. */
        POWER_OFF,
        /** KVM could not run the guest: the message and register dump were printed; the guest is stopped. */
        ERROR
    }

    private final KvmVcpu vcpu;
    private final PhysMemory phys;
    private final PortIo io;
    private final InterruptController intc; // null: the kernel's irqchip delivers interrupts
    private final ReentrantLock lock;
    private final Condition wakeup;
    private final PrintStream err;
    private final MemorySegment run;
    private volatile boolean stopRequested;
    private volatile Stop stopReason = Stop.REQUESTED;

    /** Run with the machine lock held after every exit handled (the machine re-arms its timer thread). */
    private Runnable afterExit = () -> { };

    /** Exit counts (tests, -d): port I/O exits, MMIO exits, HLT exits, interrupts injected by the loop. */
    public long ioExits, mmioExits, hltExits, injected;

    public KvmCpuLoop(KvmVcpu vcpu, PhysMemory phys, PortIo io, InterruptController intc, ReentrantLock lock, PrintStream err) {
        this.vcpu = vcpu;
        this.phys = phys;
        this.io = io;
        this.intc = intc;
        this.lock = lock;
        this.wakeup = lock.newCondition();
        this.err = err;
        this.run = vcpu.runArea();
    }

    public KvmVcpu vcpu() {
        return vcpu;
    }

    public void afterExit(Runnable r) {
        afterExit = r;
    }

    /** Forgets a stop that arrived after the loop had already returned (call while the loop is not running). */
    public void clearStop() {
        stopRequested = false;
        stopReason = Stop.REQUESTED;
    }

    /** Ends {@link #run} (from any thread, or from a device on the vCPU thread). */
    public void stop() {
        stop(Stop.REQUESTED);
    }

    public void stop(Stop why) {
        if (!stopRequested || stopReason == Stop.REQUESTED) stopReason = why;
        stopRequested = true;
        wake();
    }

    /** An interrupt pin rose or a request is waiting: kick the vCPU out of the guest or out of HLT. */
    public void wake() {
        vcpu.kick();
        lock.lock();
        try {
            wakeup.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Runs the vCPU until it is stopped, resets or fails. */
    public Stop run() {
        lock.lock();
        try {
            while (true) {
                if (stopRequested) {
                    stopRequested = false;
                    return stopReason;
                }
                vcpu.clearKick();
                if (intc != null) offerInterrupt();
                int reason;
                lock.unlock();
                try {
                    reason = vcpu.run();
                } catch (KvmException e) {
                    lock.lock();
                    return fail("error: kvm run failed " + e.getMessage().replaceFirst("^KVM_RUN: ", ""));
                }
                lock.lock();
                Stop s = handle(reason);
                afterExit.run();
                if (s != null) return s;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Without the in-kernel irqchip: inject INTR now if the guest can take it, else ask for an interrupt window. */
    private void offerInterrupt() {
        if (intc.takeNmi()) vcpu.injectNmi();
        if (!intc.intr()) {
            vcpu.requestInterruptWindow(false);
            return;
        }
        if (vcpu.readyForInterruptInjection()) {
            vcpu.injectInterrupt(intc.acknowledge());
            injected++;
            vcpu.requestInterruptWindow(false);
        } else {
            vcpu.requestInterruptWindow(true);
        }
    }

    private Stop handle(int reason) {
        switch (reason) {
            case KvmVcpu.EXIT_IO -> {
                ioExits++;
                portIo();
            }
            case KvmVcpu.EXIT_MMIO -> {
                mmioExits++;
                mmio();
            }
            case KvmVcpu.EXIT_INTR, KvmVcpu.EXIT_IRQ_WINDOW_OPEN -> { }
            case KvmVcpu.EXIT_HLT -> {
                hltExits++;
                halt();
            }
            case KvmVcpu.EXIT_SHUTDOWN -> {
                return Stop.RESET;
            }
            case KvmVcpu.EXIT_SYSTEM_EVENT -> {
                int type = run.get(JAVA_INT, SYSTEM_EVENT_TYPE);
                if (type == 1) return Stop.POWER_OFF;
                if (type == 2) return Stop.RESET;
                return fail("KVM: system event " + type);
            }
            case KvmVcpu.EXIT_FAIL_ENTRY -> {
                return fail(String.format("KVM: entry failed, hardware error 0x%x", run.get(JAVA_LONG_UNALIGNED, FAIL_ENTRY_REASON)));
            }
            case KvmVcpu.EXIT_INTERNAL_ERROR -> {
                int sub = run.get(JAVA_INT, INTERNAL_SUBERROR), n = run.get(JAVA_INT, INTERNAL_NDATA);
                StringBuilder m = new StringBuilder("KVM internal error. Suberror: " + sub);
                for (int i = 0; i < Math.min(n, 16); i++)
                    m.append(String.format("%nextra data[%d]: 0x%016x", i, run.get(JAVA_LONG_UNALIGNED, INTERNAL_DATA + 8L * i)));
                if (sub == 1) m.append(System.lineSeparator()).append("emulation failure");
                return fail(m.toString());
            }
            default -> {
                return fail("KVM: unknown exit reason " + reason);
            }
        }
        return null;
    }

    /** The message, then the register dump; the guest is not run again. */
    private Stop fail(String message) {
        err.println(message);
        err.print(KvmDump.dump(vcpu, phys));
        err.flush();
        return Stop.ERROR;
    }

    private void portIo() {
        boolean in = run.get(JAVA_BYTE, IO_DIRECTION) == 0;
        int size = run.get(JAVA_BYTE, IO_SIZE), port = run.get(JAVA_SHORT, IO_PORT) & 0xffff;
        int count = run.get(JAVA_INT, IO_COUNT);
        long data = run.get(JAVA_LONG_UNALIGNED, IO_DATA_OFFSET);
        for (int i = 0; i < count; i++, data += size) {
            if (in) {
                long v = io.in(port, size);
                switch (size) {
                    case 1 -> run.set(JAVA_BYTE, data, (byte) v);
                    case 2 -> run.set(JAVA_SHORT_UNALIGNED, data, (short) v);
                    default -> run.set(JAVA_INT_UNALIGNED, data, (int) v);
                }
            } else {
                long v = switch (size) {
                    case 1 -> run.get(JAVA_BYTE, data) & 0xffL;
                    case 2 -> run.get(JAVA_SHORT_UNALIGNED, data) & 0xffffL;
                    default -> run.get(JAVA_INT_UNALIGNED, data) & 0xffffffffL;
                };
                io.out(port, size, v);
            }
        }
    }

    private static final java.lang.foreign.ValueLayout.OfShort JAVA_SHORT_UNALIGNED = java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final java.lang.foreign.ValueLayout.OfInt JAVA_INT_UNALIGNED = java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

    private void mmio() {
        long pa = run.get(JAVA_LONG_UNALIGNED, MMIO_PHYS_ADDR);
        int len = run.get(JAVA_INT, MMIO_LEN);
        boolean write = run.get(JAVA_BYTE, MMIO_IS_WRITE) != 0;
        boolean whole = len == 1 || len == 2 || len == 4 || len == 8;
        if (write) {
            long v = 0;
            for (int k = 0; k < len; k++) v |= (run.get(JAVA_BYTE, MMIO_DATA + k) & 0xffL) << (8 * k);
            if (whole) phys.write(pa, len, v);
            else for (int k = 0; k < len; k++) phys.write(pa + k, 1, v >>> (8 * k));
        } else {
            long v = 0;
            if (whole) v = phys.read(pa, len);
            else for (int k = 0; k < len; k++) v |= (phys.read(pa + k, 1) & 0xff) << (8 * k);
            for (int k = 0; k < len; k++) run.set(JAVA_BYTE, MMIO_DATA + k, (byte) (v >>> (8 * k)));
        }
    }

    /** HLT without the in-kernel irqchip: sleep (no spinning) until INTR, NMI or a stop. */
    private void halt() {
        while (intc != null && !stopRequested && !intc.intr()) {
            wakeup.awaitUninterruptibly();
        }
    }
}
