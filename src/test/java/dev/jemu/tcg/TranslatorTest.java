package dev.jemu.tcg;

import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.CpuModel;
import dev.jemu.target.x86.CpuTester;
import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Interpreter;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.user.linux.AddressSpace;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The translator's own duties: self-modifying code, precise exceptions, eviction, stop requests. */
class TranslatorTest {
    static final List<TcgOptions> MODES = List.of(TcgOptions.of(TcgOptions.Mode.OFF), TcgOptions.of(TcgOptions.Mode.ALL),
            new TcgOptions(TcgOptions.Mode.ON, 2, 64));

    /** A CPU over a user-mode address space, which tracks code pages and reports writes to them. */
    static final class Rig {
        static final long CODE = 0x10000, DATA = 0x400000, STACK_TOP = 0x800000;
        final AddressSpace as = new AddressSpace(1L << 26);
        final X86Cpu cpu;
        final Interpreter interp;

        Rig(TcgOptions opts) {
            as.map(CODE, 0x10000, AddressSpace.PROT_READ | AddressSpace.PROT_WRITE | AddressSpace.PROT_EXEC, "", 0);
            as.map(DATA, 0x10000, AddressSpace.PROT_READ | AddressSpace.PROT_WRITE, "", 0);
            as.map(STACK_TOP - 0x10000, 0x10000, AddressSpace.PROT_READ | AddressSpace.PROT_WRITE, "", 0);
            cpu = new X86Cpu(CpuModel.max(), new SoftMmu(as.ram(), as));
            cpu.userMode = false; // so that HLT ends the program
            cpu.cpl = 0;
            cpu.cr4 |= 0x600; // as an OS sets them: SSE enabled (OSFXSR), #XM delivered (OSXMMEXCPT)
            cpu.regs[X86Cpu.RSP] = STACK_TOP;
            interp = new Interpreter(cpu, opts);
            as.addListener(new AddressSpace.Listener() {
                @Override
                public void flushTlb() {
                    cpu.mem.flushAll();
                }

                @Override
                public void invalidateCode(long page) {
                    interp.invalidatePage(page);
                }
            });
        }

        X86Exception run(String asm) {
            byte[] code = CpuTester.nasm(64, asm); // assembled at CpuTester.CODE, which is our CODE
            MemorySegment.copy(MemorySegment.ofArray(code), 0, as.segment(), CODE, code.length);
            cpu.rip = CODE;
            return interp.run();
        }
    }

    @Test
    void codeWrittenThenExecutedAgainRunsTheNewCode() {
        assertEquals(CpuTester.CODE, Rig.CODE);
        for (TcgOptions o : MODES) {
            // a called function's immediate is patched between calls
            Rig r = new Rig(o);
            X86Exception e = r.run("""
                    mov ecx, 3
                    xor ebx, ebx
                l:  call f
                    add ebx, eax
                    inc dword [rel f+1]
                    dec ecx
                    jnz l
                    hlt
                f:  mov eax, 1
                    ret""");
            assertEquals(X86Exception.EXIT_HLT, e.vector, o.toString());
            assertEquals(1 + 2 + 3, r.cpu.regs[X86Cpu.RBX], o.toString());

            // a loop patches an instruction of its own body
            r = new Rig(o);
            e = r.run("""
                    mov ecx, 5
                    xor eax, eax
                l:  add eax, 1
                    mov byte [rel l+2], 2
                    dec ecx
                    jnz l
                    hlt""");
            assertEquals(X86Exception.EXIT_HLT, e.vector, o.toString());
            assertEquals(1 + 2 * 4, r.cpu.regs[X86Cpu.RAX], o.toString());

            // the very next instruction of the same block is patched (x86 sees the new byte)
            r = new Rig(o);
            e = r.run("""
                    mov byte [rel p+1], 42
                p:  mov al, 0
                    hlt""");
            assertEquals(X86Exception.EXIT_HLT, e.vector, o.toString());
            assertEquals(42, r.cpu.regs[X86Cpu.RAX] & 0xff, o.toString());
        }
    }

