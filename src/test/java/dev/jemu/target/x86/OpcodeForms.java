package dev.jemu.target.x86;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every instruction form of the opcode table (the leaves under the prefix and ModRM selectors), for tests
 * that generate instructions from the table rather than from a list of their own.
 */
public final class OpcodeForms {
    /** One form: "ADD Ev,Gv lock", its mnemonic, operands, table argument and whether it needs a mandatory prefix. */
    public record Form(String form, String mnemonic, List<String> operands, int arg, boolean mandatoryPrefix, int map) {}

    private OpcodeForms() {}

    /** The distinct forms of the x86 table (one per form string and argument). */
    public static List<Form> all() {
        Map<String, Form> out = new LinkedHashMap<>();
        OpcodeTable t = OpcodeTable.x86();
        for (int map = 0; map < 4; map++) {
            for (int b = 0; b < 256; b++) {
                collect(t.lookup(map, b), map, out);
            }
        }
        return new ArrayList<>(out.values());
    }

    private static void collect(Opcode o, int map, Map<String, Form> out) {
        if (o == null) return;
        if (o.select != Opcode.SEL_NONE) {
            for (Opcode s : o.sub) collect(s, map, out);
            return;
        }
        if (o.exec == null) return;
        String[] parts = o.form.trim().split("\\s+");
        List<String> ops = parts.length > 1 && !isFlag(parts[1]) ? List.of(parts[1].split(",")) : List.of();
        out.putIfAbsent(o.form + "#" + o.arg, new Form(o.form, o.mnemonic, ops, o.arg, o.mandatory, map));
    }

    private static boolean isFlag(String s) {
        return switch (s) {
            case "d64", "f64", "i64", "o64", "end", "lock" -> true;
            default -> false;
        };
    }
}
