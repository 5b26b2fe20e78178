package dev.jemu.user.linux;

/** Linux errno values (the same on every architecture jemu emulates so far). */
public final class Errno {
    private Errno() {}

    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7,
            ENOEXEC = 8, EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14,
            EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22,
            ENFILE = 23, EMFILE = 24, ENOTTY = 25, ETXTBSY = 26, EFBIG = 27, ENOSPC = 28, ESPIPE = 29,
            EROFS = 30, EMLINK = 31, EPIPE = 32, EDOM = 33, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36,
            ENOLCK = 37, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, ETIME = 62, EOVERFLOW = 75,
            ENOTSOCK = 88, EMSGSIZE = 90, EOPNOTSUPP = 95, EAFNOSUPPORT = 97, EADDRINUSE = 98, ETIMEDOUT = 110,
            ERESTARTSYS = 512;

    private static final String[] NAMES = new String[134];

    static {
        String[] n = {"", "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
            "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV",
            "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE",
            "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS",
            "ENOTEMPTY", "ELOOP"};
        System.arraycopy(n, 0, NAMES, 0, n.length);
        NAMES[61] = "ENODATA";
        NAMES[75] = "EOVERFLOW";
        NAMES[88] = "ENOTSOCK";
        NAMES[95] = "EOPNOTSUPP";
        NAMES[110] = "ETIMEDOUT";
    }

    private static final String[] MESSAGES = new String[134];

    static {
        MESSAGES[1] = "Operation not permitted";
        MESSAGES[2] = "No such file or directory";
        MESSAGES[3] = "No such process";
        MESSAGES[4] = "Interrupted system call";
        MESSAGES[5] = "Input/output error";
        MESSAGES[6] = "No such device or address";
        MESSAGES[7] = "Argument list too long";
        MESSAGES[8] = "Exec format error";
        MESSAGES[9] = "Bad file descriptor";
        MESSAGES[10] = "No child processes";
        MESSAGES[11] = "Resource temporarily unavailable";
        MESSAGES[12] = "Cannot allocate memory";
        MESSAGES[13] = "Permission denied";
        MESSAGES[14] = "Bad address";
        MESSAGES[15] = "Block device required";
        MESSAGES[16] = "Device or resource busy";
        MESSAGES[17] = "File exists";
        MESSAGES[18] = "Invalid cross-device link";
        MESSAGES[19] = "No such device";
        MESSAGES[20] = "Not a directory";
        MESSAGES[21] = "Is a directory";
        MESSAGES[22] = "Invalid argument";
        MESSAGES[23] = "Too many open files in system";
        MESSAGES[24] = "Too many open files";
        MESSAGES[25] = "Inappropriate ioctl for device";
        MESSAGES[26] = "Text file busy";
        MESSAGES[27] = "File too large";
        MESSAGES[28] = "No space left on device";
        MESSAGES[29] = "Illegal seek";
        MESSAGES[30] = "Read-only file system";
        MESSAGES[31] = "Too many links";
        MESSAGES[32] = "Broken pipe";
        MESSAGES[33] = "Numerical argument out of domain";
        MESSAGES[34] = "Numerical result out of range";
        MESSAGES[35] = "Resource deadlock avoided";
        MESSAGES[36] = "File name too long";
        MESSAGES[37] = "No locks available";
        MESSAGES[38] = "Function not implemented";
        MESSAGES[39] = "Directory not empty";
        MESSAGES[40] = "Too many levels of symbolic links";
        MESSAGES[42] = "No message of desired type";
        MESSAGES[43] = "Identifier removed";
        MESSAGES[61] = "No data available";
        MESSAGES[62] = "Timer expired";
        MESSAGES[71] = "Protocol error";
        MESSAGES[75] = "Value too large for defined data type";
        MESSAGES[84] = "Invalid or incomplete multibyte or wide character";
        MESSAGES[88] = "Socket operation on non-socket";
        MESSAGES[89] = "Destination address required";
        MESSAGES[90] = "Message too long";
        MESSAGES[91] = "Protocol wrong type for socket";
        MESSAGES[92] = "Protocol not available";
        MESSAGES[93] = "Protocol not supported";
        MESSAGES[94] = "Socket type not supported";
        MESSAGES[95] = "Operation not supported";
        MESSAGES[96] = "Protocol family not supported";
        MESSAGES[97] = "Address family not supported by protocol";
        MESSAGES[98] = "Address already in use";
        MESSAGES[99] = "Cannot assign requested address";
        MESSAGES[100] = "Network is down";
        MESSAGES[101] = "Network is unreachable";
        MESSAGES[103] = "Software caused connection abort";
        MESSAGES[104] = "Connection reset by peer";
        MESSAGES[105] = "No buffer space available";
        MESSAGES[106] = "Transport endpoint is already connected";
        MESSAGES[107] = "Transport endpoint is not connected";
        MESSAGES[110] = "Connection timed out";
        MESSAGES[111] = "Connection refused";
        MESSAGES[113] = "No route to host";
        MESSAGES[114] = "Operation already in progress";
        MESSAGES[115] = "Operation now in progress";
        MESSAGES[116] = "Stale file handle";
        MESSAGES[122] = "Disk quota exceeded";
        MESSAGES[125] = "Operation canceled";
        MESSAGES[130] = "Owner died";
        MESSAGES[131] = "State not recoverable";
    }

    /** The host C library's strerror text (what qemu-user's -strace prints). */
    public static String message(int e) {
        return e > 0 && e < MESSAGES.length && MESSAGES[e] != null ? MESSAGES[e] : "Unknown error " + e;
    }

    public static String name(int e) {
        return e > 0 && e < NAMES.length && NAMES[e] != null ? NAMES[e] : "errno " + e;
    }
}
