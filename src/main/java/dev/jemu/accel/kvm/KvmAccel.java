package dev.jemu.accel.kvm;

import dev.jemu.accel.Accelerator;
import dev.jemu.accel.Board;
import dev.jemu.accel.MachineControl;
import dev.jemu.hw.core.VirtualClock;

import java.io.PrintStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code -accel kvm}: runs a {@link Board}'s machine on the host's KVM with one vCPU. Memory slots are the board's
 * RAM and ROM (re-synced when the guest changes the map); port I/O and MMIO exits go to the board's devices under
 * the machine lock; the 8259s and the 8254 are KVM's (KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2, as QEMU's default
 * kernel-irqchip). Board timers run on a timer thread that takes the machine lock (the vCPU does not hold it
 * while the guest runs). Reset (triple fault or a guest request) puts the vCPU back to its power-on state.
 *
 * <p>Entry point for the front end: {@code KvmAccel.create(board, noReboot, noShutdown, System.err)}; it throws
 * {@link KvmException} ("Could not access KVM kernel module: No such file or directory") for the caller to
 * print as {@code jemu-system-x86_64: -accel kvm: <message>} with status 1.
 */
public final class KvmAccel implements Accelerator, MachineControl {
    /** Highest guest-physical address scanned for RAM/ROM slots (4 GiB + RAM above 4 GiB). */
    private final long mapLimit;
    private final Board board;
    private final Kvm kvm;
    private final KvmVm vm;
    private final KvmVcpu vcpu;
    private final KvmCpuLoop loop;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final boolean noReboot, noShutdown;
    private final PrintStream err;
    private volatile int exitStatus = -1;
    private volatile boolean resetRequested, powerOff;

    private KvmAccel(Board board, boolean noReboot, boolean noShutdown, PrintStream err) {
        this.board = board;
        this.noReboot = noReboot;
        this.noShutdown = noShutdown;
        this.err = err;
        this.mapLimit = (1L << 32) + board.phys().hostRam().size();
        this.kvm = Kvm.open();
        try {
            vm = kvm.createVm();
            vm.setupSpecialPages();
            vm.createIrqchip();
            vm.createPit2();
            vm.syncMemory(board.phys(), mapLimit);
            vcpu = vm.createVcpu(0);
            vcpu.setCpuid(kvm.supportedCpuid());
        } catch (KvmException e) {
            kvm.close();
            throw e;
        }
        loop = new KvmCpuLoop(vcpu, board.phys(), board.portIo(), null, lock, err);
        board.attach(this);
        // PAM / shadow-RAM changes reach KVM's slots: the map's listeners are told on every change.
        board.phys().addListener(new dev.jemu.memory.PhysMemory.Listener() {
            public void flushTlb() {
                vm.syncMemory(board.phys(), mapLimit);
            }

            public void invalidateCode(long page) {
            }
        });
        KvmReset.powerOn(vcpu);
    }

    public static KvmAccel create(Board board, boolean noReboot, boolean noShutdown, PrintStream err) {
        return new KvmAccel(board, noReboot, noShutdown, err);
    }

    public KvmVcpu vcpu() {
        return vcpu;
    }

    @Override
    public String name() {
        return "kvm";
    }

    @Override
    public int run() {
        Thread timers = Thread.ofPlatform().daemon().name("kvm-timers").start(this::timerThread);
        try {
            while (true) {
                KvmCpuLoop.Stop s = loop.run();
                if (exitStatus >= 0) return exitStatus;
                if (s == KvmCpuLoop.Stop.ERROR) return 1;
                if (s == KvmCpuLoop.Stop.POWER_OFF || powerOff) {
                    if (!noShutdown) return 0;
                    powerOff = false;
                    parkForever();
                    continue;
                }
                if (s == KvmCpuLoop.Stop.RESET || resetRequested) {
                    resetRequested = false;
                    if (noReboot) return 0;
                    lock.lock();
                    try {
                        board.reset();
                    } finally {
                        lock.unlock();
                    }
                    KvmReset.powerOn(vcpu);
                }
            }
        } finally {
            timers.interrupt();
        }
    }

    /** -no-shutdown: the guest stays stopped until the user ends jemu. */
    private void parkForever() {
        while (exitStatus < 0) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Runs the board's due timers under the machine lock, waking at the next deadline (at least every ms). */
    private void timerThread() {
        VirtualClock clock = board.clock();
        clock.resume();
        while (!Thread.currentThread().isInterrupted()) {
            long ns;
            lock.lock();
            try {
                clock.timers().runDue();
                ns = clock.hostNanosUntil(clock.timers().nextDeadline());
            } finally {
                lock.unlock();
            }
            try {
                Thread.sleep(java.time.Duration.ofNanos(Math.max(10_000, Math.min(ns, 1_000_000))));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void shutdown(int status) {
        requestExit(status);
    }

    @Override
    public void requestReset() {
        resetRequested = true;
        loop.stop(KvmCpuLoop.Stop.RESET);
    }

    @Override
    public void requestPowerOff() {
        powerOff = true;
        loop.stop(KvmCpuLoop.Stop.POWER_OFF);
    }

    @Override
    public void requestExit(int status) {
        exitStatus = status;
        loop.stop();
    }

    @Override
    public void wake() {
        loop.wake();
    }

    @Override
    public void runLocked(Runnable work) {
        lock.lock();
        try {
            work.run();
        } finally {
            lock.unlock();
        }
    }
}
