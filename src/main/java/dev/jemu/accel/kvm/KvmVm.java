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
     * BIOS shadowing, a BAR moved). Only slots that changed are deleted and re-added, so a vCPU running in
     * unchanged RAM never sees its memory vanish for a moment.
     */
    public synchronized void syncMemory(PhysMemory phys) {
        List<long[]> want = regions(phys);
        long base = phys.hostRam().segment().address();
        // delete what is no longer wanted (first: KVM refuses overlapping slots)
        for (int i = 0; i < slots.size(); i++) {
            long[] s = slots.get(i);
            if (s != null && !contains(want, s)) {
                setMemoryRegion(i, false, s[0], 0, 0);
                slots.set(i, null);
            }
        }
        for (long[] r : want) {
            if (contains(slots, r)) continue;
            int id = slots.indexOf(null);
            if (id < 0) {
                id = slots.size();
                slots.add(null);
            }
            boolean ro = r[3] != 0;
            if (ro && !readonlyMem) ro = false; // old kernels: ROM becomes writable RAM, as QEMU does there
            setMemoryRegion(id, ro, r[0], r[1], base + r[2]);
            slots.set(id, r);
        }
    }

    private static boolean contains(List<long[]> list, long[] r) {
        for (long[] x : list) if (x != null && java.util.Arrays.equals(x, r)) return true;
        return false;
    }

    /** The RAM/ROM regions of {@code phys}, neighbours with contiguous host memory merged: {gpa, size, hostOffset, rom}. */
    static List<long[]> regions(PhysMemory phys) {
        List<long[]> out = new ArrayList<>();
        phys.forEachRegion((gpa, size, host, rom) -> {
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            long r = rom ? 1 : 0;
            if (last != null && last[0] + last[1] == gpa && last[2] + last[1] == host && last[3] == r) last[1] += size;
            else out.add(new long[]{gpa, size, host, r});
        });
        return out;
    }

    /** The slots now given to KVM: {gpa, size, hostOffset, rom}. */
    public synchronized List<long[]> slots() {
        return slots.stream().filter(java.util.Objects::nonNull).toList();
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

    /**
     * KVM_CREATE_PIT2: the 8254 in the kernel (ports 0x40-0x43). Port 0x61 is the kernel's too (no
     * KVM_PIT_SPEAKER_DUMMY): its bit 5 is channel 2's output, which firmware and kernels poll to calibrate
     * delays, and only the kernel's PIT knows it (QEMU reads it back with KVM_GET_PIT2 instead).
     */
    public void createPit2() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(PIT_CONFIG);
            int e = KvmNative.ioctl(fd, KvmNative.CREATE_PIT2, c.address());
            if (e < 0) throw new KvmException("Create kernel PIT state failed", e);
        }
    }

    /** kvm_irq_routing_entry: gsi, type, flags, pad, then a 32-byte union (irqchip: chip, pin). */
    private static final int ROUTE_SIZE = 48, ROUTE_IRQCHIP = 1, CHIP_PIC_MASTER = 0, CHIP_PIC_SLAVE = 1, CHIP_IOAPIC = 2;

    /**
     * KVM_SET_GSI_ROUTING as QEMU's pc machine sets it (kvm_pc_setup_irq_routing): ISA IRQs 0-15 reach the 8259
     * pair (IRQ 2 is the cascade), every GSI reaches the I/O APIC pin of the same number except GSI 0, the PIT,
     * which arrives on pin 2 as the MADT's interrupt source override says. KVM's default would put it on pin 0.
     */
    public void setPcGsiRouting() {
        List<int[]> routes = new ArrayList<>(); // {gsi, chip, pin}
        for (int i = 0; i < 8; i++) if (i != 2) routes.add(new int[]{i, CHIP_PIC_MASTER, i});
        for (int i = 8; i < 16; i++) routes.add(new int[]{i, CHIP_PIC_SLAVE, i - 8});
        for (int i = 0; i < 24; i++) {
            if (i == 0) routes.add(new int[]{0, CHIP_IOAPIC, 2});
            else if (i != 2) routes.add(new int[]{i, CHIP_IOAPIC, i});
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(8 + (long) routes.size() * ROUTE_SIZE, 8);
            r.set(JAVA_INT, 0, routes.size());
            for (int k = 0; k < routes.size(); k++) {
                long o = 8 + (long) k * ROUTE_SIZE;
                r.set(JAVA_INT, o, routes.get(k)[0]);
                r.set(JAVA_INT, o + 4, ROUTE_IRQCHIP);
                r.set(JAVA_INT, o + 16, routes.get(k)[1]);
                r.set(JAVA_INT, o + 20, routes.get(k)[2]);
            }
            int e = KvmNative.ioctl(fd, KvmNative.SET_GSI_ROUTING, r.address());
            if (e < 0) throw new KvmException("KVM_SET_GSI_ROUTING", e);
        }
    }

    /** Highest GSI the board drives (PcMachine.GSI_COUNT - 1). */
    public static final int MAX_GSI = 23;
    private final Arena lineArena = Arena.ofShared();
    private final MemorySegment lineCap = dev.jemu.util.Native.newCapture(lineArena);
    private final MemorySegment line = lineArena.allocate(IRQ_LEVEL);

    /** KVM_IRQ_LINE: drives GSI {@code irq} of the in-kernel PIC/IOAPIC; from any thread, allocates nothing. */
    public synchronized void irqLine(int irq, boolean level) {
        line.set(JAVA_INT, 0, irq);
        line.set(JAVA_INT, 4, level ? 1 : 0);
        int e = KvmNative.ioctl(lineCap, fd, KvmNative.IRQ_LINE, line.address());
        if (e < 0) throw new KvmException("KVM_IRQ_LINE " + irq, e);
    }

    /** kvm_irqchip: chip_id, pad, then a 512-byte union (kvm_pic_state / kvm_ioapic_state). */
    private static final int IRQCHIP_SIZE = 520;

    /**
     * Puts the in-kernel 8259s and I/O APIC back to their power-on state (a system reset): KVM resets them only
     * when the VM is made. PIC: everything 0 but the ELCR masks (0xf8, 0xde as QEMU's); IOAPIC: every pin
     * masked, ID 0, at 0xfec00000.
     */
    public void resetIrqchip() {
        if (!irqchip) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(IRQCHIP_SIZE, 8);
            for (int chip = CHIP_PIC_MASTER; chip <= CHIP_IOAPIC; chip++) {
                c.fill((byte) 0);
                c.set(JAVA_INT, 0, chip);
                if (chip == CHIP_IOAPIC) {
                    c.set(JAVA_LONG, 8, 0xfec00000L); // base_address, then ioregsel, id, irr, pad
                    for (int pin = 0; pin < 24; pin++) c.set(JAVA_LONG, 8 + 24 + 8L * pin, 1L << 16);
                } else {
                    c.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 8 + 15, (byte) (chip == CHIP_PIC_MASTER ? 0xf8 : 0xde));
                }
                int e = KvmNative.ioctl(fd, KvmNative.SET_IRQCHIP, c.address());
                if (e < 0) throw new KvmException("KVM_SET_IRQCHIP", e);
            }
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
        lineArena.close();
    }
}
