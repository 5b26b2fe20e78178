/* Sockets: a TCP echo over loopback between two processes, UDP, a Unix socketpair passing a descriptor
   with SCM_RIGHTS, a Unix stream socket bound to a relative path, socket options and names. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int send_fd(int sock, int fd) {
    char byte = 'F';
    struct iovec iov = {&byte, 1};
    char ctl[CMSG_SPACE(sizeof(int))];
    memset(ctl, 0, sizeof ctl);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    return (int) sendmsg(sock, &msg, 0);
}

static int recv_fd(int sock) {
    char byte;
    struct iovec iov = {&byte, 1};
    char ctl[CMSG_SPACE(sizeof(int))];
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
    if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) <= 0) return -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS) return -2;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof(int));
    printf("received fd: cloexec=%d len_ok=%d\n", fcntl(fd, F_GETFD), msg.msg_controllen == CMSG_SPACE(sizeof(int)));
    return fd;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    /* TCP echo: the server is a child process */
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(ls, (struct sockaddr *) &addr, sizeof addr)) return 1;
    socklen_t al = sizeof addr;
    getsockname(ls, (struct sockaddr *) &addr, &al);
    listen(ls, 4);
    printf("listening: port_nonzero=%d len=%d\n", addr.sin_port != 0, (int) al);
    pid_t srv = fork();
    if (srv == 0) {
        struct sockaddr_in peer;
        socklen_t pl = sizeof peer;
        int c = accept4(ls, (struct sockaddr *) &peer, &pl, SOCK_CLOEXEC);
        char buf[256];
        ssize_t n;
        while ((n = recv(c, buf, sizeof buf, 0)) > 0) send(c, buf, n, 0);
        close(c);
        _exit(peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK) ? 0 : 3);
    }
    close(ls);
    int cs = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(cs, (struct sockaddr *) &addr, sizeof addr)) {
        printf("connect: %s\n", strerror(errno));
        return 2;
    }
    setsockopt(cs, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int nd = 0;
    socklen_t ol = sizeof nd;
    getsockopt(cs, IPPROTO_TCP, TCP_NODELAY, &nd, &ol);
    printf("nodelay=%d\n", nd != 0);
    const char *msg = "echo me over TCP";
    send(cs, msg, strlen(msg), 0);
    char buf[256] = {0};
    size_t got = 0;
    while (got < strlen(msg)) {
        ssize_t n = recv(cs, buf + got, sizeof buf - 1 - got, 0);
        if (n <= 0) break;
        got += n;
    }
    printf("tcp echo: %s\n", buf);
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    getpeername(cs, (struct sockaddr *) &peer, &pl);
    printf("peer port matches: %d\n", peer.sin_port == addr.sin_port);
    shutdown(cs, SHUT_WR);
    printf("eof after shutdown: %zd\n", recv(cs, buf, sizeof buf, 0));
    close(cs);
    int st;
    waitpid(srv, &st, 0);
    printf("server exit: %d\n", WEXITSTATUS(st));

    /* UDP with sendto/recvfrom */
    int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ua = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(u1, (struct sockaddr *) &ua, sizeof ua);
    al = sizeof ua;
    getsockname(u1, (struct sockaddr *) &ua, &al);
    sendto(u2, "datagram", 8, 0, (struct sockaddr *) &ua, sizeof ua);
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    memset(buf, 0, sizeof buf);
    ssize_t un = recvfrom(u1, buf, sizeof buf, 0, (struct sockaddr *) &from, &fl);
    printf("udp: %zd %s from_loopback=%d\n", un, buf, from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));

    /* socketpair + SCM_RIGHTS to a child, which reads a file through the passed descriptor */
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    char path[] = "/tmp/jemu-sock-test-XXXXXX";
    int tmp = mkstemp(path);
    (void) !write(tmp, "passed file contents", 20);
    lseek(tmp, 0, SEEK_SET);
    pid_t ch = fork();
    if (ch == 0) {
        close(sv[0]);
        int fd = recv_fd(sv[1]);
        char b2[64] = {0};
        ssize_t r = read(fd, b2, sizeof b2 - 1);
        printf("child read %zd: %s\n", r, b2);
        _exit(fd >= 0 ? 0 : 1);
    }
    close(sv[1]);
    int sent = send_fd(sv[0], tmp);
    waitpid(ch, &st, 0);
    printf("sent fd: %d\n", sent);
    printf("fd child: %d\n", WEXITSTATUS(st));
    close(tmp);
    unlink(path);

    /* a Unix stream socket at a relative path, after chdir */
    char dir[] = "/tmp/jemu-sockdir-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir)) return 3;
    int us = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    strcpy(sun.sun_path, "rel.sock");
    printf("bind relative: %d\n", bind(us, (struct sockaddr *) &sun, sizeof sun));
    struct stat sb;
    printf("socket file in cwd: %d\n", stat("rel.sock", &sb) == 0 && S_ISSOCK(sb.st_mode));
    listen(us, 1);
    int uc = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("connect relative: %d\n", connect(uc, (struct sockaddr *) &sun, sizeof sun));
    int ua2 = accept(us, NULL, NULL);
    (void) !write(uc, "unix", 4);
    memset(buf, 0, sizeof buf);
    (void) !read(ua2, buf, 4);
    printf("unix stream: %s\n", buf);
    unlink("rel.sock");
    if (chdir("/")) return 4;
    rmdir(dir);

    /* writing to a socket whose peer is gone: EPIPE and SIGPIPE (ignored here), MSG_NOSIGNAL */
    signal(SIGPIPE, SIG_IGN);
    int p2[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, p2);
    close(p2[1]);
    ssize_t sr = send(p2[0], "x", 1, MSG_NOSIGNAL);
    int e = errno;
    printf("send to closed: %zd %s\n", sr, strerror(e));
    sr = write(p2[0], "x", 1);
    e = errno;
    printf("write to closed: %zd %s\n", sr, strerror(e));
    signal(SIGPIPE, SIG_DFL);
    pid_t pp = fork();
    if (pp == 0) {
        (void) !write(p2[0], "x", 1);
        _exit(0);
    }
    waitpid(pp, &st, 0);
    printf("sigpipe child: signaled=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));
    return 0;
}
