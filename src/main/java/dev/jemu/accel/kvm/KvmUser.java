package dev.jemu.accel.kvm;

import dev.jemu.accel.Accelerators;

import dev.jemu.target.x86.CpuModel;
import dev.jemu.user.linux.LinuxThread;

import java.util.ArrayList;
import java.util.List;

/**
 * The user-mode accelerator: {@code jemu-x86_64 -accel kvm PROGRAM} runs the program's code at CPL 3 in a KVM
 * guest (one VM per address space, one vCPU per thread) while jemu's Linux layer serves its system calls and
 * signals. Threads whose vCPU cannot be made, 32-bit programs and exits the accelerator does not handle run
 * on the interpreter instead ({@link LinuxThread#fallBackToInterpreter}).
 *
 * <p>Choosing: {@code -accel NAME} may be repeated, or {@code -accel kvm:tcg}, or the environment's
 * QEMU_ACCEL (as qemu-user reads QEMU_* for its options); they are tried in order as QEMU's system emulator
 * does: a failure is printed and the next one tried; if the last fails, that is the error.
 */
public final class KvmUser {
    /** CPUID feature bits a paravirtual KVM (kvm_pvm) cannot give at CPL 3: RDRAND (1:ECX 30), RDSEED (7:EBX 18). */
    private static final int RDRAND = 1 << 30, RDSEED = 1 << 18, XSAVE = 1 << 26, OSXSAVE = 1 << 27;

    final Kvm kvm;
    final CpuidTable cpuid;
    /** The guest may use XSAVE-managed state (AVX): CR4.OSXSAVE and XCR0. */
    final boolean xsave;
    final long xcr0;
    private final String tool;

    private KvmUser(String tool, Kvm kvm, CpuModel model, boolean host) {
        this.tool = tool;
        this.kvm = kvm;
        CpuidTable t = kvm.supportedCpuid().copy();
        CpuidTable.Entry l1 = t.find(1, 0), l7 = t.find(7, 0), l81 = t.find(0x80000001, 0), l0d = t.find(0xd, 0);
        // XSAVE state (AVX) is enabled whenever KVM has it, whatever CPUID says: a paravirtual KVM (kvm_pvm)
        // does not trap CPUID at CPL 3, so programs see the host's features and use AVX natively.
        xsave = l1 != null && (l1.ecx & XSAVE) != 0 && l0d != null;
        // x87, SSE, AVX and the AVX-512 states; not MPX, PKRU or AMX (they need kernel support jemu lacks).
        xcr0 = xsave ? (l0d.eax & 0xe7L) | 3 : 3;
        if (!host) {
            // The features of jemu's own model: the program may continue on the interpreter at any time.
            if (l1 != null) {
                l1.edx &= model.features1Edx;
                l1.ecx &= model.features1Ecx | OSXSAVE;
            }
            if (l7 != null) {
                l7.ebx &= model.leaf7Ebx;
                l7.ecx &= model.leaf7Ecx;
                l7.edx &= model.leaf7Edx;
            }
            if (l81 != null) {
                l81.edx &= model.ext1Edx;
                l81.ecx &= model.ext1Ecx;
            }
        }
        if (l1 != null) l1.ecx &= ~RDRAND;
        if (l7 != null) l7.ebx &= ~RDSEED;
        this.cpuid = t;
    }

    /**
     * Applies the -accel choices (empty: tcg). Installs the accelerator's engine when kvm is chosen; prints
     * QEMU's lines for failures that are followed by another choice; throws the last failure.
     */
    public static void configure(String tool, List<String> tries, CpuModel model, boolean hostCpu, boolean is64) {
        long t0 = System.nanoTime();
        try {
            configure0(tool, tries, model, hostCpu, is64);
        } finally {
            if (System.getenv("JEMU_KVM_DEBUG") != null) System.err.printf("kvm-user: configure %d ms%n", (System.nanoTime() - t0) / 1000000);
        }
    }

    private static void configure0(String tool, List<String> tries, CpuModel model, boolean hostCpu, boolean is64) {
        List<Accelerators.Try> names = new ArrayList<>();
        for (String t : tries) for (String n : t.split(":")) if (!n.isEmpty()) names.add(new Accelerators.Try(n, "-accel " + n + ": "));
        if (names.isEmpty()) return;
        KvmUser[] made = new KvmUser[1];
        String chosen = Accelerators.choose(tool, names, name -> Accelerators.problem(name, () -> {
            Object k = opened();
            if (!(k instanceof Kvm kvm)) return (String) k;
            made[0] = new KvmUser(tool, kvm, model, hostCpu);
            return null;
        }));
        if (chosen.equals("kvm") && is64) LinuxThread.engineFactory = made[0]::engineFor;
    }

