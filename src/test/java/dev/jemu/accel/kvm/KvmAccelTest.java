package dev.jemu.accel.kvm;

import dev.jemu.accel.Board;
import dev.jemu.accel.MachineControl;
import dev.jemu.hw.core.VirtualClock;
import dev.jemu.memory.HostRam;
import dev.jemu.memory.PhysMemory;
import dev.jemu.target.x86.InterruptController;
import dev.jemu.target.x86.PortIo;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.testutil.SystemHarness;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** KvmAccel over a small Board: power-on at FFFF:FFF0 in a ROM slot, board ports, isa-debug-exit's status. */
class KvmAccelTest {
    @Test
    void missingDeviceGivesQemuMessage() {
        KvmException e = assertThrows(KvmException.class, () -> Kvm.open("/nonexistent/kvm"));
        assertEquals("Could not access KVM kernel module: No such file or directory", e.getMessage());
        assertEquals(2, e.errno());
    }

    @Test
    void bootsFromResetVectorAndExitsThroughDebugExit() {
        KvmTestMachine.assumeKvm();
        HostRam ram = HostRam.reserve(1 << 20);
        PhysMemory phys = new PhysMemory(ram, new PhysMemory.Mmio() {
            public long read(long pa, int size) {
                return -1L >>> (64 - 8 * size);
            }

            public void write(long pa, int size, long value) {
            }
        });
        phys.mapRam(0, 0x80000, 0);
        phys.mapRom(0xfffff000L, 0x1000, 0x80000); // the reset vector's page, read-only
        byte[] jmp = {(byte) 0xea, 0x00, 0x10, 0x00, 0x00}; // jmp 0000:1000
        phys.load(0x80000 + 0xff0, jmp, 0, jmp.length);
        byte[] code = SystemHarness.assemble("kvm-real");
        phys.load(0x1000, code, 0, code.length);
        StringBuilder serial = new StringBuilder();
        MachineControl[] control = new MachineControl[1];
        int[] resets = new int[1];
        Board board = new Board() {
            public PhysMemory phys() {
                return phys;
            }

            public PortIo portIo() {
                return new PortIo() {
                    public long in(int port, int size) {
                        return port == 0x3fe ? 0x4b4f : port == 0x3fc ? 'w' : -1L >>> (64 - 8 * size);
                    }

                    public void out(int port, int size, long value) {
                        if (port == 0x3f8) serial.append((char) value);
                        if (port == 0xf4) control[0].requestExit((int) ((value & 0xff) << 1 | 1));
                    }
                };
            }

            public InterruptController interrupts(X86Cpu cpu) {
                throw new UnsupportedOperationException("the kernel's irqchip delivers interrupts");
            }

            public VirtualClock clock() {
                return new VirtualClock();
            }

            public void reset() {
                resets[0]++;
            }

            public void attach(MachineControl c) {
                control[0] = c;
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        KvmAccel accel = KvmAccel.create(board, false, false, new PrintStream(err, true));
        assertEquals("kvm", accel.name());
        assertEquals(43, accel.run(), err::toString);
        assertEquals("Hello, KVM\nrep outsb\nwwwwOK", serial.toString());
        assertEquals(0, resets[0]);
        ram.release();
    }
}
