package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.OpcodeTable;
import dev.jemu.target.x86.X86Cpu;

/**
 * Shifts and rotates: group 2 (ROL ROR RCL RCR SHL SHR SAL SAR by 1, CL or Ib) and SHLD/SHRD.
 *
 * <p>The flags the SDM leaves undefined are those of the host (AMD): for every non-zero count OF is the MSB
 * of the value before the last one-bit step xor the MSB of the result, and shifts set AF. Rotates change only
 * CF and OF. A masked count of 0 changes no flags (but a 32-bit register destination is still written, so its
 * upper half is cleared).
 */
public final class Shift {
    private Shift() {}

    public static final int ROL = 0, ROR = 1, RCL = 2, RCR = 3, SHL = 4, SHR = 5, SAL = 6, SAR = 7;
    private static final String[] NAMES = {"ROL", "ROR", "RCL", "RCR", "SHL", "SHR", "SAL", "SAR"};

    public static void register(OpcodeTable t) {
        for (int op = 0; op < 8; op++) {
            String n = NAMES[op];
            t.add("D0 /" + op, n + " Eb,1", Shift::by1, op);
            t.add("D1 /" + op, n + " Ev,1", Shift::by1, op);
            t.add("D2 /" + op, n + " Eb,CL", Shift::byCl, op);
            t.add("D3 /" + op, n + " Ev,CL", Shift::byCl, op);
            t.add("C0 /" + op, n + " Eb,Ib", Shift::byIb, op);
            t.add("C1 /" + op, n + " Ev,Ib", Shift::byIb, op);
        }
        t.add("0F A4 /r", "SHLD Ev,Gv,Ib", Shift::shldIb);
        t.add("0F A5 /r", "SHLD Ev,Gv,CL", Shift::shldCl);
        t.add("0F AC /r", "SHRD Ev,Gv,Ib", Shift::shrdIb);
        t.add("0F AD /r", "SHRD Ev,Gv,CL", Shift::shrdCl);
    }

    public static void by1(X86Cpu c, Insn i) {
        shift(c, i, 1);
    }

    public static void byCl(X86Cpu c, Insn i) {
        shift(c, i, (int) c.regs[X86Cpu.RCX]);
    }

    public static void byIb(X86Cpu c, Insn i) {
        shift(c, i, (int) i.imm);
    }

    private static long mask(int size) {
        return size == 8 ? -1L : (1L << (8 * size)) - 1;
    }

    private static void shift(X86Cpu c, Insn i, int count) {
        int size = i.osize;
        count &= size == 8 ? 63 : 31;
        long addr = i.mem ? c.ea(i) : 0;
        long v = i.mem ? c.mem.read(addr, size) : c.getReg(i.rm, size, i.rex);
        if (count == 0) {
            if (!i.mem && size == 4) c.setReg(i.rm, 4, i.rex, v);
            return;
        }
        int bits = 8 * size;
        long m = mask(size);
        long sb = 1L << (bits - 1);
        long r;
        switch (i.arg) {
            case ROL, ROR -> {
                int n = count & (bits - 1);
                if (i.arg == ROR) n = (bits - n) & (bits - 1);
                r = n == 0 ? v : ((v << n) | (v >>> (bits - n))) & m;
                int f = Flags.compute(c) & ~(Flags.CF | Flags.OF);
                boolean cf, of;
                if (i.arg == ROL) {
                    cf = (r & 1) != 0;
                    of = ((r & sb) != 0) != cf;
                } else {
                    cf = (r & sb) != 0;
                    of = cf != ((r & (sb >>> 1)) != 0);
                }
                store(c, i, addr, r);
                Flags.set(c, f | (cf ? Flags.CF : 0) | (of ? Flags.OF : 0));
            }
            case RCL, RCR -> {
                int f = Flags.compute(c);
                long cin = f & Flags.CF;
                int n = bits == 8 ? count % 9 : bits == 16 ? count % 17 : count;
                long cout = cin;
                r = v;
                // Rotate the (bits+1)-bit value CF:v by n (1..bits); no Java shift count reaches 64.
                if (n != 0 && i.arg == RCL) {
                    r = ((v << n) | (cin << (n - 1)) | (n > 1 ? v >>> (bits + 1 - n) : 0)) & m;
                    cout = (v >>> (bits - n)) & 1;
                } else if (n != 0) {
                    r = ((v >>> n) | (cin << (bits - n)) | (n > 1 ? v << (bits + 1 - n) : 0)) & m;
                    cout = (v >>> (n - 1)) & 1;
                }
                boolean of = i.arg == RCL ? ((r & sb) != 0) != (cout != 0)
                        : ((r & sb) != 0) != ((r & (sb >>> 1)) != 0);
                store(c, i, addr, r);
                Flags.set(c, (f & ~(Flags.CF | Flags.OF)) | (int) cout | (of ? Flags.OF : 0));
            }
            case SHL, SAL -> {
                long prev = v << (count - 1);
                r = (prev << 1) & m;
                store(c, i, addr, r);
                c.setCc(Flags.SHL, size, r, 0, prev);
            }
            case SHR -> {
                long prev = v >>> (count - 1);
                r = prev >>> 1;
                store(c, i, addr, r);
                c.setCc(Flags.SHR, size, r, 0, prev);
            }
            default -> { // SAR
                int sh = 64 - bits;
                long prev = ((v << sh) >> sh) >> (count - 1);
                r = (prev >> 1) & m;
                store(c, i, addr, r);
                c.setCc(Flags.SHR, size, r, 0, prev);
            }
        }
    }

