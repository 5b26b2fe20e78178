package dev.jemu.target.x86;

/**
 * Formats a decoded instruction in Intel syntax from its table form ("ADD Ev,Gv") and decoded fields:
 * for -d in_asm and error messages. Not a full disassembler: operand spellings follow the SDM notation.
 */
public final class Disasm {
    private Disasm() {}

    private static final String[][] GPR = {
        {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"},
        {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"},
        {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"},
        {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"},
    };
    private static final String[] BYTE_LEGACY = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
    private static final String[] SEG = {"es", "cs", "ss", "ds", "fs", "gs", "?", "?"};
    private static final String[] PTR = {"byte", "word", "dword", "qword", "tword", "xmmword"};

    public static String format(Insn i) {
        if (i.op == null) return "(bad)";
        String form = i.op.form;
        String[] parts = form.trim().split("\\s+");
        StringBuilder b = new StringBuilder();
        if (i.has(Insn.P_LOCK)) b.append("lock ");
        if (i.has(Insn.P_REP) && i.op.mnemonic.matches("MOVS|STOS|LODS|INS|OUTS|CMPS|SCAS")) b.append("rep ");
        b.append(parts[0].toLowerCase());
        if (parts.length > 1 && Character.isUpperCase(parts[1].charAt(0)) || parts.length > 1 && parts[1].matches("[0-9].*")) {
            String[] ops = parts[1].split(",");
            b.append(' ');
            for (int k = 0; k < ops.length; k++) {
                if (k > 0) b.append(", ");
                b.append(operand(i, ops[k]));
            }
        }
        return b.toString();
    }

    private static int sizeOf(Insn i, String s) {
        if (s.isEmpty()) return i.osize;
        return switch (s) {
            case "b" -> 1;
            case "w" -> 2;
            case "d" -> 4;
            case "q" -> 8;
            case "z" -> Math.min(i.osize, 4);
            case "y" -> i.osize == 8 ? 8 : 4;
            case "t" -> 10;
            case "x", "dq", "ps", "pd" -> 16;
            default -> i.osize;
        };
    }

    static String reg(Insn i, int r, int size) {
        if (size == 1 && !i.rex && r < 8) return BYTE_LEGACY[r];
        int idx = switch (size) {
            case 1 -> 0;
            case 2 -> 1;
            case 4 -> 2;
            default -> 3;
        };
        return GPR[idx][r & 15];
    }

    private static String mem(Insn i, int size) {
        StringBuilder b = new StringBuilder();
        int p = switch (size) {
            case 1 -> 0;
            case 2 -> 1;
            case 4 -> 2;
            case 8 -> 3;
            case 10 -> 4;
            default -> 5;
        };
        b.append(PTR[p]).append(" ptr ");
        if (i.has(Insn.P_SEG)) b.append(SEG[i.seg]).append(':');
        b.append('[');
        boolean any = false;
        int asz = i.asize == 2 ? 2 : i.asize == 4 ? 4 : 8;
        if (i.base >= 0) {
            b.append(reg(i, i.base, asz));
            any = true;
        }
        if (i.index >= 0) {
            if (any) b.append('+');
            b.append(reg(i, i.index, asz));
            if (i.scale > 0) b.append('*').append(1 << i.scale);
            any = true;
        }
        if (i.disp != 0 || !any) {
            if (any) b.append(i.disp < 0 ? "-" : "+");
            b.append("0x").append(Long.toHexString(any && i.disp < 0 ? -i.disp : i.disp));
        }
        return b.append(']').toString();
    }

    private static String operand(Insn i, String o) {
        if (o.length() >= 2 && Character.isUpperCase(o.charAt(0)) && Character.isLowerCase(o.charAt(1)) || o.length() == 1) {
            char m = o.charAt(0);
            int size = sizeOf(i, o.substring(1));
            switch (m) {
                case 'E', 'M', 'R', 'W', 'Q':
                    if (i.mem) return mem(i, m == 'W' ? 16 : m == 'Q' ? 8 : size);
                    return m == 'W' ? "xmm" + i.rm : m == 'Q' ? "mm" + (i.rm & 7) : reg(i, i.rm, size);
                case 'G':
                    return reg(i, i.reg, size);
                case 'Z':
                    return reg(i, i.rm, size);
                case 'V':
                    return "xmm" + i.reg;
                case 'U':
                    return "xmm" + i.rm;
                case 'P':
                    return "mm" + (i.reg & 7);
                case 'N':
                    return "mm" + (i.rm & 7);
                case 'S':
                    return SEG[i.reg & 7];
                case 'I':
                    return "0x" + Long.toHexString(o.equals("Ib") && i.op.has(Opcode.BYTE) ? i.imm & 0xff : i.imm);
                case 'J':
                    return "0x" + Long.toHexString(i.target());
                case 'O':
                    return mem(i, size);
                case 'A':
                    return String.format("0x%x:0x%x", i.imm2, i.imm);
                case 'X':
                    return mem(i, size);
                default:
                    return o;
            }
        }
        return switch (o) {
            case "rAX", "eAX" -> reg(i, 0, i.osize);
            default -> o.toLowerCase();
        };
    }
}
