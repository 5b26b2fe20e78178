package dev.jemu.target.x86.system;

import dev.jemu.memory.HostRam;
import dev.jemu.memory.PhysMemory;
import dev.jemu.target.x86.CpuModel;
import dev.jemu.target.x86.Interpreter;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.ops.ControlRegs;
import dev.jemu.tcg.TcgOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.jemu.target.x86.system.Paging.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Code in system mode under paging, interpreted and translated: CR3 switches and virtual aliases never run
 * stale code, code written by the CPU through another alias or by DMA is decoded again, and the control
 * instructions (MOV CRn, RDMSR/WRMSR, CLTS) and the CR0.TS/EM, CR4.OSFXSR checks work as instructions.
 */
class SystemCodeTest {
    static final long RAM = 8 << 20;
    static final HostRam HOST = HostRam.reserve(RAM);
    static final long PD_A = 0x10000, PT_A = 0x11000, PD_B = 0x20000, PT_B = 0x21000;

    X86Cpu cpu;
    PhysMemory phys;
    Paging pg;
    Interpreter interp;

    @AfterAll
    static void release() {
        HOST.release();
    }

    void setUp(TcgOptions.Mode mode) {
        HOST.discard(0, RAM);
        phys = new PhysMemory(HOST, new PhysMemory.Mmio() {
            public long read(long pa, int size) {
                return -1L;
            }

            public void write(long pa, int size, long value) {
            }
        });
        phys.mapRam(0, RAM, 0);
        cpu = new X86Cpu(CpuModel.max(), null);
        cpu.userMode = false;
        cpu.longMode = false;
        cpu.codeBits = 32;
        cpu.stackSize = 4;
        cpu.cpl = 0;
        pg = new Paging(cpu, phys);
        interp = new Interpreter(cpu, new TcgOptions(mode, 2, 4096, false));
        pg.attach(interp);
        // two address spaces: 0x400000 and 0x401000 map to different code in each; 0x402000 aliases A's first
        // code page in both (writable); 0x403000 is data
        for (long[] s : new long[][] {{PD_A, PT_A, 0x100000, 0x101000}, {PD_B, PT_B, 0x102000, 0x103000}}) {
            phys.write(s[0] + 4, 4, s[1] | 3);
            phys.write(s[1], 4, s[2] | 3);
            phys.write(s[1] + 4, 4, s[3] | 3);
            phys.write(s[1] + 8, 4, 0x100000 | 3);
            phys.write(s[1] + 12, 4, 0x104000 | 3);
        }
        code(0x100000, 0xb8, 1, 0, 0, 0, 0xe9, 0xf6, 0x0f, 0, 0); // mov eax,1; jmp 0x401000
        code(0x102000, 0xb8, 2, 0, 0, 0, 0xe9, 0xf6, 0x0f, 0, 0); // mov eax,2; jmp 0x401000
        code(0x101000, 0x83, 0xc0, 10, 0xf4);                     // add eax,10; hlt
        code(0x103000, 0x83, 0xc0, 20, 0xf4);                     // add eax,20; hlt
        cpu.cr3 = PD_A;
        // flat 32-bit code and stack segments (attributes as Seg keeps them: descriptor bits 40-55), as after a boot loader
        for (int r = 0; r < 6; r++) cpu.segAttr[r] = r == X86Cpu.CS ? 0xc09b : 0xc093;
        ControlRegs.writeCr0(cpu, cpu.cr0 | CR0_PE | CR0_PG);
        assertEquals(32, cpu.codeBits, "Modes.refresh: 32-bit protected mode");
        ControlRegs.writeCr4(cpu, CR4_OSFXSR);
    }

