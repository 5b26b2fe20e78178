package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.OpcodeTable;

/** (To be written.) */
public final class X87Ops {
    private X87Ops() {}

    public static void register(OpcodeTable t) {
    }
}
