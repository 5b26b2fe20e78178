/* Waiting for descriptors in the i386 ABI: the old select (argument block), _newselect with a 32-bit
 * timeval, pselect6 and ppoll with 32- and 64-bit timespecs, poll; ready sets and updated timeouts. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long S(long nr, long a, long b, long c, long d, long e, long f) {
    long r = syscall(nr, a, b, c, d, e, f);
    return r < 0 ? -errno : r;
}

struct tv32 { int32_t sec, usec; };
struct ts32 { int32_t sec, nsec; };
struct ts64 { int64_t sec; int32_t nsec, pad; };

static int64_t now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void show(const char *what, long r, fd_set *rd, fd_set *wr, int n) {
    printf("%s %ld:", what, r);
    for (int fd = 0; fd < n; fd++) {
        if (rd && FD_ISSET(fd, rd)) printf(" r%d", fd);
        if (wr && FD_ISSET(fd, wr)) printf(" w%d", fd);
    }
    printf("\n");
}

int main(void) {
    int p[2], q[2];
    pipe(p);
    pipe(q);
    write(p[1], "x", 1);
    int n = (q[1] > p[1] ? q[1] : p[1]) + 1;
    fd_set rd, wr;

    FD_ZERO(&rd); FD_ZERO(&wr);
    FD_SET(p[0], &rd); FD_SET(q[0], &rd); FD_SET(q[1], &wr);
    struct tv32 tv = {5, 0};
    long r = S(SYS__newselect, n, (long)&rd, (long)&wr, 0, (long)&tv, 0);
    show("_newselect", r, &rd, &wr, n);
    printf("  timeout left=%d\n", tv.sec == 4 || tv.sec == 5);

    FD_ZERO(&rd);
    FD_SET(q[0], &rd);
    tv.sec = 0; tv.usec = 30000;
    int64_t t0 = now();
    r = S(SYS__newselect, n, (long)&rd, 0, 0, (long)&tv, 0);
    show("_newselect-timeout", r, &rd, 0, n);
    printf("  waited=%d left=%d,%d\n", now() - t0 >= 30000000, tv.sec, tv.usec);

    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct { uint32_t n, inp, outp, exp, tvp; } args = {n, (uintptr_t)&rd, 0, 0, 0};
    r = S(SYS_select, (long)&args, 0, 0, 0, 0, 0);
    show("old select", r, &rd, 0, n);

    FD_ZERO(&rd);
    FD_SET(40, &rd);
    r = S(SYS__newselect, 41, (long)&rd, 0, 0, (long)&tv, 0);
    printf("select-ebadf %ld\n", r);
    tv.sec = -1; /* plus the carried second: a zero timeout */
    tv.usec = 1000000;
    printf("select-usec-carry %ld\n", S(SYS__newselect, 1, 0, 0, 0, (long)&tv, 0));
    tv.usec = -1;
    printf("select-einval %ld\n", S(SYS__newselect, 1, 0, 0, 0, (long)&tv, 0));
    struct ts32 badts = {0, 1000000000};
    printf("pselect-einval %ld\n", S(SYS_pselect6, 1, 0, 0, 0, (long)&badts, 0));
    printf("select-neg %ld\n", S(SYS__newselect, -1, 0, 0, 0, 0, 0));

    FD_ZERO(&rd); FD_ZERO(&wr);
    FD_SET(p[0], &rd); FD_SET(p[1], &wr); FD_SET(q[0], &rd);
    struct ts32 ts = {1, 0};
    r = S(SYS_pselect6, n, (long)&rd, (long)&wr, 0, (long)&ts, 0);
    show("pselect6", r, &rd, &wr, n);
    FD_ZERO(&rd);
    FD_SET(q[0], &rd);
    struct ts64 ts64 = {0, 20000000, 0x1234};
    t0 = now();
    r = S(SYS_pselect6_time64, n, (long)&rd, 0, 0, (long)&ts64, 0);
    show("pselect6_time64-timeout", r, &rd, 0, n);
    printf("  waited=%d left=%lld,%d\n", now() - t0 >= 20000000, (long long)ts64.sec, ts64.nsec);

    struct pollfd pf[3] = {{p[0], POLLIN, -1}, {q[0], POLLIN, -1}, {77, POLLIN, -1}};
    r = S(SYS_poll, (long)pf, 3, 100, 0, 0, 0);
    printf("poll %ld %x %x %x\n", r, pf[0].revents, pf[1].revents, pf[2].revents);
    struct ts32 pts = {0, 10000000};
    pf[2].fd = -1;
    r = S(SYS_ppoll, (long)pf, 3, (long)&pts, 0, 8, 0);
    printf("ppoll %ld %x %x %x\n", r, pf[0].revents, pf[1].revents, pf[2].revents);
    struct ts64 pts64 = {0, 10000000, -1};
    pf[0].fd = q[0];
    t0 = now();
    r = S(SYS_ppoll_time64, (long)pf, 2, (long)&pts64, 0, 8, 0);
    printf("ppoll_time64 %ld %x %x waited=%d\n", r, pf[0].revents, pf[1].revents, now() - t0 >= 10000000);
    close(q[1]);
    r = S(SYS_poll, (long)pf, 1, 0, 0, 0, 0);
    printf("poll-hup %ld %x\n", r, pf[0].revents);
    FD_ZERO(&rd);
    FD_SET(q[0], &rd);
    r = S(SYS__newselect, n, (long)&rd, 0, 0, 0, 0);
    show("select-hup-readable", r, &rd, 0, n);

    /* libc */
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct timeval ltv = {1, 0};
    r = select(n, &rd, NULL, NULL, &ltv);
    show("libc select", r, &rd, 0, n);
    struct pollfd lp = {p[0], POLLIN, 0};
    r = poll(&lp, 1, 0);
    printf("libc poll %ld %x\n", r, lp.revents);
    struct timespec lts = {0, 1000};
    lp.revents = 0;
    r = ppoll(&lp, 1, &lts, NULL);
    printf("libc ppoll %ld %x\n", r, lp.revents);
    return 0;
}
