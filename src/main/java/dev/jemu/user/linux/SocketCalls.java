package dev.jemu.user.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sockets, on host sockets. Addresses, options and msghdr have the host's (x86-64) layout and pass in place
 * (the i386 table converts its own). AF_UNIX paths are relative to the guest's working directory, not jemu's, so relative
 * ones are made absolute. SCM_RIGHTS carries guest descriptors: they become host descriptors on the way out
 * and new guest descriptors on the way in; SCM_CREDENTIALS pids are the host's (jemu's own pid).
 */
final class SocketCalls {
    private SocketCalls() {}

    static final int SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    static final int AF_UNIX = 1, SOL_SOCKET = 1, SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
    static final int MSG_NOSIGNAL = 0x4000, MSG_CTRUNC = 8, MSG_CMSG_CLOEXEC = 0x40000000, MSG_DONTWAIT = 0x40;

    static long socket(LinuxThread t, int domain, int type, int protocol) {
        long h = HostSyscall.call(Nr.SOCKET, domain, type | SOCK_CLOEXEC, protocol);
        return FdCalls.installNew(t, h, "socket:[" + h + "]", (type & SOCK_CLOEXEC) != 0);
    }

    static long socketpair(LinuxThread t, int domain, int type, int protocol, long svVa) {
        MemorySegment sv = Arena.ofAuto().allocate(8, 4);
        t.proc.mem.buffer(svVa, 8, true);
        long r = HostSyscall.call(Nr.SOCKETPAIR, domain, type | SOCK_CLOEXEC, protocol, sv.address());
        if (r < 0) return r;
        boolean ce = (type & SOCK_CLOEXEC) != 0;
        int h0 = sv.get(ValueLayout.JAVA_INT, 0), h1 = sv.get(ValueLayout.JAVA_INT, 4);
        long g0 = FdCalls.installNew(t, h0, "socket:[" + h0 + "]", ce);
        if (g0 < 0) {
            HostSyscall.call(Nr.CLOSE, h1);
            return g0;
        }
        long g1 = FdCalls.installNew(t, h1, "socket:[" + h1 + "]", ce);
        if (g1 < 0) {
            t.proc.fds.close((int) g0);
            return g1;
        }
        t.proc.mem.writeInt(svVa, (int) g0);
        t.proc.mem.writeInt(svVa + 4, (int) g1);
        return 0;
    }

    /** A guest socket address for the host: checked, and a relative AF_UNIX path made absolute. */
    static long address(LinuxThread t, long va, long len) {
        if (va == 0) return 0;
        if (len < 0 || len > 4096) throw GuestMemory.Fault.INSTANCE;
        long host = t.proc.mem.buffer(va, len, false);
        if (len > 2 && t.proc.mem.readShort(va) == AF_UNIX) {
            int first = t.proc.mem.readByte(va + 2);
            if (first != 0 && first != '/') {
                byte[] raw = t.proc.mem.read(va + 2, (int) len - 2);
                int n = 0;
                while (n < raw.length && raw[n] != 0) n++;
                String abs = t.proc.cwd + "/" + new String(raw, 0, n, StandardCharsets.UTF_8);
                byte[] ab = abs.getBytes(StandardCharsets.UTF_8);
                if (ab.length >= 108) throw new NameTooLong();
                MemorySegment s = Arena.ofAuto().allocate(110);
                s.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
                MemorySegment.copy(ab, 0, s, ValueLayout.JAVA_BYTE, 2, ab.length);
                return s.address();
            }
        }
        return host;
    }

    /** The rewritten length for {@link #address} (a relative AF_UNIX path grew). */
    static long addressLen(LinuxThread t, long va, long len) {
        if (va == 0 || len <= 2 || t.proc.mem.readShort(va) != AF_UNIX) return len;
        int first = t.proc.mem.readByte(va + 2);
        if (first == 0 || first == '/') return len;
        return 110;
    }

    static final class NameTooLong extends RuntimeException {
        NameTooLong() {
            super(null, null, false, false);
        }
    }

