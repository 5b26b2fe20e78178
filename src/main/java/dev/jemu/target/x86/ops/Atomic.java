package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.OpcodeTable;

/** (To be written.) */
public final class Atomic {
    private Atomic() {}

    public static void register(OpcodeTable t) {
    }
}
