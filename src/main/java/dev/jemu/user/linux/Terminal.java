package dev.jemu.user.linux;

/**
 * The controlling terminal's foreground process group as the guest sees it. Guest process groups exist only
 * inside jemu, so tcsetpgrp/tcgetpgrp are answered here rather than by the host terminal.
 */
final class Terminal {
    private Terminal() {}

    private static volatile int foreground = -1;

    static int foregroundPgrp(LinuxProcess p) {
        int f = foreground;
        return f < 0 ? p.pgid : f;
    }

    static void setForegroundPgrp(LinuxProcess p, int pgrp) {
        foreground = pgrp;
    }
}
