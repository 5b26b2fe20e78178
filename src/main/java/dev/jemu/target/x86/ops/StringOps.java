package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;

/**
 * String instructions MOVS CMPS STOS LODS SCAS with REP/REPE/REPNE, at every operand and address size.
 * The source is DS:rSI (segment override allowed), the destination ES:rDI; DF chooses the direction.
 *
 * <p>A repeated instruction runs its iterations in one call, with RSI/RDI/RCX in locals that are stored back
 * however the loop ends: if an iteration faults, the registers describe the iterations completed and RIP is
 * the instruction's (the execution loop rewinds it), so the instruction resumes where it stopped. Long
 * repetitions look at {@link X86Cpu#exitRequest} between chunks and leave with RIP at the instruction, as an
 * exit at an instruction boundary would. REP MOVS/STOS forwards over plain RAM go page by page through
 * {@link StringCopy}. INS/OUTS belong to system mode and are not here.
 */
public final class StringOps {
    private StringOps() {}

    private static final int RAX = X86Cpu.RAX, RCX = X86Cpu.RCX, RSI = X86Cpu.RSI, RDI = X86Cpu.RDI;
    private static final int REP_ANY = Insn.P_REP | Insn.P_REPNE;
    /** Iterations between looks at exitRequest in the element-by-element loops. */
    private static final int EXIT_CHECK = 4096;

    public static void register(OpcodeTable t) {
        t.add("A4", "MOVS Yb,Xb", StringOps::movs);
        t.add("A5", "MOVS Yv,Xv", StringOps::movs);
        t.add("A6", "CMPS Xb,Yb", StringOps::cmps);
        t.add("A7", "CMPS Xv,Yv", StringOps::cmps);
        t.add("AA", "STOS Yb,AL", StringOps::stos);
        t.add("AB", "STOS Yv,rAX", StringOps::stos);
        t.add("AC", "LODS AL,Xb", StringOps::lods);
        t.add("AD", "LODS rAX,Xv", StringOps::lods);
        t.add("AE", "SCAS AL,Yb", StringOps::scas);
        t.add("AF", "SCAS rAX,Yv", StringOps::scas);
    }

    static long addressMask(int asize) {
        return asize == 8 ? -1L : asize == 4 ? 0xffffffffL : 0xffffL;
    }

    /** Leaves the loop for a pending exit request, to resume the instruction afterwards. */
    private static X86Exception exitAtInstruction(X86Cpu c, Insn i) {
        c.exitRequest = false;
        c.rip = i.pc;
        return X86Exception.trap(X86Exception.EXIT_INTERRUPT);
    }

    // ---- MOVS ----

    public static void movs(X86Cpu c, Insn i) {
        int size = i.osize, as = i.asize;
        long am = addressMask(as);
        long d = c.df() ? -size : size;
        long si = c.getReg(RSI, as, false), di = c.getReg(RDI, as, false);
        if ((i.prefixes & REP_ANY) == 0) {
            c.mem.write(c.linear(X86Cpu.ES, di, as), size, c.mem.read(c.linear(i.seg, si, as), size));
            c.setReg(RSI, as, false, si + d);
            c.setReg(RDI, as, false, di + d);
            return;
        }
        long cx0 = c.getReg(RCX, as, false), cx = cx0;
        int n = 0;
        try {
            while (cx != 0) {
                if (d > 0) {
                    long done = StringCopy.copy(c, i.seg, si, di, cx, size, as);
                    if (done > 0) {
                        si = (si + done * size) & am;
                        di = (di + done * size) & am;
                        cx -= done;
                        if (cx != 0 && c.exitRequest) throw exitAtInstruction(c, i);
                        continue;
                    }
                }
                c.mem.write(c.linear(X86Cpu.ES, di, as), size, c.mem.read(c.linear(i.seg, si, as), size));
                si = (si + d) & am;
                di = (di + d) & am;
                cx--;
                if (++n == EXIT_CHECK) {
                    n = 0;
                    if (cx != 0 && c.exitRequest) throw exitAtInstruction(c, i);
                }
            }
        } finally {
            // Nothing done (count 0, or a fault in the first iteration): not even the 32-bit registers'
            // upper halves are cleared, as on the host.
            if (cx != cx0) {
                c.setReg(RSI, as, false, si);
                c.setReg(RDI, as, false, di);
                c.setReg(RCX, as, false, cx);
            }
        }
    }

    // ---- STOS ----

    public static void stos(X86Cpu c, Insn i) {
        int size = i.osize, as = i.asize;
        long am = addressMask(as);
        long d = c.df() ? -size : size;
        long v = c.getReg(RAX, size, false);
        long di = c.getReg(RDI, as, false);
        if ((i.prefixes & REP_ANY) == 0) {
            c.mem.write(c.linear(X86Cpu.ES, di, as), size, v);
            c.setReg(RDI, as, false, di + d);
            return;
        }
        long cx0 = c.getReg(RCX, as, false), cx = cx0;
        int n = 0;
        try {
            while (cx != 0) {
                if (d > 0) {
                    long done = StringCopy.fill(c, di, cx, size, as, v);
                    if (done > 0) {
                        di = (di + done * size) & am;
                        cx -= done;
                        if (cx != 0 && c.exitRequest) throw exitAtInstruction(c, i);
                        continue;
                    }
                }
                c.mem.write(c.linear(X86Cpu.ES, di, as), size, v);
                di = (di + d) & am;
                cx--;
                if (++n == EXIT_CHECK) {
                    n = 0;
                    if (cx != 0 && c.exitRequest) throw exitAtInstruction(c, i);
                }
            }
        } finally {
            // Nothing done (count 0, or a fault in the first iteration): not even the 32-bit registers'
            // upper halves are cleared, as on the host.
            if (cx != cx0) {
                c.setReg(RDI, as, false, di);
                c.setReg(RCX, as, false, cx);
            }
        }
    }

