package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.OpcodeTable;

/** F2XM1 FYL2X FYL2XP1 FPTAN FPATAN FSIN FCOS FSINCOS (waiting for the fpu library's transcendentals). */
final class X87Trans {
    private X87Trans() {}

    static void register(OpcodeTable t) {
    }
}