    /** Runs the same program under every mode and requires identical fault state. */
    private static long[] faultState(String asm, int vector) {
        long[] ref = null;
        for (TcgOptions o : MODES) {
            CpuTester t = new CpuTester(64);
            Interpreter in = new Interpreter(t.cpu, o);
            t.load(CpuTester.CODE, CpuTester.nasm(64, asm));
            t.cpu.rip = CpuTester.CODE;
            X86Exception e = in.run();
            assertEquals(vector, e.vector, o.toString());
            assertNotNull(in.current());
            assertEquals(t.cpu.rip, in.current().pc, "RIP is the faulting instruction's");
            long[] s = new long[20];
            System.arraycopy(t.cpu.regs, 0, s, 0, 16);
            s[16] = t.cpu.rip;
            s[17] = t.cpu.getEflags();
            s[18] = e.address;
            s[19] = e.errorCode;
            if (ref == null) ref = s;
            else assertArrayEquals(ref, s, o.toString());
        }
        return ref;
    }

    @Test
    void pageFaultInATranslatedLoopLeavesTheInterpretersState() {
        long[] s = faultState("""
                mov rsi, 0x400000
                mov ecx, 100
                xor eax, eax
            l:  add rax, rcx
                mov rdx, [rsi]
                add rsi, 0x100000
                dec ecx
                jnz l
                hlt""", X86Exception.PF);
        assertEquals(0x1000000, s[X86Cpu.RSI]); // 16 MiB: the first address outside CpuTester's RAM
        assertEquals(100 - 12, s[X86Cpu.RCX]);
        long sum = 0;
        for (int k = 100; k >= 100 - 12; k--) sum += k;
        assertEquals(sum, s[X86Cpu.RAX]);
        assertEquals(0, s[17] & Flags.ZF); // the flags of the ADD just before
        assertEquals(0x1000000, s[18]);
    }

    @Test
    void storeAndPushFaultsArePrecise() {
        long[] s = faultState("""
                mov rdi, 0x400000
                mov ecx, 40
            l:  sub rcx, 1
                mov [rdi], rcx
                add rdi, 0x80000
                cmp ecx, 3
                jne l
                hlt""", X86Exception.PF);
        assertEquals(0x1000000, s[X86Cpu.RDI]);
        assertEquals(40 - 25, s[X86Cpu.RCX]); // 24 stores below 16 MiB, the 25th faults
        assertEquals(2, s[19] & 2); // a write

        s = faultState("""
                mov rsp, 0x2000
                xor ebx, ebx
            l:  inc ebx
                push rbx
                jmp l""", X86Exception.PF);
        assertEquals(0, s[X86Cpu.RSP]); // 1024 pushes fit; the next one (to -8) faults and leaves RSP alone
        assertEquals(1025, s[X86Cpu.RBX]);
    }

    @Test
    void faultInAHandlerCalledFromTranslatedCode() {
        long[] s = faultState("""
                mov ecx, 5
            l:  mov eax, 100
                xor edx, edx
                dec ecx
                div ecx
                jmp l""", X86Exception.DE);
        assertEquals(0, s[X86Cpu.RCX]);
        assertEquals(100, s[X86Cpu.RAX]);
        assertTrue((s[17] & Flags.ZF) != 0); // from DEC
    }

    @Test
    void boundedCacheEvictsAndStillRunsCorrectly() {
        // 40 functions on separate pages, called in a loop: more translations than the cache holds (called
        // through a register, so that no region takes them in: user-mode regions follow direct calls)
        StringBuilder src = new StringBuilder("""
                mov r12d, 30
                xor eax, eax
            top:
            """);
        for (int f = 0; f < 40; f++) src.append("    lea rbx, [rel f").append(f).append("]\n    call rbx\n");
        src.append("    dec r12d\n    jnz top\n    hlt\n");
        for (int f = 0; f < 40; f++) {
            src.append("align 4096\nf").append(f).append(": add eax, ").append(f + 1).append("\n    ret\n");
        }
        CpuTester t = new CpuTester(64);
        Interpreter in = new Interpreter(t.cpu, new TcgOptions(TcgOptions.Mode.ON, 2, 16, false));
        t.load(CpuTester.CODE, CpuTester.nasm(64, src.toString()));
        t.cpu.rip = CpuTester.CODE;
        X86Exception e = in.run();
        assertEquals(X86Exception.EXIT_HLT, e.vector);
        assertEquals(30L * (40 * 41 / 2), t.cpu.regs[X86Cpu.RAX]);
        assertTrue(in.jit().translations() > 40, in.jit().stats());
        assertTrue(in.jit().stats().contains(" dropped"), in.jit().stats());
    }

