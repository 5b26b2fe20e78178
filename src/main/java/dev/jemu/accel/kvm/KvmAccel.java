package dev.jemu.accel.kvm;

import dev.jemu.accel.Accelerator;
import dev.jemu.accel.Board;
import dev.jemu.accel.MachineControl;
import dev.jemu.hw.core.VirtualClock;
import dev.jemu.memory.PhysMemory;
import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.CpuModel;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.system.Reset;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code -accel kvm}: runs a {@link Board}'s machine on the host's KVM with N vCPUs, one host thread each
 * ("CPU n/KVM", the first is the caller's). Memory slots are the board's RAM and ROM regions (re-synced when the
 * guest changes the map: PAM, BARs); port I/O and MMIO exits go to the board's devices under the machine lock;
 * the 8259s, the I/O APIC, the local APICs and the 8254 are KVM's (KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2, QEMU's
 * default kernel-irqchip=on): a halted vCPU sleeps in the kernel, and the board's interrupt lines reach the
 * kernel's controllers through {@link #setIrq} (KVM_IRQ_LINE, routed as QEMU routes the pc machine's GSIs).
 * Board timers run on a timer thread that sleeps until the next deadline and is woken when a device re-arms
 * an earlier one. APs wait for INIT/SIPI in the kernel, as on hardware.
 *
 * <p>Reset (triple fault, a guest request): every vCPU stops, the board, the kernel's interrupt controllers
 * and the vCPUs go back to their power-on state. A KVM failure prints QEMU's message and register dump and
 * ends jemu with status 1 (QEMU would keep the process paused for its monitor, which jemu does not have).
 */
public final class KvmAccel implements Accelerator, MachineControl {
    /**
     * How to build the machine's vCPUs: count, -cpu model name (host, max, qemu64, ...), whether the model has
     * long mode (jemu-system-i386 has not), -no-reboot / -no-shutdown, where messages go and the tool's name.
     */
    public record Options(int cpus, String cpuModel, boolean longMode, boolean noReboot, boolean noShutdown,
                          PrintStream err, String tool) {
        public static Options single(boolean noReboot, boolean noShutdown, PrintStream err) {
            return new Options(1, "host", true, noReboot, noShutdown, err, "jemu-system-x86_64");
        }
    }

    private final Board board;
    private final Options opt;
    private final Kvm kvm;
    private final KvmVm vm;
    private final KvmVcpu[] vcpus;
    private final KvmCpuLoop[] loops;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition timerWake = lock.newCondition();
    /** The deadline the timer thread sleeps towards (virtual ns); guarded by {@link #lock}. */
    private long timerDeadline = Long.MAX_VALUE;
    private volatile int exitStatus = -1;
    private volatile boolean resetRequested, powerOff;
    /** AP threads park here between runs; guarded by {@code parkLock}. */
    private final Object parkLock = new Object();
    private int parked;
    private long epoch;
    private boolean finished;

    private KvmAccel(Board board, Options opt) {
        this.board = board;
        this.opt = opt;
        this.kvm = Kvm.open();
        try {
            int max = Math.max(kvm.checkExtension(KvmNative.CAP_MAX_VCPUS), kvm.checkExtension(KvmNative.CAP_NR_VCPUS));
            if (opt.cpus() > Math.max(max, 1)) {
                throw new KvmException(String.format("Number of SMP cpus requested (%d) exceeds the maximum cpus "
                        + "supported by KVM (%d)", opt.cpus(), max));
            }
            vm = kvm.createVm();
            vm.setupSpecialPages();
            vm.createIrqchip();
            vm.setPcGsiRouting();
            vm.createPit2();
            vm.syncMemory(board.phys());
            CpuidTable supported = kvm.supportedCpuid();
            vcpus = new KvmVcpu[opt.cpus()];
            loops = new KvmCpuLoop[opt.cpus()];
            for (int i = 0; i < vcpus.length; i++) {
                vcpus[i] = vm.createVcpu(i);
                List<String> warnings = new ArrayList<>();
                vcpus[i].setCpuid(KvmCpuModel.forVcpu(supported, opt.cpuModel(), opt.longMode(), i, vcpus.length, warnings));
                for (String w : warnings) opt.err().println(opt.tool() + ": " + w);
                loops[i] = new KvmCpuLoop(vcpus[i], board.phys(), board.portIo(), null, lock, opt.err());
                loops[i].afterExit(this::timersChanged);
            }
        } catch (KvmException e) {
            kvm.close();
            throw e;
        }
        board.attach(this);
        // PAM / shadow-RAM / BAR changes reach KVM's slots: the map's listeners are told on every change.
        board.phys().addListener(new PhysMemory.Listener() {
            public void flushTlb() {
                vm.syncMemory(board.phys());
            }

            public void invalidateCode(long page) {
            }
        });
        X86Cpu boot = powerOnState();
        board.boot(boot); // -kernel: the loader's entry state, on jemu's CPU model
        KvmState.put(boot, vcpus[0], true);
        for (int i = 1; i < vcpus.length; i++) {
            KvmState.put(powerOnState(), vcpus[i], true);
            vcpus[i].setMpState(KvmVcpu.MP_UNINITIALIZED);
        }
    }

    /** Opens /dev/kvm and builds the VM; throws {@link KvmException} with QEMU's text when KVM is unusable. */
    public static KvmAccel create(Board board, Options opt) {
        return new KvmAccel(board, opt);
    }

    public static KvmAccel create(Board board, boolean noReboot, boolean noShutdown, PrintStream err) {
        return create(board, Options.single(noReboot, noShutdown, err));
    }

