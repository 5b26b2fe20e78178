package dev.jemu.user.linux;

import java.lang.foreign.MemorySegment;

import static dev.jemu.user.linux.Structs32.I;
import static dev.jemu.user.linux.Structs32.L;

/**
 * Sockets for i386 guests: the socketcall(2) multiplexer and the direct calls (359..373). Socket addresses
 * are the same on both ABIs and go to the host in place; struct msghdr, struct mmsghdr and control messages
 * (cmsghdr with a 32-bit length, 4-byte alignment) are rebuilt for the host, SCM_RIGHTS descriptors are
 * translated both ways, and the old SO_RCVTIMEO/SO_SNDTIMEO options use the 32-bit struct timeval.
 */
final class Socket32 {
    private Socket32() {}

    // socketcall numbers (linux/net.h) and how many u32 arguments each takes.
    static final int SYS_SOCKET = 1, SYS_BIND = 2, SYS_CONNECT = 3, SYS_LISTEN = 4, SYS_ACCEPT = 5,
            SYS_GETSOCKNAME = 6, SYS_GETPEERNAME = 7, SYS_SOCKETPAIR = 8, SYS_SEND = 9, SYS_RECV = 10,
            SYS_SENDTO = 11, SYS_RECVFROM = 12, SYS_SHUTDOWN = 13, SYS_SETSOCKOPT = 14, SYS_GETSOCKOPT = 15,
            SYS_SENDMSG = 16, SYS_RECVMSG = 17, SYS_ACCEPT4 = 18, SYS_RECVMMSG = 19, SYS_SENDMMSG = 20;
    private static final int[] NARGS = {0, 3, 3, 3, 2, 3, 3, 3, 4, 4, 4, 6, 6, 2, 5, 5, 3, 3, 4, 5, 4};

    static final int SOCK_CLOEXEC = 0x80000, MSG_CMSG_CLOEXEC = 0x40000000, MSG_CTRUNC = 8,
            MSG_DONTWAIT = 0x40, MSG_WAITFORONE = 0x10000;
    static final int EMSGSIZE = 90;
    static final int SOL_SOCKET = 1, SCM_RIGHTS = 1, SO_RCVTIMEO_OLD = 20, SO_SNDTIMEO_OLD = 21;

    /** socketcall(call, args): the arguments are an array of u32 in guest memory. */
    static long socketcall(LinuxThread t, long call, long argsVa) {
        if (call < 1 || call >= NARGS.length) return -Errno.EINVAL;
        long[] a = new long[6];
        GuestMemory m = t.proc.mem;
        for (int k = 0; k < NARGS[(int) call]; k++) a[k] = m.readInt(argsVa + 4L * k) & 0xffffffffL;
        return switch ((int) call) {
            case SYS_SOCKET -> SocketCalls.socket(t, (int) a[0], (int) a[1], (int) a[2]);
            case SYS_BIND -> SocketCalls.bind(t, (int) a[0], a[1], (int) a[2]);
            case SYS_CONNECT -> SocketCalls.connect(t, (int) a[0], a[1], (int) a[2]);
            case SYS_LISTEN -> SocketCalls.listen(t, (int) a[0], (int) a[1]);
            case SYS_ACCEPT -> SocketCalls.accept4(t, (int) a[0], a[1], a[2], 0);
            case SYS_GETSOCKNAME -> SocketCalls.name(t, Nr.GETSOCKNAME, (int) a[0], a[1], a[2]);
            case SYS_GETPEERNAME -> SocketCalls.name(t, Nr.GETPEERNAME, (int) a[0], a[1], a[2]);
            case SYS_SOCKETPAIR -> SocketCalls.socketpair(t, (int) a[0], (int) a[1], (int) a[2], a[3]);
            case SYS_SEND -> SocketCalls.sendto(t, (int) a[0], a[1], a[2], (int) a[3], 0, 0);
            case SYS_RECV -> SocketCalls.recvfrom(t, (int) a[0], a[1], a[2], (int) a[3], 0, 0);
            case SYS_SENDTO -> SocketCalls.sendto(t, (int) a[0], a[1], a[2], (int) a[3], a[4], (int) a[5]);
            case SYS_RECVFROM -> SocketCalls.recvfrom(t, (int) a[0], a[1], a[2], (int) a[3], a[4], a[5]);
            case SYS_SHUTDOWN -> SocketCalls.shutdown(t, (int) a[0], (int) a[1]);
            case SYS_SETSOCKOPT -> setsockopt(t, a[0], a[1], a[2], a[3], a[4]);
            case SYS_GETSOCKOPT -> getsockopt(t, a[0], a[1], a[2], a[3], a[4]);
            case SYS_SENDMSG -> sendmsg(t, a[0], a[1], a[2]);
            case SYS_RECVMSG -> recvmsg(t, a[0], a[1], a[2]);
            case SYS_ACCEPT4 -> SocketCalls.accept4(t, (int) a[0], a[1], a[2], (int) a[3]);
            case SYS_RECVMMSG -> recvmmsg(t, a[0], a[1], a[2], a[3], a[4], false);
            case SYS_SENDMMSG -> sendmmsg(t, a[0], a[1], a[2], a[3]);
            default -> -Errno.EINVAL;
        };
    }

