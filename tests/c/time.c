/* Time without timing-dependent output: clocks only compared (monotonic never goes back, sleeps
 * last at least as asked, realtime agrees with time() and gettimeofday), clock_getres, and
 * calendar conversions of fixed timestamps (gmtime/timegm/mktime/strftime/strptime) under POSIX TZ
 * strings, which need no zoneinfo files. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
    struct timespec a, b, r;
    int mono_ok = 1;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < 10000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (ns(b) < ns(a)) mono_ok = 0;
        a = b;
    }
    printf("monotonic never decreases: %d\n", mono_ok);
    static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
                                    CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE};
    for (unsigned i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        int rc1 = clock_gettime(ids[i], &a), rc2 = clock_getres(ids[i], &r);
        printf("clock %d: gettime=%d getres=%d res<=10ms=%d positive=%d\n", (int)ids[i], rc1, rc2, ns(r) <= 10000000,
               ns(a) > 0);
    }
    /* nanosleep and clock_nanosleep last at least the requested time */
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec req = {0, 20 * 1000000};
    nanosleep(&req, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("nanosleep 20ms >= 20ms: %d\n", ns(b) - ns(a) >= 20000000);
    struct timespec abs_ = b;
    abs_.tv_nsec += 15000000;
    if (abs_.tv_nsec >= 1000000000) abs_.tv_sec++, abs_.tv_nsec -= 1000000000;
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs_, NULL);
    clock_gettime(CLOCK_MONOTONIC, &a);
    printf("clock_nanosleep absolute reached: %d\n", ns(a) >= ns(abs_));
    usleep(10000);
    /* realtime sources agree within a second */
    struct timeval tv;
    gettimeofday(&tv, NULL);
    time_t t = time(NULL);
    clock_gettime(CLOCK_REALTIME, &a);
    printf("time/gettimeofday/realtime agree: %d %d after 2020: %d\n", labs(tv.tv_sec - t) <= 1, labs(a.tv_sec - t) <= 1,
           t > 1577836800);
    /* CPU time is consumed by a busy loop */
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < 2000000; i++) x += i;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    struct tms tm_;
    clock_t ticks = times(&tm_);
    printf("cputime grew: %d rusage sane: %d times ok: %d clock() ok: %d\n", ns(c1) > ns(c0), ru.ru_utime.tv_sec >= 0,
           ticks != (clock_t)-1, clock() >= 0);
    /* a child's CPU time reaches its parent through wait4 and RUSAGE_CHILDREN */
    pid_t child = fork();
    if (child == 0) {
        struct timespec s0, s1;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &s0);
        do {
            for (unsigned long i = 0; i < 100000; i++) x += i;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &s1);
        } while (ns(s1) - ns(s0) < 50000000);
        _exit(0);
    }
    int wst;
    struct rusage cru, allc;
    wait4(child, &wst, 0, &cru);
    getrusage(RUSAGE_CHILDREN, &allc);
    long long cus = (cru.ru_utime.tv_sec + cru.ru_stime.tv_sec) * 1000000LL + cru.ru_utime.tv_usec + cru.ru_stime.tv_usec;
    long long aus = (allc.ru_utime.tv_sec + allc.ru_stime.tv_sec) * 1000000LL + allc.ru_utime.tv_usec + allc.ru_stime.tv_usec;
    printf("child's 50 ms of cpu seen by wait4: %d by RUSAGE_CHILDREN: %d\n", cus >= 25000, aus >= 25000);

    /* calendar conversions of fixed instants */
    static const long long stamps[] = {0, 951782400, 1000000000, 1234567890, 1700000000, 2147483647, -1, -86400 * 365LL * 70,
                                    4102444800LL};
    static const char *zones[] = {"UTC0", "EST5EDT,M3.2.0,M11.1.0", "CET-1CEST,M3.5.0,M10.5.0/3", "<+0530>-5:30",
                                  "NZST-12NZDT,M9.5.0,M4.1.0/3"};
    for (unsigned z = 0; z < sizeof zones / sizeof zones[0]; z++) {
        setenv("TZ", zones[z], 1);
        tzset();
        printf("TZ=%s tzname=%s/%s\n", zones[z], tzname[0], tzname[1]);
        for (unsigned i = 0; i < sizeof stamps / sizeof stamps[0]; i++) {
            time_t s = (time_t)stamps[i];
            if (sizeof(time_t) == 4 && (stamps[i] > 2147483647LL || stamps[i] < -2147483647LL - 1)) continue;
            struct tm lt, gt;
            localtime_r(&s, &lt);
            gmtime_r(&s, &gt);
            char b1[128], b2[128];
            strftime(b1, sizeof b1, "%Y-%m-%d %H:%M:%S %Z %z %a %b %j %U %W %u %G-W%V", &lt);
            strftime(b2, sizeof b2, "%c | %x %X | %D %T %e %I %p", &gt);
            time_t back = mktime(&lt), gback = timegm(&gt);
            printf("  %lld: %s | %s | back=%d gback=%d dst=%d\n", (long long)s, b1, b2, back == s, gback == s, lt.tm_isdst);
        }
    }
    setenv("TZ", "UTC0", 1);
    tzset();
    /* normalisation by mktime */
    struct tm n = {.tm_year = 100, .tm_mon = 13, .tm_mday = 32, .tm_hour = 25, .tm_min = 61, .tm_sec = 61, .tm_isdst = 0};
    time_t nt = mktime(&n);
    char nb[64];
    strftime(nb, sizeof nb, "%F %T", &n);
    printf("normalised %s %lld\n", nb, (long long)nt);
    struct tm p;
    memset(&p, 0, sizeof p);
    char *end = strptime("2024-02-29 13:45:07", "%Y-%m-%d %H:%M:%S", &p);
    printf("strptime rest=%d %d-%d-%d %d:%d:%d wday=%d\n", end ? (int)strlen(end) : -1, p.tm_year + 1900, p.tm_mon + 1,
           p.tm_mday, p.tm_hour, p.tm_min, p.tm_sec, (int)(timegm(&p) / 86400 + 4) % 7);
    char ct[32];
    time_t fixed = 1234567890;
    printf("asctime %s", asctime_r(gmtime(&fixed), ct));
    printf("difftime %.1f\n", difftime(2000000000, 1000000000));
    return 0;
}
