package dev.jemu.target.x86;

import static dev.jemu.target.x86.X86Cpu.CS;
import static dev.jemu.target.x86.X86Cpu.DS;
import static dev.jemu.target.x86.X86Cpu.SS;

/**
 * Decodes one instruction from guest memory into an {@link Insn}: prefixes, REX, the opcode maps, ModRM/SIB
 * (16-, 32- and 64-bit addressing, RIP-relative), displacement and immediates. The table decides the rest.
 */
public final class Decoder {
    private static final int MAX_LEN = 15;
    // 16-bit addressing: base and index register for ModRM.rm 0..7.
    private static final int[] BASE16 = {X86Cpu.RBX, X86Cpu.RBX, X86Cpu.RBP, X86Cpu.RBP, -1, -1, X86Cpu.RBP, X86Cpu.RBX};
    private static final int[] INDEX16 = {X86Cpu.RSI, X86Cpu.RDI, X86Cpu.RSI, X86Cpu.RDI, X86Cpu.RSI, X86Cpu.RDI, -1, -1};

    private final OpcodeTable table;

    public Decoder(OpcodeTable table) {
        this.table = table;
    }

    /** Fetch state for one decode. */
    private X86Cpu cpu;
    private long rip;
    private int pos;

    private int next() {
        if (pos >= MAX_LEN) throw X86Exception.gp0();
        int asz = cpu.codeBits / 8;
        return cpu.mem.fetch8(cpu.linear(CS, rip + pos++, asz));
    }

    private long imm(int bytes) {
        long v = 0;
        for (int k = 0; k < bytes; k++) v |= (long) next() << (8 * k);
        int sh = 64 - 8 * bytes;
        return (v << sh) >> sh;
    }

    private long immUnsigned(int bytes) {
        long v = 0;
        for (int k = 0; k < bytes; k++) v |= (long) next() << (8 * k);
        return v;
    }

    /** Decodes the instruction at {@code rip} (an offset in CS). Throws #UD, #GP or the fetch's #PF. */
    public Insn decode(X86Cpu cpu, long rip) {
        this.cpu = cpu;
        this.rip = rip;
        this.pos = 0;
        int bits = cpu.codeBits;
        Insn i = new Insn();
        i.pc = rip;
        int pfx = 0, seg = -1, rex = 0, lastRep = 0;
        int b;
        for (;;) {
            b = next();
            switch (b) {
                case 0x26, 0x2e, 0x36, 0x3e -> seg = (b >> 3) & 3;
                case 0x64 -> seg = X86Cpu.FS;
                case 0x65 -> seg = X86Cpu.GS;
                case 0x66 -> pfx |= Insn.P_OPSIZE;
                case 0x67 -> pfx |= Insn.P_ADDRSIZE;
                case 0xf0 -> pfx |= Insn.P_LOCK;
                case 0xf2 -> { pfx |= Insn.P_REPNE; lastRep = b; }
                case 0xf3 -> { pfx |= Insn.P_REP; lastRep = b; }
                default -> {
                    if (bits == 64 && (b & 0xf0) == 0x40) {
                        rex = b;
                        continue;
                    }
                    // b is the opcode
                    return decodeOpcode(i, b, pfx, seg, rex, lastRep, bits);
                }
            }
            rex = 0; // a REX prefix counts only immediately before the opcode
        }
    }

