package dev.jemu.target.x86.ops;

import dev.jemu.target.x86.OpcodeTable;

final class SseConvert {
    private SseConvert() {}

    static void register(OpcodeTable t) {
    }
}
