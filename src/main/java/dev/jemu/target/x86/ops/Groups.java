package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.OpcodeTable;

/** Every instruction group; each registers its rows of the opcode map. */
public final class Groups {
    private Groups() {}

    public static void registerAll(OpcodeTable t) {
        Alu.register(t);
        Shift.register(t);
        MulDiv.register(t);
        Bcd.register(t);
        BitOps.register(t);
        Atomic.register(t);
        Mov.register(t);
        Stack.register(t);
        Control.register(t);
        StringOps.register(t);
        Misc.register(t);
        X87Ops.register(t);
        Mmx.register(t);
        Sse.register(t);
        SystemOps.register(t);
        ControlRegs.register(t);
    }
}