    private Insn decodeOpcode(Insn i, int b, int pfx, int seg, int rex, int lastRep, int bits) {
        int map = 0;
        if (b == 0x0f) {
            b = next();
            map = 1;
            if (b == 0x38) {
                map = 2;
                b = next();
            } else if (b == 0x3a) {
                map = 3;
                b = next();
            }
        }
        Opcode e = table.lookup(map, b);
        int modrm = -1;
        boolean opsizeIsMandatory = false;
        while (e != null && e.select != Opcode.SEL_NONE) {
            switch (e.select) {
                case Opcode.SEL_PREFIX -> {
                    int idx = lastRep == 0xf3 ? 2 : lastRep == 0xf2 ? 3 : (pfx & Insn.P_OPSIZE) != 0 ? 1 : 0;
                    e = e.sub[idx];
                    if (e != null && e.mandatory) {
                        if (idx == 1) opsizeIsMandatory = true;
                        if (idx >= 2) pfx &= ~(Insn.P_REP | Insn.P_REPNE);
                    }
                }
                case Opcode.SEL_MOD -> {
                    if (modrm < 0) modrm = next();
                    e = e.sub[(modrm >> 6) == 3 ? 1 : 0];
                }
                case Opcode.SEL_REG -> e = e.sub[(modrm >> 3) & 7];
                default -> e = e.sub[modrm & 0x3f];
            }
        }
        if (e == null || e.exec == null) throw X86Exception.ud();
        if (bits != 64 && e.has(Opcode.O64) && e.legacy != null) e = e.legacy;
        if (bits == 64 ? e.has(Opcode.I64) : e.has(Opcode.O64)) throw X86Exception.ud();
        if (e.has(Opcode.MODRM) && modrm < 0) modrm = next();

        i.op = e;
        i.exec = e.exec;
        if (dev.jemu.target.x86.system.FpuGate.active(cpu)) {
            boolean prefixed = e.mandatory && (lastRep != 0 || (pfx & Insn.P_OPSIZE) != 0);
            i.exec = dev.jemu.target.x86.system.FpuGate.gate(cpu, map, b, modrm, prefixed, e.exec);
        }
        i.arg = e.arg;
        i.rex = rex != 0;
        boolean opsize = (pfx & Insn.P_OPSIZE) != 0 && !opsizeIsMandatory;
        if ((rex & 8) != 0) pfx |= Insn.P_REXW;
        // Operand size.
        int osize;
        if (bits == 64) {
            if ((rex & 8) != 0) osize = 8;
            else if (e.has(Opcode.F64)) osize = 8;
            else if (e.has(Opcode.D64)) osize = opsize ? 2 : 8;
            else osize = opsize ? 2 : 4;
        } else {
            osize = ((bits == 32) != opsize) ? 4 : 2;
        }
        if (e.has(Opcode.BYTE)) osize = 1;
        i.osize = osize;
        boolean addrsize = (pfx & Insn.P_ADDRSIZE) != 0;
        int asize = bits == 64 ? (addrsize ? 4 : 8) : (((bits == 32) != addrsize) ? 4 : 2);
        i.asize = asize;
        i.prefixes = pfx | (seg >= 0 ? Insn.P_SEG : 0);
        i.rm = (b & 7) | ((rex & 1) << 3);
        i.seg = seg >= 0 ? seg : DS;

        boolean ripRel = false;
        if (modrm >= 0) {
            i.modrm = modrm;
            int mod = modrm >> 6, rm = modrm & 7;
            i.reg = ((modrm >> 3) & 7) | ((rex & 4) << 1);
            if (mod == 3) {
                i.rm = rm | ((rex & 1) << 3);
            } else {
                i.mem = true;
                if (asize == 2) {
                    if (mod == 0 && rm == 6) {
                        i.disp = immUnsigned(2);
                    } else {
                        i.base = BASE16[rm];
                        i.index = INDEX16[rm];
                        if (mod == 1) i.disp = imm(1);
                        else if (mod == 2) i.disp = imm(2);
                        if (seg < 0 && i.base == X86Cpu.RBP) i.seg = SS;
                    }
                } else {
                    if (rm == 4) {
                        int sib = next();
                        int base = sib & 7, index = ((sib >> 3) & 7) | ((rex & 2) << 2);
                        i.scale = sib >> 6;
                        i.index = index == 4 ? -1 : index;
                        if (base == 5 && mod == 0) {
                            i.disp = imm(4);
                        } else {
                            i.base = base | ((rex & 1) << 3);
                            if (seg < 0 && (base == 4 || base == 5)) i.seg = SS;
                        }
                    } else if (rm == 5 && mod == 0) {
                        i.disp = imm(4);
                        ripRel = bits == 64;
                    } else {
                        i.base = rm | ((rex & 1) << 3);
                        if (seg < 0 && rm == 5) i.seg = SS;
                    }
                    if (mod == 1) i.disp = imm(1);
                    else if (mod == 2) i.disp = imm(4);
                }
            }
        }
        i.imm = immediate(i, e.imm1, true);
        if (e.imm2 != Opcode.I_NONE) i.imm2 = immediate(i, e.imm2, false);
        i.len = pos;
        long mask = bits == 64 ? -1L : bits == 32 ? 0xffffffffL : 0xffffL;
        i.next = (i.pc + pos) & mask;
        if (ripRel) i.disp += i.next;
        if ((pfx & Insn.P_LOCK) != 0 && (!e.has(Opcode.LOCK) || !i.mem)) throw X86Exception.ud();
        return i;
    }

    private long immediate(Insn i, int kind, boolean first) {
        return switch (kind) {
            case Opcode.I_NONE -> 0;
            case Opcode.I_B, Opcode.I_JB -> imm(1);
            case Opcode.I_W -> immUnsigned(2);
            case Opcode.I_D -> imm(4);
            case Opcode.I_Z, Opcode.I_JZ -> imm(i.osize == 2 ? 2 : 4);
            case Opcode.I_V -> imm(i.osize == 1 ? 1 : i.osize);
            case Opcode.I_MOFFS -> {
                i.mem = true;
                i.base = i.index = -1;
                i.disp = immUnsigned(i.asize);
                yield 0;
            }
            case Opcode.I_AP -> {
                long off = immUnsigned(i.osize == 2 ? 2 : 4);
                i.imm2 = immUnsigned(2);
                yield off;
            }
            default -> throw new IllegalStateException("immediate kind " + kind);
        };
    }
}