    /** A descriptor received with SCM_RIGHTS becomes a guest one (or is closed if the table is full). */
    private static long install(LinuxThread t, long hostFd, boolean cloexec) {
        return FdCalls.installNew(t, hostFd, "socket:[" + hostFd + "]", cloexec);
    }

    static long setsockopt(LinuxThread t, long fd, long level, long opt, long val, long len) {
        int h = t.proc.fds.host((int) fd);
        if (h < 0) return -Errno.EBADF;
        if ((int) level == SOL_SOCKET && ((int) opt == SO_RCVTIMEO_OLD || (int) opt == SO_SNDTIMEO_OLD)) {
            if ((int) len < 8) return -Errno.EINVAL;
            MemorySegment s = Structs32.scratch();
            Structs32.timevalIn(t.proc.mem, val, s, 0);
            return HostSyscall.call(Nr.SETSOCKOPT, h, SOL_SOCKET, (int) opt, s.address(), 16);
        }
        return SocketCalls.setsockopt(t, (int) fd, (int) level, (int) opt, val, (int) len);
    }

    static long getsockopt(LinuxThread t, long fd, long level, long opt, long val, long lenVa) {
        int h = t.proc.fds.host((int) fd);
        if (h < 0) return -Errno.EBADF;
        GuestMemory m = t.proc.mem;
        if ((int) level == SOL_SOCKET && ((int) opt == SO_RCVTIMEO_OLD || (int) opt == SO_SNDTIMEO_OLD)) {
            int len = m.readInt(lenVa);
            if (len < 0) return -Errno.EINVAL;
            MemorySegment s = Structs32.scratch();
            s.set(I, 16, 16);
            long r = HostSyscall.call(Nr.GETSOCKOPT, h, SOL_SOCKET, (int) opt, s.address(), s.address() + 16);
            if (r < 0) return r;
            byte[] tv = new byte[8];
            java.nio.ByteBuffer.wrap(tv).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putInt(0, (int) s.get(L, 0)).putInt(4, (int) s.get(L, 8));
            int n = Math.min(len, 8);
            m.write(val, tv, 0, n);
            m.writeInt(lenVa, n);
            return 0;
        }
        return SocketCalls.getsockopt(t, (int) fd, (int) level, (int) opt, val, lenVa);
    }

    // ---- sendmsg / recvmsg ----

    // struct msghdr: i386 {name, namelen, iov, iovlen, control, controllen, flags} (28 bytes); x86-64 56 bytes.
    private static final int MSG32 = 28, MSG64 = 56;

    private static int cmsgAlign32(int n) {
        return (n + 3) & ~3;
    }

    private static long cmsgAlign64(long n) {
        return (n + 7) & ~7L;
    }

    /**
     * Builds the host msghdr at {@code h}+0 (iovecs at +64, control after them) from the guest's i386 one.
     * Returns the host control length, or a negative errno.
     */
    private static long msgIn(LinuxThread t, long msgVa, MemorySegment h, boolean receiving) {
        GuestMemory m = t.proc.mem;
        long name = m.readInt(msgVa) & 0xffffffffL;
        int namelen = m.readInt(msgVa + 4);
        long iov = m.readInt(msgVa + 8) & 0xffffffffL;
        int iovlen = m.readInt(msgVa + 12);
        long control = m.readInt(msgVa + 16) & 0xffffffffL;
        int controllen = m.readInt(msgVa + 20);
        if (iovlen < 0 || iovlen > 1024) return -EMSGSIZE;
        long iovHost = 64, ctlHost = 64 + 16L * iovlen;
        for (int k = 0; k < iovlen; k++) {
            long base = m.readInt(iov + 8L * k) & 0xffffffffL, len = m.readInt(iov + 8L * k + 4) & 0xffffffffL;
            h.set(L, iovHost + 16L * k, len == 0 ? 0 : FileCalls.buf(t, base, len, receiving));
            h.set(L, iovHost + 16L * k + 8, len);
        }
        if (receiving) {
            h.set(L, 0, name == 0 ? 0 : FileCalls.buf(t, name, namelen, true));
            h.set(L, 8, name == 0 ? 0 : namelen);
        } else {
            // A relative AF_UNIX path names a file in the guest's working directory.
            h.set(L, 0, SocketCalls.address(t, name, namelen));
            h.set(L, 8, name == 0 ? 0 : SocketCalls.addressLen(t, name, namelen));
        }
        h.set(L, 16, h.address() + iovHost);
        h.set(L, 24, iovlen);
        long hostCtl = 0;
        if (control != 0 && controllen > 0) {
            if (receiving) {
                // Room for the host's larger headers: each 12-byte i386 header grows to 16 with 8-byte alignment.
                hostCtl = 2L * controllen + 64;
            } else {
                long r = controlIn(t, control, controllen, h, ctlHost);
                if (r < 0) return r;
                hostCtl = r;
            }
        }
        h.set(L, 32, hostCtl == 0 ? 0 : h.address() + ctlHost);
        h.set(L, 40, hostCtl);
        h.set(L, 48, 0);
        return hostCtl;
    }

