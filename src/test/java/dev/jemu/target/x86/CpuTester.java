package dev.jemu.target.x86;

import dev.jemu.memory.HostRam;
import dev.jemu.memory.SoftMmu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs small pieces of machine code on the emulated CPU for instruction-level tests. Memory is flat and
 * identity-mapped: virtual address = host RAM offset, {@link #RAM_SIZE} bytes; anything above faults.
 * Code is loaded at {@link #CODE} and runs (in supervisor mode) until HLT or an exception. In 16-bit mode CS
 * has base CODE and the code is assembled at offset 0; SS has base {@link #STACK16} with SP at 0xfffe.
 *
 * <pre>
 *   CpuTester t = new CpuTester(64);
 *   t.cpu.regs[X86Cpu.RAX] = 5;
 *   t.run(CpuTester.nasm(64, "add rax, 3\nhlt"));
 * </pre>
 */
public final class CpuTester {
    public static final long RAM_SIZE = 16 << 20, CODE = 0x10000, STACK_TOP = 0x800000, DATA = 0x400000,
            STACK16 = 0x70000;

    public final HostRam ram = HostRam.reserve(RAM_SIZE);
    public final X86Cpu cpu;
    public final Interpreter interp;

    public CpuTester(int bits) {
        SoftMmu.Backend flat = (va, access) -> {
            if (va < 0 || va >= RAM_SIZE) throw X86Exception.pageFault(va, access == SoftMmu.WRITE ? 2 : 0);
            return va;
        };
        cpu = new X86Cpu(CpuModel.max(), new SoftMmu(ram, flat));
        cpu.userMode = false;
        cpu.cpl = 0; // HLT (which ends test programs) is privileged
        cpu.cr4 |= 0x600; // as an OS sets them: SSE enabled (OSFXSR), #XM delivered (OSXMMEXCPT)
        cpu.codeBits = bits;
        cpu.longMode = bits == 64;
        cpu.stackSize = bits / 8;
        cpu.regs[X86Cpu.RSP] = STACK_TOP;
        if (bits == 16) {
            cpu.segBase[X86Cpu.CS] = CODE;
            cpu.segBase[X86Cpu.SS] = STACK16;
            cpu.regs[X86Cpu.RSP] = 0xfffe;
        }
        interp = new Interpreter(cpu);
    }

    public void load(long addr, byte[] bytes) {
        for (int k = 0; k < bytes.length; k++) cpu.mem.write8(addr + k, bytes[k]);
    }

    /** Loads code at CODE and runs until HLT (returns null) or another exception (returned). */
    public X86Exception run(byte[] code) {
        load(CODE, code);
        interp.invalidateAll();
        cpu.rip = cpu.codeBits == 16 ? 0 : CODE;
        X86Exception e = interp.run();
        return e.vector == X86Exception.EXIT_HLT ? null : e;
    }

    public int flags() {
        return cpu.getEflags();
    }

    /** Assembles NASM source for the given bits (16, 32, 64) with ORG at CODE. Needs nasm on the host. */
    public static byte[] nasm(int bits, String source) {
        try {
            Path dir = Files.createTempDirectory("jemu-nasm");
            Path src = dir.resolve("t.asm"), out = dir.resolve("t.bin");
            Files.writeString(src, "bits " + bits + "\norg " + (bits == 16 ? 0 : CODE) + "\n" + source + "\n");
            Process p = new ProcessBuilder("nasm", "-f", "bin", "-o", out.toString(), src.toString())
                    .redirectErrorStream(true).start();
            String msg = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("nasm: " + msg);
            byte[] b = Files.readAllBytes(out);
            Files.delete(src);
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
}
