package dev.jemu.accel.kvm;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jemu.target.x86.InterruptController;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    /** The compute loop of kvm-loop.inc in Java. */
    static long computeLoop(long n) {
        long rax = 0;
        for (long rcx = n; rcx != 0; rcx--) rax = (Long.rotateLeft(rax, 13) ^ rcx) * 0x9E3779B97F4A7C15L;
        return rax;
    }

    @Test
    void longModeThenCpl3ComputeLoop() {
        long n = 200_000_000L;
        try (KvmTestMachine m = new KvmTestMachine(false)) {
            m.phys.write(0x1008, 8, n); // kvm-long's iteration count
            byte[] code = dev.jemu.testutil.SystemHarness.assemble("kvm-long");
            // the count sits in the image: load the image, then patch it
            m.phys.load(0x1000, code, 0, code.length);
            m.phys.write(0x1008, 8, n);
            m.loop = new KvmCpuLoop(m.vcpu, m.phys, m.ports(), null, m.lock, new java.io.PrintStream(m.errBytes, true));
            long t0 = System.nanoTime();
            KvmCpuLoop.Stop stop = m.loop.run();
            assertEquals(KvmCpuLoop.Stop.REQUESTED, stop, () -> m.serial + "\n" + KvmDump.dump(m.vcpu, m.phys));
            long t1 = System.nanoTime();
            assertEquals("PLU", m.serial.toString(), m.err());
            assertEquals(List.of(computeLoop(n)), m.values);
            assertEquals(1, m.exitStatus);
            double secs = (t1 - m.serialTimes.get(2)) / 1e9;
            System.out.printf("kvm: CPL-3 loop of %d iterations in %.3f s (%.0f M it/s); whole guest %.3f s%n",
                    n, secs, n / secs / 1e6, (t1 - t0) / 1e9);
        }
    }

    @Test
    void mmioToTestDeviceAndReadOnlyRom() {
        try (KvmTestMachine m = new KvmTestMachine(false)) {
            assertEquals(KvmCpuLoop.Stop.REQUESTED, m.run("kvm-mmio", null), m.err());
            assertEquals(1, m.mmioWrites.stream().filter(w -> w[0] == 0xa0010).count());
            long[] w = m.mmioWrites.stream().filter(x -> x[0] == 0xa0010).findFirst().orElseThrow();
            assertEquals(2, w[1]);
            assertEquals(0x1234, w[2]);
            assertEquals(List.of(0xbeefL, 0xcafef00dL, 0x5aL), m.values);
            assertEquals(7, m.exitStatus);
            assertTrue(m.loop.mmioExits >= 4, "MMIO exits: " + m.loop.mmioExits);
        }
    }

    @Test
    void pitInterruptsThroughKernelIrqchipWhileHalted() {
        try (KvmTestMachine m = new KvmTestMachine(true)) {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long cpu0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            assertEquals(KvmCpuLoop.Stop.REQUESTED, m.run("kvm-irq", null), m.err());
            long wall = System.nanoTime() - t0, cpu = mx.getCurrentThreadCpuTime() - cpu0;
            assertEquals(List.of(20L), m.values);
            assertEquals(11, m.exitStatus);
            System.out.printf("kvm: 20 PIT ticks at 100 Hz in %.0f ms wall, %.0f ms vCPU thread CPU%n", wall / 1e6, cpu / 1e6);
            assertTrue(wall >= 180_000_000L, "20 ticks at 100 Hz took only " + wall / 1e6 + " ms");
            assertTrue(cpu < wall / 2, "the halted vCPU spun: " + cpu / 1e6 + " ms CPU in " + wall / 1e6 + " ms");
        }
    }

    @Test
    void haltWakesOnInterruptInjectedByJemu() throws Exception {
        try (KvmTestMachine m = new KvmTestMachine(false)) {
            m.phys.write(0x1004, 4, 1); // overwritten by the image below: set again after loading
            byte[] code = dev.jemu.testutil.SystemHarness.assemble("kvm-irq");
            m.phys.load(0x1000, code, 0, code.length);
            m.phys.write(0x1004, 4, 1);
            boolean[] pin = new boolean[1];
            InterruptController intc = new InterruptController() {
                public boolean intr() {
                    return pin[0];
                }

                public int acknowledge() {
                    pin[0] = false;
                    return 0x20;
                }
            };
            m.loop = new KvmCpuLoop(m.vcpu, m.phys, m.ports(), intc, m.lock, new java.io.PrintStream(m.errBytes, true));
            Thread raiser = new Thread(() -> {
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    return;
                }
                m.lock.lock();
                try {
                    pin[0] = true;
                } finally {
                    m.lock.unlock();
                }
                m.loop.wake();
            });
            long t0 = System.nanoTime();
            raiser.start();
            assertEquals(KvmCpuLoop.Stop.REQUESTED, m.loop.run(), m.err());
            long wall = System.nanoTime() - t0;
            raiser.join();
            assertEquals(List.of(0x100L), m.values);
            assertEquals(1, m.loop.injected);
            assertTrue(m.loop.hltExits >= 1);
            assertTrue(wall >= 140_000_000L, "woke before the interrupt: " + wall / 1e6 + " ms");
        }
    }

    @Test
    void tripleFaultStopsWithReset() {
        try (KvmTestMachine m = new KvmTestMachine(false)) {
            m.stopOnRepeat = true;
            KvmCpuLoop.Stop s = m.run("kvm-triple", null);
            // kvm_pvm restarts the real-mode guest instead of reporting the shutdown: the guest prints twice
            assumeTrue(m.serial.length() == 1, "this host's KVM does not report a real-mode triple fault (pvm)");
            assertEquals(KvmCpuLoop.Stop.RESET, s, m.err());
            assertEquals("T", m.serial.toString());
        }
    }

    /** Either the host runs RDRAND at CPL 0, or KVM gives up: one message, QEMU's register dump, guest stopped. */
    @Test
    void failureToEmulateStopsWithMessageAndRegisterDump() {
        try (KvmTestMachine m = new KvmTestMachine(false)) {
            KvmCpuLoop.Stop s = m.run("kvm-unsupported", null);
            if (s == KvmCpuLoop.Stop.REQUESTED) {
                assertEquals("R", m.serial.toString());
                assertEquals(19, m.exitStatus);
                return;
            }
            System.out.print(m.err());
            assertEquals(KvmCpuLoop.Stop.ERROR, s);
            String[] lines = m.err().split("\n");
            assertTrue(lines[0].startsWith("KVM internal error. Suberror: ") || lines[0].startsWith("KVM: "), lines[0]);
            assertTrue(m.err().contains("\nEAX=00000000 EBX="), m.err());
            assertTrue(m.err().contains("\nCS =0000 00000000 0000ffff 00009b00"), m.err());
            assertTrue(m.err().contains("Code="), m.err());
            assertTrue(!m.err().contains("Exception") && !m.err().contains("\tat "), m.err());
            assertEquals("", m.serial.toString());
        }
    }

    /** stop() from another thread kicks a spinning vCPU out of KVM_RUN (signal + immediate_exit). */
    @Test
    void stopKicksSpinningGuestOutOfKvmRun() throws Exception {
        try (KvmTestMachine m = new KvmTestMachine(false)) {
            long[] stoppedAt = new long[1];
            Thread stopper = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                stoppedAt[0] = System.nanoTime();
                m.loop.stop();
            });
            byte[] code = dev.jemu.testutil.SystemHarness.assemble("kvm-spin");
            m.phys.load(0x1000, code, 0, code.length);
            m.loop = new KvmCpuLoop(m.vcpu, m.phys, m.ports(), null, m.lock, new java.io.PrintStream(m.errBytes, true));
            stopper.start();
            assertEquals(KvmCpuLoop.Stop.REQUESTED, m.loop.run(), m.err());
            long latency = System.nanoTime() - stoppedAt[0];
            stopper.join();
            assertEquals("S", m.serial.toString());
            System.out.printf("kvm: kick latency %.2f ms%n", latency / 1e6);
            assertTrue(latency < 500_000_000L, "the kick took " + latency / 1e6 + " ms");
        }
    }
}
