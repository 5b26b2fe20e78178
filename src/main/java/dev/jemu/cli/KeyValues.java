package dev.jemu.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * QEMU's "key=value,key=value" option strings (QemuOpts): a leading value without '=' is the implied key's,
 * ",," is a literal comma, a bare later word is a boolean "on" (as QEMU's deprecated short form).
 */
public final class KeyValues {
    private final Map<String, String> map = new LinkedHashMap<>();
    private final String impliedKey;

    private KeyValues(String impliedKey) {
        this.impliedKey = impliedKey;
    }

    public static KeyValues parse(String s, String impliedKey) {
        KeyValues kv = new KeyValues(impliedKey);
        int i = 0;
        boolean first = true;
        while (i <= s.length()) {
            StringBuilder part = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == ',') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == ',') {
                        part.append(',');
                        i += 2;
                        continue;
                    }
                    break;
                }
                part.append(c);
                i++;
            }
            i++;
            String p = part.toString();
            int eq = p.indexOf('=');
            if (eq >= 0) kv.map.put(p.substring(0, eq), p.substring(eq + 1));
            else if (first && impliedKey != null) kv.map.put(impliedKey, p);
            else if (!p.isEmpty()) kv.map.put(p.startsWith("no") && p.length() > 2 ? p.substring(2) : p,
                    p.startsWith("no") && p.length() > 2 ? "off" : "on");
            first = false;
        }
        return kv;
    }

    /** The value of the implied key (the leading word), or null. */
    public String implied() {
        return map.get(impliedKey);
    }

    public String get(String key) {
        return map.get(key);
    }

    /** Every key except the implied one, in order. */
    public Set<String> keys() {
        Set<String> s = new java.util.LinkedHashSet<>(map.keySet());
        s.remove(impliedKey);
        return s;
    }

    public Map<String, String> all() {
        return map;
    }
}
