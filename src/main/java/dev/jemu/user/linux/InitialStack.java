package dev.jemu.user.linux;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds the process's initial stack as the kernel does: argc, argv[], envp[], the auxiliary vector, and the
 * strings and random bytes they point to, with the final stack pointer 16-byte aligned.
 */
public final class InitialStack {
    private InitialStack() {}

    static final int AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
            AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15,
            AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31,
            AT_MINSIGSTKSZ = 51;

    /** Writes the stack below {@code top} and returns the initial stack pointer. */
    public static long build(GuestMemory m, boolean is64, long top, List<byte[]> argv, List<byte[]> envp,
                             String execfn, ElfLoader.Image img, int hwcap, long uid, long gid,
                             java.util.Random random) {
        int ptr = is64 ? 8 : 4;
        long sp = top;
        // Strings at the very top: execfn first (as Linux does), then platform and random bytes.
        sp = pushString(m, sp, execfn.getBytes(StandardCharsets.UTF_8));
        long execfnAddr = sp;
        long[] envAddr = new long[envp.size()];
        for (int k = envp.size() - 1; k >= 0; k--) {
            sp = pushString(m, sp, envp.get(k));
            envAddr[k] = sp;
        }
        long[] argAddr = new long[argv.size()];
        for (int k = argv.size() - 1; k >= 0; k--) {
            sp = pushString(m, sp, argv.get(k));
            argAddr[k] = sp;
        }
        sp = pushString(m, sp, (is64 ? "x86_64" : "i686").getBytes(StandardCharsets.US_ASCII));
        long platform = sp;
        byte[] rnd = new byte[16];
        random.nextBytes(rnd);
        sp -= 16;
        m.write(sp, rnd);
        long randomAddr = sp;
        sp &= ~15L;

        long[] aux = {
            AT_PHDR, img.phdr, AT_PHENT, img.phent, AT_PHNUM, img.phnum, AT_PAGESZ, 4096,
            AT_BASE, img.interpBase, AT_FLAGS, 0, AT_ENTRY, img.progEntry, AT_UID, uid, AT_EUID, uid,
            AT_GID, gid, AT_EGID, gid, AT_SECURE, 0, AT_RANDOM, randomAddr, AT_HWCAP, hwcap & 0xffffffffL,
            AT_HWCAP2, 0, AT_CLKTCK, 100, AT_PLATFORM, platform, AT_EXECFN, execfnAddr,
            AT_MINSIGSTKSZ, is64 ? 2048 : 1024, AT_NULL, 0
        };
        int words = 1 + argv.size() + 1 + envp.size() + 1 + aux.length;
        long start = sp - (long) words * ptr;
        start &= ~15L; // the final stack pointer is 16-byte aligned
        long p = start;
        m.writePtr(p, argv.size(), is64);
        p += ptr;
        for (long a : argAddr) {
            m.writePtr(p, a, is64);
            p += ptr;
        }
        m.writePtr(p, 0, is64);
        p += ptr;
        for (long a : envAddr) {
            m.writePtr(p, a, is64);
            p += ptr;
        }
        m.writePtr(p, 0, is64);
        p += ptr;
        for (long v : aux) {
            m.writePtr(p, v, is64);
            p += ptr;
        }
        return start;
    }

    private static long pushString(GuestMemory m, long sp, byte[] s) {
        sp -= s.length + 1;
        m.write(sp, s);
        m.write(sp + s.length, new byte[1]);
        return sp;
    }
}