    /** The power-on state on jemu's CPU model (the same as TCG starts from). */
    private X86Cpu powerOnState() {
        PhysMemory phys = board.phys();
        X86Cpu c = new X86Cpu(CpuModel.max().forSystem(true), new SoftMmu(phys.hostRam(), phys::translate));
        c.userMode = false;
        Reset.powerOn(c);
        return c;
    }

    public KvmVcpu vcpu() {
        return vcpus[0];
    }

    public KvmVm vm() {
        return vm;
    }

    /** A board interrupt line (GSI 0-23) changed: drive the kernel's PIC/IOAPIC input. */
    public void setIrq(int gsi, boolean level) {
        vm.irqLine(gsi, level);
    }

    @Override
    public String name() {
        return "kvm";
    }

    @Override
    public int run() {
        board.clock().resume(); // virtual time runs from the first guest instruction (the HPET counts on it)
        Thread timers = Thread.ofPlatform().daemon().name("kvm-timers").start(this::timerThread);
        List<Thread> aps = new ArrayList<>();
        for (int i = 1; i < vcpus.length; i++) {
            int id = i;
            aps.add(Thread.ofPlatform().daemon().name("CPU " + i + "/KVM").start(() -> apThread(id)));
        }
        try {
            while (true) {
                KvmCpuLoop.Stop s = loops[0].run();
                stopAps();
                if (exitStatus >= 0) return exitStatus;
                if (s == KvmCpuLoop.Stop.ERROR) return 1;
                if (s == KvmCpuLoop.Stop.POWER_OFF || powerOff) {
                    if (!opt.noShutdown()) return 0;
                    powerOff = false;
                    parkUntilExit();
                    return exitStatus;
                }
                if (s == KvmCpuLoop.Stop.RESET || resetRequested) {
                    resetRequested = false;
                    if (opt.noReboot()) return 0;
                    reset();
                }
                resumeAps();
            }
        } catch (KvmException e) {
            // a KVM call outside KVM_RUN failed (a memory slot on a map change, an IRQ line, a reset): one line
            opt.err().println(opt.tool() + ": " + e.getMessage());
            return 1;
        } finally {
            // Kick the APs while their threads are sure to be alive (running or parked): a signal to a thread
            // that has ended is undefined behaviour (a crash at exit)
            for (int i = 1; i < loops.length; i++) loops[i].stop();
            synchronized (parkLock) {
                finished = true;
                parkLock.notifyAll();
            }
            timers.interrupt();
        }
    }

    /** An AP's thread: runs its vCPU; whatever ends its run (but a plain stop) is the whole machine's business. */
    private void apThread(int id) {
        long seen = 0;
        while (true) {
            KvmCpuLoop.Stop s;
            try {
                s = loops[id].run();
            } catch (KvmException e) {
                opt.err().println(opt.tool() + ": " + e.getMessage());
                s = KvmCpuLoop.Stop.ERROR;
            }
            if (s != KvmCpuLoop.Stop.REQUESTED) loops[0].stop(s);
            synchronized (parkLock) {
                parked++;
                parkLock.notifyAll();
                while (epoch == seen && !finished) {
                    try {
                        parkLock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (finished) return;
                seen = epoch;
            }
        }
    }

    /** Stops every AP and waits until all are parked (the BSP's loop has returned). */
    private void stopAps() {
        for (int i = 1; i < loops.length; i++) loops[i].stop();
        synchronized (parkLock) {
            while (parked < loops.length - 1) {
                try {
                    parkLock.wait();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void resumeAps() {
        for (KvmCpuLoop l : loops) l.clearStop();
        synchronized (parkLock) {
            parked = 0;
            epoch++;
            parkLock.notifyAll();
        }
    }

    /** System reset: devices, the kernel's interrupt controllers, every vCPU back to power-on (APs wait for SIPI). */
    private void reset() {
        lock.lock();
        try {
            board.reset();
            vm.resetIrqchip();
            for (int i = 0; i < vcpus.length; i++) {
                KvmState.put(powerOnState(), vcpus[i], true);
                vcpus[i].setMpState(i == 0 ? KvmVcpu.MP_RUNNABLE : KvmVcpu.MP_UNINITIALIZED);
            }
            timerWake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** -no-shutdown: the guest stays stopped until the user ends jemu. */
    private void parkUntilExit() {
        while (exitStatus < 0) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Runs the board's due timers under the machine lock, sleeping until the next deadline (no polling). */
    private void timerThread() {
        VirtualClock clock = board.clock();
        lock.lock();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                clock.timers().runDue();
                timerDeadline = clock.timers().nextDeadline();
                if (timerDeadline == Long.MAX_VALUE) timerWake.await();
                else timerWake.await(Math.max(clock.hostNanosUntil(timerDeadline), 0), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            // jemu ends
        } finally {
            lock.unlock();
        }
    }

    /** With the machine lock held, after device code ran: wake the timer thread if a timer is now due earlier. */
    private void timersChanged() {
        if (board.clock().timers().nextDeadline() < timerDeadline) {
            timerDeadline = board.clock().timers().nextDeadline();
            timerWake.signalAll();
        }
    }

    @Override
    public void shutdown(int status) {
        requestExit(status);
    }

    @Override
    public void requestReset() {
        resetRequested = true;
        loops[0].stop(KvmCpuLoop.Stop.RESET);
    }

    @Override
    public void requestPowerOff() {
        powerOff = true;
        loops[0].stop(KvmCpuLoop.Stop.POWER_OFF);
    }

    @Override
    public void requestExit(int status) {
        if (exitStatus < 0) exitStatus = status;
        loops[0].stop();
    }

    /** The kernel's irqchip wakes halted vCPUs itself; nothing waits in jemu for an interrupt pin. */
    @Override
    public void wake() {
    }

    @Override
    public void runLocked(Runnable work) {
        lock.lock();
        try {
            work.run();
            timersChanged();
        } finally {
            lock.unlock();
        }
    }
}
