package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.Flags;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.SegmentUnit;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.target.x86.X86Exception;
import dev.jemu.target.x86.X87;

/**
 * The x87 control instructions: FNINIT, FNCLEX, FLDCW, FNSTCW, FNSTSW, FNSTENV/FLDENV, FNSAVE/FRSTOR, FWAIT.
 * None of them changes FIP/FDP/FOP. The "no-wait" ones (FNxxx) ignore a pending exception; FLDCW, FLDENV and
 * FRSTOR take it as #MF first, like every other waiting instruction.
 *
 * <p>Environment layouts (14 bytes with a 16-bit operand size, 28 with 32 or 64; FNSAVE/FRSTOR add the eight
 * registers, ST0 first, 10 bytes each): the protected-mode formats hold FIP/FCS/FOP/FDP/FDS as offsets and
 * selectors; the real-mode (and virtual-8086) formats hold 20/32-bit linear pointers and FOP. In 64-bit mode the
 * 32-bit format stores the pointers' low 32 bits. Reserved upper halves of the 32-bit format read as ones, as on
 * the host.
 */
public final class X87Control {
    private X87Control() {}

    /** Control word bits that exist (bit 6 always reads as 1). */
    static final int CW_MASK = 0x1f3f;

    public static void fninit(X86Cpu c, Insn i) {
        X87Ops.deviceCheck(c);
        c.fpu.reset();
    }

    public static void fnclex(X86Cpu c, Insn i) {
        X87Ops.deviceCheck(c);
        c.fpu.fsw &= ~(X87.EXCEPTIONS | X87.SF | X87.ES | X87.B);
    }

    /** FNENI, FNDISI, FNSETPM: 8087/287 controls, no-ops on the 387 and later (not even FIP changes). */
    public static void nop8087(X86Cpu c, Insn i) {
        X87Ops.deviceCheck(c);
    }

    /** FWAIT: #NM (CR0.MP and TS, system mode) or #MF when an unmasked exception is pending. */
    public static void fwait(X86Cpu c, Insn i) {
        X87Ops.waitDeviceCheck(c);
        if ((c.fpu.fsw & X87.ES) != 0) throw X86Exception.fault(X86Exception.MF);
    }

    public static void fldcw(X86Cpu c, Insn i) {
        X87 f = X87Ops.begin(c);
        int v = c.mem.read16(c.ea(i));
        f.fcw = (v & CW_MASK) | 0x40;
        f.updateErrorSummary();
    }

    public static void fnstcw(X86Cpu c, Insn i) {
        X87Ops.deviceCheck(c);
        c.mem.write16(c.ea(i), c.fpu.fcw);
    }

    public static void fnstsw(X86Cpu c, Insn i) {
        X87Ops.deviceCheck(c);
        c.mem.write16(c.ea(i), c.fpu.statusWord());
    }

    public static void fnstswAx(X86Cpu c, Insn i) {
        X87Ops.deviceCheck(c);
        c.setReg(X86Cpu.RAX, 2, false, c.fpu.statusWord());
    }

    /** Real-address or virtual-8086 mode: the environment holds linear pointers. */
    static boolean realFormat(X86Cpu c) {
        // X86Cpu has no CR0 yet: 16-bit code with real-mode segment rules counts as real mode.
        return (c.eflags & Flags.VM) != 0 || (c.codeBits == 16 && c.segments == SegmentUnit.REAL_MODE);
    }

    private static int envSize(Insn i) {
        return i.osize == 2 ? 14 : 28;
    }

    /** Checks [off, off+len) for writing (or reading) so that a fault comes before any change. */
    private static void probe(X86Cpu c, Insn i, long off, int len, boolean write) {
        long a = c.linear(i.seg, off, i.asize), b = c.linear(i.seg, off + len - 1, i.asize);
        if (write) {
            if (b - a == len - 1) {
                c.mem.probeWrite(a, len);
            } else { // wraps around the segment's offset space
                c.mem.probeWrite(a, 1);
                c.mem.probeWrite(b, 1);
            }
        } else {
            c.mem.read8(a);
            c.mem.read8(b);
        }
    }

    private static void w16(X86Cpu c, Insn i, long off, int v) {
        c.mem.write16(c.linear(i.seg, off, i.asize), v);
    }

    private static void w32(X86Cpu c, Insn i, long off, int v) {
        c.mem.write32(c.linear(i.seg, off, i.asize), v);
    }

    private static int r16(X86Cpu c, Insn i, long off) {
        return c.mem.read16(c.linear(i.seg, off, i.asize)) & 0xffff;
    }

    private static int r32(X86Cpu c, Insn i, long off) {
        return c.mem.read32(c.linear(i.seg, off, i.asize));
    }

