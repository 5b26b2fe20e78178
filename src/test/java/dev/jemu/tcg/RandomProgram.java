package dev.jemu.tcg;

import dev.jemu.target.x86.CpuTester;
import dev.jemu.target.x86.OpcodeForms;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random 64-bit instruction sequences for differential testing, drawn from the opcode table's forms
 * ({@link OpcodeForms}) and written as nasm source. A program is a loop: the body runs {@code r14} times
 * ({@code dec r14; jnz top}); r15 points at the data area (memory operands are {@code [r15+disp]}, sometimes
 * indexed by r14 or with a 32-bit address size), rsp at the stack. Neither is written by the body. Forward
 * conditional branches skip parts of the body; sometimes an access to unmapped memory faults.
 */
final class RandomProgram {
    static final String[] R64 = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
            "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    static final String[] R32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
            "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
    static final String[] R16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
            "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
    static final String[] R8 = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
            "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
    static final String[] R8LEGACY = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
    static final String[] CC = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};

    /** Mnemonics taken from the table (others are system, string, x87/SSE or control transfers). */
    static final Set<String> MNEMONICS = Set.of("ADD", "OR", "ADC", "SBB", "AND", "SUB", "XOR", "CMP", "TEST",
            "INC", "DEC", "NOT", "NEG", "MOV", "LEA", "MOVZX", "MOVSX", "MOVSXD", "CMOVcc", "SETcc", "XCHG",
            "ROL", "ROR", "RCL", "RCR", "SHL", "SHR", "SAR", "SHLD", "SHRD", "MUL", "IMUL", "DIV", "IDIV",
            "BT", "BTS", "BTR", "BTC", "BSF", "BSR", "BSWAP", "POPCNT", "LZCNT", "TZCNT", "XADD", "CMPXCHG",
            "CBW", "CWD", "LAHF", "SAHF", "CLC", "STC", "CMC", "NOP", "Jcc");

    record Template(OpcodeForms.Form form, int weight) {}

    private static final List<Template> TEMPLATES = new ArrayList<>();

    static {
        for (OpcodeForms.Form f : OpcodeForms.all()) {
            if (!MNEMONICS.contains(f.mnemonic()) || f.mandatoryPrefix()) continue;
            if (f.form().contains(" i64")) continue;
            boolean ok = true;
            for (String o : f.operands()) {
                if (!Set.of("Eb", "Ev", "Gb", "Gv", "Ib", "Iz", "Iv", "AL", "rAX", "Zb", "Zv", "M", "Ew", "Ed", "CL",
                        "1", "Jb", "Jz", "Ob", "Ov").contains(o)) ok = false;
            }
            if (!ok) continue;
            int w = switch (f.mnemonic()) {
                case "DIV", "IDIV" -> 1;
                case "Jcc" -> 6;
                case "MOV", "ADD", "SUB", "CMP", "TEST", "LEA", "AND", "XOR", "OR" -> 8;
                default -> 4;
            };
            TEMPLATES.add(new Template(f, w));
        }
    }

    static int templateCount() {
        return TEMPLATES.size();
    }

    private final Random rnd;
    private final StringBuilder out = new StringBuilder();
    private int labels;
    private final List<Integer> pendingLabels = new ArrayList<>(); // insn index at which to place each label
    private int depth; // pushes not yet popped

    RandomProgram(Random rnd) {
        this.rnd = rnd;
    }

    /** nasm source of one program of {@code n} body instructions (labels prefixed with {@code tag}). */
    String generate(String tag, int n, boolean mayFault) {
        out.setLength(0);
        pendingLabels.clear();
        labels = 0;
        depth = 0;
        int faultAt = mayFault && rnd.nextInt(4) == 0 ? rnd.nextInt(n) : -1;
        out.append(tag).append("_top:\n");
        for (int k = 0; k < n; k++) {
            placeLabels(tag, k);
            if (k == faultAt) {
                out.append(rnd.nextBoolean() ? "    mov eax, [r15+0x7f000000]\n" : "    mov [r15+0x7f000000], cx\n");
                continue;
            }
            noRex = false;
            int r = rnd.nextInt(100);
            if (r < 4 && depth < 8) {
                out.append("    push ").append(R64[srcReg()]).append('\n');
                depth++;
            } else if (r < 8 && depth > 0) {
                out.append("    pop ").append(R64[dstReg()]).append('\n');
                depth--;
            } else if (r < 11) {
                // a call of one of the program's subroutines, directly or through a register
                int f = rnd.nextInt(2);
                if (rnd.nextInt(3) == 0) {
                    String via = R64[dstReg()];
                    out.append("    lea ").append(via).append(", [rel ").append(tag).append("_f").append(f).append("]\n");
                    out.append("    call ").append(via).append('\n');
                } else {
                    out.append("    call ").append(tag).append("_f").append(f).append('\n');
                }
            } else if (r < 22) {
                sse();
            } else {
                insn(tag, k, n);
            }
        }
        placeLabels(tag, n);
        out.append("    dec r14\n    jnz ").append(tag).append("_top\n    hlt\n");
        // Subroutines: a few straight-line instructions and RET.
        for (int f = 0; f < 2; f++) {
            out.append(tag).append("_f").append(f).append(":\n");
            int m = 1 + rnd.nextInt(4);
            for (int k = 0; k < m; k++) {
                Template t;
                do {
                    t = pick();
                } while (t.form().mnemonic().equals("Jcc"));
                insn(t, tag, k, m);
            }
            out.append("    ret\n");
        }
        return out.toString();
    }

    private void placeLabels(String tag, int k) {
        for (int l = 0; l < pendingLabels.size(); l++) {
            if (pendingLabels.get(l) == k) out.append(tag).append("_l").append(l).append(":\n");
        }
    }

    private Template pick() {
        int total = 0;
        for (Template t : TEMPLATES) total += t.weight;
        int x = rnd.nextInt(total);
        for (Template t : TEMPLATES) {
            x -= t.weight;
            if (x < 0) return t;
        }
        return TEMPLATES.get(0);
    }

    private boolean noRex;

    private int dstReg() {
        int r;
        do {
            r = rnd.nextInt(noRex ? 8 : 16);
        } while (r == 4 || r == 14 || r == 15);
        return r;
    }

    private int srcReg() {
        return rnd.nextInt(noRex ? 8 : 16);
    }

    private void insn(String tag, int k, int n) {
        insn(pick(), tag, k, n);
    }

    private void insn(Template t, String tag, int k, int n) {
        OpcodeForms.Form f = t.form();
        String m = f.mnemonic();
        if (m.equals("Jcc")) {
            int l = labels++;
            boolean near = f.operands().contains("Jz");
            pendingLabels.add(k + 1 + rnd.nextInt(Math.max(1, near ? n - k : Math.min(3, n - k))));
            out.append("    j").append(CC[f.arg()]).append(near ? " near " : " short ").append(tag).append("_l").append(l).append('\n');
            return;
        }
        int size = switch (rnd.nextInt(3)) {
            case 0 -> 2;
            case 1 -> 4;
            default -> 8;
        };
        if (m.equals("MOVSXD")) size = 8;
        boolean byteRegs = f.operands().stream().anyMatch(o -> o.equals("Eb") || o.equals("Gb") || o.equals("Zb"));
        boolean legacy8 = byteRegs && rnd.nextBoolean();
        boolean mem = rnd.nextInt(3) == 0;
        noRex = legacy8; // AH..BH cannot be encoded together with a REX prefix
        if (legacy8) {
            mem = false;
            if (size == 8) size = 4;
        }
        boolean lock = mem && f.form().contains("lock") && rnd.nextInt(3) == 0;
        String name = switch (m) {
            case "CMOVcc" -> "cmov" + CC[f.arg()];
            case "SETcc" -> "set" + CC[f.arg()];
            case "CBW" -> size == 2 ? "cbw" : size == 4 ? "cwde" : "cdqe";
            case "CWD" -> size == 2 ? "cwd" : size == 4 ? "cdq" : "cqo";
            default -> m.toLowerCase();
        };
        if (m.equals("XCHG") && f.operands().contains("rAX")) {
            out.append("    xchg ").append(reg(dstReg(), size, false)).append(", ").append(reg(0, size, false)).append('\n');
            return;
        }
        if (m.equals("NOP") && !f.operands().isEmpty()) {
            out.append("    nop ").append(size == 8 ? "dword" : size == 4 ? "dword" : "word").append(" [r15+8]\n");
            return;
        }
        List<String> ops = new ArrayList<>();
        for (int o = 0; o < f.operands().size(); o++) {
            String s = f.operands().get(o);
            boolean dest = o == 0 || m.equals("XCHG") || m.equals("XADD"); // (these write both operands)
            switch (s) {
                case "Eb" -> ops.add(mem ? "byte " + memOperand() : reg(dest ? dstReg8(legacy8) : srcReg8(legacy8), 1, legacy8));
                case "Ev" -> ops.add(mem ? sizeName(size) + " " + memOperand() : reg(dest ? dstReg() : srcReg(), size, false));
                case "Ew" -> ops.add(mem ? "word " + memOperand() : reg(srcReg(), 2, false));
                case "Ed" -> ops.add(mem ? "dword " + memOperand() : reg(srcReg(), 4, false));
                case "Gb" -> ops.add(reg(dest ? dstReg8(legacy8) : srcReg8(legacy8), 1, legacy8));
                case "Gv" -> ops.add(reg(dest ? dstReg() : srcReg(), size, false));
                case "Zb" -> ops.add(reg(dstReg8(legacy8), 1, legacy8));
                case "Zv" -> ops.add(reg(dstReg(), size, false));
                case "AL" -> ops.add("al");
                case "rAX" -> ops.add(reg(0, size, false));
                case "M" -> ops.add(leaOperand());
                case "CL" -> ops.add("cl");
                case "1" -> ops.add("1");
                case "Ib" -> ops.add(Long.toString(rnd.nextInt(256) - 128));
                case "Iz" -> ops.add(Long.toString(size == 2 ? rnd.nextInt(65536) - 32768 : rnd.nextInt()));
                case "Iv" -> ops.add(Long.toString(size == 8 ? rnd.nextLong() : size == 4 ? rnd.nextInt() : rnd.nextInt(65536) - 32768));
                case "Ob" -> ops.add("[qword " + (CpuTester.DATA + 8 * rnd.nextInt(64)) + "]");
                case "Ov" -> ops.add(sizeName(size) + " [qword " + (CpuTester.DATA + 8 * rnd.nextInt(64)) + "]");
                default -> throw new IllegalStateException(s);
            }
        }
        // nasm spells some forms differently.
        if (m.equals("MOV") && f.operands().equals(List.of("Ob", "AL"))) { ops.set(1, "al"); }
        if (m.equals("MOV") && f.operands().equals(List.of("AL", "Ob"))) { ops.set(0, "al"); }
        if ((m.equals("MOVZX") || m.equals("MOVSX")) && size == 2 && f.operands().get(1).equals("Ew")) {
            size = 4; // MOVZX r16, r/m16 is not encodable by nasm
            ops.set(0, reg(dstReg(), 4, false));
        }
        if (m.equals("BSWAP")) ops.set(0, reg(dstReg(), size == 2 ? 4 : size, false));
        if (f.operands().isEmpty() && (m.equals("MUL") || m.equals("IMUL"))) return;
        out.append("    ").append(lock ? "lock " : "").append(name);
        for (int o = 0; o < ops.size(); o++) out.append(o == 0 ? " " : ", ").append(ops.get(o));
        out.append('\n');
    }

    private int dstReg8(boolean legacy) {
        if (legacy) return rnd.nextInt(8); // al..bh: ah..bh are parts of rax..rbx
        return dstReg();
    }

    private int srcReg8(boolean legacy) {
        if (legacy) return rnd.nextInt(8);
        int r;
        do {
            r = rnd.nextInt(16);
        } while (r == 4);
        return r;
    }

    private static String reg(int r, int size, boolean legacy8) {
        return switch (size) {
            case 1 -> legacy8 ? R8LEGACY[r] : R8[r];
            case 2 -> R16[r];
            case 4 -> R32[r];
            default -> R64[r];
        };
    }

    private static String sizeName(int size) {
        return switch (size) {
            case 1 -> "byte";
            case 2 -> "word";
            case 4 -> "dword";
            default -> "qword";
        };
    }

    private String memOperand() {
        int d = rnd.nextInt(4000);
        return switch (rnd.nextInt(6)) {
            case 0 -> "[r15+r14*8+" + d + "]";
            case 1 -> "[r15d+" + d + "]";
            default -> "[r15+" + d + "]";
        };
    }

    private String leaOperand() {
        int s = 1 << rnd.nextInt(4);
        int index;
        do {
            index = rnd.nextInt(16);
        } while (index == 4);
        return "[" + R64[srcReg()] + "+" + R64[index] + "*" + s + "+" + (rnd.nextInt(2000) - 1000) + "]";
    }

    // ---- SSE forms the translator specialises (and a few it calls handlers for) ----

    static final String[] SSE_BINARY = {"paddb", "paddw", "paddd", "paddq", "psubb", "psubw", "psubd", "psubq",
            "pcmpeqb", "pcmpeqw", "pcmpeqd", "pminub", "pmaxub", "pand", "pandn", "por", "pxor", "punpcklbw",
            "punpcklwd", "punpckldq", "punpcklqdq", "punpckhbw", "punpckhwd", "punpckhdq", "punpckhqdq",
            "packuswb", "pcmpgtb", "paddusb", "pmullw", "psrlw", "psrld", "psrlq", "psllq", "psrad", "xorps",
            "andps", "orps", "unpcklps", "unpckhpd"};
    static final String[] SSE_SHIFT = {"psrlw", "psrld", "psrlq", "psllw", "pslld", "psllq", "psraw", "psrad",
            "psrldq", "pslldq"};

    private String xmm() {
        return "xmm" + rnd.nextInt(16);
    }

    /** A 16-byte memory operand: aligned, rarely not (#GP for the aligned forms). */
    private String mem128(boolean mayMisalign) {
        int d = 16 * rnd.nextInt(250);
        if (mayMisalign && rnd.nextInt(40) == 0) d += 1 + rnd.nextInt(15);
        return (rnd.nextInt(4) == 0 ? "[r15d+" : "[r15+") + d + "]";
    }

    private void sse() {
        String line = switch (rnd.nextInt(16)) {
            case 0 -> (rnd.nextBoolean() ? "movdqa " : "movaps ") + xmm() + ", " + (rnd.nextBoolean() ? xmm() : mem128(true));
            case 1 -> (rnd.nextBoolean() ? "movdqu " : "movups ") + xmm() + ", " + (rnd.nextBoolean() ? xmm() : "[r15+" + rnd.nextInt(4000) + "]");
            case 2 -> (rnd.nextBoolean() ? "movdqa " : "movaps ") + mem128(true) + ", " + xmm();
            case 3 -> (rnd.nextBoolean() ? "movdqu " : "movups ") + memOperand() + ", " + xmm();
            case 4 -> "movq " + xmm() + ", " + (rnd.nextBoolean() ? xmm() : memOperand());
            case 5 -> "movq " + (rnd.nextBoolean() ? xmm() : memOperand()) + ", " + xmm();
            case 6 -> switch (rnd.nextInt(4)) {
                case 0 -> "movd " + xmm() + ", " + R32[srcReg()];
                case 1 -> "movq " + xmm() + ", " + R64[srcReg()];
                case 2 -> "movd " + R32[dstReg()] + ", " + xmm();
                default -> rnd.nextBoolean() ? "movq " + R64[dstReg()] + ", " + xmm() : "movd " + memOperand() + ", " + xmm();
            };
            case 7 -> "movd " + xmm() + ", " + memOperand();
            case 8, 9, 10 -> SSE_BINARY[rnd.nextInt(SSE_BINARY.length)] + " " + xmm() + ", "
                    + (rnd.nextInt(3) == 0 ? mem128(true) : xmm());
            case 11 -> "pshufd " + xmm() + ", " + (rnd.nextBoolean() ? xmm() : mem128(true)) + ", " + rnd.nextInt(256);
            case 12 -> SSE_SHIFT[rnd.nextInt(SSE_SHIFT.length)] + " " + xmm() + ", "
                    + (rnd.nextInt(4) == 0 ? rnd.nextInt(256) : rnd.nextInt(20));
            case 13 -> switch (rnd.nextInt(6)) {
                case 0 -> (rnd.nextBoolean() ? "movlpd " : "movhpd ") + xmm() + ", " + memOperand();
                case 1 -> (rnd.nextBoolean() ? "movlps " : "movhps ") + xmm() + ", " + memOperand();
                case 2 -> (rnd.nextBoolean() ? "movhlps " : "movlhps ") + xmm() + ", " + xmm();
                case 3 -> (rnd.nextBoolean() ? "movlpd " : "movhps ") + memOperand() + ", " + xmm();
                case 4 -> (rnd.nextBoolean() ? "movntps " : "movntdq ") + mem128(true) + ", " + xmm();
                default -> (rnd.nextBoolean() ? "movhpd " : "movlps ") + memOperand() + ", " + xmm();
            };
            case 14 -> (rnd.nextBoolean() ? "shufps " : "shufpd ") + xmm() + ", "
                    + (rnd.nextInt(4) == 0 ? mem128(true) : xmm()) + ", " + rnd.nextInt(256);
            default -> "pmovmskb " + R32[dstReg()] + ", " + xmm();
        };
        out.append("    ").append(line).append('\n');
    }
}
