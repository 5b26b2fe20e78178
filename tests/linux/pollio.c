/* Waiting on descriptors: select, pselect, poll, ppoll and epoll on pipes; eventfd, timerfd and signalfd;
   splice/tee, memfd and close_range. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int a[2], b[2];
    if (pipe(a) || pipe(b)) return 1;

    /* select: nothing readable, then one pipe readable; write ends writable */
    fd_set rs, ws;
    FD_ZERO(&rs);
    FD_SET(a[0], &rs);
    FD_SET(b[0], &rs);
    struct timeval tv = {0, 10000};
    int n = select(b[0] + 1, &rs, NULL, NULL, &tv);
    printf("select empty: %d timeout_left=%ld\n", n, (long) tv.tv_sec + tv.tv_usec);
    (void) !write(b[1], "b", 1);
    FD_ZERO(&rs);
    FD_SET(a[0], &rs);
    FD_SET(b[0], &rs);
    FD_ZERO(&ws);
    FD_SET(a[1], &ws);
    n = select(b[1] + 1, &rs, &ws, NULL, NULL);
    printf("select: %d a_r=%d b_r=%d a_w=%d\n", n, FD_ISSET(a[0], &rs), FD_ISSET(b[0], &rs), FD_ISSET(a[1], &ws));
    close(77);
    FD_ZERO(&rs);
    FD_SET(77, &rs);
    tv.tv_sec = 0;
    tv.tv_usec = 0;
    n = select(78, &rs, NULL, NULL, &tv);
    int e = errno;
    printf("select bad fd: %d %s\n", n, strerror(e));

    /* pselect with a signal mask */
    sigset_t none;
    sigemptyset(&none);
    struct timespec ts = {0, 1000000};
    FD_ZERO(&rs);
    FD_SET(b[0], &rs);
    n = pselect(b[0] + 1, &rs, NULL, NULL, &ts, &none);
    printf("pselect: %d\n", n);

    /* poll: POLLIN, POLLHUP after the writer closes, POLLNVAL for a closed fd */
    close(99);
    struct pollfd p[3] = {{a[0], POLLIN, 0}, {b[0], POLLIN, 0}, {99, POLLIN, 0}};
    n = poll(p, 3, 0);
    printf("poll: %d %x %x %x\n", n, p[0].revents, p[1].revents, p[2].revents);
    char c;
    (void) !read(b[0], &c, 1);
    close(b[1]);
    n = poll(&p[1], 1, 1000);
    printf("poll hup: %d %x\n", n, p[1].revents);
    n = ppoll(p, 1, &ts, NULL);
    printf("ppoll timeout: %d\n", n);

    /* epoll: level-triggered and edge-triggered, data passes through */
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, a[0], &ev);
    struct epoll_event out[4];
    n = epoll_wait(ep, out, 4, 10);
    printf("epoll empty: %d\n", n);
    (void) !write(a[1], "xy", 2);
    n = epoll_wait(ep, out, 4, 1000);
    printf("epoll: %d events=%x data=%llx\n", n, out[0].events, (unsigned long long) out[0].data.u64);
    n = epoll_wait(ep, out, 4, 0);
    printf("epoll level again: %d\n", n);
    ev.events = EPOLLIN | EPOLLET;
    ev.data.fd = a[0];
    epoll_ctl(ep, EPOLL_CTL_MOD, a[0], &ev);
    n = epoll_wait(ep, out, 4, 0);
    int n2 = epoll_wait(ep, out, 4, 0);
    printf("epoll edge: %d then %d fd_ok=%d\n", n, n2, out[0].data.fd == a[0]);
    close(98);
    n = epoll_ctl(ep, EPOLL_CTL_ADD, 98, &ev);
    e = errno;
    printf("epoll ctl bad: %d %s\n", n, strerror(e));
    char buf[16];
    (void) !read(a[0], buf, 2);

    /* eventfd */
    int efd = eventfd(3, EFD_NONBLOCK);
    uint64_t v = 0;
    (void) !read(efd, &v, 8);
    printf("eventfd: %llu\n", (unsigned long long) v);
    ssize_t rr = read(efd, &v, 8);
    e = errno;
    printf("eventfd empty: %zd %s\n", rr, strerror(e));
    v = 5;
    (void) !write(efd, &v, 8);
    ev.events = EPOLLIN;
    ev.data.u32 = 42;
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
    n = epoll_wait(ep, out, 4, 1000);
    printf("epoll eventfd: %d data=%u\n", n, out[0].data.u32);

    /* timerfd */
    int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = {{0, 0}, {0, 20000000}};
    timerfd_settime(tfd, 0, &its, NULL);
    uint64_t exp = 0;
    (void) !read(tfd, &exp, 8);
    printf("timerfd expirations: %llu\n", (unsigned long long) exp);
    struct itimerspec cur;
    timerfd_gettime(tfd, &cur);
    printf("timerfd disarmed: %ld\n", (long) cur.it_value.tv_nsec);

    /* signalfd */
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, NULL);
    int sfd = signalfd(-1, &m, SFD_NONBLOCK);
    struct signalfd_siginfo ssi;
    rr = read(sfd, &ssi, sizeof ssi);
    e = errno;
    printf("signalfd empty: %zd %s\n", rr, strerror(e));
    kill(getpid(), SIGUSR1);
    struct pollfd sp = {sfd, POLLIN, 0};
    printf("signalfd poll: %d\n", poll(&sp, 1, 1000));
    ssize_t sr = read(sfd, &ssi, sizeof ssi);
    printf("signalfd: %zd signo=%u code=%d pid_ok=%d\n", sr, ssi.ssi_signo, ssi.ssi_code, ssi.ssi_pid == (uint32_t) getpid());
    printf("signalfd poll after: %d\n", poll(&sp, 1, 0));

    /* splice and tee through pipes, memfd */
    int c1[2], c2[2];
    if (pipe(c1) || pipe(c2)) return 1;
    (void) !write(c1[1], "spliced!", 8);
    printf("tee: %zd\n", tee(c1[0], c2[1], 8, 0));
    printf("splice: %zd\n", splice(c1[0], NULL, c2[1], NULL, 8, 0));
    memset(buf, 0, sizeof buf);
    printf("read back: %zd %s\n", read(c2[0], buf, 16), buf);
    int mfd = memfd_create("test", MFD_CLOEXEC);
    (void) !write(mfd, "memfd data", 10);
    char *map = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, mfd, 0);
    printf("memfd mapped: %.10s cloexec=%d\n", map, fcntl(mfd, F_GETFD));

    /* close_range */
    int hi = dup2(a[0], 50);
    dup2(a[0], 51);
    printf("close_range: %d\n", close_range(50, 60, 0));
    printf("closed: %d %d\n", fcntl(hi, F_GETFD), fcntl(51, F_GETFD));
    printf("fd still there: %d\n", fcntl(a[0], F_GETFD) >= 0);

    /* a pipe to a child: select sees EOF when it exits */
    int pc[2];
    if (pipe(pc)) return 1;
    pid_t pid = fork();
    if (pid == 0) {
        close(pc[0]);
        usleep(50000);
        (void) !write(pc[1], "z", 1);
        _exit(0);
    }
    close(pc[1]);
    int got = 0;
    for (;;) {
        FD_ZERO(&rs);
        FD_SET(pc[0], &rs);
        if (select(pc[0] + 1, &rs, NULL, NULL, NULL) < 0) break;
        if (read(pc[0], &c, 1) <= 0) break;
        got++;
    }
    waitpid(pid, NULL, 0);
    printf("child pipe bytes: %d\n", got);
    return 0;
}