    /** Guest i386 control messages to host ones at {@code h}+{@code off}; returns the host length. */
    private static long controlIn(LinuxThread t, long ctl, int len, MemorySegment h, long off) {
        GuestMemory m = t.proc.mem;
        long in = 0, out = 0;
        while (in + 12 <= len) {
            int clen = m.readInt(ctl + in), level = m.readInt(ctl + in + 4), type = m.readInt(ctl + in + 8);
            if (clen < 12 || in + clen > len) return -Errno.EINVAL;
            int data = clen - 12;
            long hl = 16 + data;
            h.set(L, off + out, hl);
            h.set(I, off + out + 8, level);
            h.set(I, off + out + 12, type);
            if (level == SOL_SOCKET && type == SCM_RIGHTS) {
                for (int k = 0; k + 4 <= data; k += 4) {
                    int hfd = t.proc.fds.host(m.readInt(ctl + in + 12 + k));
                    if (hfd < 0) return -Errno.EBADF;
                    h.set(I, off + out + 16 + k, hfd);
                }
            } else {
                byte[] b = m.read(ctl + in + 12, data);
                MemorySegment.copy(b, 0, h, java.lang.foreign.ValueLayout.JAVA_BYTE, off + out + 16, data);
            }
            out += cmsgAlign64(hl);
            in += cmsgAlign32(clen);
        }
        return out;
    }

    /**
     * Host control messages back to the guest's buffer; descriptors received become guest descriptors.
     * Returns the guest length used; sets MSG_CTRUNC in {@code flags[0]} when the guest buffer was too small.
     */
    private static int controlOut(LinuxThread t, MemorySegment h, long off, long hostLen, long ctl, int room,
                                  boolean cloexec, int[] flags) {
        GuestMemory m = t.proc.mem;
        long in = 0;
        int out = 0;
        while (in + 16 <= hostLen) {
            long hl = h.get(L, off + in);
            int level = h.get(I, off + in + 8), type = h.get(I, off + in + 12);
            int data = (int) (hl - 16);
            boolean rights = level == SOL_SOCKET && type == SCM_RIGHTS;
            int fit = Math.min(data, room - out - 12);
            if (rights) fit &= ~3;
            if (fit < data) flags[0] |= MSG_CTRUNC;
            if (fit < 0 || (fit == 0 && data > 0 && rights)) {
                if (rights) for (int k = 0; k + 4 <= data; k += 4) HostSyscall.call(Nr.CLOSE, h.get(I, off + in + 16 + k));
                break;
            }
            m.writeInt(ctl + out, 12 + fit);
            m.writeInt(ctl + out + 4, level);
            m.writeInt(ctl + out + 8, type);
            if (rights) {
                for (int k = 0; k + 4 <= data; k += 4) {
                    int hfd = h.get(I, off + in + 16 + k);
                    if (k < fit) {
                        long g = install(t, hfd, cloexec);
                        m.writeInt(ctl + out + 12 + k, (int) g);
                    } else {
                        HostSyscall.call(Nr.CLOSE, hfd);
                    }
                }
            } else {
                byte[] b = new byte[fit];
                MemorySegment.copy(h, java.lang.foreign.ValueLayout.JAVA_BYTE, off + in + 16, b, 0, fit);
                m.write(ctl + out + 12, b);
            }
            out += cmsgAlign32(12 + fit);
            in += cmsgAlign64(hl);
            if (out >= room) break;
        }
        return Math.min(out, room);
    }

