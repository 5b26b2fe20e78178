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

    private static final MethodHandle OPEN = Native.LINKER.downcallHandle(
            Native.LIBC.find("open").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Native.CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = Native.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);
    /** ioctl(fd, request, long): pointers are passed as their address. */
    private static final MethodHandle IOCTL = Native.LINKER.downcallHandle(
            Native.LIBC.find("ioctl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), Native.CAPTURE_ERRNO,
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MMAP = Native.downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), true);
    private static final MethodHandle MUNMAP = Native.downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), true);
    private static final MethodHandle STRERROR = Native.downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT), false);
    private static final MethodHandle PTHREAD_SELF = Native.downcall("pthread_self", FunctionDescriptor.of(JAVA_LONG), false);
    private static final MethodHandle PTHREAD_KILL = Native.downcall("pthread_kill",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT), false);
    private static final MethodHandle SIGNAL = Native.downcall("signal",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS), false);
    private static final MethodHandle SIGRTMIN = Native.downcall("__libc_current_sigrtmin",
            FunctionDescriptor.of(JAVA_INT), false);

    /** The signal that kicks a vCPU thread out of KVM_RUN (QEMU's SIG_IPI); the JVM does not use real-time signals. */
    static final int SIG_KICK;

    static {
        try {
            SIG_KICK = (int) SIGRTMIN.invokeExact() + 7;
            // The handler only has to exist so that the signal interrupts KVM_RUN (EINTR) instead of being
            // discarded or killing the process: any async-signal-safe libc function taking an int will do.
            MemorySegment handler = Native.LIBC.find("getpid").orElseThrow();
            MemorySegment old = (MemorySegment) SIGNAL.invokeExact(SIG_KICK, handler);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Opens {@code path} read/write; returns the descriptor or -errno. */
    static int open(String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = Native.newCapture(a);
            int fd = (int) OPEN.invokeExact(cap, a.allocateFrom(path), O_RDWR | O_CLOEXEC);
            return fd >= 0 ? fd : -Native.errno(cap);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int r = (int) CLOSE.invokeExact(Native.newCapture(a), fd);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** ioctl; returns its result, or -errno on failure (errno read from {@code cap}). */
    static int ioctl(MemorySegment cap, int fd, long request, long arg) {
        try {
            int r = (int) IOCTL.invokeExact(cap, fd, request, arg);
            return r >= 0 ? r : -Native.errno(cap);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** ioctl with a fresh capture segment (setup calls, not the run loop). */
    static int ioctl(int fd, long request, long arg) {
        try (Arena a = Arena.ofConfined()) {
            return ioctl(Native.newCapture(a), fd, request, arg);
        }
    }

    /** mmap(MAP_SHARED) of a descriptor (the vCPU's kvm_run page); -errno as an address is never returned: throws. */
    static MemorySegment mmapShared(int fd, long size) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = Native.newCapture(a);
            MemorySegment p = (MemorySegment) MMAP.invokeExact(cap, MemorySegment.NULL, size,
                    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0L);
            if (p.address() == -1L) throw new KvmException("mmap of the vCPU's kvm_run", -Native.errno(cap));
            return p.reinterpret(size);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static void munmap(MemorySegment seg) {
        try (Arena a = Arena.ofConfined()) {
            int r = (int) MUNMAP.invokeExact(Native.newCapture(a), seg, seg.byteSize());
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** The C library's text for an errno ("No such file or directory"). */
    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static long pthreadSelf() {
        try {
            return (long) PTHREAD_SELF.invokeExact();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static void pthreadKill(long thread, int sig) {
        try {
            int r = (int) PTHREAD_KILL.invokeExact(thread, sig);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
