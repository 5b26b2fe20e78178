package dev.jemu.target.x86;

import java.util.Set;

/**
 * The x86 opcode maps, written the way the Intel SDM writes them. Each instruction group class registers its
 * rows, e.g.
 * <pre>
 *   t.add("00 /r",       "ADD Eb,Gb lock", Alu::aluEG, Alu.ADD);
 *   t.add("80 /0",       "ADD Eb,Ib lock", Alu::aluEI, Alu.ADD);
 *   t.add("50+r",        "PUSH Zv d64",   Stack::pushZ);
 *   t.add("66 0F 6F /r", "MOVDQA Vx,Wx",  Sse::movdqa);
 *   t.add("D9 /0 m",     "FLD Md",        X87Ops::fldM32);   // memory form only
 *   t.add("D9 C0+i",     "FLD ST(i)",     X87Ops::fldSti);   // register forms C0..C7
 *   t.add("0F 01 D0",    "XGETBV",        Misc::xgetbv);     // a full ModRM byte (mod = 11)
 * </pre>
 * Opcode string: optional mandatory prefix (NP, 66, F3, F2), the opcode bytes (0F, 0F 38, 0F 3A maps;
 * "+r" adds the register number to the last byte), then either "/r", "/digit" (optionally "m" or "r" for the
 * memory or register form only; "/r m" and "/r r" likewise), or a ModRM byte "XX" / "XX+i" for register
 * forms.
 * Form: mnemonic, operands in SDM notation (they decide ModRM and immediates: Ib Iw Iz Iv Id Jb Jz Ob Ov Ap),
 * then flags: d64 (64-bit default operand size in long mode), f64 (forced 64), i64 (invalid in 64-bit mode),
 * o64 (64-bit mode only), end (ends a translation block), lock (LOCK prefix allowed).
 */
public final class OpcodeTable {
    private static final Set<String> FLAGS = Set.of("d64", "f64", "i64", "o64", "end", "lock");
    private static final Set<String> BYTE_FIRST = Set.of("Eb", "Gb", "AL", "Ob", "Zb", "Xb", "Yb", "Mb", "Rb");

    /** Maps: 0 one-byte, 1 0F, 2 0F 38, 3 0F 3A. */
    private final Opcode[][] maps = new Opcode[4][256];

    public Opcode lookup(int map, int b) {
        return maps[map][b];
    }

    public void add(String opcode, String form, Exec exec) {
        add(opcode, form, exec, 0);
    }

    public void add(String opcode, String form, Exec exec, int arg) {
        String[] t = opcode.trim().split("\\s+");
        int k = 0;
        int prefix = -1;
        if (t.length > 1 && (t[0].equals("NP") || t[0].equals("66") || t[0].equals("F3") || t[0].equals("F2"))
                && t[1].equals("0F")) {
            prefix = switch (t[0]) {
                case "NP" -> 0;
                case "66" -> 1;
                case "F3" -> 2;
                default -> 3;
            };
            k++;
        }
        int map = 0;
        if (t[k].equals("0F")) {
            k++;
            map = 1;
            if (t[k].equals("38") && k + 1 < t.length && isByte(t[k + 1])) {
                map = 2;
                k++;
            } else if (t[k].equals("3A") && k + 1 < t.length && isByte(t[k + 1])) {
                map = 3;
                k++;
            }
        }
        String ob = t[k++];
        int count = 1;
        if (ob.endsWith("+r")) {
            ob = ob.substring(0, ob.length() - 2);
            count = 8;
        }
        int first = Integer.parseInt(ob, 16);
        // What follows the opcode byte: ModRM selection.
        int digit = -1;
        String modSel = null; // "m", "r" or null for both
        int modrmByte = -1, modrmCount = 1;
        boolean hasModrm = false;
        for (; k < t.length; k++) {
            String s = t[k];
            if (s.equals("/r")) {
                hasModrm = true;
            } else if (s.length() == 2 && s.charAt(0) == '/' && Character.isDigit(s.charAt(1))) {
                digit = s.charAt(1) - '0';
                hasModrm = true;
            } else if (s.equals("m") || s.equals("r")) {
                modSel = s;
            } else if (s.endsWith("+i")) {
                modrmByte = Integer.parseInt(s.substring(0, s.length() - 2), 16);
                modrmCount = 8;
                hasModrm = true;
            } else if (isByte(s)) {
                modrmByte = Integer.parseInt(s, 16);
                hasModrm = true;
            } else {
                throw new IllegalArgumentException("bad opcode string: " + opcode);
            }
        }
        for (int n = 0; n < count; n++) {
            Opcode e = parseForm(form, exec, arg);
            e.mandatory = prefix >= 0;
            if (hasModrm) e.flags |= Opcode.MODRM;
            insert(map, first + n, prefix, digit, modSel, modrmByte, modrmCount, e);
        }
    }

    private static boolean isByte(String s) {
        return s.length() == 2 && Character.digit(s.charAt(0), 16) >= 0 && Character.digit(s.charAt(1), 16) >= 0;
    }

