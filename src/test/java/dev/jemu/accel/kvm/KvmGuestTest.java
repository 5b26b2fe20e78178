package dev.jemu.accel.kvm;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Tiny guests of tests/guests/kvm-*.asm under KVM (skipped when /dev/kvm is absent or unusable). */
class KvmGuestTest {
    @BeforeAll
    static void kvm() {
        KvmTestMachine.assumeKvm();
    }

    @Test
    void realModePortIo() {
        try (KvmTestMachine m = new KvmTestMachine(false)) {
            assertEquals(KvmCpuLoop.Stop.REQUESTED, m.run("kvm-real", null), m.err());
            assertEquals("Hello, KVM\nrep outsb\nabcdOK", m.serial.toString());
            assertEquals(43, m.exitStatus); // (21 << 1) | 1
        }
    }
}