    // ---- LODS ----

    public static void lods(X86Cpu c, Insn i) {
        int size = i.osize, as = i.asize;
        long am = addressMask(as);
        long d = c.df() ? -size : size;
        long si = c.getReg(RSI, as, false);
        if ((i.prefixes & REP_ANY) == 0) {
            c.setReg(RAX, size, false, c.mem.read(c.linear(i.seg, si, as), size));
            c.setReg(RSI, as, false, si + d);
            return;
        }
        long cx0 = c.getReg(RCX, as, false), cx = cx0;
        int n = 0;
        try {
            while (cx != 0) {
                c.setReg(RAX, size, false, c.mem.read(c.linear(i.seg, si, as), size));
                si = (si + d) & am;
                cx--;
                if (++n == EXIT_CHECK) {
                    n = 0;
                    if (cx != 0 && c.exitRequest) throw exitAtInstruction(c, i);
                }
            }
        } finally {
            // Nothing done (count 0, or a fault in the first iteration): not even the 32-bit registers'
            // upper halves are cleared, as on the host.
            if (cx != cx0) {
                c.setReg(RSI, as, false, si);
                c.setReg(RCX, as, false, cx);
            }
        }
    }

    // ---- CMPS and SCAS: REPE (F3) repeats while equal, REPNE (F2) while not equal ----

    public static void cmps(X86Cpu c, Insn i) {
        int size = i.osize, as = i.asize;
        long am = addressMask(as);
        long d = c.df() ? -size : size;
        long si = c.getReg(RSI, as, false), di = c.getReg(RDI, as, false);
        if ((i.prefixes & REP_ANY) == 0) {
            long a = c.mem.read(c.linear(i.seg, si, as), size);
            long b = c.mem.read(c.linear(X86Cpu.ES, di, as), size);
            c.setCc(Flags.SUB, size, a - b, a, b);
            c.setReg(RSI, as, false, si + d);
            c.setReg(RDI, as, false, di + d);
            return;
        }
        boolean whileEqual = i.has(Insn.P_REP);
        long cx0 = c.getReg(RCX, as, false), cx = cx0;
        int n = 0;
        try {
            while (cx != 0) {
                long a = c.mem.read(c.linear(i.seg, si, as), size);
                long b = c.mem.read(c.linear(X86Cpu.ES, di, as), size);
                c.setCc(Flags.SUB, size, a - b, a, b);
                si = (si + d) & am;
                di = (di + d) & am;
                cx--;
                if ((a == b) != whileEqual) break;
                if (++n == EXIT_CHECK) {
                    n = 0;
                    if (cx != 0 && c.exitRequest) throw exitAtInstruction(c, i);
                }
            }
        } finally {
            // Nothing done (count 0, or a fault in the first iteration): not even the 32-bit registers'
            // upper halves are cleared, as on the host.
            if (cx != cx0) {
                c.setReg(RSI, as, false, si);
                c.setReg(RDI, as, false, di);
                c.setReg(RCX, as, false, cx);
            }
        }
    }

    public static void scas(X86Cpu c, Insn i) {
        int size = i.osize, as = i.asize;
        long am = addressMask(as);
        long d = c.df() ? -size : size;
        long acc = c.getReg(RAX, size, false);
        long di = c.getReg(RDI, as, false);
        if ((i.prefixes & REP_ANY) == 0) {
            long b = c.mem.read(c.linear(X86Cpu.ES, di, as), size);
            c.setCc(Flags.SUB, size, acc - b, acc, b);
            c.setReg(RDI, as, false, di + d);
            return;
        }
        boolean whileEqual = i.has(Insn.P_REP);
        long cx0 = c.getReg(RCX, as, false), cx = cx0;
        int n = 0;
        try {
            while (cx != 0) {
                long b = c.mem.read(c.linear(X86Cpu.ES, di, as), size);
                c.setCc(Flags.SUB, size, acc - b, acc, b);
                di = (di + d) & am;
                cx--;
                if ((acc == b) != whileEqual) break;
                if (++n == EXIT_CHECK) {
                    n = 0;
                    if (cx != 0 && c.exitRequest) throw exitAtInstruction(c, i);
                }
            }
        } finally {
            // Nothing done (count 0, or a fault in the first iteration): not even the 32-bit registers'
            // upper halves are cleared, as on the host.
            if (cx != cx0) {
                c.setReg(RDI, as, false, di);
                c.setReg(RCX, as, false, cx);
            }
        }
    }
}
