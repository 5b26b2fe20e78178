package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * XADD, CMPXCHG, CMPXCHG8B and CMPXCHG16B. With a memory operand these are atomic whether or not LOCK is
 * given (a LOCK prefix only makes the hardware's guarantee explicit; being atomic without it is allowed).
 */
public final class Atomic {
    private Atomic() {}

    private static final int RAX = X86Cpu.RAX, RBX = X86Cpu.RBX, RCX = X86Cpu.RCX, RDX = X86Cpu.RDX;

    /**
     * Serialises CMPXCHG16B: the JVM has no 16-byte compare-and-swap, so the 16-byte exchange is done under
     * this lock. It is atomic against other CMPXCHG16B but not against plain 8-byte locked operations on the
     * same memory (SoftMmu does those with a CAS); x86 programs mix the two only in exotic code.
     */
    private static final Object LOCK16 = new Object();

    public static void register(OpcodeTable t) {
        t.add("0F C0 /r", "XADD Eb,Gb lock", Atomic::xadd);
        t.add("0F C1 /r", "XADD Ev,Gv lock", Atomic::xadd);
        t.add("0F B0 /r", "CMPXCHG Eb,Gb lock", Atomic::cmpxchg);
        t.add("0F B1 /r", "CMPXCHG Ev,Gv lock", Atomic::cmpxchg);
        t.add("0F C7 /1 m", "CMPXCHG8B Mq lock", Atomic::cmpxchg8b);
    }

    public static void xadd(X86Cpu c, Insn i) {
        int size = i.osize;
        long src = c.readG(i);
        if (!i.mem) {
            long dst = c.getReg(i.rm, size, i.rex);
            long sum = dst + src;
            c.writeG(i, dst);
            c.setReg(i.rm, size, i.rex, sum); // written last: XADD r,r with one register leaves the sum
            c.setCc(Flags.ADD, size, sum, dst, src);
            return;
        }
        long a = c.ea(i);
        long old;
        do {
            old = c.mem.read(a, size);
        } while (c.mem.cmpxchg(a, size, old, old + src) != old);
        c.writeG(i, old);
        c.setCc(Flags.ADD, size, old + src, old, src);
    }

    /**
     * CMPXCHG: flags as CMP accumulator, destination. Equal: the destination gets the source. Not equal: the
     * accumulator gets the destination (zero-extended for 32 bits) and a register destination is left as it
     * is (the host does not even clear its upper half); memory is written back unchanged, as on hardware.
     */
    public static void cmpxchg(X86Cpu c, Insn i) {
        int size = i.osize;
        long m = size == 8 ? -1L : (1L << (8 * size)) - 1;
        long acc = c.getReg(RAX, size, false);
        long src = c.readG(i);
        long found;
        if (!i.mem) {
            found = c.getReg(i.rm, size, i.rex);
            if (found == acc) c.setReg(i.rm, size, i.rex, src);
        } else {
            found = c.mem.cmpxchg(c.ea(i), size, acc, src);
        }
        c.setCc(Flags.SUB, size, (acc - found) & m, acc, found);
        if (found != acc) c.setReg(RAX, size, false, found);
    }

    /** CMPXCHG8B m64 (CMPXCHG16B m128 with REX.W): EDX:EAX against memory, ECX:EBX stored if equal. */
    public static void cmpxchg8b(X86Cpu c, Insn i) {
        long a = c.ea(i);
        int f = Flags.compute(c) & ~Flags.ZF;
        if (i.has(Insn.P_REXW)) {
            cmpxchg16b(c, a, f);
            return;
        }
        long expected = (c.regs[RDX] << 32) | (c.regs[RAX] & 0xffffffffL);
        long update = (c.regs[RCX] << 32) | (c.regs[RBX] & 0xffffffffL);
        long found = c.mem.cmpxchg(a, 8, expected, update);
        if (found == expected) {
            Flags.set(c, f | Flags.ZF);
        } else {
            c.regs[RAX] = found & 0xffffffffL;
            c.regs[RDX] = found >>> 32;
            Flags.set(c, f);
        }
    }

    private static void cmpxchg16b(X86Cpu c, long a, int f) {
        if ((a & 15) != 0) throw X86Exception.gp0();
        long lo, hi;
        boolean equal;
        synchronized (LOCK16) {
            // The 16 bytes are in one page, so the first store is the only one that can fault.
            lo = c.mem.read64(a);
            hi = c.mem.read64(a + 8);
            equal = lo == c.regs[RAX] && hi == c.regs[RDX];
            if (equal) {
                c.mem.write64(a, c.regs[RBX]);
                c.mem.write64(a + 8, c.regs[RCX]);
            } else {
                c.mem.cmpxchg(a, 8, lo, lo); // a locked access is a write even when nothing changes
            }
        }
        if (equal) {
            Flags.set(c, f | Flags.ZF);
        } else {
            c.regs[RAX] = lo;
            c.regs[RDX] = hi;
            Flags.set(c, f);
        }
    }
}
