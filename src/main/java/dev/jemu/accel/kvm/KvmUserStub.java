package dev.jemu.accel.kvm;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The CPL-0 code of the user-mode accelerator: a few bytes, since a paravirtual KVM emulates CPL-0 code slowly.
 * Each way into CPL 0 (SYSCALL, and each exception vector) is an {@code OUT imm8, AL} to a port that names it,
 * which KVM hands to jemu as an I/O exit; jemu serves it from the registers and the exception frame, then
 * points RIP at the IRETQ with an interrupt frame it wrote on the stub's stack: the one way back to CPL 3.
 */
final class KvmUserStub {
    private KvmUserStub() {}

    /** Offsets in the stub page. */
    static final int IRETQ = 0, SYSCALL_ENTRY = 4, VECTORS = 8;
    /** Ports: SYSCALL, and exception vector v at VECTOR_PORT + v. */
    static final int SYSCALL_PORT = 0x7f, VECTOR_PORT = 0x40;

    static int vectorEntry(int v) {
        return VECTORS + 4 * v;
    }

    static void write(MemorySegment m, long at) {
        put(m, at + IRETQ, 0x48, 0xcf, 0x0f, 0x0b);                     // iretq; ud2
        put(m, at + SYSCALL_ENTRY, 0xe6, SYSCALL_PORT, 0x0f, 0x0b);     // out SYSCALL_PORT, al; ud2
        for (int v = 0; v < 32; v++) put(m, at + vectorEntry(v), 0xe6, VECTOR_PORT + v, 0x0f, 0x0b);
    }

    private static void put(MemorySegment m, long at, int... b) {
        for (int i = 0; i < b.length; i++) m.set(JAVA_BYTE, at + i, (byte) b[i]);
    }

    /** Vectors that push an error code. */
    static boolean hasErrorCode(int v) {
        return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30;
    }
}