    private static Opcode parseForm(String form, Exec exec, int arg) {
        Opcode e = new Opcode(form, exec, arg);
        String[] parts = form.trim().split("\\s+");
        String[] operands = new String[0];
        for (int k = 1; k < parts.length; k++) {
            String p = parts[k];
            if (FLAGS.contains(p)) {
                e.flags |= switch (p) {
                    case "d64" -> Opcode.D64;
                    case "f64" -> Opcode.F64;
                    case "i64" -> Opcode.I64;
                    case "o64" -> Opcode.O64;
                    case "end" -> Opcode.END;
                    default -> Opcode.LOCK;
                };
            } else {
                operands = p.split(",");
            }
        }
        for (String o : operands) {
            int imm = switch (o) {
                case "Ib" -> Opcode.I_B;
                case "Iw" -> Opcode.I_W;
                case "Iz" -> Opcode.I_Z;
                case "Iv" -> Opcode.I_V;
                case "Id" -> Opcode.I_D;
                case "Jb" -> Opcode.I_JB;
                case "Jz" -> Opcode.I_JZ;
                case "Ob", "Ov" -> Opcode.I_MOFFS;
                case "Ap" -> Opcode.I_AP;
                default -> Opcode.I_NONE;
            };
            if (imm != Opcode.I_NONE) {
                if (e.imm1 == Opcode.I_NONE) e.imm1 = imm;
                else e.imm2 = imm;
            }
            if (o.length() >= 1 && "EGMRSCDTVWPQUNHL".indexOf(o.charAt(0)) >= 0
                    && (o.length() == 1 || Character.isLowerCase(o.charAt(1)))) {
                e.flags |= Opcode.MODRM;
            }
        }
        if (operands.length > 0) {
            String a = operands[0];
            String b = operands.length > 1 ? operands[1] : "";
            if (BYTE_FIRST.contains(a) || ((a.equals("Ib") || a.equals("DX")) && (b.equals("AL") || b.equals("Xb")))) {
                e.flags |= Opcode.BYTE;
            }
        }
        return e;
    }

    private void insert(int map, int b, int prefix, int digit, String modSel, int modrmByte, int modrmCount, Opcode e) {
        Opcode slot = maps[map][b];
        if (prefix >= 0) {
            Opcode sel = ensurePrefixSelector(slot);
            maps[map][b] = sel;
            sel.sub[prefix] = place(sel.sub[prefix], digit, modSel, modrmByte, modrmCount, e, map, b);
            return;
        }
        if (slot != null && slot.select == Opcode.SEL_PREFIX && digit < 0 && modrmByte < 0) {
            // An unprefixed form under existing prefixed ones: it applies wherever no prefix form exists.
            for (int p = 0; p < 4; p++) if (slot.sub[p] == null) slot.sub[p] = e;
            return;
        }
        maps[map][b] = place(slot, digit, modSel, modrmByte, modrmCount, e, map, b);
    }

    private static Opcode ensurePrefixSelector(Opcode slot) {
        if (slot != null && slot.select == Opcode.SEL_PREFIX) return slot;
        Opcode sel = Opcode.selector(Opcode.SEL_PREFIX, 4);
        if (slot != null) for (int p = 0; p < 4; p++) sel.sub[p] = slot;
        return sel;
    }

    /** Places {@code e} into {@code node} (possibly null), creating ModRM selectors as needed; returns the node. */
    private static Opcode place(Opcode node, int digit, String modSel, int modrmByte, int modrmCount, Opcode e,
                                int map, int b) {
        if (digit < 0 && modrmByte < 0 && modSel != null) {
            // "/r m" or "/r r": the memory or register form of a whole ModRM opcode.
            Opcode mod = node;
            for (int d = 0; d < 8; d++) mod = place(mod, d, modSel, -1, 1, e, map, b);
            return mod;
        }
        if (digit < 0 && modrmByte < 0) {
            if (node != null && node.select != Opcode.SEL_NONE) {
                throw new IllegalStateException(String.format("opcode %d:%02X: %s overlaps a group", map, b, e.form));
            }
            if (node != null) {
                // one byte, two meanings by mode (63: MOVSXD in 64-bit mode, ARPL elsewhere)
                if (node.has(Opcode.O64) && e.has(Opcode.I64) && node.legacy == null) {
                    node.legacy = e;
                    return node;
                }
                throw new IllegalStateException(String.format("opcode %d:%02X defined twice: %s and %s",
                        map, b, node.form, e.form));
            }
            return e;
        }
        Opcode mod;
        if (node == null) {
            mod = Opcode.selector(Opcode.SEL_MOD, 2);
            mod.sub[0] = Opcode.selector(Opcode.SEL_REG, 8);
            mod.sub[1] = Opcode.selector(Opcode.SEL_RM, 64);
        } else if (node.select == Opcode.SEL_MOD) {
            mod = node;
        } else {
            throw new IllegalStateException(String.format("opcode %d:%02X: %s overlaps %s", map, b, e.form, node.form));
        }
        if (modrmByte >= 0) {
            for (int n = 0; n < modrmCount; n++) mod.sub[1].sub[(modrmByte + n) & 0x3f] = e;
        } else {
            if (!"r".equals(modSel)) mod.sub[0].sub[digit] = e;
            if (!"m".equals(modSel)) for (int n = 0; n < 8; n++) mod.sub[1].sub[digit * 8 + n] = e;
        }
        return mod;
    }

    // ---- the x86 table ----

    private static volatile OpcodeTable x86;

    /** The complete x86 table, built once from every instruction group. */
    public static OpcodeTable x86() {
        OpcodeTable t = x86;
        if (t == null) {
            synchronized (OpcodeTable.class) {
                t = x86;
                if (t == null) {
                    t = new OpcodeTable();
                    dev.jemu.target.x86.ops.Groups.registerAll(t);
                    x86 = t;
                }
            }
        }
        return t;
    }
}