    private static void store(X86Cpu c, Insn i, long addr, long r) {
        if (i.mem) c.mem.write(addr, i.osize, r);
        else c.setReg(i.rm, i.osize, i.rex, r);
    }

    // ---- double shifts ----

    public static void shldIb(X86Cpu c, Insn i) {
        doubleShift(c, i, (int) i.imm, true);
    }

    public static void shldCl(X86Cpu c, Insn i) {
        doubleShift(c, i, (int) c.regs[X86Cpu.RCX], true);
    }

    public static void shrdIb(X86Cpu c, Insn i) {
        doubleShift(c, i, (int) i.imm, false);
    }

    public static void shrdCl(X86Cpu c, Insn i) {
        doubleShift(c, i, (int) c.regs[X86Cpu.RCX], false);
    }

    /**
     * SHLD/SHRD. A 16-bit operand with a count above 16 shifts the 48-bit value dst:src:src (SHLD) or
     * src:src:dst (SHRD), as the host does; its CF is then 0, and SHLD's OF is CF for count 16 and 0 above.
     */
    private static void doubleShift(X86Cpu c, Insn i, int count, boolean left) {
        int size = i.osize;
        count &= size == 8 ? 63 : 31;
        long addr = i.mem ? c.ea(i) : 0;
        long a = i.mem ? c.mem.read(addr, size) : c.getReg(i.rm, size, i.rex);
        long b = c.readG(i);
        if (count == 0) {
            if (!i.mem && size == 4) c.setReg(i.rm, 4, i.rex, a);
            return;
        }
        int bits = 8 * size;
        long m = mask(size);
        long r;
        if (size == 2) {
            if (left) {
                long x = (a << 32) | (b << 16) | b;
                r = (x >>> (32 - count)) & 0xffff;
                store(c, i, addr, r);
                if (count < 16) {
                    c.setCc(Flags.SHL, 2, r, 0, a << (count - 1));
                } else {
                    int cf = count == 16 ? (int) a & 1 : 0;
                    Flags.set(c, Flags.szp(r, 2) | Flags.AF | cf | (cf != 0 ? Flags.OF : 0));
                }
            } else {
                long x = (b << 32) | (b << 16) | a;
                r = (x >>> count) & 0xffff;
                long cf = count <= 16 ? (a >>> (count - 1)) & 1 : 0;
                store(c, i, addr, r);
                c.setCc(Flags.SHR, 2, r, 0, (r << 1) | cf);
            }
            return;
        }
        if (left) {
            r = ((a << count) | (b >>> (bits - count))) & m;
            store(c, i, addr, r);
            c.setCc(Flags.SHL, size, r, 0, a << (count - 1));
        } else {
            r = ((a >>> count) | (b << (bits - count))) & m;
            store(c, i, addr, r);
            c.setCc(Flags.SHR, size, r, 0, (r << 1) | ((a >>> (count - 1)) & 1));
        }
    }
}