    void code(long pa, int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int k = 0; k < b.length; k++) b[k] = (byte) bytes[k];
        phys.writeBytes(pa, b, 0, b.length);
    }

    /** Runs from {@code rip} to HLT (or another event, returned). */
    X86Exception run(long rip) {
        cpu.rip = rip;
        X86Exception e = interp.run();
        return e.vector == X86Exception.EXIT_HLT ? null : e;
    }

    long runEax(long rip) {
        X86Exception e = run(rip);
        assertNull(e, () -> "stopped with " + e.getMessage() + " at " + Long.toHexString(cpu.rip));
        return cpu.regs[X86Cpu.RAX] & 0xffffffffL;
    }

    @ParameterizedTest
    @EnumSource(value = TcgOptions.Mode.class, names = {"OFF", "ALL"})
    void cr3SwitchRunsTheNewAddressSpacesCode(TcgOptions.Mode mode) {
        setUp(mode);
        for (int k = 0; k < 6; k++) {
            ControlRegs.writeCr3(cpu, PD_A);
            assertEquals(11, runEax(0x400000), "round " + k + " A");
            ControlRegs.writeCr3(cpu, PD_B);
            assertEquals(22, runEax(0x400000), "round " + k + " B");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TcgOptions.Mode.class, names = {"OFF", "ALL"})
    void writesThroughAnAliasAndByDmaInvalidate(TcgOptions.Mode mode) {
        setUp(mode);
        for (int k = 0; k < 3; k++) assertEquals(11, runEax(0x400000));
        cpu.mem.write8(0x402001, 5); // mov eax,5 through the alias
        assertEquals(15, runEax(0x400000));
        for (int k = 0; k < 3; k++) assertEquals(15, runEax(0x400000));
        code(0x101002, 100);          // DMA: add eax,100
        assertEquals(105, runEax(0x400000));
    }

    @ParameterizedTest
    @EnumSource(value = TcgOptions.Mode.class, names = {"OFF", "ALL"})
    void pageFaultOnFetchReportsTheAddress(TcgOptions.Mode mode) {
        setUp(mode);
        phys.write(PT_A + 4, 4, 0); // 0x401000 not present
        X86Exception e = run(0x400000);
        assertEquals(X86Exception.PF, e.vector);
        assertEquals(0x401000, cpu.cr2);
        assertEquals(0, e.errorCode);
        assertEquals(0x401000, cpu.rip, "the fault is at the jump's target");
    }

    @ParameterizedTest
    @EnumSource(value = TcgOptions.Mode.class, names = {"OFF", "ALL"})
    void controlInstructions(TcgOptions.Mode mode) {
        setUp(mode);
        // mov ecx,0xC0000080; rdmsr; mov eax,cr0; mov ebx,eax; mov eax,cr3; hlt
        code(0x104000, 0xb9, 0x80, 0, 0, 0xc0, 0x0f, 0x32, 0x0f, 0x20, 0xc0, 0x89, 0xc3, 0x0f, 0x20, 0xd8, 0xf4);
        cpu.efer = EFER_NXE;
        assertEquals(PD_A, runEax(0x403000));
        assertEquals(CR0_PE | CR0_PG | 0x60000010L, cpu.regs[X86Cpu.RBX]);
        assertEquals(0, cpu.regs[X86Cpu.RDX]);
        // rdmsr of an unknown MSR: #GP(0) at the instruction
        code(0x104000, 0xb9, 0x45, 0x23, 0x01, 0, 0x0f, 0x32, 0xf4);
        X86Exception e = run(0x403000);
        assertEquals(X86Exception.GP, e.vector);
        assertEquals(0x403005, cpu.rip);
        // mov cr3,eax switches address spaces: mov eax,PD_B; mov cr3,eax; jmp 0x400000 (B's code)
        code(0x104000, 0xb8, 0x00, 0x00, 0x02, 0x00, 0x0f, 0x22, 0xd8, 0xe9, 0xf3, 0xcf, 0xff, 0xff);
        assertEquals(22, runEax(0x403000));
        assertEquals(PD_B, cpu.cr3);
        // at CPL 3 they are #GP(0): mov eax,cr0
        phys.write(PD_B + 4, 4, PT_B | 7);
        phys.write(PT_B + 12, 4, 0x104000 | 7);
        code(0x104000, 0x0f, 0x20, 0xc0, 0xf4);
        cpu.setCpl(3);
        assertEquals(X86Exception.GP, run(0x403000).vector);
    }

    @ParameterizedTest
    @EnumSource(value = TcgOptions.Mode.class, names = {"OFF", "ALL"})
    void fpuAndSseAvailability(TcgOptions.Mode mode) {
        setUp(mode);
        code(0x104000, 0xd9, 0xe8, 0xf4); // fld1; hlt
        ControlRegs.writeCr0(cpu, cpu.cr0 | CR0_TS);
        assertEquals(X86Exception.NM, run(0x403000).vector);
        code(0x104000, 0x0f, 0x06, 0xd9, 0xe8, 0xf4); // clts; fld1; hlt
        assertNull(run(0x403000));
        assertEquals(0, cpu.cr0 & CR0_TS);
        code(0x104000, 0x0f, 0x28, 0xc1, 0xf4); // movaps xmm0,xmm1
        assertNull(run(0x403000));
        ControlRegs.writeCr4(cpu, 0);
        assertEquals(X86Exception.UD, run(0x403000).vector, "SSE without CR4.OSFXSR");
        ControlRegs.writeCr0(cpu, cpu.cr0 | CR0_TS);
        assertEquals(X86Exception.UD, run(0x403000).vector, "#UD before #NM");
        ControlRegs.writeCr4(cpu, CR4_OSFXSR);
        assertEquals(X86Exception.NM, run(0x403000).vector);
        code(0x104000, 0x0f, 0x77, 0xf4); // emms: MMX, #UD with EM
        ControlRegs.writeCr0(cpu, (cpu.cr0 & ~CR0_TS) | CR0_EM);
        assertEquals(X86Exception.UD, run(0x403000).vector);
    }
}
