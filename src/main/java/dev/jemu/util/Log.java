package dev.jemu.util;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * QEMU-style debug logging: items enabled with {@code -d item[,item]} written to stderr or the {@code -D}
 * file. Callers test {@link #on(Item)} before formatting anything, so disabled logging costs one field read.
 */
public final class Log {
    public enum Item {
        IN_ASM("show target assembly code for each compiled TB"),
        CPU("show CPU registers before entering a TB"),
        INT("show interrupts/exceptions in short format"),
        EXEC("show trace before each executed TB (lots of logs)"),
        UNIMP("log unimplemented functionality"),
        GUEST_ERRORS("log when the guest OS does something invalid (eg accessing a non-existent register)"),
        PAGE("dump pages at beginning of user mode emulation"),
        STRACE("log every user-mode syscall, its input, and its result");

        public final String help;

        Item(String help) {
            this.help = help;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Set<Item> items = EnumSet.noneOf(Item.class);
    private PrintStream out = System.err;

    public boolean on(Item i) {
        return items.contains(i);
    }

    public void enable(Item i) {
        items.add(i);
    }

    /** Parses a -d list; returns the unknown item name, or null if all were known. */
    public String enable(String list) {
        for (String s : list.split(",")) {
            if (s.isEmpty()) continue;
            Item found = null;
            for (Item i : Item.values()) if (i.id().equals(s)) found = i;
            if (found == null) return s;
            items.add(found);
        }
        return null;
    }

    public void toFile(String path) throws IOException {
        out = new PrintStream(new FileOutputStream(path), true);
    }

    public PrintStream out() {
        return out;
    }

    public synchronized void printf(String fmt, Object... args) {
        out.printf(fmt, args);
        out.flush();
    }

    public static String helpText() {
        StringBuilder b = new StringBuilder("Log items (comma separated):\n");
        for (Item i : Item.values()) b.append(String.format("%-15s%s%n", i.id(), i.help));
        return b.toString();
    }
}
