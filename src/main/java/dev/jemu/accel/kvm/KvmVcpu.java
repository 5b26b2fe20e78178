package dev.jemu.accel.kvm;

import dev.jemu.util.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.jemu.accel.kvm.KvmLayouts.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One KVM vCPU: its descriptor, the kvm_run area shared with the kernel, and copies of its registers
 * (kvm_regs, kvm_sregs) that {@link #getRegs}/{@link #setRegs} etc. move between jemu and the kernel. All
 * buffers are allocated once: {@link #run} allocates nothing. Used by one thread at a time (its vCPU thread),
 * except {@link #kick}.
 */
public final class KvmVcpu implements AutoCloseable {
    // kvm_regs indices (the header's order)
    public static final int RAX = 0, RBX = 1, RCX = 2, RDX = 3, RSI = 4, RDI = 5, RSP = 6, RBP = 7,
            R8 = 8, R15 = 15, RIP = 16, RFLAGS = 17;
    // kvm_sregs segment indices
    public static final int CS = 0, DS = 1, ES = 2, FS = 3, GS = 4, SS = 5, TR = 6, LDT = 7;

    public static final int EXIT_UNKNOWN = 0, EXIT_EXCEPTION = 1, EXIT_IO = 2, EXIT_HYPERCALL = 3, EXIT_DEBUG = 4,
            EXIT_HLT = 5, EXIT_MMIO = 6, EXIT_IRQ_WINDOW_OPEN = 7, EXIT_SHUTDOWN = 8, EXIT_FAIL_ENTRY = 9,
            EXIT_INTR = 10, EXIT_INTERNAL_ERROR = 17, EXIT_SYSTEM_EVENT = 24;

    private final KvmVm vm;
    private final int fd, id;
    private final MemorySegment run;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment cap = Native.newCapture(arena);
    private final MemorySegment regs = arena.allocate(REGS);
    private final MemorySegment sregs = arena.allocate(SREGS);
    private final MemorySegment msrBuf = arena.allocate(MSRS.byteSize() + MSR_ENTRY.byteSize(), 8);
    private final MemorySegment interrupt = arena.allocate(JAVA_INT);
    /** The vCPU thread's pthread_t once it ran; 0 before. */
    private volatile long thread;

    KvmVcpu(KvmVm vm, int fd, int id, MemorySegment run) {
        this.vm = vm;
        this.fd = fd;
        this.id = id;
        this.run = run;
    }

    int fd() {
        return fd;
    }

    public int id() {
        return id;
    }

    public KvmVm vm() {
        return vm;
    }

    /** The kvm_run area (exit data); offsets in {@link KvmLayouts}. */
    MemorySegment runArea() {
        return run;
    }

    // ---- KVM_RUN ----

    /**
     * Enters the guest until the next exit; returns the exit reason, or {@link #EXIT_INTR} when a kick (signal
     * or immediate_exit) ended the run. Throws on other failures of the ioctl.
     */
    public int run() {
        if (thread == 0) thread = KvmNative.pthreadSelf();
        int r = KvmNative.ioctl(cap, fd, KvmNative.RUN, 0);
        if (r < 0) {
            if (r == -KvmNative.EINTR || r == -KvmNative.EAGAIN) return EXIT_INTR;
            throw new KvmException("KVM_RUN", r);
        }
        return run.get(JAVA_INT, RUN_EXIT_REASON);
    }

    /**
     * Makes the vCPU leave KVM_RUN soon (from any thread): immediate_exit covers a vCPU between runs, the
     * signal one inside KVM_RUN. The vCPU thread calls {@link #clearKick} once it has looked at its requests.
     */
    public void kick() {
        run.set(JAVA_BYTE, RUN_IMMEDIATE_EXIT, (byte) 1);
        long t = thread;
        if (t != 0) KvmNative.pthreadKill(t, KvmNative.sigKick());
    }

    /** Another host thread will run this vCPU from now on (kicks must go to it). */
    void unbindThread() {
        thread = 0;
    }

    public void clearKick() {
        run.set(JAVA_BYTE, RUN_IMMEDIATE_EXIT, (byte) 0);
    }

    /** Asks KVM to exit with {@link #EXIT_IRQ_WINDOW_OPEN} as soon as the guest can take an interrupt. */
    public void requestInterruptWindow(boolean on) {
        run.set(JAVA_BYTE, RUN_REQUEST_IRQ_WINDOW, (byte) (on ? 1 : 0));
    }

    public boolean readyForInterruptInjection() {
        return run.get(JAVA_BYTE, RUN_READY_FOR_INJECTION) != 0;
    }

    public boolean ifFlag() {
        return run.get(JAVA_BYTE, RUN_IF_FLAG) != 0;
    }

    /** KVM_INTERRUPT: queues an external interrupt (only without the in-kernel irqchip). */
    public void injectInterrupt(int vector) {
        interrupt.set(JAVA_INT, 0, vector);
        int e = KvmNative.ioctl(cap, fd, KvmNative.INTERRUPT, interrupt.address());
        if (e < 0) throw new KvmException("KVM_INTERRUPT", e);
    }

    public void injectNmi() {
        int e = KvmNative.ioctl(cap, fd, KvmNative.NMI, 0);
        if (e < 0) throw new KvmException("KVM_NMI", e);
    }

    /** kvm_mp_state values: running, or an AP waiting for INIT/SIPI (what APs are at power-on and after a reset). */
    public static final int MP_RUNNABLE = 0, MP_UNINITIALIZED = 1;

    /** KVM_GET_MP_STATE (3: halted), or -1 where KVM has no in-kernel irqchip to say. */
    public int mpState() {
        return KvmNative.ioctl(cap, fd, KvmNative.GET_MP_STATE, interrupt.address()) < 0 ? -1 : interrupt.get(JAVA_INT, 0);
    }

    /** KVM_SET_MP_STATE (in-kernel irqchip only). */
    public void setMpState(int state) {
        interrupt.set(JAVA_INT, 0, state);
        check(KvmNative.ioctl(cap, fd, KvmNative.SET_MP_STATE, interrupt.address()), "KVM_SET_MP_STATE");
    }

    // ---- registers ----

    /** KVM_GET_REGS into the local copy. */
    public void getRegs() {
        check(KvmNative.ioctl(cap, fd, KvmNative.GET_REGS, regs.address()), "KVM_GET_REGS");
    }

    public void setRegs() {
        check(KvmNative.ioctl(cap, fd, KvmNative.SET_REGS, regs.address()), "KVM_SET_REGS");
    }

    public long reg(int i) {
        return regs.get(JAVA_LONG, 8L * i);
    }

    public void reg(int i, long v) {
        regs.set(JAVA_LONG, 8L * i, v);
    }

    public void getSregs() {
        check(KvmNative.ioctl(cap, fd, KvmNative.GET_SREGS, sregs.address()), "KVM_GET_SREGS");
    }

    public void setSregs() {
        check(KvmNative.ioctl(cap, fd, KvmNative.SET_SREGS, sregs.address()), "KVM_SET_SREGS");
    }

    private static final long SEG = SEGMENT.byteSize(), CR0_OFF = offset(SREGS, "cr0"), GDT_OFF = offset(SREGS, "gdt"),
            IDT_OFF = offset(SREGS, "idt");

    public long segBase(int s) {
        return sregs.get(JAVA_LONG, s * SEG);
    }

    public int segLimit(int s) {
        return sregs.get(JAVA_INT, s * SEG + 8);
    }

    public int segSelector(int s) {
        return sregs.get(JAVA_SHORT, s * SEG + 12) & 0xffff;
    }

    /**
     * The segment's attributes as the upper half of its descriptor holds them (type 8-11, S 12, DPL 13-14,
     * P 15, AVL 20, L 21, D/B 22, G 23): the form X86Cpu.segAttr and QEMU's register dump use.
     */
    public int segAttr(int s) {
        long o = s * SEG + 14;
        int type = sregs.get(JAVA_BYTE, o) & 15, p = sregs.get(JAVA_BYTE, o + 1), dpl = sregs.get(JAVA_BYTE, o + 2) & 3;
        int db = sregs.get(JAVA_BYTE, o + 3), sBit = sregs.get(JAVA_BYTE, o + 4), l = sregs.get(JAVA_BYTE, o + 5);
        int g = sregs.get(JAVA_BYTE, o + 6), avl = sregs.get(JAVA_BYTE, o + 7);
        return type << 8 | (sBit & 1) << 12 | dpl << 13 | (p & 1) << 15 | (avl & 1) << 20 | (l & 1) << 21
                | (db & 1) << 22 | (g & 1) << 23;
    }

    public boolean segUnusable(int s) {
        return sregs.get(JAVA_BYTE, s * SEG + 22) != 0;
    }

    /** Sets a segment from a selector, base, limit (bytes) and descriptor attributes as {@link #segAttr} returns them. */
    public void segment(int s, int selector, long base, int limit, int attr) {
        long o = s * SEG;
        sregs.set(JAVA_LONG, o, base);
        sregs.set(JAVA_INT, o + 8, limit);
        sregs.set(JAVA_SHORT, o + 12, (short) selector);
        sregs.set(JAVA_BYTE, o + 14, (byte) (attr >> 8 & 15));
        sregs.set(JAVA_BYTE, o + 15, (byte) (attr >> 15 & 1));
        sregs.set(JAVA_BYTE, o + 16, (byte) (attr >> 13 & 3));
        sregs.set(JAVA_BYTE, o + 17, (byte) (attr >> 22 & 1));
        sregs.set(JAVA_BYTE, o + 18, (byte) (attr >> 12 & 1));
        sregs.set(JAVA_BYTE, o + 19, (byte) (attr >> 21 & 1));
        sregs.set(JAVA_BYTE, o + 20, (byte) (attr >> 23 & 1));
        sregs.set(JAVA_BYTE, o + 21, (byte) (attr >> 20 & 1));
        sregs.set(JAVA_BYTE, o + 22, (byte) ((attr >> 15 & 1) == 0 ? 1 : 0)); // not present: unusable
    }

    /** A real-mode segment: base = selector * 16, 64 KiB, read/write (code: execute/read), accessed. */
    public void realModeSegment(int s, int selector) {
        segment(s, selector, (selector & 0xffffL) << 4, 0xffff, s == CS ? 0x9b00 : 0x9300);
    }

    public long gdtBase() {
        return sregs.get(JAVA_LONG, GDT_OFF);
    }

    public int gdtLimit() {
        return sregs.get(JAVA_SHORT, GDT_OFF + 8) & 0xffff;
    }

    public long idtBase() {
        return sregs.get(JAVA_LONG, IDT_OFF);
    }

    public int idtLimit() {
        return sregs.get(JAVA_SHORT, IDT_OFF + 8) & 0xffff;
    }

    public void gdt(long base, int limit) {
        sregs.set(JAVA_LONG, GDT_OFF, base);
        sregs.set(JAVA_SHORT, GDT_OFF + 8, (short) limit);
    }

    public void idt(long base, int limit) {
        sregs.set(JAVA_LONG, IDT_OFF, base);
        sregs.set(JAVA_SHORT, IDT_OFF + 8, (short) limit);
    }

    /** Control registers in kvm_sregs order: 0 CR0, 1 CR2, 2 CR3, 3 CR4, 4 CR8, 5 EFER, 6 APIC_BASE. */
    public static final int SR_CR0 = 0, SR_CR2 = 1, SR_CR3 = 2, SR_CR4 = 3, SR_CR8 = 4, SR_EFER = 5, SR_APIC_BASE = 6;

    public long sreg(int i) {
        return sregs.get(JAVA_LONG, CR0_OFF + 8L * i);
    }

    public void sreg(int i, long v) {
        sregs.set(JAVA_LONG, CR0_OFF + 8L * i, v);
    }

    private final MemorySegment xlate = arena.allocate(24, 8);
    private final MemorySegment debugRegs = arena.allocate(128, 8);

    /** KVM_TRANSLATE: the guest-physical address of a linear one through the guest's page tables, or -1. */
    public long translate(long linear) {
        xlate.fill((byte) 0);
        xlate.set(JAVA_LONG, 0, linear);
        if (KvmNative.ioctl(cap, fd, KvmNative.TRANSLATE, xlate.address()) < 0) return -1;
        return xlate.get(JAVA_BYTE, 16) != 0 ? xlate.get(JAVA_LONG, 8) : -1;
    }

    /** KVM_GET_DEBUGREGS: DR0-DR3, DR6, DR7 (indices 0-3, 6, 7; 4 and 5 read as 0), or null if KVM refuses. */
    public long[] debugRegisters() {
        if (KvmNative.ioctl(cap, fd, KvmNative.GET_DEBUGREGS, debugRegs.address()) < 0) return null;
        long[] dr = new long[8];
        for (int i = 0; i < 4; i++) dr[i] = debugRegs.get(JAVA_LONG, 8L * i);
        dr[6] = debugRegs.get(JAVA_LONG, 32);
        dr[7] = debugRegs.get(JAVA_LONG, 40);
        return dr;
    }

    // ---- MSRs ----

    /** KVM_GET_MSRS for one MSR; throws if KVM does not know it. */
    public long getMsr(int index) {
        msrBuf.set(JAVA_INT, 0, 1);
        msrBuf.set(JAVA_INT, 8, index);
        msrBuf.set(JAVA_LONG, 16, 0);
        int n = KvmNative.ioctl(cap, fd, KvmNative.GET_MSRS, msrBuf.address());
        if (n != 1) throw n < 0 ? new KvmException("KVM_GET_MSRS", n)
                : new KvmException(String.format("KVM_GET_MSRS: MSR 0x%x not supported", index));
        return msrBuf.get(JAVA_LONG, 16);
    }

    /** KVM_SET_MSRS for one MSR; returns false if KVM refused the value or the MSR. */
    public boolean setMsr(int index, long value) {
        msrBuf.set(JAVA_INT, 0, 1);
        msrBuf.set(JAVA_INT, 8, index);
        msrBuf.set(JAVA_LONG, 16, value);
        int n = KvmNative.ioctl(cap, fd, KvmNative.SET_MSRS, msrBuf.address());
        if (n < 0) throw new KvmException("KVM_SET_MSRS", n);
        return n == 1;
    }

    // ---- CPUID ----

    /** KVM_SET_CPUID2: the CPUID the guest sees (before the first KVM_RUN). */
    public void setCpuid(CpuidTable t) {
        try (Arena a = Arena.ofConfined()) {
            check(KvmNative.ioctl(fd, KvmNative.SET_CPUID2, t.toKvm(a).address()), "KVM_SET_CPUID2");
        }
    }

    private static void check(int r, String what) {
        if (r < 0) throw new KvmException(what, r);
    }

    @Override
    public void close() {
        KvmNative.munmap(run);
        KvmNative.close(fd);
        arena.close();
    }
}
