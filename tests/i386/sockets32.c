/* Sockets in the i386 ABI: the socketcall multiplexer and the direct calls, AF_UNIX stream and datagram
 * pairs, a listening socket on a path and on 127.0.0.1, sendmsg/recvmsg with SCM_RIGHTS and SCM_CREDENTIALS,
 * sendmmsg/recvmmsg, and the 32-bit timeval of SO_RCVTIMEO. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/net.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static long sockcall(int call, long a, long b, long c, long d, long e, long f) {
    unsigned long args[6] = {a, b, c, d, e, f};
    long r = syscall(SYS_socketcall, call, args);
    return r < 0 ? -errno : r;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int sv[2] = {-1, -1};
    long r = sockcall(SYS_SOCKETPAIR, AF_UNIX, SOCK_STREAM, 0, (long)sv, 0, 0);
    printf("socketpair %ld %d\n", r, sv[0] >= 0 && sv[1] > sv[0]);
    printf("send %ld\n", sockcall(SYS_SEND, sv[0], (long)"ping", 4, 0, 0, 0));
    char buf[64] = {0};
    r = sockcall(SYS_RECV, sv[1], (long)buf, sizeof buf, 0, 0, 0);
    printf("recv %ld %s\n", r, buf);
    printf("recv-dontwait %ld\n", sockcall(SYS_RECV, sv[1], (long)buf, sizeof buf, MSG_DONTWAIT, 0, 0));
    printf("socketcall-bad %ld\n", sockcall(99, 0, 0, 0, 0, 0, 0));
    printf("socketcall-ebadf %ld\n", sockcall(SYS_LISTEN, 55, 1, 0, 0, 0, 0));

    /* SCM_RIGHTS: pass a pipe's read end; SCM_CREDENTIALS with SO_PASSCRED */
    int p[2];
    pipe(p);
    write(p[1], "through", 7);
    int one = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    struct iovec iov = {"M", 1};
    union { char b[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr a; } cb;
    memset(&cb, 0, sizeof cb);
    struct msghdr mh = {0};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cb.b;
    mh.msg_controllen = CMSG_SPACE(sizeof(int));
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[0], sizeof(int));
    printf("sendmsg %ld\n", sockcall(SYS_SENDMSG, sv[0], (long)&mh, 0, 0, 0, 0));
    close(p[0]);
    char in[8] = {0};
    struct iovec riov = {in, sizeof in};
    memset(&cb, 0, sizeof cb);
    struct msghdr rh = {0};
    rh.msg_iov = &riov;
    rh.msg_iovlen = 1;
    rh.msg_control = cb.b;
    rh.msg_controllen = sizeof cb.b;
    r = syscall(SYS_recvmsg, sv[1], &rh, MSG_CMSG_CLOEXEC);
    printf("recvmsg %ld %s controllen=%u flags=%x\n", r, in, rh.msg_controllen, rh.msg_flags);
    int got = -1;
    for (c = CMSG_FIRSTHDR(&rh); c; c = CMSG_NXTHDR(&rh, c)) {
        printf("  cmsg level=%d type=%d len=%u\n", c->cmsg_level, c->cmsg_type, c->cmsg_len);
        if (c->cmsg_type == SCM_RIGHTS) memcpy(&got, CMSG_DATA(c), sizeof got);
        if (c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred u;
            memcpy(&u, CMSG_DATA(c), sizeof u);
            printf("  creds pid-is-self=%d uid-ok=%d\n", u.pid == getpid(), u.uid == getuid());
        }
    }
    memset(buf, 0, sizeof buf);
    printf("passed fd reads %ld %s cloexec=%d\n", (long)read(got, buf, sizeof buf), buf, fcntl(got, F_GETFD));
    /* a control buffer too small for the descriptor */
    pipe(p);
    mh.msg_control = cb.b;
    mh.msg_controllen = CMSG_SPACE(sizeof(int));
    c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[0], sizeof(int));
    syscall(SYS_sendmsg, sv[0], &mh, 0);
    int one2 = 0;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one2, sizeof one2);
    rh.msg_control = cb.b;
    rh.msg_controllen = 12;
    r = syscall(SYS_recvmsg, sv[1], &rh, 0);
    printf("recvmsg-ctrunc %ld controllen=%u ctrunc=%d\n", r, rh.msg_controllen, (rh.msg_flags & MSG_CTRUNC) != 0);

    /* datagrams: sendmmsg/recvmmsg */
    int dv[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, dv);
    struct mmsghdr mm[3];
    struct iovec miov[3] = {{"one", 3}, {"three", 5}, {"fourteen", 8}};
    memset(mm, 0, sizeof mm);
    for (int k = 0; k < 3; k++) { mm[k].msg_hdr.msg_iov = &miov[k]; mm[k].msg_hdr.msg_iovlen = 1; }
    r = syscall(SYS_sendmmsg, dv[0], mm, 3, 0);
    printf("sendmmsg %ld %u %u %u\n", r, mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
    char rb[3][16];
    struct iovec rio[3];
    memset(mm, 0, sizeof mm);
    memset(rb, 0, sizeof rb);
    for (int k = 0; k < 3; k++) {
        rio[k].iov_base = rb[k];
        rio[k].iov_len = 16;
        mm[k].msg_hdr.msg_iov = &rio[k];
        mm[k].msg_hdr.msg_iovlen = 1;
    }
    r = syscall(SYS_recvmmsg, dv[1], mm, 3, MSG_DONTWAIT, NULL);
    printf("recvmmsg %ld %s/%u %s/%u %s/%u\n", r, rb[0], mm[0].msg_len, rb[1], mm[1].msg_len, rb[2], mm[2].msg_len);
    r = sockcall(SYS_SENDMMSG, dv[0], (long)mm, 1, 0, 0, 0);
    struct { int64_t sec; int32_t nsec, pad; } t64 = {1, 0, 0};
    r = syscall(SYS_recvmmsg_time64, dv[1], mm, 2, MSG_WAITFORONE, &t64);
    printf("recvmmsg_time64 %ld %.3s\n", r < 0 ? -errno : r, rb[0]);

    /* SO_RCVTIMEO: old 32-bit timeval, read back; a timed-out receive */
    struct { int32_t sec, usec; } tv = {0, 50000}, tv2 = {-1, -1};
    r = sockcall(SYS_SETSOCKOPT, dv[1], SOL_SOCKET, SO_RCVTIMEO, (long)&tv, sizeof tv, 0);
    socklen_t tl = sizeof tv2;
    long r2 = sockcall(SYS_GETSOCKOPT, dv[1], SOL_SOCKET, SO_RCVTIMEO, (long)&tv2, (long)&tl, 0);
    printf("SO_RCVTIMEO %ld %ld %d.%06d len=%u\n", r, r2, tv2.sec, tv2.usec, tl);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    r = sockcall(SYS_RECV, dv[1], (long)buf, sizeof buf, 0, 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("recv-timeout %ld waited=%d\n", r, (b.tv_sec - a.tv_sec) * 1000000000L + b.tv_nsec - a.tv_nsec >= 40000000);
    int rcv = 0;
    tl = sizeof rcv;
    r = sockcall(SYS_GETSOCKOPT, dv[1], SOL_SOCKET, SO_TYPE, (long)&rcv, (long)&tl, 0);
    printf("SO_TYPE %ld %d len=%u\n", r, rcv, tl);

    /* a listening AF_UNIX socket on a path, direct calls */
    int ls = syscall(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    printf("socket cloexec=%d\n", fcntl(ls, F_GETFD));
    struct sockaddr_un ua = {AF_UNIX, "sock"};
    printf("bind %ld\n", syscall(SYS_bind, ls, &ua, sizeof ua));
    printf("listen %ld\n", syscall(SYS_listen, ls, 4));
    int cs = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("connect %d\n", connect(cs, (struct sockaddr *)&ua, sizeof ua));
    struct sockaddr_un peer;
    socklen_t pl = sizeof peer;
    int as = sockcall(SYS_ACCEPT4, ls, (long)&peer, (long)&pl, SOCK_NONBLOCK, 0, 0);
    printf("accept4 %d len=%u nonblock=%d\n", as >= 0, pl, (fcntl(as, F_GETFL) & O_NONBLOCK) != 0);
    pl = sizeof peer;
    r = sockcall(SYS_GETSOCKNAME, cs, (long)&peer, (long)&pl, 0, 0, 0);
    printf("getsockname %ld family=%d len=%u\n", r, peer.sun_family, pl);
    pl = sizeof peer;
    r = syscall(SYS_getpeername, cs, &peer, &pl);
    /* the name as bound ("sock"; jemu binds the path made absolute, so only its last part is compared) */
    const char *base = strrchr(peer.sun_path, '/');
    printf("getpeername %ld %s\n", r, base ? base + 1 : peer.sun_path);
    write(cs, "hello", 5);
    memset(buf, 0, sizeof buf);
    pl = sizeof peer;
    r = sockcall(SYS_RECVFROM, as, (long)buf, sizeof buf, 0, (long)&peer, (long)&pl);
    printf("recvfrom %ld %s\n", r, buf);
    printf("shutdown %ld\n", sockcall(SYS_SHUTDOWN, cs, SHUT_WR, 0, 0, 0, 0));
    printf("read-eof %ld\n", (long)read(as, buf, sizeof buf));

    /* TCP on the loopback */
    int ts = sockcall(SYS_SOCKET, AF_INET, SOCK_STREAM, 0, 0, 0, 0);
    struct sockaddr_in in4 = {AF_INET, 0, {htonl(INADDR_LOOPBACK)}};
    printf("tcp bind %ld\n", sockcall(SYS_BIND, ts, (long)&in4, sizeof in4, 0, 0, 0));
    pl = sizeof in4;
    sockcall(SYS_GETSOCKNAME, ts, (long)&in4, (long)&pl, 0, 0, 0);
    printf("tcp port>0=%d\n", ntohs(in4.sin_port) > 0);
    printf("tcp listen %ld\n", sockcall(SYS_LISTEN, ts, 1, 0, 0, 0, 0));
    int tc = socket(AF_INET, SOCK_STREAM, 0);
    printf("tcp connect %ld\n", sockcall(SYS_CONNECT, tc, (long)&in4, sizeof in4, 0, 0, 0));
    int ta = sockcall(SYS_ACCEPT, ts, 0, 0, 0, 0, 0);
    printf("tcp accept %d\n", ta >= 0);
    printf("tcp sendto %ld\n", sockcall(SYS_SENDTO, tc, (long)"abc", 3, 0, 0, 0));
    memset(buf, 0, sizeof buf);
    printf("tcp recv %ld %s\n", sockcall(SYS_RECV, ta, (long)buf, sizeof buf, MSG_WAITALL & 0, 0, 0), buf);
    int nd = 1;
    printf("TCP_NODELAY %ld\n", sockcall(SYS_SETSOCKOPT, tc, IPPROTO_TCP, 1, (long)&nd, sizeof nd, 0));
    return 0;
}
