// args: alpha --beta=2 "" last
/* Process facts that must be the same under emulation: argv/environment passing, the auxiliary
 * vector (page size, AT_RANDOM, AT_EXECFN), /proc/self/exe, cmdline and maps as the program
 * sees them, ids, rlimits, umask, uname's sysname, getrandom, prctl names, sysconf, and a
 * varargs-heavy call. Nothing host- or time-specific is printed, only comparisons. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

static double vsum(int n, ...) {
    va_list ap;
    va_start(ap, n);
    double s = 0;
    for (int i = 0; i < n; i++) {
        if (i % 3 == 0) s += va_arg(ap, int);
        else if (i % 3 == 1) s += va_arg(ap, double);
        else s += (double)va_arg(ap, long long);
    }
    va_end(ap);
    return s;
}

static size_t slurp(const char *path, char *buf, size_t cap) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    size_t n = 0;
    ssize_t r;
    while (n < cap - 1 && (r = read(fd, buf + n, cap - 1 - n)) > 0) n += (size_t)r;
    close(fd);
    buf[n] = 0;
    return n;
}

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++) printf("argv[%d]=[%s]\n", i, argv[i]);
    const char *v = getenv("DIFFTEST_ENV");
    printf("DIFFTEST_ENV=%s\n", v ? v : "(unset)");
    int nenv = 0;
    for (char **e = environ; *e; e++) nenv++;
    printf("has environment=%d\n", nenv > 0);

    printf("AT_PAGESZ=%lu AT_SECURE=%lu AT_RANDOM set=%d AT_PHDR set=%d AT_ENTRY set=%d\n", getauxval(AT_PAGESZ), getauxval(AT_SECURE),
           getauxval(AT_RANDOM) != 0, getauxval(AT_PHDR) != 0, getauxval(AT_ENTRY) != 0);
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    printf("AT_EXECFN==argv[0]: %d\n", execfn && strcmp(execfn, argv[0]) == 0);
    printf("AT_UID/EUID match: %d %d\n", getauxval(AT_UID) == getuid(), getauxval(AT_EUID) == geteuid());

    char exe[PATH_MAX] = {0}, *real = realpath(argv[0], NULL);
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    printf("/proc/self/exe is the program: %d\n", n > 0 && real && strcmp(exe, real) == 0);
    static char buf[1 << 16];
    size_t len = slurp("/proc/self/cmdline", buf, sizeof buf);
    size_t want = 0;
    for (int i = 0; i < argc; i++) want += strlen(argv[i]) + 1;
    printf("/proc/self/cmdline matches argv: %d\n", len == want && strcmp(buf, argv[0]) == 0);
    slurp("/proc/self/maps", buf, sizeof buf);
    printf("/proc/self/maps names the program: %d has [stack]: %d\n", real && strstr(buf, real) != NULL, strstr(buf, "[stack]") != NULL);
    free(real);

    printf("pid==getpid syscall: %d ppid>0: %d tid==pid: %d\n", getpid() == syscall(SYS_getpid), getppid() > 0, gettid() == getpid());
    printf("uid==euid: %d gid==egid: %d pgid ok: %d sid ok: %d\n", getuid() == geteuid(), getgid() == getegid(), getpgrp() > 0,
           getsid(0) > 0);
    struct rlimit rl, rl2;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl2 = rl;
    rl2.rlim_cur = rl.rlim_cur > 64 ? 64 : rl.rlim_cur;
    setrlimit(RLIMIT_NOFILE, &rl2);
    getrlimit(RLIMIT_NOFILE, &rl2);
    printf("rlimit nofile set to 64: %d\n", rl2.rlim_cur == 64 || rl.rlim_cur < 64);
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_STACK, &rl);
    printf("stack limit > 1MiB: %d\n", rl.rlim_cur > (1 << 20));
    mode_t old = umask(027);
    printf("umask roundtrip: %o\n", umask(old));
    struct utsname u;
    uname(&u);
    printf("sysname=%s\n", u.sysname);
    unsigned char rnd[32];
    printf("getrandom=%zd\n", getrandom(rnd, sizeof rnd, 0));
    prctl(PR_SET_NAME, "difftest-name");
    char name[17] = {0};
    prctl(PR_GET_NAME, name);
    printf("prctl name=%s\n", name);
    printf("sysconf pagesize=%ld nprocs>0=%d clk_tck=%ld open_max>0=%d\n", sysconf(_SC_PAGESIZE), sysconf(_SC_NPROCESSORS_ONLN) > 0,
           sysconf(_SC_CLK_TCK), sysconf(_SC_OPEN_MAX) > 0);
    char cwd[PATH_MAX];
    printf("getcwd ok=%d\n", getcwd(cwd, sizeof cwd) != NULL);
    printf("isatty(0)=%d\n", isatty(0));
    printf("vsum=%g\n", vsum(9, 1, 2.5, 3LL, 4, 5.5, 6LL, 7, 8.25, 1LL << 40));
    printf("unknown syscall: %ld\n", syscall(100000) == -1 ? -1L : 0L);
    return 0;
}