    @Test
    void exitRequestStopsATranslatedInfiniteLoop() throws Exception {
        CpuTester t = new CpuTester(64);
        Interpreter in = new Interpreter(t.cpu, TcgOptions.of(TcgOptions.Mode.ALL));
        t.load(CpuTester.CODE, CpuTester.nasm(64, """
                xor eax, eax
            l:  inc rax
                jmp l"""));
        t.cpu.rip = CpuTester.CODE;
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
                // stop at once
            }
            t.cpu.exitRequest = true;
        });
        stopper.start();
        X86Exception e = in.run();
        stopper.join();
        assertEquals(X86Exception.EXIT_INTERRUPT, e.vector);
        assertTrue(t.cpu.regs[X86Cpu.RAX] > 1000);
        // and it continues where it stopped
        long before = t.cpu.regs[X86Cpu.RAX];
        t.cpu.exitRequest = true;
        in.run();
        assertEquals(before, t.cpu.regs[X86Cpu.RAX]);
    }

    @Test
    void optionsFromProperties() {
        String old = System.getProperty("jemu.jit");
        try {
            System.setProperty("jemu.jit", "off");
            assertEquals(TcgOptions.Mode.OFF, TcgOptions.fromSystemProperties().mode());
            System.setProperty("jemu.jit", "all");
            assertEquals(1, TcgOptions.fromSystemProperties().hotness());
            System.setProperty("jemu.jit", "on");
            assertEquals(TcgOptions.DEFAULT_THRESHOLD, TcgOptions.fromSystemProperties().hotness());
        } finally {
            if (old == null) System.clearProperty("jemu.jit");
            else System.setProperty("jemu.jit", old);
        }
        CpuTester t = new CpuTester(64);
        assertEquals(null, new Interpreter(t.cpu, TcgOptions.of(TcgOptions.Mode.OFF)).jit());
    }

    @Test
    void aBlockTooBigForC2StaysInterpreted() {
        // 60 read-modify-write instructions in one block: far more bytecode than HotSpot compiles in one
        // method (HugeMethodLimit), where it would run in the JVM's bytecode interpreter for good
        StringBuilder body = new StringBuilder();
        for (int k = 0; k < 60; k++) body.append("    add [rsi + rcx*8 + ").append(8 * k).append("], rax\n");
        String asm = "    mov esi, 0x400000\n    mov eax, 1\n    mov edx, 3000\n    xor ecx, ecx\n"
                + "l:\n" + body + "    dec edx\n    jnz l\n    hlt";
        List<TcgOptions> modes = List.of(TcgOptions.of(TcgOptions.Mode.OFF), TcgOptions.of(TcgOptions.Mode.ALL),
                new TcgOptions(TcgOptions.Mode.ON, 2, 64, false)); // built on this thread: counted by the end
        for (TcgOptions o : modes) {
            Rig r = new Rig(o);
            X86Exception e = r.run(asm);
            assertEquals(X86Exception.EXIT_HLT, e.vector, o.toString());
            for (int k = 0; k < 60; k++) assertEquals(3000, r.as.segment().get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, Rig.DATA + 8 * k), o.toString());
            if (o.mode() == TcgOptions.Mode.ON) {
                assertTrue(r.interp.jit().tooBig() > 0, r.interp.jit().stats());
                assertEquals(0, r.interp.jit().failures());
            }
        }
    }
}
