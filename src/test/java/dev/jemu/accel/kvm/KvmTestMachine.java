package dev.jemu.accel.kvm;

import dev.jemu.memory.HostRam;
import dev.jemu.memory.PhysMemory;
import dev.jemu.target.x86.InterruptController;
import dev.jemu.target.x86.PortIo;
import dev.jemu.testutil.SystemHarness;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A bare KVM machine for the kvm-*.asm guests: 1 MiB of RAM below 0xa0000, a test MMIO device at 0xa0000, a
 * 64 KiB ROM at 0xf0000, and test ports: 0x3f8 serial-like output, 0x3f0 values, 0x3fc/0x3fe inputs,
 * 0xf4 debug-exit (stops the loop), 0xe9 debugcon. The guest starts in real mode at 0000:1000.
 */
final class KvmTestMachine implements AutoCloseable {
    final HostRam ram = HostRam.reserve(2 << 20);
    final StringBuilder serial = new StringBuilder();
    final List<Long> values = new ArrayList<>();
    final List<long[]> mmioWrites = new ArrayList<>();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final ReentrantLock lock = new ReentrantLock();
    final PhysMemory phys;
    final Kvm kvm;
    final KvmVm vm;
    final KvmVcpu vcpu;
    KvmCpuLoop loop;
    int exitStatus = -1;
    /** Host time of each 0x3f8 byte, to time stretches of guest code. */
    final List<Long> serialTimes = new ArrayList<>();
    int inByte = 'a';
    /** Stop the loop when the guest prints a second byte on 0xe9 (a guest that restarts). */
    boolean stopOnRepeat;

    /** Skips the test (visibly) when this host has no usable /dev/kvm. */
    static void assumeKvm() {
        String why = Kvm.unavailableReason();
        assumeTrue(why == null, () -> "no KVM on this host: " + why);
    }

    KvmTestMachine(boolean irqchip) {
        phys = new PhysMemory(ram, new PhysMemory.Mmio() {
            public long read(long pa, int size) {
                if (pa == 0xa0020) return 0xbeef;
                if (pa == 0xa0024) return 0xcafef00dL;
                return -1L >>> (64 - 8 * size);
            }

            public void write(long pa, int size, long value) {
                mmioWrites.add(new long[]{pa, size, value});
                if (pa == 0xa0040) {
                    serial.append((char) (value & 0xff));
                    serialTimes.add(System.nanoTime());
                } else if (pa == 0xa0030) {
                    values.add(value);
                } else if (pa == 0xa0038) {
                    exitStatus = (int) ((value & 0xff) << 1 | 1);
                    loop.stop();
                }
            }
        });
        phys.mapRam(0, 0xa0000, 0);
        phys.mapRom(0xf0000, 0x10000, 0x100000);
        byte[] rom = new byte[0x10000];
        rom[0] = 0x5a;
        phys.load(0x100000, rom, 0, rom.length);
        kvm = Kvm.open();
        vm = kvm.createVm();
        vm.setupSpecialPages();
        if (irqchip) {
            vm.createIrqchip();
            vm.createPit2();
        }
        vm.syncMemory(phys);
        vcpu = vm.createVcpu(0);
        vcpu.setCpuid(kvm.supportedCpuid());
        vcpu.getSregs();
        for (int s = KvmVcpu.CS; s <= KvmVcpu.SS; s++) vcpu.realModeSegment(s, 0);
        vcpu.setSregs();
        vcpu.getRegs();
        vcpu.reg(KvmVcpu.RIP, 0x1000);
        vcpu.reg(KvmVcpu.RFLAGS, 2);
        vcpu.reg(KvmVcpu.RSP, 0x7000);
        vcpu.setRegs();
    }

    PortIo ports() {
        return new PortIo() {
            public long in(int port, int size) {
                if (port == 0x3fc) return inByte++;
                if (port == 0x3fe) return 0x4b4f;
                return -1L >>> (64 - 8 * size);
            }

            public void out(int port, int size, long value) {
                switch (port) {
                    case 0x3f8, 0xe9 -> {
                        serial.append((char) (value & 0xff));
                        if (stopOnRepeat && serial.length() > 1) loop.stop();
                        serialTimes.add(System.nanoTime());
                    }
                    case 0x3f0 -> values.add(value);
                    case 0xf4 -> {
                        exitStatus = (int) ((value & 0xff) << 1 | 1); // isa-debug-exit's status
                        loop.stop();
                    }
                    default -> { }
                }
            }
        };
    }

    KvmCpuLoop.Stop run(String guest, InterruptController intc) {
        byte[] code = SystemHarness.assemble(guest);
        phys.load(0x1000, code, 0, code.length);
        loop = new KvmCpuLoop(vcpu, phys, ports(), intc, lock, new PrintStream(errBytes, true));
        return loop.run();
    }

    String err() {
        return errBytes.toString();
    }

    @Override
    public void close() {
        vcpu.close();
        vm.close();
        kvm.close();
        ram.release();
    }
}