    private static volatile java.util.concurrent.FutureTask<Object> opening;

    /**
     * Starts opening /dev/kvm on another thread if {@code tries} name kvm: linking the KVM calls costs a few
     * hundred milliseconds of a cold JVM, which then overlap with loading the program.
     */
    public static void prepare(List<String> tries) {
        boolean kvm = false;
        for (String t : tries) for (String n : t.split(":")) kvm |= n.equals("kvm");
        if (!kvm || opening != null) return;
        java.util.concurrent.FutureTask<Object> f = new java.util.concurrent.FutureTask<>(KvmUser::open);
        opening = f;
        Thread th = new Thread(f, "jemu-kvm-open");
        th.setDaemon(true);
        th.start();
    }

    /** An open, working KVM, or the reason there is none (QEMU's text). */
    private static Object open() {
        long t0 = System.nanoTime();
        try {
            Class.forName(KvmNative.class.getName());
        } catch (ClassNotFoundException | LinkageError e) {
            // reported below by Kvm.open
        }
        if (System.getenv("JEMU_KVM_DEBUG") != null) System.err.printf("kvm-user: linking %d ms%n", (System.nanoTime() - t0) / 1000000);
        try {
            Kvm k = Kvm.open();
            try {
                // The first VM, made here rather than thrown away after a check: it serves the program's
                // address space when it is loaded (KVM_CREATE_VM and a memory slot cost kernel time).
                putSpare(KvmUserVm.prepare(k));
                k.supportedCpuid();
                KvmNative.sigKick();
                for (String c : WARM) Class.forName(KvmUser.class.getPackageName() + "." + c);
                return k;
            } catch (KvmException e) {
                KvmUserVm.Prepared p = takeSpare();
                if (p != null) p.close();
                k.close();
                return e.getMessage();
            } catch (ClassNotFoundException e) {
                return k; // loaded later, where needed
            }
        } catch (KvmException e) {
            return e.getMessage();
        } catch (UnsatisfiedLinkError e) {
            return "Could not access KVM kernel module: " + e.getMessage();
        }
    }

    /** Classes the first vCPU needs, loaded on the opening thread while the main thread loads the program. */
    private static final String[] WARM = {"KvmUserVm", "KvmUserCpu", "KvmVcpu", "KvmUserFpu", "KvmUserStub",
            "KvmLayouts", "KvmState", "CpuidTable"};

    /** The VM {@link #open} made ahead, until the first address space takes it. */
    private static KvmUserVm.Prepared spare;

    private static synchronized void putSpare(KvmUserVm.Prepared p) {
        spare = p;
    }

    private static synchronized KvmUserVm.Prepared takeSpare() {
        KvmUserVm.Prepared p = spare;
        spare = null;
        return p;
    }

    private static Object opened() {
        java.util.concurrent.FutureTask<Object> f = opening;
        if (f == null) return open();
        try {
            return f.get();
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            return open();
        }
    }

    /** Accelerators jemu knows of but cannot offer on Linux, and the host each needs. */
    /** A vCPU for {@code t}, or null (the interpreter runs it) when KVM cannot give one. */
    private LinuxThread.Engine engineFor(LinuxThread t) {
        if (!t.proc.is64()) return null;
        try {
            long t0 = System.nanoTime();
            KvmUserVm vm = KvmUserVm.attach(t.proc.mm, cpuid, kvm, KvmUser::takeSpare);
            long t1 = System.nanoTime();
            KvmUserCpu c = new KvmUserCpu(this, t, vm);
            if (System.getenv("JEMU_KVM_DEBUG") != null) System.err.printf("kvm-user: engine %d us (vm %d us)%n", (System.nanoTime() - t0) / 1000, (t1 - t0) / 1000);
            return c;
        } catch (KvmException e) {
            if (System.getenv("JEMU_DEBUG") != null || t.proc.kernel.log.on(dev.jemu.util.Log.Item.INT)) {
                t.proc.kernel.log.printf("%d: accelerator: kvm unavailable for this thread (%s): tcg runs it%n",
                        t.tid, e.getMessage());
            }
            return null;
        }
    }

    @Override
    public String toString() {
        return tool + " kvm";
    }
}
