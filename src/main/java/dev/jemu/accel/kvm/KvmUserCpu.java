package dev.jemu.accel.kvm;

import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.user.linux.LinuxThread;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One guest thread on a KVM vCPU: the user-mode accelerator's engine. Guest code runs natively at CPL 3; every
 * way out (SYSCALL, a fault, a kick) comes back as an exit that is turned into the X86Exception the
 * interpreter would have returned, with the thread's {@link X86Cpu} holding the registers at that point.
 * Before running again the registers go back from the X86Cpu (the system call's result, a signal frame's
 * handler address...): always through the stub's IRETQ with a frame written here, so any state can be resumed.
 *
 * <p>The x87/SSE state stays in the vCPU except when a signal frame, a fork or a fallback to the interpreter
 * needs it ({@link #syncFpu}); it goes back before the next run.
 */
final class KvmUserCpu implements LinuxThread.Engine {
    private static final X86Exception SYSCALL = X86Exception.trap(X86Exception.EXIT_SYSCALL),
            INTERRUPT = X86Exception.trap(X86Exception.EXIT_INTERRUPT);
    /** User addresses are below this (47-bit canonical lower half); the stub lives at the top. */
    private static final long USER_TOP = 1L << 47;
    private static final int MSR_FS_BASE = 0xc0000100, MSR_GS_BASE = 0xc0000101;
    /** kvm_fpu: fpr[8][16], fcw, fsw, ftwx, pad, last_opcode, last_ip, last_dp, xmm[16][16], mxcsr, pad. */
    private static final int FPU_SIZE = 416;
    private static final long GET_FPU = ioc(2, 0x8c, FPU_SIZE), SET_FPU = ioc(1, 0x8d, FPU_SIZE),
            SET_XCRS = ioc(1, 0xa7, 392);

    private static long ioc(int dir, int nr, int size) {
        return ((long) dir << 30) | ((long) size << 16) | (0xAE << 8) | nr;
    }

    private static final boolean DEBUG = System.getenv("JEMU_KVM_DEBUG") != null;
    private final KvmUser owner;
    private final LinuxThread thread;
    private final X86Cpu cpu;
    private final KvmUserVm vm;
    private final KvmVcpu vcpu;
    /** This vCPU's block of the private area: GDT, TSS, CPL-0 stack. */
    private final int block;
    private final long blockVa;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment cap = dev.jemu.util.Native.newCapture(arena);
    private final MemorySegment fpu = arena.allocate(FPU_SIZE, 16);
    private volatile boolean flushPending;
    /** The X86Cpu holds the x87/SSE state (the vCPU's is stale until pushed back). */
    private boolean fpuInCpu = true;
    /** FS/GS bases the vCPU has. */
    private long fsBase = -1, gsBase = -1;
    /** The page-table root the vCPU uses. */
    private long cr3;
    /** The same page fault again after a refresh: the tables do not get it right; give up on it. */
    private long lastFaultVa = -1;
    private int sameFaults;
    private boolean closed;

    KvmUserCpu(KvmUser owner, LinuxThread thread, KvmUserVm vm) {
        this.owner = owner;
        this.thread = thread;
        this.cpu = thread.cpu;
        this.vm = vm;
        this.block = vm.allocBlock();
        this.blockVa = KvmUserVm.blockVa(Math.max(block, 0));
        if (block < 0) {
            arena.close();
            throw new KvmException("more than " + KvmUserVm.MAX_BLOCKS + " threads on one VM");
        }
        KvmVcpu v;
        try {
            v = vm.newVcpu();
        } catch (RuntimeException e) {
            vm.freeBlock(block);
            arena.close();
            throw e;
        }
        this.vcpu = v;
        try {
            setup();
        } catch (RuntimeException e) {
            vm.freeBlock(block);
            vm.release(this, null);
            vcpu.close();
            arena.close();
            throw e;
        }
        flushPending = true; // the first entry loads the current page-table root
        vm.register(this);
    }

    private void setup() {
        long t0 = System.nanoTime();
        if (!vm.recycled(vcpu)) vcpu.setCpuid(vm.cpuid);
        long t1 = System.nanoTime();
        vcpu.getSregs();
        long kb = KvmUserVm.KBASE;
        vcpu.segment(KvmVcpu.CS, KvmUserVm.KERNEL_CS, 0, 0xffffffff, 0xa09b00);
        vcpu.segment(KvmVcpu.SS, KvmUserVm.KERNEL_DS, 0, 0xffffffff, 0xc09300);
        // Data segments DPL 3, so that IRETQ to CPL 3 keeps them (and the FS/GS bases) as they are.
        vcpu.segment(KvmVcpu.DS, 0, 0, 0xffffffff, 0xc0f300);
        vcpu.segment(KvmVcpu.ES, 0, 0, 0xffffffff, 0xc0f300);
        vcpu.segment(KvmVcpu.FS, 0, 0, 0xffffffff, 0xc0f300);
        vcpu.segment(KvmVcpu.GS, 0, 0, 0xffffffff, 0xc0f300);
        vcpu.segment(KvmVcpu.TR, KvmUserVm.TSS_SEL, blockVa + KvmUserVm.BLOCK_TSS, 0x67, 0x8b00);
        vcpu.segment(KvmVcpu.LDT, 0, 0, 0, 0);
        vcpu.gdt(blockVa + KvmUserVm.BLOCK_GDT, 10 * 8 - 1);
        vcpu.idt(kb + KvmUserVm.IDT, 32 * 16 - 1);
        vcpu.sreg(KvmVcpu.SR_CR0, 0x80050033L); // PG WP NE ET MP PE
        cr3 = vm.root();
        vcpu.sreg(KvmVcpu.SR_CR3, cr3);
        vcpu.sreg(KvmVcpu.SR_CR4, 0x620 | (owner.xsave ? 0x40000 : 0)); // PAE OSFXSR OSXMMEXCPT [OSXSAVE]
        vcpu.sreg(KvmVcpu.SR_EFER, 0xd01); // SCE LME LMA NXE
        vcpu.setSregs();
        vcpu.setMsr(KvmState.MSR_STAR, (long) KvmUserVm.USER32_CS << 48 | (long) KvmUserVm.KERNEL_CS << 32);
        vcpu.setMsr(KvmState.MSR_LSTAR, kb + KvmUserVm.STUB + KvmUserStub.SYSCALL_ENTRY);
        vcpu.setMsr(KvmState.MSR_CSTAR, kb + KvmUserVm.STUB + KvmUserStub.SYSCALL_ENTRY);
        vcpu.setMsr(KvmState.MSR_FMASK, 0x47700); // TF DF IF IOPL NT AC, as Linux
        long t2 = System.nanoTime();
        if (owner.xsave) setXcr0(owner.xcr0);
        if (DEBUG) System.err.printf("kvm-user: setup cpuid %d us sregs+msrs %d us xcr0 %d us%n", (t1 - t0) / 1000, (t2 - t1) / 1000, (System.nanoTime() - t2) / 1000);
    }

    private void setXcr0(long v) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment x = a.allocate(392, 8);
            x.set(JAVA_INT, 0, 1);
            x.set(JAVA_INT, 8, 0);
            x.set(JAVA_LONG, 16, v);
            int r = KvmNative.ioctl(vcpu.fd(), SET_XCRS, x.address());
            if (r < 0) throw new KvmException("KVM_SET_XCRS", r);
        }
    }

    /** The page tables changed: reload them before running again (from any thread). */
    void requestFlush() {
        flushPending = true;
        if (Thread.currentThread() != thread.host) kick();
    }

    @Override
    public synchronized void kick() {
        if (!closed) vcpu.kick(); // (after close the kvm_run area is unmapped)
    }

    @Override
    public X86Exception run() {
        for (;;) {
            vcpu.clearKick();
            if (vm.broken) {
                // Between exits the X86Cpu holds the thread's state (the x87/SSE part once pulled).
                syncFpu();
                thread.fallBackToInterpreter("kvm: the page-table area is full");
                return INTERRUPT;
            }
            if (cpu.exitRequest) {
                cpu.exitRequest = false;
                return INTERRUPT;
            }
            enter();
            int reason = vcpu.run();
            X86Exception e = exit(reason);
            if (e != null) return e;
        }
    }

    /** Puts the X86Cpu's state into the vCPU, at the stub's IRETQ with a frame to the guest's RIP. */
    private void enter() {
        long fs = cpu.segBase[X86Cpu.FS], gs = cpu.segBase[X86Cpu.GS];
        if (flushPending || fs != fsBase || gs != gsBase) {
            vcpu.getSregs();
            if (flushPending) {
                flushPending = false;
                // The tables changed: a new root (CR3 load: the TLB goes; KVM shadows the new tree afresh).
                cr3 = vm.root();
                vcpu.sreg(KvmVcpu.SR_CR3, cr3);
                if (DEBUG) System.err.printf("kvm-user: new root %#x%n", cr3);
            }
            vcpu.segment(KvmVcpu.FS, 0, fs, 0xffffffff, 0xc0f300);
            vcpu.segment(KvmVcpu.GS, 0, gs, 0xffffffff, 0xc0f300);
            vcpu.segment(KvmVcpu.CS, KvmUserVm.KERNEL_CS, 0, 0xffffffff, 0xa09b00);
            vcpu.segment(KvmVcpu.SS, KvmUserVm.KERNEL_DS, 0, 0xffffffff, 0xc09300);
            vcpu.setSregs();
            fsBase = fs;
            gsBase = gs;
        }
        if (fpuInCpu) {
            putFpu();
            fpuInCpu = false;
        }
        long frame = blockVa + KvmUserVm.BLOCK_SIZE - 40;
        vm.privLong(frame, cpu.rip);
        vm.privLong(frame + 8, KvmUserVm.USER_CS | 3);
        vm.privLong(frame + 16, cpu.getEflags() & USER_FLAGS | 0x202); // IF on, IOPL 0
        vm.privLong(frame + 24, cpu.regs[X86Cpu.RSP]);
        vm.privLong(frame + 32, KvmUserVm.USER_DS | 3);
        putGprs();
        vcpu.reg(KvmVcpu.RSP, frame);
        vcpu.reg(KvmVcpu.RIP, KvmUserVm.KBASE + KvmUserVm.STUB + KvmUserStub.IRETQ);
        vcpu.reg(KvmVcpu.RFLAGS, 2);
        vcpu.setRegs();
    }

    /** kvm_regs order: rax rbx rcx rdx rsi rdi rsp rbp r8-r15. */
    private static final int[] GPR = {X86Cpu.RAX, X86Cpu.RBX, X86Cpu.RCX, X86Cpu.RDX, X86Cpu.RSI, X86Cpu.RDI,
            X86Cpu.RSP, X86Cpu.RBP, 8, 9, 10, 11, 12, 13, 14, 15};

    private void putGprs() {
        for (int i = 0; i < 16; i++) vcpu.reg(i, cpu.regs[GPR[i]]);
    }

    private void getGprs() {
        for (int i = 0; i < 16; i++) cpu.regs[GPR[i]] = vcpu.reg(i);
    }

    /** RFLAGS bits user code owns: arithmetic, TF, DF, AC, ID (IF and IOPL are the kernel's). */
    private static final int USER_FLAGS = 0x240dd5;

    private void setFlags(long rflags) {
        cpu.setEflags((int) rflags, USER_FLAGS);
    }

    /** Turns an exit into what the thread loop expects; null to run again. */
    private X86Exception exit(int reason) {
        long stub = KvmUserVm.KBASE + KvmUserVm.STUB;
        switch (reason) {
            case KvmVcpu.EXIT_IO -> {
                MemorySegment run = vcpu.runArea();
                int port = run.get(JAVA_SHORT, KvmLayouts.IO_PORT) & 0xffff;
                vcpu.getRegs();
                if (port == KvmUserStub.SYSCALL_PORT) return syscall();
                int v = port - KvmUserStub.VECTOR_PORT;
                if (v >= 0 && v < 32) return exception(v);
                return unexpected("I/O exit on port " + port);
            }
            case KvmVcpu.EXIT_INTR -> {
                vcpu.getRegs();
                long rip = vcpu.reg(KvmVcpu.RIP);
                if (takeUserState(rip)) return INTERRUPT; // stopped in guest code: its registers are the thread's now
                long off = rip - stub;
                if (off == KvmUserStub.IRETQ) return INTERRUPT; // nothing ran: the X86Cpu is current
                // Between an entry to CPL 0 and its OUT: serve it as the OUT would have been.
                if (off == KvmUserStub.SYSCALL_ENTRY) return syscall();
                if (off >= KvmUserStub.VECTORS && off < KvmUserStub.vectorEntry(32) && (off & 3) == 0) {
                    return exception((int) (off - KvmUserStub.VECTORS) / 4);
                }
                return unexpected(String.format("interrupted at %#x", rip));
            }
            default -> {
                return unexpected("exit reason " + reason);
            }
        }
    }

    private X86Exception syscall() {
        getGprs();
        return syscallServed();
    }

    /** The GPRs are in the X86Cpu: RCX holds the return address and R11 the flags, as SYSCALL left them. */
    private X86Exception syscallServed() {
        cpu.rip = vcpu.reg(KvmVcpu.RCX);
        setFlags(vcpu.reg(KvmVcpu.R8 + 3)); // r11
        long nr = cpu.regs[X86Cpu.RAX];
        // rt_sigreturn, clone, fork, vfork, clone3 read or copy the x87/SSE state from the X86Cpu
        if (nr == 15 || nr == 56 || nr == 57 || nr == 58 || nr == 435) syncFpu();
        return SYSCALL;
    }

    private X86Exception exception(int v) {
        long sp = vcpu.reg(KvmVcpu.RSP);
        int err = 0;
        boolean hasErr = KvmUserStub.hasErrorCode(v);
        if (hasErr) {
            err = (int) vm.privLong(sp);
            sp += 8;
        }
        long rip = vm.privLong(sp), cs = vm.privLong(sp + 8);
        if (DEBUG && v != 13) {
            vcpu.getSregs();
            System.err.printf("kvm-user: vector %d err %#x frame rip %#x cs %#x rflags %#x rsp %#x ss %#x; now cs %#x rip %#x rsp %#x cr2 %#x%n",
                    v, err, rip, cs, vm.privLong(sp + 16), vm.privLong(sp + 24), vm.privLong(sp + 32),
                    vcpu.segSelector(KvmVcpu.CS), vcpu.reg(KvmVcpu.RIP), vcpu.reg(KvmVcpu.RSP), vcpu.sreg(KvmVcpu.SR_CR2));
        }
        if (rip == KvmUserVm.KBASE + KvmUserVm.STUB + KvmUserStub.SYSCALL_ENTRY) {
            // SYSCALL reached the entry but not CPL 0 (kvm_pvm switches RIP and RFLAGS only): the OUT there
            // faulted at CPL 3 and brought us here instead. The registers are the system call's.
            getGprs();
            cpu.regs[X86Cpu.RSP] = vm.privLong(sp + 24);
            return syscallServed();
        }
        if ((cs & 3) != 3) {
            // In the stub (the IRETQ back to the program): nothing of the program's ran since the X86Cpu was
            // put into the vCPU, so the X86Cpu is the thread's state; the vCPU's RSP is the stub's stack.
            long f = vm.privLong(sp + 24); // the stack the fault interrupted: IRETQ's frame
            return unexpected(String.format("exception %d (error %#x) in the CPL-0 stub at %#x, frame %#x %#x %#x %#x %#x",
                    v, err, rip, vm.privLong(f), vm.privLong(f + 8), vm.privLong(f + 16), vm.privLong(f + 24), vm.privLong(f + 32)));
        }
        getGprs();
        cpu.rip = rip;
        setFlags(vm.privLong(sp + 16));
        cpu.regs[X86Cpu.RSP] = vm.privLong(sp + 24);
        syncFpu();
        if (v == X86Exception.PF) {
            vcpu.getSregs();
            long va = vcpu.sreg(KvmVcpu.SR_CR2);
            int access = (err & 0x10) != 0 ? SoftMmu.EXEC : (err & 2) != 0 ? SoftMmu.WRITE : SoftMmu.READ;
            try {
                vm.as.translate(va, access);
            } catch (X86Exception pf) {
                sameFaults = 0;
                return pf; // the guest may not: a SIGSEGV/SIGBUS with the address space's own error code
            }
            // Allowed: the tables missed an update. Refresh the page and retry (a few times at most).
            if (va == lastFaultVa && ++sameFaults > 3) {
                return unexpected(String.format("page fault at %#x repeats although the page is accessible", va));
            }
            if (va != lastFaultVa) sameFaults = 0;
            lastFaultVa = va;
            vm.refreshPage(va);
            return null;
        }
        if (v == X86Exception.BP || v == X86Exception.OF) return X86Exception.trap(v);
        return hasErr ? X86Exception.fault(v, err) : X86Exception.fault(v);
    }

    /**
     * If the vCPU (registers just read) stopped at {@code rip} in the program's code, copies its registers, RIP
     * and flags to the thread's X86Cpu and returns true; false if it stopped in the CPL-0 stub.
     */
    private boolean takeUserState(long rip) {
        if (rip < 0 || rip >= USER_TOP) return false;
        getGprs();
        cpu.rip = rip;
        setFlags(vcpu.reg(KvmVcpu.RFLAGS));
        return true;
    }

    /** An exit the accelerator does not handle: the interpreter takes the thread over if its state is known. */
    private X86Exception unexpected(String what) {
        vcpu.getRegs();
        takeUserState(vcpu.reg(KvmVcpu.RIP));
        // if it was not in guest code, the X86Cpu still holds the state of the last entry or exit, the best there is
        syncFpu();
        thread.fallBackToInterpreter("kvm: " + what);
        return INTERRUPT;
    }

    // ---- x87/SSE ----

    @Override
    public void syncFpu() {
        if (fpuInCpu || closed) return;
        int r = KvmNative.ioctl(cap, vcpu.fd(), GET_FPU, fpu.address());
        if (r < 0) throw new KvmException("KVM_GET_FPU", r);
        KvmUserFpu.toCpu(fpu, cpu);
        fpuInCpu = true;
    }

    private void putFpu() {
        KvmUserFpu.fromCpu(cpu, fpu);
        int r = KvmNative.ioctl(cap, vcpu.fd(), SET_FPU, fpu.address());
        if (r < 0) throw new KvmException("KVM_SET_FPU", r);
    }

    @Override
    public void close() {
        if (closed) return;
        try {
            syncFpu();
        } catch (RuntimeException ignored) {
            // the state is lost with the vCPU; the thread is ending or exec'ing anyway
        }
        synchronized (this) {
            closed = true;
        }
        vm.freeBlock(block);
        vm.release(this, vcpu); // kept for the next thread (or closed with the VM)
        arena.close();
    }
}