    /** Writes the environment image at {@code off} (the caller has probed it). */
    private static void storeEnv(X86Cpu c, Insn i, long off) {
        X87 f = c.fpu;
        int sw = f.statusWord(), tw = f.tagWord();
        boolean real = realFormat(c);
        if (i.osize == 2) {
            w16(c, i, off, f.fcw);
            w16(c, i, off + 2, sw);
            w16(c, i, off + 4, tw);
            if (real) {
                int ip = (int) ((f.fcs << 4) + f.fip), dp = (int) ((f.fds << 4) + f.fdp);
                w16(c, i, off + 6, ip);
                w16(c, i, off + 8, (ip >>> 16 & 0xf) << 12 | (f.fop & 0x7ff));
                w16(c, i, off + 10, dp);
                w16(c, i, off + 12, (dp >>> 16 & 0xf) << 12);
            } else {
                w16(c, i, off + 6, (int) f.fip);
                w16(c, i, off + 8, f.fcs);
                w16(c, i, off + 10, (int) f.fdp);
                w16(c, i, off + 12, f.fds);
            }
        } else {
            w32(c, i, off, 0xffff0000 | f.fcw);
            w32(c, i, off + 4, 0xffff0000 | sw);
            w32(c, i, off + 8, 0xffff0000 | tw);
            if (real) {
                int ip = (int) ((f.fcs << 4) + f.fip), dp = (int) ((f.fds << 4) + f.fdp);
                w32(c, i, off + 12, 0xffff0000 | (ip & 0xffff));
                w32(c, i, off + 16, (ip >>> 16) << 12 | (f.fop & 0x7ff));
                w32(c, i, off + 20, 0xffff0000 | (dp & 0xffff));
                w32(c, i, off + 24, (dp >>> 16) << 12);
            } else {
                w32(c, i, off + 12, (int) f.fip);
                w32(c, i, off + 16, (f.fcs & 0xffff) | (f.fop & 0x7ff) << 16);
                w32(c, i, off + 20, (int) f.fdp);
                w32(c, i, off + 24, 0xffff0000 | (f.fds & 0xffff));
            }
        }
    }

    /**
     * Reads the environment image at {@code off} into the FPU (the caller has probed it); returns the tag word,
     * which the caller applies once the registers are loaded.
     */
    private static int loadEnv(X86Cpu c, Insn i, long off) {
        X87 f = c.fpu;
        boolean real = realFormat(c);
        int cw, sw, tw;
        long ip, dp;
        int cs, ds, op;
        if (i.osize == 2) {
            cw = r16(c, i, off);
            sw = r16(c, i, off + 2);
            tw = r16(c, i, off + 4);
            if (real) {
                int hi = r16(c, i, off + 8);
                ip = r16(c, i, off + 6) | (long) (hi >>> 12) << 16;
                op = hi & 0x7ff;
                dp = r16(c, i, off + 10) | (long) (r16(c, i, off + 12) >>> 12) << 16;
                cs = ds = 0;
            } else {
                ip = r16(c, i, off + 6);
                cs = r16(c, i, off + 8);
                dp = r16(c, i, off + 10);
                ds = r16(c, i, off + 12);
                op = 0; // this format has no FOP: loading it clears FOP
            }
        } else {
            cw = r32(c, i, off) & 0xffff;
            sw = r32(c, i, off + 4) & 0xffff;
            tw = r32(c, i, off + 8) & 0xffff;
            if (real) {
                int hi = r32(c, i, off + 16);
                ip = (r32(c, i, off + 12) & 0xffff) | (long) ((hi >>> 12) & 0xffff) << 16;
                op = hi & 0x7ff;
                dp = (r32(c, i, off + 20) & 0xffff) | (long) ((r32(c, i, off + 24) >>> 12) & 0xffff) << 16;
                cs = ds = 0;
            } else {
                ip = r32(c, i, off + 12) & 0xffffffffL;
                int csop = r32(c, i, off + 16);
                cs = csop & 0xffff;
                op = (csop >>> 16) & 0x7ff;
                dp = r32(c, i, off + 20) & 0xffffffffL;
                ds = r32(c, i, off + 24) & 0xffff;
            }
        }
        f.fcw = (cw & CW_MASK) | 0x40;
        f.setStatusWord(sw);
        f.fip = ip;
        f.fcs = cs;
        f.fdp = dp;
        f.fds = ds;
        f.fop = op;
        return tw;
    }

    public static void fnstenv(X86Cpu c, Insn i) {
        X87Ops.deviceCheck(c);
        long off = X87Ops.offset(c, i);
        probe(c, i, off, envSize(i), true);
        storeEnv(c, i, off);
        X87 f = c.fpu;
        f.fcw |= X87.EXCEPTIONS;
        f.updateErrorSummary();
    }

    public static void fldenv(X86Cpu c, Insn i) {
        X87 f = X87Ops.begin(c);
        long off = X87Ops.offset(c, i);
        probe(c, i, off, envSize(i), false);
        f.loadTagWord(loadEnv(c, i, off));
    }

    public static void fnsave(X86Cpu c, Insn i) {
        X87Ops.deviceCheck(c);
        long off = X87Ops.offset(c, i);
        int n = envSize(i);
        probe(c, i, off, n + 80, true);
        storeEnv(c, i, off);
        X87 f = c.fpu;
        for (int k = 0; k < 8; k++) {
            int p = f.phys(k);
            long r = off + n + 10L * k;
            c.mem.write64(c.linear(i.seg, r, i.asize), f.sig[p]);
            w16(c, i, r + 8, f.se[p]);
        }
        f.reset();
    }

    public static void frstor(X86Cpu c, Insn i) {
        X87 f = X87Ops.begin(c);
        long off = X87Ops.offset(c, i);
        int n = envSize(i);
        probe(c, i, off, n + 80, false);
        int tw = loadEnv(c, i, off);
        for (int k = 0; k < 8; k++) {
            int p = f.phys(k);
            long r = off + n + 10L * k;
            f.sig[p] = c.mem.read64(c.linear(i.seg, r, i.asize));
            f.se[p] = r16(c, i, r + 8);
        }
        f.loadTagWord(tw);
    }
}
