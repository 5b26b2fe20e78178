/* Identity, limits and system information in the i386 ABI: the 16-bit uid calls beside the 32-bit ones,
 * getrlimit (old, clamped), ugetrlimit, setrlimit, prlimit64, uname and olduname, prctl, and the signal-mask
 * calls of the old ABI (sigprocmask with a 32-bit set, sgetmask/ssetmask, sigaction/signal). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static long S(long nr, long a, long b, long c, long d) {
    long r = syscall(nr, a, b, c, d);
    return r < 0 && r > -4096 ? -errno : r;
}

static void handler(int s) { (void)s; }

/* printf whose first value is a call made before the other values are read */
#define P(fmt, call, ...) do { long r_ = (call); printf(fmt, r_, __VA_ARGS__); } while (0)

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("getuid16==getuid32 %d\n", S(SYS_getuid, 0, 0, 0, 0) == (S(SYS_getuid32, 0, 0, 0, 0) & 0xffff));
    printf("getgid16==getgid32 %d\n", S(SYS_getgid, 0, 0, 0, 0) == (S(SYS_getgid32, 0, 0, 0, 0) & 0xffff));
    printf("geteuid %d getegid %d\n", S(SYS_geteuid, 0, 0, 0, 0) == S(SYS_geteuid32, 0, 0, 0, 0),
           S(SYS_getegid, 0, 0, 0, 0) == S(SYS_getegid32, 0, 0, 0, 0));
    uint16_t r16[3] = {1, 1, 1};
    uint32_t r32[3] = {1, 1, 1};
    long r = S(SYS_getresuid, (long)&r16[0], (long)&r16[1], (long)&r16[2], 0);
    S(SYS_getresuid32, (long)&r32[0], (long)&r32[1], (long)&r32[2], 0);
    printf("getresuid %ld %d\n", r, r16[0] == (r32[0] & 0xffff) && r16[2] == (r32[2] & 0xffff));
    r = S(SYS_getresgid, (long)&r16[0], (long)&r16[1], (long)&r16[2], 0);
    S(SYS_getresgid32, (long)&r32[0], (long)&r32[1], (long)&r32[2], 0);
    printf("getresgid %ld %d\n", r, r16[1] == (r32[1] & 0xffff));
    long ng = S(SYS_getgroups, 0, 0, 0, 0), ng32 = S(SYS_getgroups32, 0, 0, 0, 0);
    uint16_t g16[64];
    uint32_t g32[64];
    printf("getgroups %d %ld\n", ng == ng32, S(SYS_getgroups, 64, (long)g16, 0, 0) - S(SYS_getgroups32, 64, (long)g32, 0, 0));
    printf("setuid-same %ld %ld\n", S(SYS_setuid, S(SYS_getuid, 0, 0, 0, 0), 0, 0, 0), S(SYS_setuid32, getuid(), 0, 0, 0));
    printf("setreuid-nochange %ld\n", S(SYS_setreuid, 0xffff, 0xffff, 0, 0));
    printf("setresgid-nochange %ld\n", S(SYS_setresgid, 0xffff, 0xffff, 0xffff, 0));
    printf("setfsuid %d\n", S(SYS_setfsuid, 0xffff, 0, 0, 0) == (long)(getuid() & 0xffff));

    uint32_t lim[2];
    int res[] = {RLIMIT_NOFILE, RLIMIT_STACK, RLIMIT_AS, RLIMIT_CORE, RLIMIT_DATA};
    for (int k = 0; k < 5; k++) {
        struct rlimit64 l64;
        S(SYS_prlimit64, 0, res[k], 0, (long)&l64);
        r = S(SYS_ugetrlimit, res[k], (long)lim, 0, 0);
        printf("ugetrlimit %d %ld cur=%d max=%d", res[k], r,
               lim[0] == (l64.rlim_cur > 0xffffffffULL ? 0xffffffffu : (uint32_t)l64.rlim_cur),
               lim[1] == (l64.rlim_max > 0xffffffffULL ? 0xffffffffu : (uint32_t)l64.rlim_max));
        r = S(SYS_getrlimit, res[k], (long)lim, 0, 0);
        printf(" old %ld cur=%d max=%d\n", r,
               lim[0] == (l64.rlim_cur > 0x7fffffffULL ? 0x7fffffffu : (uint32_t)l64.rlim_cur),
               lim[1] == (l64.rlim_max > 0x7fffffffULL ? 0x7fffffffu : (uint32_t)l64.rlim_max));
    }
    S(SYS_ugetrlimit, RLIMIT_CORE, (long)lim, 0, 0);
    uint32_t core0 = lim[0];
    lim[0] = 0;
    printf("setrlimit %ld\n", S(SYS_setrlimit, RLIMIT_CORE, (long)lim, 0, 0));
    S(SYS_ugetrlimit, RLIMIT_CORE, (long)lim, 0, 0);
    printf("core now %u\n", lim[0]);
    lim[0] = core0;
    S(SYS_setrlimit, RLIMIT_CORE, (long)lim, 0, 0);
    printf("getrlimit-einval %ld\n", S(SYS_ugetrlimit, 99, (long)lim, 0, 0));

    struct utsname u;
    P("uname %ld sysname=%s\n", S(SYS_uname, (long)&u, 0, 0, 0), u.sysname);
    char old[5][65];
    memset(old, 'x', sizeof old);
    r = S(SYS_olduname, (long)old, 0, 0, 0);
    printf("olduname %ld %s same-release=%d\n", r, old[0], strcmp(old[2], u.release) == 0);
    printf("arch_prctl %ld\n", S(384, 0x1002, 0, 0, 0));
    char nm[16] = {0};
    prctl(PR_SET_NAME, "misc32-test");
    prctl(PR_GET_NAME, nm);
    printf("prctl name %s\n", nm);
    printf("personality %ld\n", S(SYS_personality, 0xffffffff, 0, 0, 0) & 0xff);

    /* signal masks */
    uint32_t set = 1u << (SIGUSR1 - 1) | 1u << (SIGKILL - 1), oset = 7;
    r = S(SYS_sigprocmask, SIG_BLOCK, (long)&set, (long)&oset, 0);
    printf("sigprocmask %ld old=%x\n", r, oset);
    uint64_t full = 0;
    S(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)&full, 8);
    printf("rt mask=%llx\n", (unsigned long long)full);
    uint64_t hi = 1ULL << (40 - 1);
    S(SYS_rt_sigprocmask, SIG_BLOCK, (long)&hi, 0, 8);
    set = 1u << (SIGUSR2 - 1);
    S(SYS_sigprocmask, SIG_SETMASK, (long)&set, 0, 0);
    S(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)&full, 8);
    printf("setmask keeps high: %llx\n", (unsigned long long)full);
    printf("sgetmask %lx\n", S(SYS_sgetmask, 0, 0, 0, 0));
    printf("ssetmask %lx\n", S(SYS_ssetmask, 1 << (SIGINT - 1), 0, 0, 0));
    S(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)&full, 8);
    printf("after ssetmask %llx\n", (unsigned long long)full);
    printf("sigprocmask-einval %ld\n", S(SYS_sigprocmask, 9, (long)&set, 0, 0));
    uint32_t pend = 5;
    P("sigpending %ld %x\n", S(SYS_sigpending, (long)&pend, 0, 0, 0), pend);

    struct { uint32_t handler, flags, restorer; uint32_t mask[2]; } ka = {(uintptr_t)handler, SA_RESTART, 0, {1 << 3, 1}}, ko;
    memset(&ko, 0xcc, sizeof ko);
    r = S(SYS_rt_sigaction, SIGUSR1, (long)&ka, (long)&ko, 8);
    printf("rt_sigaction %ld old=%x,%x,%x,%x,%x\n", r, ko.handler, ko.flags, ko.restorer, ko.mask[0], ko.mask[1]);
    r = S(SYS_rt_sigaction, SIGUSR1, 0, (long)&ko, 8);
    printf("rt_sigaction get %ld same=%d flags=%x mask=%x,%x\n", r, ko.handler == ka.handler, ko.flags, ko.mask[0], ko.mask[1]);
    printf("rt_sigaction-size %ld\n", S(SYS_rt_sigaction, SIGUSR1, 0, (long)&ko, 4));
    printf("rt_sigaction-kill %ld\n", S(SYS_rt_sigaction, SIGKILL, (long)&ka, 0, 8));
    struct { uint32_t handler, mask, flags, restorer; } oa = {1, 1 << 4, SA_NODEFER, 0}, oo;
    memset(&oo, 0xcc, sizeof oo);
    r = S(SYS_sigaction, SIGUSR2, (long)&oa, (long)&oo, 0);
    printf("sigaction %ld old=%x,%x,%x,%x\n", r, oo.handler, oo.mask, oo.flags, oo.restorer);
    r = S(SYS_sigaction, SIGUSR2, 0, (long)&oo, 0);
    printf("sigaction get %ld %x,%x,%x\n", r, oo.handler, oo.mask, oo.flags);
    r = S(SYS_signal, SIGUSR2, (long)handler, 0, 0);
    printf("signal %ld\n", r);
    r = S(SYS_rt_sigaction, SIGUSR2, 0, (long)&ko, 8);
    printf("after signal same=%d flags=%x\n", ko.handler == (uintptr_t)handler, ko.flags);
    struct { uint32_t sp; int32_t flags; uint32_t size; } ss = {5, 5, 5};
    r = S(SYS_sigaltstack, 0, (long)&ss, 0, 0);
    printf("sigaltstack %ld flags=%d size=%u\n", r, ss.flags, ss.size);
    return 0;
}
