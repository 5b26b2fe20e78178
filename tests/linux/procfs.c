/* /proc describes the guest process, not the emulator: stat, status, maps, auxv, exe, cwd, fd/N, cmdline,
   environ, comm, for the process itself, a thread and a child. Prints facts, not raw contents. */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

static char *slurp(const char *path, size_t *len) {
    static char buf[65536];
    int fd = open(path, O_RDONLY);
    if (fd < 0) return NULL;
    size_t n = 0;
    ssize_t r;
    while ((r = read(fd, buf + n, sizeof buf - 1 - n)) > 0) n += r;
    close(fd);
    buf[n] = 0;
    if (len) *len = n;
    return buf;
}

static void *thread_main(void *arg) {
    (void) arg;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", gettid());
    char *s = slurp(path, NULL);
    int tid = s ? atoi(s) : -1;
    printf("task stat names the thread: %d\n", tid == gettid());
    s = slurp("/proc/thread-self/status", NULL);
    char want[32];
    snprintf(want, sizeof want, "\nPid:\t%d\n", gettid());
    printf("thread-self status: %d\n", s && strstr(s, want) != NULL);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "waiting") == 0) return 0; /* the exec'd child */
    setvbuf(stdout, NULL, _IONBF, 0);
    char *s = slurp("/proc/self/stat", NULL);
    int pid, ppid, pgrp, sid;
    char comm[64], state;
    sscanf(s, "%d (%63[^)]) %c %d %d %d", &pid, comm, &state, &ppid, &pgrp, &sid);
    printf("stat: pid=%d ppid=%d pgrp=%d sid=%d state=%c comm=%s\n", pid == getpid(), ppid == getppid(),
           pgrp == getpgrp(), sid == getsid(0), state, comm);
    int fields = 1;
    for (char *p = strrchr(s, ')'); *p; p++) if (*p == ' ') fields++;
    printf("stat fields: %d\n", fields);

    s = slurp("/proc/self/status", NULL);
    char want[64];
    snprintf(want, sizeof want, "\nPid:\t%d\n", getpid());
    printf("status: name=%d pid=%d threads=%d\n", strncmp(s, "Name:\tprocfs\n", 13) == 0, strstr(s, want) != NULL,
           strstr(s, "\nThreads:\t1\n") != NULL);

    char exe[PATH_MAX] = {0}, real[PATH_MAX];
    readlink("/proc/self/exe", exe, sizeof exe - 1);
    realpath(argv[0], real);
    printf("exe is the program: %d\n", strcmp(exe, real) == 0);
    s = slurp("/proc/self/maps", NULL);
    char line[PATH_MAX + 16];
    snprintf(line, sizeof line, " %s\n", real);
    printf("maps: program=%d stack=%d heap=%d r-xp=%d\n", strstr(s, line) != NULL, strstr(s, "[stack]\n") != NULL,
           strstr(s, "[heap]\n") != NULL, strstr(s, "r-xp") != NULL);
    /* the name column starts at character 74 */
    char *first = strchr(s, '/');
    char *bol = first;
    while (bol > s && bol[-1] != '\n') bol--;
    printf("maps name column: %ld\n", (long) (first - bol));

    size_t alen;
    s = slurp("/proc/self/auxv", &alen);
    Elf64_auxv_t *av = (Elf64_auxv_t *) s;
    int pagesz = 0, entry_ok = 0;
    for (size_t k = 0; k < alen / sizeof *av && av[k].a_type != AT_NULL; k++) {
        if (av[k].a_type == AT_PAGESZ) pagesz = (int) av[k].a_un.a_val;
        if (av[k].a_type == AT_ENTRY) entry_ok = av[k].a_un.a_val == getauxval(AT_ENTRY);
    }
    printf("auxv: pagesz=%d entry=%d ends_with_null=%d\n", pagesz, entry_ok, av[alen / sizeof *av - 1].a_type == AT_NULL);

    int fd = open("/etc/hostname", O_RDONLY);
    char fdp[64], target[PATH_MAX] = {0};
    snprintf(fdp, sizeof fdp, "/proc/self/fd/%d", fd);
    readlink(fdp, target, sizeof target - 1);
    printf("fd link: %s\n", target);
    int again = open(fdp, O_RDONLY);
    printf("reopen through fd link: %d\n", again >= 0);
    char cwd[PATH_MAX] = {0}, cwdl[PATH_MAX] = {0};
    if (chdir("/tmp") == 0 && getcwd(cwd, sizeof cwd)) readlink("/proc/self/cwd", cwdl, sizeof cwdl - 1);
    printf("cwd link: %d\n", strcmp(cwd, cwdl) == 0);

    s = slurp("/proc/self/comm", NULL);
    printf("comm: %s", s);
    setenv("JEMU_PROCFS_TEST", "1", 1);
    size_t elen;
    s = slurp("/proc/self/environ", &elen);
    printf("environ is the initial one: %d\n", memmem(s, elen, "JEMU_PROCFS_TEST", 16) == NULL);

    int pfd[2];
    pipe(pfd);
    pid_t child = fork();
    if (child == 0) {
        char x;
        read(pfd[0], &x, 1);
        execl(real, "procfs-child", "waiting", (char *) NULL);
        _exit(1);
    }
    char cp[64];
    snprintf(cp, sizeof cp, "/proc/%d/stat", child);
    s = slurp(cp, NULL);
    int cpid, cppid;
    sscanf(s, "%d (%63[^)]) %c %d", &cpid, comm, &state, &cppid);
    printf("child stat: pid=%d ppid=%d\n", cpid == child, cppid == getpid());
    snprintf(cp, sizeof cp, "/proc/%d/cmdline", child);
    size_t cl;
    s = slurp(cp, &cl);
    printf("child cmdline before exec: %s\n", s);
    write(pfd[1], "x", 1);
    waitpid(child, NULL, 0);

    pthread_t th;
    pthread_create(&th, NULL, thread_main, NULL);
    pthread_join(th, NULL);
    return 0;
}
