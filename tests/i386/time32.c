/* Time system calls of the i386 ABI, 32-bit time_t (raw) and the *_time64 ones glibc prefers. Prints facts
 * that hold in any run (consistency between clocks, sleeps lasting long enough, fixed resolutions). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static long S6(long nr, long a, long b, long c, long d) {
    long r = syscall(nr, a, b, c, d);
    return r < 0 ? -errno : r;
}
#define S(nr, a, b, c, d) S6(nr, (long)(a), (long)(b), (long)(c), (long)(d))

struct ts32 { int32_t sec, nsec; };
struct ts64 { int64_t sec; int32_t nsec, pad; };
struct tv32 { int32_t sec, usec; };

static int64_t mono_ns(void) {
    struct ts64 t;
    S(SYS_clock_gettime64, CLOCK_MONOTONIC, &t, 0, 0);
    return t.sec * 1000000000LL + t.nsec;
}

int main(void) {
    int32_t tl = 0;
    long t = S(SYS_time, &tl, 0, 0, 0);
    printf("time %d\n", t > 1600000000 && t == tl);
    printf("time-null %d\n", S(SYS_time, 0, 0, 0, 0) >= t);

    struct tv32 tv = {0, 0};
    int32_t tz[2] = {-1, -1};
    long r = S(SYS_gettimeofday, &tv, tz, 0, 0);
    printf("gettimeofday %ld %d %d\n", r, tv.sec >= t && tv.sec <= t + 2, tv.usec >= 0 && tv.usec < 1000000);
    printf("gettimeofday-tz %d %d\n", tz[0] != -1 || tz[1] != -1 || 1, S(SYS_gettimeofday, 0, 0, 0, 0) == 0);

    struct ts32 a;
    struct ts64 b;
    memset(&b, 0x55, sizeof b);
    r = S(SYS_clock_gettime, CLOCK_REALTIME, &a, 0, 0);
    long r64 = S(SYS_clock_gettime64, CLOCK_REALTIME, &b, 0, 0);
    printf("clock_gettime %ld %ld %d %d pad=%x\n", r, r64, a.sec >= t && a.sec <= t + 2, b.sec >= a.sec && b.sec <= a.sec + 1, b.pad);
    printf("clock_gettime-einval %ld %ld\n", S(SYS_clock_gettime, 12345, &a, 0, 0), S(SYS_clock_gettime64, -9, &b, 0, 0));
    printf("clock_gettime-efault %ld\n", S(SYS_clock_gettime, CLOCK_MONOTONIC, 4, 0, 0));
    a.sec = a.nsec = -1;
    r = S(SYS_clock_getres, CLOCK_MONOTONIC, &a, 0, 0);
    printf("clock_getres %ld %d.%09d\n", r, a.sec, a.nsec);
    memset(&b, 0, sizeof b);
    r = S(SYS_clock_getres_time64, CLOCK_REALTIME, &b, 0, 0);
    printf("clock_getres_time64 %ld %lld.%09d\n", r, (long long)b.sec, b.nsec);
    printf("clock_getres-null %ld\n", S(SYS_clock_getres, CLOCK_MONOTONIC, 0, 0, 0));
    r = S(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, &a, 0, 0);
    printf("cputime %ld %d\n", r, a.sec >= 0 && a.nsec >= 0);

    /* sleeps: 32-bit nanosleep, clock_nanosleep, and the time64 one with garbage in the padding */
    int64_t t0 = mono_ns();
    struct ts32 req = {0, 20000000}, rem = {-1, -1};
    r = S(SYS_nanosleep, &req, &rem, 0, 0);
    int64_t t1 = mono_ns();
    printf("nanosleep %ld %d rem=%d,%d\n", r, t1 - t0 >= 20000000, rem.sec, rem.nsec);
    struct ts32 bad = {0, 1000000000};
    printf("nanosleep-einval %ld\n", S(SYS_nanosleep, &bad, 0, 0, 0));
    r = S(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, 0);
    int64_t t2 = mono_ns();
    printf("clock_nanosleep %ld %d\n", r, t2 - t1 >= 20000000);
    struct ts64 req64 = {0, 20000000, 0x7777};
    r = S(SYS_clock_nanosleep_time64, CLOCK_MONOTONIC, 0, &req64, 0);
    int64_t t3 = mono_ns();
    printf("clock_nanosleep_time64 %ld %d\n", r, t3 - t2 >= 20000000);
    struct ts64 abs;
    S(SYS_clock_gettime64, CLOCK_MONOTONIC, &abs, 0, 0);
    abs.nsec += 10000000;
    if (abs.nsec >= 1000000000) { abs.sec++; abs.nsec -= 1000000000; }
    abs.pad = -1;
    r = S(SYS_clock_nanosleep_time64, CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, 0);
    printf("clock_nanosleep-abs %ld %d\n", r, mono_ns() >= abs.sec * 1000000000LL + abs.nsec);

    /* libc's own */
    struct timespec lt;
    printf("libc clock_gettime %d\n", clock_gettime(CLOCK_REALTIME, &lt) == 0 && lt.tv_sec >= t);
    struct timeval ltv;
    printf("libc gettimeofday %d\n", gettimeofday(&ltv, NULL) == 0 && ltv.tv_sec >= t);
    printf("libc time %d\n", time(NULL) >= t);
    t0 = mono_ns();
    usleep(15000);
    printf("usleep %d\n", mono_ns() - t0 >= 15000000);

    /* times, getrusage, sysinfo */
    int32_t tms[4] = {-1, -1, -1, -1};
    r = S(SYS_times, tms, 0, 0, 0);
    printf("times %d %d %d\n", r != -1, tms[0] >= 0 && tms[1] >= 0, tms[2] >= 0 && tms[3] >= 0);
    int32_t ru[18];
    memset(ru, 0xff, sizeof ru);
    r = S(SYS_getrusage, RUSAGE_SELF, ru, 0, 0);
    printf("getrusage %ld %d %d maxrss>0=%d\n", r, ru[1] >= 0 && ru[1] < 1000000, ru[3] >= 0 && ru[3] < 1000000, ru[4] > 0);
    printf("getrusage-einval %ld\n", S(SYS_getrusage, 77, ru, 0, 0));
    struct {
        int32_t uptime; uint32_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
        uint16_t procs, pad; uint32_t totalhigh, freehigh, mem_unit; char f[8];
    } si;
    memset(&si, 0xee, sizeof si);
    r = S(SYS_sysinfo, &si, 0, 0, 0);
    printf("sysinfo %ld uptime>0=%d unit=%u totalMiB=%llu free<=total=%d high=%u,%u f=%02x\n", r, si.uptime > 0,
           si.mem_unit, (unsigned long long)si.totalram * si.mem_unit >> 20, si.freeram <= si.totalram,
           si.totalhigh, si.freehigh, (unsigned char)si.f[0]);
    return 0;
}
