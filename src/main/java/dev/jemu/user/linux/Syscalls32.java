package dev.jemu.user.linux;

/** The i386 system call table: numbers, argument conventions and struct layouts of the 32-bit ABI. */
final class Syscalls32 {
    private Syscalls32() {}

    static long dispatch(LinuxThread t, int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        return Sys64.unimplemented(t, nr, SyscallNames.i386(nr));
    }
}
