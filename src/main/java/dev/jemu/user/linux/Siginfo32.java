package dev.jemu.user.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * siginfo_t between its x86-64 and i386 layouts (128 bytes each). The three header ints are the same; the
 * union starts at 16 on x86-64 (pointers align it) and at 12 on i386, and its pointer, long and clock_t
 * fields shrink to 32 bits (a fault's address-LSB/pkey follow the address: +8/+16 on x86-64, +4/+8 on i386). Which union member is live follows from the signal and si_code, as in Linux's
 * siginfo_layout() (kernel/signal.c).
 */
public final class Siginfo32 {
    private Siginfo32() {}

    public static final int SIZE = 128;
    private static final int U64 = 16, U32 = 12;

    enum Layout { KILL, TIMER, POLL, FAULT, CHLD, RT, SYS }

    static Layout layout(int sig, int code) {
        if (code > 0 && code < 0x80) { // kernel-generated, signal specific
            int limit;
            Layout l;
            switch (sig) {
                case Signals.SIGILL -> { limit = 11; l = Layout.FAULT; }
                case Signals.SIGFPE -> { limit = 15; l = Layout.FAULT; }
                case Signals.SIGSEGV -> { limit = 9; l = Layout.FAULT; }
                case Signals.SIGBUS -> { limit = 5; l = Layout.FAULT; }
                case Signals.SIGTRAP -> { limit = 6; l = Layout.FAULT; }
                case Signals.SIGCHLD -> { limit = 6; l = Layout.CHLD; }
                case Signals.SIGIO -> { limit = 6; l = Layout.POLL; }
                case Signals.SIGSYS -> { limit = 2; l = Layout.SYS; }
                default -> { limit = -1; l = Layout.KILL; }
            }
            if (limit >= 0 && code <= limit) return l;
            return code <= 6 ? Layout.POLL : Layout.KILL;
        }
        if (code == -2) return Layout.TIMER; // SI_TIMER
        if (code == -5) return Layout.POLL;  // SI_SIGIO
        if (code < 0) return Layout.RT;
        return Layout.KILL;
    }

    /** Converts an x86-64 siginfo (128 bytes) to the i386 layout. */
    public static byte[] toI386(byte[] si64) {
        ByteBuffer in = ByteBuffer.wrap(si64).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int sig = in.getInt(0), code = in.getInt(8);
        out.putInt(0, sig).putInt(4, in.getInt(4)).putInt(8, code);
        int a = U64, b = U32;
        switch (layout(sig, code)) {
            case KILL -> out.putInt(b, in.getInt(a)).putInt(b + 4, in.getInt(a + 4));
            case TIMER, RT -> out.putInt(b, in.getInt(a)).putInt(b + 4, in.getInt(a + 4)).putInt(b + 8, (int) in.getLong(a + 8));
            case POLL -> out.putInt(b, (int) in.getLong(a)).putInt(b + 4, in.getInt(a + 8));
            case FAULT -> out.putInt(b, (int) in.getLong(a)).putInt(b + 4, in.getInt(a + 8)).putInt(b + 8, in.getInt(a + 16));
            case CHLD -> out.putInt(b, in.getInt(a)).putInt(b + 4, in.getInt(a + 4)).putInt(b + 8, in.getInt(a + 8))
                    .putInt(b + 12, (int) in.getLong(a + 16)).putInt(b + 16, (int) in.getLong(a + 24));
            case SYS -> out.putInt(b, (int) in.getLong(a)).putInt(b + 4, in.getInt(a + 8)).putInt(b + 8, in.getInt(a + 12));
        }
        return out.array();
    }

    /** Converts an i386 siginfo (128 bytes) to the x86-64 layout. */
    public static byte[] toX86_64(byte[] si32) {
        ByteBuffer in = ByteBuffer.wrap(si32).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int sig = in.getInt(0), code = in.getInt(8);
        out.putInt(0, sig).putInt(4, in.getInt(4)).putInt(8, code);
        int a = U32, b = U64;
        switch (layout(sig, code)) {
            case KILL -> out.putInt(b, in.getInt(a)).putInt(b + 4, in.getInt(a + 4));
            case TIMER, RT -> out.putInt(b, in.getInt(a)).putInt(b + 4, in.getInt(a + 4))
                    .putLong(b + 8, in.getInt(a + 8) & 0xffffffffL);
            case POLL -> out.putLong(b, in.getInt(a)).putInt(b + 8, in.getInt(a + 4));
            case FAULT -> out.putLong(b, in.getInt(a) & 0xffffffffL).putInt(b + 8, in.getInt(a + 4)).putInt(b + 16, in.getInt(a + 8));
            case CHLD -> out.putInt(b, in.getInt(a)).putInt(b + 4, in.getInt(a + 4)).putInt(b + 8, in.getInt(a + 8))
                    .putLong(b + 16, in.getInt(a + 12)).putLong(b + 24, in.getInt(a + 16));
            case SYS -> out.putLong(b, in.getInt(a) & 0xffffffffL).putInt(b + 8, in.getInt(a + 4)).putInt(b + 12, in.getInt(a + 8));
        }
        return out.array();
    }

    /** Rewrites, in guest memory, an x86-64 siginfo that a shared implementation stored there as i386's. */
    static void fixInPlace(GuestMemory m, long va) {
        if (va == 0) return;
        m.write(va, toI386(m.read(va, SIZE)));
    }
}
