package dev.jemu.accel.kvm;

import dev.jemu.util.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc calls KVM needs (open, ioctl, mmap of a descriptor, signals to kick a vCPU thread) and the ioctl
 * numbers of linux/kvm.h (x86-64), through the Foreign Function &amp; Memory API. Every call that can fail takes
 * a capture segment for errno as its first argument; callers keep one per thread so that KVM_RUN allocates
 * nothing.
 */
final class KvmNative {
    private KvmNative() {}

    // ---- ioctl numbers: _IOC(dir, 0xAE, nr, size) ----
    private static final int KVMIO = 0xAE, IOC_WRITE = 1, IOC_READ = 2;

    private static long io(int nr) {
        return (KVMIO << 8) | nr;
    }

    private static long ioc(int dir, int nr, int size) {
        return ((long) dir << 30) | ((long) size << 16) | (KVMIO << 8) | nr;
    }

    static final long GET_API_VERSION = io(0x00), CREATE_VM = io(0x01), CHECK_EXTENSION = io(0x03),
            GET_VCPU_MMAP_SIZE = io(0x04), GET_SUPPORTED_CPUID = ioc(IOC_READ | IOC_WRITE, 0x05, 8),
            GET_MSR_INDEX_LIST = ioc(IOC_READ | IOC_WRITE, 0x02, 4),
            CREATE_VCPU = io(0x41), SET_USER_MEMORY_REGION = ioc(IOC_WRITE, 0x46, 32), SET_TSS_ADDR = io(0x47),
            SET_IDENTITY_MAP_ADDR = ioc(IOC_WRITE, 0x48, 8), CREATE_IRQCHIP = io(0x60),
            IRQ_LINE = ioc(IOC_WRITE, 0x61, 8), CREATE_PIT2 = ioc(IOC_WRITE, 0x77, 64), RUN = io(0x80),
            GET_REGS = ioc(IOC_READ, 0x81, 144), SET_REGS = ioc(IOC_WRITE, 0x82, 144),
            GET_SREGS = ioc(IOC_READ, 0x83, 312), SET_SREGS = ioc(IOC_WRITE, 0x84, 312),
            INTERRUPT = ioc(IOC_WRITE, 0x86, 4), NMI = io(0x9a), GET_MSRS = ioc(IOC_READ | IOC_WRITE, 0x88, 8),
            SET_MSRS = ioc(IOC_WRITE, 0x89, 8), SET_CPUID2 = ioc(IOC_WRITE, 0x90, 8),
            SET_GSI_ROUTING = ioc(IOC_WRITE, 0x6a, 8), GET_MP_STATE = ioc(IOC_READ, 0x98, 4),
            SET_MP_STATE = ioc(IOC_WRITE, 0x99, 4), SET_IRQCHIP = ioc(IOC_READ, 0x63, 520),
            TRANSLATE = ioc(IOC_READ | IOC_WRITE, 0x85, 24), GET_DEBUGREGS = ioc(IOC_READ, 0xa1, 128);

    // ---- capabilities ----
    static final int CAP_IRQCHIP = 0, CAP_HLT = 1, CAP_USER_MEMORY = 3, CAP_SET_TSS_ADDR = 4, CAP_EXT_CPUID = 7,
            CAP_NR_VCPUS = 9, CAP_NR_MEMSLOTS = 10, CAP_PIT2 = 33, CAP_SET_IDENTITY_MAP_ADDR = 37,
            CAP_MAX_VCPUS = 66, CAP_IRQ_ROUTING = 25, CAP_READONLY_MEM = 81, CAP_IMMEDIATE_EXIT = 136;

    static final int O_RDWR = 2, O_CLOEXEC = 0x80000;
    static final int EINTR = 4, EAGAIN = 11, E2BIG = 7;
    private static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1;

    // Everything on the hot and set-up paths goes through raw system calls with the one downcall jemu links
    // anyway (Native.syscall: libc's syscall(2)); a downcall of a new shape costs tens of milliseconds to link
    // in a fresh JVM. Only the rare calls (strerror, installing the kick handler) link their own, lazily.
    private static final int SYS_MMAP = 9, SYS_MUNMAP = 11, SYS_IOCTL = 16, SYS_CLOSE = 3, SYS_GETPID = 39,
            SYS_GETTID = 186, SYS_TGKILL = 234, SYS_OPENAT = 257, AT_FDCWD = -100;

    private static long sys(long nr, long a, long b, long c, long d, long e, long f) {
        return Native.syscall(nr, a, b, c, d, e, f);
    }

    /** SIGRTMIN+7 in glibc's numbering (34 + 7): the JVM does not use real-time signals. */
    private static final int KICK_SIGNAL = 41;

    /** The signal that kicks a vCPU thread out of KVM_RUN (QEMU's SIG_IPI); its handler installed on first use. */
    private static final class Kick {
        // The handler only has to exist so that the signal interrupts KVM_RUN instead of being discarded or
        // killing the process.
        static final boolean INSTALLED = install();

        private static boolean install() {
            Native.installNoopHandler(KICK_SIGNAL, true);
            return true;
        }
    }

    /** Installs the kick signal's handler (before any vCPU thread may be kicked) and returns its number. */
    static int sigKick() {
        if (!Kick.INSTALLED) throw new IllegalStateException();
        return KICK_SIGNAL;
    }

    /** Opens {@code path} read/write; returns the descriptor or -errno. */
    static int open(String path) {
        try (Arena a = Arena.ofConfined()) {
            return (int) sys(SYS_OPENAT, AT_FDCWD, a.allocateFrom(path).address(), O_RDWR | O_CLOEXEC, 0, 0, 0);
        }
    }

    static void close(int fd) {
        sys(SYS_CLOSE, fd, 0, 0, 0, 0, 0);
    }

    /** ioctl; returns its result, or -errno on failure ({@code cap} is unused: kept for callers' shape). */
    static int ioctl(MemorySegment cap, int fd, long request, long arg) {
        return (int) sys(SYS_IOCTL, fd, request, arg, 0, 0, 0);
    }

    /** ioctl (setup calls and the run loop alike). */
    static int ioctl(int fd, long request, long arg) {
        return (int) sys(SYS_IOCTL, fd, request, arg, 0, 0, 0);
    }

    /** mmap(MAP_SHARED) of a descriptor (the vCPU's kvm_run page); -errno as an address is never returned: throws. */
    static MemorySegment mmapShared(int fd, long size) {
        long p = sys(SYS_MMAP, 0, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p < 0 && p > -4096) throw new KvmException("mmap of the vCPU's kvm_run", (int) p);
        return MemorySegment.ofAddress(p).reinterpret(size);
    }

    static void munmap(MemorySegment seg) {
        sys(SYS_MUNMAP, seg.address(), seg.byteSize(), 0, 0, 0, 0);
    }

    private static final class StrError {
        static final MethodHandle STRERROR = Native.downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT), false);
    }

    /** The C library's text for an errno ("No such file or directory"). */
    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) StrError.STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** The calling thread's kernel id (what {@link #pthreadKill} signals). */
    static long pthreadSelf() {
        return sys(SYS_GETTID, 0, 0, 0, 0, 0, 0);
    }

    private static final long PID = sys(SYS_GETPID, 0, 0, 0, 0, 0, 0);

    /** Sends {@code sig} to the thread {@link #pthreadSelf} named. */
    static void pthreadKill(long thread, int sig) {
        sys(SYS_TGKILL, PID, thread, sig, 0, 0, 0);
    }
}
