package dev.jemu.user.linux;

import java.util.Arrays;

/**
 * A guest process's file descriptors. Each guest descriptor refers to an open host file ({@link HostFile},
 * shared by dup and fork and closed on the host when its last guest reference goes); the close-on-exec flag
 * belongs to the guest descriptor, as in Linux. Guest numbers are allocated lowest-first.
 */
public final class FdTable {
    /** An open host file description shared by guest descriptors. */
    public static final class HostFile {
        public final int hostFd;
        private int refs = 1;
        /** What this is, for /proc/self/fd and strace (a path, "pipe:[..]", ...). */
        public final String name;
        /** A descriptor jemu implements itself (signalfd...) over the host one, or null. */
        public final Special special;

        public HostFile(int hostFd, String name) {
            this(hostFd, name, null);
        }

        public HostFile(int hostFd, String name, Special special) {
            this.hostFd = hostFd;
            this.name = name;
            this.special = special;
        }

        synchronized void retain() {
            refs++;
        }

        /** Drops one reference; closes the host descriptor with the last. Returns the close result. */
        synchronized long release() {
            if (--refs == 0) {
                if (special != null) special.closed();
                return HostSyscall.call(Nr.CLOSE, hostFd);
            }
            return 0;
        }
    }

    /** Behaviour jemu adds to a descriptor (its host descriptor serves poll/epoll readiness). */
    public interface Special {
        default void closed() {
        }
    }

    /** The most descriptors a table can have. */
    public static final int MAX_FDS = 1 << 16;
    /** RLIMIT_NOFILE's soft limit (the host's, at most MAX_FDS): new descriptors must be below it. */
    private volatile int limit = hostLimit();

    private static int hostLimit() {
        java.lang.foreign.MemorySegment l = java.lang.foreign.Arena.ofAuto().allocate(16, 8);
        if (HostSyscall.call(Nr.PRLIMIT64, 0, 7, 0, l.address()) != 0) return 1024;
        long cur = l.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0);
        return (int) Math.min(Math.max(cur, 0) == cur ? cur : MAX_FDS, MAX_FDS);
    }

    public int limit() {
        return limit;
    }

    public void setLimit(int l) {
        limit = Math.max(0, Math.min(l, MAX_FDS));
    }

    private HostFile[] files = new HostFile[64];
    /** Processes sharing this table (clone with CLONE_FILES and without CLONE_THREAD). */
    private int users = 1;
    private boolean[] cloexec = new boolean[64];

    public synchronized HostFile get(int fd) {
        return fd >= 0 && fd < files.length ? files[fd] : null;
    }

    /** Host descriptor of guest {@code fd}, or -1. */
    public synchronized int host(int fd) {
        HostFile f = get(fd);
        return f == null ? -1 : f.hostFd;
    }

    /** Installs a new host file at the lowest free number >= {@code min}; returns it or -EMFILE. */
    public synchronized int install(HostFile f, int min, boolean cloexecFlag) {
        for (int fd = Math.max(0, min); fd < limit; fd++) {
            ensure(fd);
            if (files[fd] == null) {
                files[fd] = f;
                cloexec[fd] = cloexecFlag;
                return fd;
            }
        }
        return -Errno.EMFILE;
    }

    /** Puts {@code f} at exactly {@code fd} (dup2/dup3), closing what was there. */
    public synchronized int installAt(HostFile f, int fd, boolean cloexecFlag) {
        if (fd < 0 || fd >= limit) return -Errno.EBADF;
        ensure(fd);
        HostFile old = files[fd];
        files[fd] = f;
        cloexec[fd] = cloexecFlag;
        if (old != null) old.release();
        return fd;
    }

    /** dup: another reference to the same host file. */
    public synchronized int dup(int fd, int min, boolean cloexecFlag) {
        HostFile f = get(fd);
        if (f == null) return -Errno.EBADF;
        f.retain();
        int r = install(f, min, cloexecFlag);
        if (r < 0) f.release();
        return r;
    }

    public synchronized int dup2(int fd, int newfd, boolean cloexecFlag) {
        HostFile f = get(fd);
        if (f == null) return -Errno.EBADF;
        if (fd == newfd) {
            return fd;
        }
        f.retain();
        return installAt(f, newfd, cloexecFlag);
    }

    public synchronized long close(int fd) {
        HostFile f = get(fd);
        if (f == null) return -Errno.EBADF;
        files[fd] = null;
        cloexec[fd] = false;
        long r = f.release();
        return r < 0 && r != -Errno.EINTR ? r : 0;
    }

    public synchronized boolean cloexec(int fd) {
        return get(fd) != null && cloexec[fd];
    }

    public synchronized void setCloexec(int fd, boolean v) {
        if (get(fd) != null) cloexec[fd] = v;
    }

    /** For fork: the same files, each referenced once more. */
    public synchronized FdTable copy() {
        FdTable t = new FdTable();
        t.files = Arrays.copyOf(files, files.length);
        t.cloexec = Arrays.copyOf(cloexec, cloexec.length);
        t.limit = limit;
        for (HostFile f : t.files) if (f != null) f.retain();
        return t;
    }

    /** clone(CLONE_FILES): the same table, used by one more process. */
    public synchronized FdTable share() {
        users++;
        return this;
    }

    /** execve unshares a table shared with other processes (CLONE_FILES): the caller gets its own copy. */
    public synchronized FdTable unshareForExec() {
        if (users == 1) return this;
        users--;
        return copy();
    }

    /** A process using the table ended: the last one closes everything. */
    public synchronized void release() {
        if (--users == 0) closeAll();
    }

    /** For execve: close the close-on-exec descriptors. */
    public synchronized void closeOnExec() {
        for (int fd = 0; fd < files.length; fd++) if (files[fd] != null && cloexec[fd]) close(fd);
    }

    public synchronized void closeAll() {
        for (int fd = 0; fd < files.length; fd++) if (files[fd] != null) close(fd);
    }

    /** The table's size (as Linux's max_fds: select ignores descriptors beyond it). */
    public synchronized int capacity() {
        return files.length;
    }

    /** The guest descriptors in use, ascending. */
    public synchronized int[] open() {
        int n = 0;
        for (HostFile f : files) if (f != null) n++;
        int[] out = new int[n];
        n = 0;
        for (int fd = 0; fd < files.length; fd++) if (files[fd] != null) out[n++] = fd;
        return out;
    }

    private void ensure(int fd) {
        if (fd >= files.length) {
            int n = Math.max(files.length * 2, fd + 1);
            files = Arrays.copyOf(files, n);
            cloexec = Arrays.copyOf(cloexec, n);
        }
    }
}
