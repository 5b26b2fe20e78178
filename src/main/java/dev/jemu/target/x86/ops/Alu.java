package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;

/** The eight classic ALU operations (ADD OR ADC SBB AND SUB XOR CMP), TEST, INC, DEC, NEG, NOT. */
public final class Alu {
    private Alu() {}

    public static final int ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7;
    private static final String[] NAMES = {"ADD", "OR", "ADC", "SBB", "AND", "SUB", "XOR", "CMP"};

    public static void register(OpcodeTable t) {
        for (int op = 0; op < 8; op++) {
            String n = NAMES[op];
            String lock = op == CMP ? "" : " lock";
            int base = op * 8;
            t.add(hex(base) + " /r", n + " Eb,Gb" + lock, Alu::aluEG, op);
            t.add(hex(base + 1) + " /r", n + " Ev,Gv" + lock, Alu::aluEG, op);
            t.add(hex(base + 2) + " /r", n + " Gb,Eb", Alu::aluGE, op);
            t.add(hex(base + 3) + " /r", n + " Gv,Ev", Alu::aluGE, op);
            t.add(hex(base + 4), n + " AL,Ib", Alu::aluAI, op);
            t.add(hex(base + 5), n + " rAX,Iz", Alu::aluAI, op);
            t.add("80 /" + op, n + " Eb,Ib" + lock, Alu::aluEI, op);
            t.add("81 /" + op, n + " Ev,Iz" + lock, Alu::aluEI, op);
            t.add("82 /" + op, n + " Eb,Ib i64" + lock, Alu::aluEI, op);
            t.add("83 /" + op, n + " Ev,Ib" + lock, Alu::aluEI, op);
        }
        t.add("84 /r", "TEST Eb,Gb", Alu::testEG);
        t.add("85 /r", "TEST Ev,Gv", Alu::testEG);
        t.add("A8", "TEST AL,Ib", Alu::testAI);
        t.add("A9", "TEST rAX,Iz", Alu::testAI);
        t.add("F6 /0", "TEST Eb,Ib", Alu::testEI);
        t.add("F6 /1", "TEST Eb,Ib", Alu::testEI);
        t.add("F7 /0", "TEST Ev,Iz", Alu::testEI);
        t.add("F7 /1", "TEST Ev,Iz", Alu::testEI);
        t.add("F6 /2", "NOT Eb lock", Alu::not);
        t.add("F7 /2", "NOT Ev lock", Alu::not);
        t.add("F6 /3", "NEG Eb lock", Alu::neg);
        t.add("F7 /3", "NEG Ev lock", Alu::neg);
        t.add("FE /0", "INC Eb lock", Alu::inc);
        t.add("FF /0", "INC Ev lock", Alu::inc);
        t.add("FE /1", "DEC Eb lock", Alu::dec);
        t.add("FF /1", "DEC Ev lock", Alu::dec);
        t.add("40+r", "INC Zv i64", Alu::incZ);
        t.add("48+r", "DEC Zv i64", Alu::decZ);
    }

    static String hex(int b) {
        return String.format("%02X", b);
    }

    /** Computes {@code a op b} of {@code size} bytes and records the flags; cin is the carry for ADC/SBB. */
    public static long alu(X86Cpu c, int op, int size, long a, long b, long cin) {
        long r;
        switch (op) {
            case ADD -> { r = a + b; c.setCc(Flags.ADD, size, r, a, b); }
            case ADC -> { r = a + b + cin; c.setCc(Flags.ADC, size, r, a, b); c.ccAux = cin; }
            case SUB, CMP -> { r = a - b; c.setCc(Flags.SUB, size, r, a, b); }
            case SBB -> { r = a - b - cin; c.setCc(Flags.SBB, size, r, a, b); c.ccAux = cin; }
            case AND -> { r = a & b; c.setCc(Flags.LOGIC, size, r, 0, 0); }
            case OR -> { r = a | b; c.setCc(Flags.LOGIC, size, r, 0, 0); }
            default -> { r = a ^ b; c.setCc(Flags.LOGIC, size, r, 0, 0); }
        }
        return r;
    }

    private static long carryIn(X86Cpu c, int op) {
        return (op == ADC || op == SBB) && c.cf() ? 1 : 0;
    }