    static long bind(LinuxThread t, int fd, long addr, long len) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        try {
            return HostSyscall.call(Nr.BIND, h, address(t, addr, len), addressLen(t, addr, len));
        } catch (NameTooLong e) {
            return -Errno.ENAMETOOLONG;
        }
    }

    static long connect(LinuxThread t, int fd, long addr, long len) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        try {
            return Blocking.call(t, Nr.CONNECT, h, address(t, addr, len), addressLen(t, addr, len));
        } catch (NameTooLong e) {
            return -Errno.ENAMETOOLONG;
        }
    }

    static long listen(LinuxThread t, int fd, int backlog) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return HostSyscall.call(Nr.LISTEN, h, backlog);
    }

    static long accept4(LinuxThread t, int fd, long addr, long lenVa, int flags) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        if ((flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) return -Errno.EINVAL;
        long a = 0, l = 0;
        if (addr != 0) {
            int len = t.proc.mem.readInt(lenVa);
            if (len < 0) return -Errno.EINVAL;
            l = t.proc.mem.buffer(lenVa, 4, true);
            a = t.proc.mem.buffer(addr, len, true);
        }
        long r = Blocking.call(t, Nr.ACCEPT4, h, a, l, flags | SOCK_CLOEXEC);
        return FdCalls.installNew(t, r, "socket:[" + r + "]", (flags & SOCK_CLOEXEC) != 0);
    }

    /** getsockname/getpeername: (fd, addr, socklen_t *len). */
    static long name(LinuxThread t, int nr, int fd, long addr, long lenVa) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        int len = t.proc.mem.readInt(lenVa);
        if (len < 0) return -Errno.EINVAL;
        return HostSyscall.call(nr, h, t.proc.mem.buffer(addr, len, true), t.proc.mem.buffer(lenVa, 4, true));
    }

    static long sendto(LinuxThread t, int fd, long buf, long len, int flags, long addr, long alen) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        try {
            long r = Blocking.call(t, Blocking.ERESTARTSYS, Nr.SENDTO, h, t.proc.mem.buffer(buf, len, false), len,
                    flags, address(t, addr, alen), addressLen(t, addr, alen));
            return (flags & MSG_NOSIGNAL) != 0 ? r : FileCalls.sigpipe(t, r);
        } catch (NameTooLong e) {
            return -Errno.ENAMETOOLONG;
        }
    }

    static long recvfrom(LinuxThread t, int fd, long buf, long len, int flags, long addr, long lenVa) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        long a = 0, l = 0;
        if (addr != 0 && lenVa != 0) {
            int alen = t.proc.mem.readInt(lenVa);
            if (alen < 0) return -Errno.EINVAL;
            l = t.proc.mem.buffer(lenVa, 4, true);
            a = t.proc.mem.buffer(addr, alen, true);
        }
        return Blocking.call(t, Blocking.ERESTARTSYS, Nr.RECVFROM, h, t.proc.mem.buffer(buf, len, true), len, flags, a, l);
    }

    static long shutdown(LinuxThread t, int fd, int how) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        return HostSyscall.call(Nr.SHUTDOWN, h, how);
    }

    static long setsockopt(LinuxThread t, int fd, int level, int name, long val, long len) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        if (len < 0) return -Errno.EINVAL;
        return HostSyscall.call(Nr.SETSOCKOPT, h, level, name, val == 0 ? 0 : t.proc.mem.buffer(val, len, false), len);
    }

    static long getsockopt(LinuxThread t, int fd, int level, int name, long val, long lenVa) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        int len = t.proc.mem.readInt(lenVa);
        if (len < 0) return -Errno.EINVAL;
        return HostSyscall.call(Nr.GETSOCKOPT, h, level, name, val == 0 ? 0 : t.proc.mem.buffer(val, len, true),
                t.proc.mem.buffer(lenVa, 4, true));
    }

    // ---------------------------------------------------------------- sendmsg / recvmsg

    /** A guest msghdr's fields. */
    private record Msg(long name, int namelen, long iov, long iovlen, long control, long controllen, int flags) {
    }

    private static Msg readMsg(LinuxThread t, long va) {
        GuestMemory m = t.proc.mem;
        return new Msg(m.readLong(va), m.readInt(va + 8), m.readLong(va + 16), m.readLong(va + 24),
                m.readLong(va + 32), m.readLong(va + 40), m.readInt(va + 48));
    }

    private static MemorySegment hostIov(LinuxThread t, long iov, long cnt, boolean write) {
        boolean is64 = true;
        int ps = is64 ? 8 : 4;
        MemorySegment host = Arena.ofAuto().allocate(16L * Math.max(cnt, 1), 8);
        for (int k = 0; k < cnt; k++) {
            long base = t.proc.mem.readPtr(iov + (long) k * 2 * ps, is64);
            long len = t.proc.mem.readPtr(iov + (long) k * 2 * ps + ps, is64);
            host.set(ValueLayout.JAVA_LONG, 16L * k, len == 0 ? 0 : t.proc.mem.buffer(base, len, write));
            host.set(ValueLayout.JAVA_LONG, 16L * k + 8, len);
        }
        return host;
    }

    private static long align(long v, int a) {
        return (v + a - 1) & -a;
    }

    /** Guest control messages in host form (SCM_RIGHTS descriptors translated); null = EBADF; len in out[0]. */
    private static MemorySegment hostControl(LinuxThread t, long ctl, long ctlLen, long[] outLen) {
        if (ctl == 0 || ctlLen == 0) {
            outLen[0] = 0;
            return null;
        }
        boolean is64 = true;
        int ps = is64 ? 8 : 4;
        int hdr = is64 ? 16 : 12;
        GuestMemory m = t.proc.mem;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long p = ctl;
        while (p + hdr <= ctl + ctlLen) {
            long len = m.readPtr(p, is64);
            int level = m.readInt(p + ps), type = m.readInt(p + ps + 4);
            if (len < hdr || p + len > ctl + ctlLen) break;
            byte[] data = m.read(p + hdr, (int) (len - hdr));
            if (level == SOL_SOCKET && type == SCM_RIGHTS) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int k = 0; k + 4 <= data.length; k += 4) {
                    int h = t.proc.fds.host(b.getInt(k));
                    if (h < 0) {
                        outLen[0] = -1;
                        return null;
                    }
                    b.putInt(k, h);
                }
            } else if (level == SOL_SOCKET && type == SCM_CREDENTIALS && data.length >= 4) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                b.putInt(0, t.proc.kernel.hostPid); // the host checks the pid is really ours
            }
            java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            h.putLong(0, 16 + data.length);
            h.putInt(8, level);
            h.putInt(12, type);
            out.writeBytes(h.array());
            out.writeBytes(data);
            long pad = align(16 + data.length, 8) - (16 + data.length);
            for (int k = 0; k < pad; k++) out.write(0);
            p += align(len, ps);
        }
        byte[] all = out.toByteArray();
        outLen[0] = all.length;
        MemorySegment s = Arena.ofAuto().allocate(Math.max(all.length, 1), 8);
        MemorySegment.copy(all, 0, s, ValueLayout.JAVA_BYTE, 0, all.length);
        return s;
    }

    static long sendmsg(LinuxThread t, int fd, long msgVa, int flags) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        Msg msg = readMsg(t, msgVa);
        if (msg.iovlen > 1024) return -Errno.EMSGSIZE;
        MemorySegment hm = Arena.ofAuto().allocate(56, 8);
        try {
            hm.set(ValueLayout.JAVA_LONG, 0, address(t, msg.name, msg.namelen));
            hm.set(ValueLayout.JAVA_INT, 8, (int) addressLen(t, msg.name, msg.namelen));
        } catch (NameTooLong e) {
            return -Errno.ENAMETOOLONG;
        }
        hm.set(ValueLayout.JAVA_LONG, 16, hostIov(t, msg.iov, msg.iovlen, false).address());
        hm.set(ValueLayout.JAVA_LONG, 24, msg.iovlen);
        long[] cl = new long[1];
        MemorySegment ctl = hostControl(t, msg.control, msg.controllen, cl);
        if (cl[0] < 0) return -Errno.EBADF;
        hm.set(ValueLayout.JAVA_LONG, 32, ctl == null ? 0 : ctl.address());
        hm.set(ValueLayout.JAVA_LONG, 40, cl[0]);
        long r = Blocking.call(t, Blocking.ERESTARTSYS, Nr.SENDMSG, h, hm.address(), flags, 0, 0, 0);
        return (flags & MSG_NOSIGNAL) != 0 ? r : FileCalls.sigpipe(t, r);
    }

    static long recvmsg(LinuxThread t, int fd, long msgVa, int flags) {
        int h = t.proc.fds.host(fd);
        if (h < 0) return -Errno.EBADF;
        Msg msg = readMsg(t, msgVa);
        if (msg.iovlen > 1024) return -Errno.EMSGSIZE;
        boolean is64 = true;
        GuestMemory m = t.proc.mem;
        MemorySegment hm = Arena.ofAuto().allocate(56, 8);
        if (msg.name != 0) {
            if (msg.namelen < 0) return -Errno.EINVAL;
            hm.set(ValueLayout.JAVA_LONG, 0, m.buffer(msg.name, msg.namelen, true));
            hm.set(ValueLayout.JAVA_INT, 8, msg.namelen);
        }
        hm.set(ValueLayout.JAVA_LONG, 16, hostIov(t, msg.iov, msg.iovlen, true).address());
        hm.set(ValueLayout.JAVA_LONG, 24, msg.iovlen);
        long hostCtlLen = msg.control == 0 ? 0 : msg.controllen * 2 + 64; // 64-bit headers are larger
        MemorySegment ctl = hostCtlLen == 0 ? null : Arena.ofAuto().allocate(hostCtlLen, 8);
        hm.set(ValueLayout.JAVA_LONG, 32, ctl == null ? 0 : ctl.address());
        hm.set(ValueLayout.JAVA_LONG, 40, hostCtlLen);
        long r = Blocking.call(t, Blocking.ERESTARTSYS, Nr.RECVMSG, h, hm.address(), flags | MSG_CMSG_CLOEXEC, 0, 0, 0);
        if (r < 0) return r;
        int outFlags = hm.get(ValueLayout.JAVA_INT, 48);
        long written = 0;
        if (ctl != null) {
            long[] res = guestControl(t, ctl, hm.get(ValueLayout.JAVA_LONG, 40), msg.control, msg.controllen,
                    (flags & MSG_CMSG_CLOEXEC) != 0);
            written = res[0];
            if (res[1] != 0) outFlags |= MSG_CTRUNC;
        }
        if (is64) {
            if (msg.name != 0) m.writeInt(msgVa + 8, hm.get(ValueLayout.JAVA_INT, 8));
            m.writeLong(msgVa + 40, written);
            m.writeInt(msgVa + 48, outFlags);
        } else {
            if (msg.name != 0) m.writeInt(msgVa + 4, hm.get(ValueLayout.JAVA_INT, 8));
            m.writeInt(msgVa + 20, (int) written);
            m.writeInt(msgVa + 24, outFlags);
        }
        return r;
    }

    /** Host control messages into the guest's buffer; received descriptors become guest ones. {written, truncated}. */
    private static long[] guestControl(LinuxThread t, MemorySegment ctl, long len, long gva, long glen, boolean cloexec) {
        boolean is64 = true;
        int ps = is64 ? 8 : 4;
        int hdr = is64 ? 16 : 12;
        GuestMemory m = t.proc.mem;
        long p = 0, out = 0;
        boolean trunc = false;
        while (p + 16 <= len) {
            long clen = ctl.get(ValueLayout.JAVA_LONG, p);
            int level = ctl.get(ValueLayout.JAVA_INT, p + 8), type = ctl.get(ValueLayout.JAVA_INT, p + 12);
            if (clen < 16 || p + clen > len) break;
            int dlen = (int) (clen - 16);
            byte[] data = new byte[dlen];
            MemorySegment.copy(ctl, ValueLayout.JAVA_BYTE, p + 16, data, 0, dlen);
            p += align(clen, 8);
            if (level == SOL_SOCKET && type == SCM_RIGHTS) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                int fits = (int) Math.max(0, Math.min(dlen / 4, (glen - out - hdr) / 4));
                List<Integer> fds = new ArrayList<>();
                for (int k = 0; k < dlen / 4; k++) {
                    int hfd = b.getInt(4 * k);
                    if (k < fits) {
                        long g = FdCalls.installNew(t, hfd, "socket-passed:[" + hfd + "]", cloexec);
                        fds.add((int) g);
                    } else {
                        HostSyscall.call(Nr.CLOSE, hfd);
                        trunc = true;
                    }
                }
                if (fds.isEmpty()) continue;
                data = new byte[4 * fds.size()];
                java.nio.ByteBuffer d = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int k = 0; k < fds.size(); k++) d.putInt(4 * k, fds.get(k));
                dlen = data.length;
            }
            if (out + hdr + dlen > glen) {
                trunc = true;
                break;
            }
            m.writePtr(gva + out, hdr + dlen, is64);
            m.writeInt(gva + out + ps, level);
            m.writeInt(gva + out + ps + 4, type);
            m.write(gva + out + hdr, data);
            out += Math.min(align(hdr + dlen, ps), glen - out);
        }
        return new long[] {out, trunc ? 1 : 0};
    }

    /** sendmmsg/recvmmsg: each mmsghdr is a msghdr and an unsigned int count (size 64, or 32 on i386). */
    static long sendmmsg(LinuxThread t, int fd, long vec, int n, int flags) {
        int size = 64, lenOff = 56; // struct mmsghdr
        int done = 0;
        for (; done < Math.min(n, 1024); done++) {
            long r = sendmsg(t, fd, vec + (long) done * size, flags);
            if (r < 0) return done > 0 ? done : r;
            t.proc.mem.writeInt(vec + (long) done * size + lenOff, (int) r);
        }
        return done;
    }

    static long recvmmsg(LinuxThread t, int fd, long vec, int n, int flags, long timeout) {
        int size = 64, lenOff = 56; // struct mmsghdr
        int done = 0;
        for (; done < Math.min(n, 1024); done++) {
            long r = recvmsg(t, fd, vec + (long) done * size, done == 0 ? flags : flags | MSG_DONTWAIT);
            if (r < 0) return done > 0 ? done : r;
            t.proc.mem.writeInt(vec + (long) done * size + lenOff, (int) r);
            if ((flags & 0x10000 /* MSG_WAITFORONE */) != 0) flags |= MSG_DONTWAIT;
        }
        return done;
    }
}
