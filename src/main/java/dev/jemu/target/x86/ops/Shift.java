package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.OpcodeTable;

/** (To be written.) */
public final class Shift {
    private Shift() {}

    public static void register(OpcodeTable t) {
    }
}