    static long sendmsg(LinuxThread t, long fd, long msgVa, long flags) {
        int hfd = t.proc.fds.host((int) fd);
        if (hfd < 0) return -Errno.EBADF;
        int controllen = t.proc.mem.readInt(msgVa + 20), iovlen = t.proc.mem.readInt(msgVa + 12);
        MemorySegment h = Structs32.hostBuffer(64 + 16L * Math.max(0, Math.min(iovlen, 1024)) + 2L * Math.max(controllen, 0) + 64);
        long r;
        try {
            r = msgIn(t, msgVa, h, false);
        } catch (SocketCalls.NameTooLong e) {
            return -Errno.ENAMETOOLONG;
        }
        if (r < 0) return r;
        r = Blocking.call(t, Blocking.ERESTARTSYS, Nr.SENDMSG, hfd, h.address(), (int) flags, 0, 0, 0);
        return (flags & SocketCalls.MSG_NOSIGNAL) != 0 ? r : FileCalls.sigpipe(t, r);
    }

    static long recvmsg(LinuxThread t, long fd, long msgVa, long flags) {
        int hfd = t.proc.fds.host((int) fd);
        if (hfd < 0) return -Errno.EBADF;
        GuestMemory m = t.proc.mem;
        m.buffer(msgVa, MSG32, true);
        int controllen = m.readInt(msgVa + 20), iovlen = m.readInt(msgVa + 12);
        MemorySegment h = Structs32.hostBuffer(64 + 16L * Math.max(0, Math.min(iovlen, 1024)) + 2L * Math.max(controllen, 0) + 64);
        long hostCtl = msgIn(t, msgVa, h, true);
        if (hostCtl < 0) return hostCtl;
        long r = Blocking.call(t, Blocking.ERESTARTSYS, Nr.RECVMSG, hfd, h.address(), (int) flags | MSG_CMSG_CLOEXEC, 0, 0, 0);
        if (r < 0) return r;
        // The host always gets MSG_CMSG_CLOEXEC (jemu's own descriptors are close-on-exec); Linux echoes the
        // caller's MSG_CMSG_CLOEXEC in msg_flags.
        int[] mflags = {((int) h.get(L, 48) & ~MSG_CMSG_CLOEXEC) | ((int) flags & MSG_CMSG_CLOEXEC)};
        long name = m.readInt(msgVa) & 0xffffffffL;
        if (name != 0) m.writeInt(msgVa + 4, (int) h.get(I, 8));
        long control = m.readInt(msgVa + 16) & 0xffffffffL;
        int used = 0;
        if (control != 0 && hostCtl > 0) {
            long ctlOff = 64 + 16L * iovlen;
            used = controlOut(t, h, ctlOff, h.get(L, 40), control, controllen, (flags & MSG_CMSG_CLOEXEC) != 0, mflags);
        }
        m.writeInt(msgVa + 20, used);
        m.writeInt(msgVa + 24, mflags[0]);
        return r;
    }

    /** sendmmsg: struct mmsghdr {struct msghdr (28); unsigned msg_len} per message, 32 bytes apart. */
    static long sendmmsg(LinuxThread t, long fd, long vec, long vlen, long flags) {
        int n = (int) Math.min(vlen & 0xffffffffL, 1024);
        int done = 0;
        for (; done < n; done++) {
            long r = sendmsg(t, fd, vec + 32L * done, flags);
            if (r < 0) return done == 0 ? r : done;
            t.proc.mem.writeInt(vec + 32L * done + MSG32, (int) r);
        }
        return done;
    }

    /** recvmmsg / recvmmsg_time64 (the timeout is checked only between messages, as Linux does). */
    static long recvmmsg(LinuxThread t, long fd, long vec, long vlen, long flags, long timeout, boolean t64) {
        int n = (int) Math.min(vlen & 0xffffffffL, 1024);
        long deadline = Long.MAX_VALUE;
        if (timeout != 0) {
            GuestMemory m = t.proc.mem;
            long sec = t64 ? m.readLong(timeout) : m.readInt(timeout);
            long ns = t64 ? m.readInt(timeout + 8) : m.readInt(timeout + 4);
            if (sec < 0 || ns < 0 || ns >= Structs32.NSEC) return -Errno.EINVAL;
            deadline = System.nanoTime() + sec * Structs32.NSEC + ns;
        }
        int done = 0;
        long f = flags;
        for (; done < n; done++) {
            long r = recvmsg(t, fd, vec + 32L * done, f & ~MSG_WAITFORONE);
            if (r < 0) {
                if (done == 0) return r;
                break;
            }
            t.proc.mem.writeInt(vec + 32L * done + MSG32, (int) r);
            if ((flags & MSG_WAITFORONE) != 0) f |= MSG_DONTWAIT;
            if (System.nanoTime() > deadline) {
                done++;
                break;
            }
        }
        return done;
    }
}
