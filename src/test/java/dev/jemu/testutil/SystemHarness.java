package dev.jemu.testutil;

import dev.jemu.memory.HostRam;
import dev.jemu.memory.PhysMemory;
import dev.jemu.memory.SoftMmu;
import dev.jemu.tcg.TcgOptions;
import dev.jemu.target.x86.CpuModel;
import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Interpreter;
import dev.jemu.target.x86.PortIo;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.system.Interrupts;
import dev.jemu.target.x86.system.Paging;
import dev.jemu.target.x86.system.Reset;
import dev.jemu.target.x86.system.TripleFault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A bare machine for CPU tests in system mode: RAM at 0, a flat guest image mapped as ROM at the top of 4 GiB
 * (and its last 128 KiB below 1 MiB, as QEMU maps -bios), power-on state, and three ports:
 * <ul>
 * <li>0xf4 (isa-debug-exit): a write ends the run with that value as {@link Result#status}
 *     (QEMU exits with {@code status * 2 + 1});</li>
 * <li>0xe9 (debugcon): bytes written are collected in {@link Result#text};</li>
 * <li>0xf0 (test interrupt line): a write requests an external interrupt with that vector, delivered when
 *     EFLAGS.IF and the interrupt shadow allow (for HLT, STI and external-delivery tests).</li>
 * </ul>
 * Guests are nasm sources in tests/guests/ (see tests/guests/README and lib.inc), assembled at test time:
 * <pre>
 *   SystemHarness.Result r = SystemHarness.runGuest("realmode_int");
 *   assertEquals(0, r.status(), r.text());
 * </pre>
 * Memory goes through the system-mode {@link Paging} (linear = physical until the guest enables paging).
 */
public final class SystemHarness implements PortIo {
    public static final long RAM_SIZE = 32L << 20;
    public static final int EXIT_PORT = 0xf4, DEBUGCON_PORT = 0xe9, IRQ_PORT = 0xf0;
    /** Result statuses that are not debug-exit values. */
    public static final int HALTED = -1, TRIPLE_FAULT = -2, TIMEOUT = -3;

    public record Result(int status, String text, X86Cpu cpu) {
        @Override
        public String toString() {
            return "status " + status + ", debugcon: " + text;
        }
    }

    public final HostRam host;
    public final PhysMemory phys;
    public final X86Cpu cpu;
    public final Interpreter interp;
    public final Paging paging;
    private final StringBuilder text = new StringBuilder();
    private final ArrayDeque<Integer> pendingIrqs = new ArrayDeque<>();
    private long romSize;
    private volatile Integer exitStatus;
    /** Extra port handler for tests (ports other than the harness's own), or null. */
    public PortIo extraPorts;

    public SystemHarness() {
        this(1 << 20, TcgOptions.fromSystemProperties());
    }

    /** A machine with room for a ROM image of up to {@code maxRom} bytes, running with the given translator options. */
    public SystemHarness(long maxRom, TcgOptions tcg) {
        host = HostRam.reserve(RAM_SIZE + maxRom);
        phys = new PhysMemory(host, new PhysMemory.Mmio() {
            @Override
            public long read(long pa, int size) {
                return -1L >>> (64 - 8 * size);
            }

            @Override
            public void write(long pa, int size, long value) {
            }
        });
        phys.mapRam(0, RAM_SIZE, 0);
        cpu = new X86Cpu(CpuModel.max(), new SoftMmu(host, (va, access) -> phys.translate(va, access)));
        cpu.userMode = false;
        cpu.io = this;
        paging = new Paging(cpu, phys);
        interp = new Interpreter(cpu, tcg);
        paging.attach(interp);
        Reset.powerOn(cpu);
    }

    /** Maps {@code image} (a multiple of 64 KiB) as the BIOS: ending at 4 GiB, its last 128 KiB ending at 1 MiB. */
    public void loadBios(byte[] image) {
        if (image.length % 0x10000 != 0 || image.length > host.size() - RAM_SIZE)
            throw new IllegalArgumentException("BIOS image size " + image.length);
        romSize = image.length;
        phys.load(RAM_SIZE, image, 0, image.length);
        phys.mapRom(0x1_0000_0000L - romSize, romSize, RAM_SIZE);
        long isa = Math.min(romSize, 0x20000);
        phys.mapRom(0x100000 - isa, isa, RAM_SIZE + romSize - isa);
        interp.invalidateAll();
    }

    /** Copies {@code bytes} into RAM at {@code pa}. */
    public void loadRam(long pa, byte[] bytes) {
        phys.writeBytes(pa, bytes, 0, bytes.length);
        interp.invalidateAll();
    }

    /** Starts in real mode at {@code cs:ip} instead of the reset vector. */
    public void startAt(int cs, int ip) {
        cpu.segSel[X86Cpu.CS] = cs;
        cpu.segBase[X86Cpu.CS] = (long) cs << 4;
        cpu.rip = ip;
    }

    // ---- ports ----

    @Override
    public long in(int port, int size) {
        if (extraPorts != null && port != EXIT_PORT && port != DEBUGCON_PORT && port != IRQ_PORT)
            return extraPorts.in(port, size);
        if (port == DEBUGCON_PORT) return 0xe9;
        return -1L >>> (64 - 8 * size);
    }

    @Override
    public void out(int port, int size, long value) {
        switch (port) {
            case EXIT_PORT -> {
                exitStatus = (int) (value & (size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffffL));
                cpu.exitRequest = true;
            }
            case DEBUGCON_PORT -> text.append((char) (value & 0xff));
            case IRQ_PORT -> {
                pendingIrqs.add((int) value & 0xff);
                cpu.exitRequest = true;
            }
            default -> {
                if (extraPorts != null) extraPorts.out(port, size, value);
            }
        }
    }

    // ---- running ----

    /** Runs until the guest writes the exit port, halts with nothing to wake it, triple-faults or times out. */
    public Result run(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Thread ticker = Thread.ofPlatform().daemon().start(() -> {
            // wakes the loop now and then so that a guest spinning without exits still meets the deadline
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(20);
                    cpu.exitRequest = true;
                }
            } catch (InterruptedException ignored) {
                // stop
            }
        });
        try {
            for (;;) {
                if (exitStatus != null) return result(exitStatus);
                if (System.nanoTime() > deadline) return result(TIMEOUT);
                if (!pendingIrqs.isEmpty() && (cpu.eflags & Flags.IF) != 0) {
                    if (cpu.rip == cpu.interruptShadowEnd) {
                        cpu.interruptShadowEnd = -1;
                        X86Exception e = interp.step(); // the shadowed instruction runs first
                        if (e != null && !handle(e)) return result(cpu.halted ? HALTED : TRIPLE_FAULT);
                        continue;
                    }
                    try {
                        Interrupts.deliverExternal(cpu, pendingIrqs.poll());
                    } catch (TripleFault t) {
                        return result(TRIPLE_FAULT);
                    } catch (X86Exception e) {
                        throw new IllegalStateException(e);
                    }
                    continue;
                }
                if (cpu.halted) return result(HALTED);
                if (!handle(interp.run())) return result(cpu.halted ? HALTED : TRIPLE_FAULT);
            }
        } finally {
            ticker.interrupt();
        }
    }

    /** Handles one loop exit; false when the machine stops (triple fault). */
    private boolean handle(X86Exception e) {
        switch (e.vector) {
            case X86Exception.EXIT_INTERRUPT -> {
                return true;
            }
            case X86Exception.EXIT_HLT -> {
                cpu.halted = true;
                return true;
            }
            default -> {
                try {
                    Interrupts.deliver(cpu, e);
                    return true;
                } catch (TripleFault t) {
                    return false;
                }
            }
        }
    }

    private Result result(int status) {
        return new Result(status, text.toString(), cpu);
    }

    // ---- guests ----

    /** The repository's tests/guests directory. */
    public static Path guestDir() {
        return Path.of(System.getProperty("user.dir"), "tests", "guests");
    }

    /** Assembles tests/guests/{@code name}.asm (with tests/guests on the include path) into a flat binary. */
    public static byte[] assemble(String name) {
        try {
            Path dir = Files.createTempDirectory("jemu-guest");
            Path out = dir.resolve(name + ".bin");
            Path src = guestDir().resolve(name + ".asm");
            Process p = new ProcessBuilder("nasm", "-f", "bin", "-I", guestDir() + "/", "-o", out.toString(),
                    src.toString()).redirectErrorStream(true).start();
            String msg = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("nasm: " + msg);
            byte[] b = Files.readAllBytes(out);
            Files.delete(out);
            Files.delete(dir);
            return b;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Assembles guest {@code name}, maps it as the BIOS, powers on and runs it (10 s limit). */
    public static Result runGuest(String name) {
        return runGuest(name, TcgOptions.fromSystemProperties());
    }

    public static Result runGuest(String name, TcgOptions tcg) {
        SystemHarness h = new SystemHarness(1 << 20, tcg);
        h.loadBios(assemble(name));
        return h.run(10_000);
    }
}
