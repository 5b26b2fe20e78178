package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.OpcodeTable;

/** (To be written.) */
public final class BitOps {
    private BitOps() {}

    public static void register(OpcodeTable t) {
    }
}
