package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.OpcodeTable;

/** SSE/SSE2/SSE3 floating-point arithmetic, comparisons, MIN/MAX (to be written). */
final class SseArith {
    private SseArith() {}

    static void register(OpcodeTable t) {
    }
}
