package dev.jemu.accel.kvm;

import dev.jemu.util.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.jemu.accel.kvm.KvmLayouts.CPUID_ENTRY2;

/**
 * The host's hypervisor: an open /dev/kvm. Creates VMs and answers questions about what the host's KVM offers
 * (API version, extensions, the CPUID it can virtualize, the size of a vCPU's shared kvm_run area).
 */
public final class Kvm implements AutoCloseable {
    public static final String DEVICE = "/dev/kvm";
    /** The stable API version (KVM_API_VERSION); anything else is a kernel jemu does not speak to. */
    static final int API_VERSION = 12;

    private final int fd;

    private Kvm(int fd) {
        this.fd = fd;
    }

    /**
     * Opens /dev/kvm and checks its API version. Throws {@link KvmException} with QEMU's text ("Could not
     * access KVM kernel module: No such file or directory") when the host has no usable KVM.
     */
    public static Kvm open() {
        return open(devicePath());
    }

    /**
     * The device to open: /dev/kvm, or $JEMU_KVM_DEVICE (a test hook: the command-line tests point it at a
     * missing or unusable file to see jemu's messages on a host that has KVM).
     */
    public static String devicePath() {
        String p = System.getenv("JEMU_KVM_DEVICE");
        return p == null || p.isEmpty() ? DEVICE : p;
    }

    static Kvm open(String path) {
        int fd = KvmNative.open(path);
        if (fd < 0) throw new KvmException("Could not access KVM kernel module", fd);
        Kvm k = new Kvm(fd);
        int v = KvmNative.ioctl(fd, KvmNative.GET_API_VERSION, 0);
        if (v != API_VERSION) {
            k.close();
            throw new KvmException(v < API_VERSION ? "kvm version too old" : "kvm version not supported");
        }
        return k;
    }

    /** True if /dev/kvm opens here (for -accel help and for tests that skip without it). */
    public static boolean available() {
        try (Kvm k = open()) {
            return true;
        } catch (KvmException | UnsatisfiedLinkError e) {
            return false;
        }
    }

    /** The reason KVM is unusable on this host, or null if it is usable (it opens and makes a VM). */
    public static String unavailableReason() {
        try (Kvm k = open()) {
            k.createVm().close();
            return null;
        } catch (KvmException e) {
            return e.getMessage();
        } catch (UnsatisfiedLinkError e) {
            return "Could not access KVM kernel module: " + e.getMessage();
        }
    }

    int fd() {
        return fd;
    }

    public int apiVersion() {
        return KvmNative.ioctl(fd, KvmNative.GET_API_VERSION, 0);
    }

    /** KVM_CHECK_EXTENSION: 0 if absent, else 1 or a capability-specific value. */
    public int checkExtension(int cap) {
        int r = KvmNative.ioctl(fd, KvmNative.CHECK_EXTENSION, cap);
        return Math.max(r, 0);
    }

    /** Size of the kvm_run area each vCPU shares with the kernel. */
    long vcpuMmapSize() {
        int r = KvmNative.ioctl(fd, KvmNative.GET_VCPU_MMAP_SIZE, 0);
        if (r < 0) throw new KvmException("KVM_GET_VCPU_MMAP_SIZE", r);
        return r;
    }

    /** KVM_CREATE_VM (default machine type). */
    public KvmVm createVm() {
        int r = KvmNative.ioctl(fd, KvmNative.CREATE_VM, 0);
        if (r < 0) throw new KvmException("ioctl(KVM_CREATE_VM) failed", r);
        return new KvmVm(this, r);
    }

    /** KVM_GET_SUPPORTED_CPUID: what the host can give a guest, growing the buffer as the kernel asks (E2BIG). */
    public CpuidTable supportedCpuid() {
        for (int n = 64; ; n *= 2) {
            Arena arena = Arena.ofAuto();
            MemorySegment buf = arena.allocate(8 + (long) n * CPUID_ENTRY2.byteSize(), 8);
            buf.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, n);
            int r = KvmNative.ioctl(fd, KvmNative.GET_SUPPORTED_CPUID, buf.address());
            if (r == -KvmNative.E2BIG && n < 4096) continue;
            if (r < 0) throw new KvmException("KVM_GET_SUPPORTED_CPUID", r);
            return CpuidTable.fromKvm(buf);
        }
    }

    @Override
    public void close() {
        KvmNative.close(fd);
    }

    /** errno text, for callers that report a failed call themselves. */
    static String strerror(int errno) {
        return KvmNative.strerror(errno);
    }

    static MemorySegment capture(Arena a) {
        return Native.newCapture(a);
    }
}