    /** E = E op src, atomically with LOCK. */
    private static void rmw(X86Cpu c, Insn i, int op, long src) {
        int size = i.osize;
        long cin = carryIn(c, op);
        if (!i.mem) {
            long r = alu(c, op, size, c.getReg(i.rm, size, i.rex), src, cin);
            if (op != CMP) c.setReg(i.rm, size, i.rex, r);
            return;
        }
        long a = c.ea(i);
        if (i.has(Insn.P_LOCK)) {
            for (;;) {
                long old = c.mem.read(a, size);
                long r = alu(c, op, size, old, src, cin);
                if (c.mem.cmpxchg(a, size, old, r) == old) return;
            }
        }
        long r = alu(c, op, size, c.mem.read(a, size), src, cin);
        if (op != CMP) c.mem.write(a, size, r);
    }

    public static void aluEG(X86Cpu c, Insn i) {
        rmw(c, i, i.arg, c.readG(i));
    }

    public static void aluEI(X86Cpu c, Insn i) {
        rmw(c, i, i.arg, i.imm);
    }

    public static void aluGE(X86Cpu c, Insn i) {
        long r = alu(c, i.arg, i.osize, c.readG(i), c.readE(i), carryIn(c, i.arg));
        if (i.arg != CMP) c.writeG(i, r);
    }

    public static void aluAI(X86Cpu c, Insn i) {
        long r = alu(c, i.arg, i.osize, c.getReg(X86Cpu.RAX, i.osize, false), i.imm, carryIn(c, i.arg));
        if (i.arg != CMP) c.setReg(X86Cpu.RAX, i.osize, false, r);
    }

    public static void testEG(X86Cpu c, Insn i) {
        c.setCc(Flags.LOGIC, i.osize, c.readE(i) & c.readG(i), 0, 0);
    }

    public static void testEI(X86Cpu c, Insn i) {
        c.setCc(Flags.LOGIC, i.osize, c.readE(i) & i.imm, 0, 0);
    }

    public static void testAI(X86Cpu c, Insn i) {
        c.setCc(Flags.LOGIC, i.osize, c.regs[X86Cpu.RAX] & i.imm, 0, 0);
    }

    /** A unary read-modify-write of E (atomic with LOCK); flags are set by the caller's operation. */
    @FunctionalInterface
    private interface Unary {
        long apply(X86Cpu c, int size, long v);
    }

    private static void unary(X86Cpu c, Insn i, Unary f) {
        int size = i.osize;
        if (!i.mem) {
            c.setReg(i.rm, size, i.rex, f.apply(c, size, c.getReg(i.rm, size, i.rex)));
            return;
        }
        long a = c.ea(i);
        if (i.has(Insn.P_LOCK)) {
            for (;;) {
                long old = c.mem.read(a, size);
                long r = f.apply(c, size, old);
                if (c.mem.cmpxchg(a, size, old, r) == old) return;
            }
        }
        c.mem.write(a, size, f.apply(c, size, c.mem.read(a, size)));
    }

    private static long doNot(X86Cpu c, int size, long v) {
        return ~v;
    }

    private static long doNeg(X86Cpu c, int size, long v) {
        long r = -v;
        c.setCc(Flags.SUB, size, r, 0, v);
        return r;
    }

    private static long doInc(X86Cpu c, int size, long v) {
        long cf = c.cf() ? 1 : 0;
        long r = v + 1;
        c.setCc(Flags.INC, size, r, v, 1);
        c.ccAux = cf;
        return r;
    }

    private static long doDec(X86Cpu c, int size, long v) {
        long cf = c.cf() ? 1 : 0;
        long r = v - 1;
        c.setCc(Flags.DEC, size, r, v, 1);
        c.ccAux = cf;
        return r;
    }

    public static void not(X86Cpu c, Insn i) {
        unary(c, i, Alu::doNot);
    }

    public static void neg(X86Cpu c, Insn i) {
        unary(c, i, Alu::doNeg);
    }

    public static void inc(X86Cpu c, Insn i) {
        unary(c, i, Alu::doInc);
    }

    public static void dec(X86Cpu c, Insn i) {
        unary(c, i, Alu::doDec);
    }

    public static void incZ(X86Cpu c, Insn i) {
        c.setReg(i.rm, i.osize, false, doInc(c, i.osize, c.getReg(i.rm, i.osize, false)));
    }

    public static void decZ(X86Cpu c, Insn i) {
        c.setReg(i.rm, i.osize, false, doDec(c, i.osize, c.getReg(i.rm, i.osize, false)));
    }
}
