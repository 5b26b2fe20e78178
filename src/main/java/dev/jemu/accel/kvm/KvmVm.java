package dev.jemu.accel.kvm;

import dev.jemu.memory.PhysMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.jemu.accel.kvm.KvmLayouts.IRQ_LEVEL;
import static dev.jemu.accel.kvm.KvmLayouts.PIT_CONFIG;
import static dev.jemu.accel.kvm.KvmLayouts.USERSPACE_MEMORY_REGION;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A KVM virtual machine: its guest-physical memory slots (the very host memory of the board's {@link PhysMemory},
 * ROM as read-only slots so that writes come back as MMIO exits and are dropped), the in-kernel interrupt
 * controllers and PIT, IRQ lines, and its vCPUs.
 */
public final class KvmVm implements AutoCloseable {
    /** Where QEMU puts the three pages KVM needs for real-mode emulation on VT-x (below the BIOS, above RAM). */
    public static final long TSS_ADDR = 0xfeffd000L, IDENTITY_MAP_ADDR = 0xfeffc000L;

    private final Kvm kvm;
    private final int fd;
    private final boolean readonlyMem;
    private final List<long[]> slots = new ArrayList<>(); // {gpa, size, hostAddr, flags}
    private boolean irqchip;

    KvmVm(Kvm kvm, int fd) {
        this.kvm = kvm;
        this.fd = fd;
        this.readonlyMem = kvm.checkExtension(KvmNative.CAP_READONLY_MEM) > 0;
    }

    public Kvm kvm() {
        return kvm;
    }

    int fd() {
        return fd;
    }

    /** KVM_SET_USER_MEMORY_REGION; {@code size} 0 deletes the slot. */
    public void setMemoryRegion(int slot, boolean readOnly, long gpa, long size, long hostAddr) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(USERSPACE_MEMORY_REGION);
            r.set(JAVA_INT, 0, slot);
            r.set(JAVA_INT, 4, readOnly ? KvmLayouts.MEM_READONLY : 0);
            r.set(JAVA_LONG, 8, gpa);
            r.set(JAVA_LONG, 16, size);
            r.set(JAVA_LONG, 24, hostAddr);
            int e = KvmNative.ioctl(fd, KvmNative.SET_USER_MEMORY_REGION, r.address());
            if (e < 0) throw new KvmException(String.format(
                    "KVM_SET_USER_MEMORY_REGION slot %d at 0x%x+0x%x", slot, gpa, size), e);
        }
    }

    /**
     * Makes KVM's slots mirror the RAM and ROM regions of {@code phys} (call again after the map changed: PAM,
     * BIOS shadowing). Regions are found by walking the map page by page up to {@code limit}.
     */
    public synchronized void syncMemory(PhysMemory phys, long limit) {
        List<long[]> want = scan(phys, limit);
        if (sameSlots(want)) return;
        for (int i = 0; i < slots.size(); i++) setMemoryRegion(i, false, slots.get(i)[0], 0, 0);
        slots.clear();
        long base = phys.hostRam().segment().address();
        for (long[] r : want) {
            boolean ro = r[3] != 0;
            if (ro && !readonlyMem) ro = false; // old kernels: ROM becomes writable RAM, as QEMU does there
            setMemoryRegion(slots.size(), ro, r[0], r[1], base + r[2]);
            slots.add(r);
        }
    }

    private boolean sameSlots(List<long[]> want) {
        if (want.size() != slots.size()) return false;
        for (int i = 0; i < want.size(); i++) if (!java.util.Arrays.equals(want.get(i), slots.get(i))) return false;
        return true;
    }

    /** The runs of pages of {@code phys} that are RAM or ROM with contiguous host memory: {gpa, size, hostOffset, rom}. */
    static List<long[]> scan(PhysMemory phys, long limit) {
        List<long[]> out = new ArrayList<>();
        long page = PhysMemory.PAGE;
        long[] cur = null;
        for (long pa = 0; Long.compareUnsigned(pa, limit) < 0; pa += page) {
            long host = phys.hostOffset(pa);
            if (host < 0) {
                cur = null;
                continue;
            }
            long rom = phys.isRam(pa, page) ? 0 : 1;
            if (cur != null && cur[2] + cur[1] == host && cur[3] == rom && cur[0] + cur[1] == pa) {
                cur[1] += page;
            } else {
                cur = new long[]{pa, page, host, rom};
                out.add(cur);
            }
        }
        return out;
    }

    /** The slots now given to KVM: {gpa, size, hostOffset, rom}. */
    public synchronized List<long[]> slots() {
        return List.copyOf(slots);
    }

    /** KVM_SET_TSS_ADDR + KVM_SET_IDENTITY_MAP_ADDR: pages VT-x needs for real mode and unpaged protected mode. */
    public void setupSpecialPages() {
        int e = KvmNative.ioctl(fd, KvmNative.SET_TSS_ADDR, TSS_ADDR);
        if (e < 0) throw new KvmException("KVM_SET_TSS_ADDR", e);
        if (kvm.checkExtension(KvmNative.CAP_SET_IDENTITY_MAP_ADDR) > 0) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment v = a.allocateFrom(JAVA_LONG, IDENTITY_MAP_ADDR);
                e = KvmNative.ioctl(fd, KvmNative.SET_IDENTITY_MAP_ADDR, v.address());
                if (e < 0) throw new KvmException("KVM_SET_IDENTITY_MAP_ADDR", e);
            }
        }
    }

    /** KVM_CREATE_IRQCHIP: the 8259 pair, IOAPIC and local APICs in the kernel. Before any vCPU. */
    public void createIrqchip() {
        int e = KvmNative.ioctl(fd, KvmNative.CREATE_IRQCHIP, 0);
        if (e < 0) throw new KvmException("Create kernel irqchip failed", e);
        irqchip = true;
    }

    public boolean hasIrqchip() {
        return irqchip;
    }

    /** KVM_CREATE_PIT2: the 8254 in the kernel (ports 0x40-0x43), speaker port left to user space as QEMU does. */
    public void createPit2() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(PIT_CONFIG);
            c.set(JAVA_INT, 0, KvmLayouts.PIT_SPEAKER_DUMMY);
            int e = KvmNative.ioctl(fd, KvmNative.CREATE_PIT2, c.address());
            if (e < 0) throw new KvmException("Create kernel PIT state failed", e);
        }
    }

    /** KVM_IRQ_LINE: drives GSI {@code irq} of the in-kernel PIC/IOAPIC; safe from any thread. */
    public void irqLine(int irq, boolean level) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment l = a.allocate(IRQ_LEVEL);
            l.set(JAVA_INT, 0, irq);
            l.set(JAVA_INT, 4, level ? 1 : 0);
            int e = KvmNative.ioctl(fd, KvmNative.IRQ_LINE, l.address());
            if (e < 0) throw new KvmException("KVM_IRQ_LINE " + irq, e);
        }
    }

    /** KVM_CREATE_VCPU with its kvm_run area mapped. */
    public KvmVcpu createVcpu(int id) {
        int r = KvmNative.ioctl(fd, KvmNative.CREATE_VCPU, id);
        if (r < 0) throw new KvmException("kvm_init_vcpu: kvm_get_vcpu failed (" + id + ")", r);
        return new KvmVcpu(this, r, id, KvmNative.mmapShared(r, kvm.vcpuMmapSize()));
    }

    @Override
    public void close() {
        KvmNative.close(fd);
    }
}
