// status: 3
/* Processes: fork + waitpid with exit statuses, death by signal (WTERMSIG, abort's SIGABRT),
 * pipes between parent and child in both directions, dup2 onto stdout, execve of
 * /proc/self/exe with arguments and environment (the program re-enters main as a child role),
 * vfork, posix_spawn, a pipeline of three re-executed copies, SIGCHLD, and wait4 on several
 * children. Child output goes through pipes so the order is fixed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int child_role(int argc, char **argv) {
    const char *role = argv[1];
    if (!strcmp(role, "echo")) {
        printf("child argc=%d", argc);
        for (int i = 2; i < argc; i++) printf(" [%s]", argv[i]);
        const char *e = getenv("DIFFTEST_VAR");
        printf(" env=%s\n", e ? e : "(unset)");
        return 7;
    }
    if (!strcmp(role, "upper")) { /* stdin -> stdout, upper case */
        int c;
        while ((c = getchar()) != EOF) putchar(c >= 'a' && c <= 'z' ? c - 32 : c);
        return 0;
    }
    if (!strcmp(role, "rev")) { /* reverse each line */
        char line[256];
        while (fgets(line, sizeof line, stdin)) {
            size_t n = strcspn(line, "\n");
            for (size_t i = 0; i < n; i++) putchar(line[n - 1 - i]);
            putchar('\n');
        }
        return 0;
    }
    if (!strcmp(role, "gen")) {
        for (int i = 0; i < 5; i++) printf("line %d of the generator\n", i);
        return 0;
    }
    if (!strcmp(role, "sig")) {
        raise(atoi(argv[2]));
        return 99;
    }
    return 100;
}

static void show_status(const char *what, int st) {
    if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: killed by %d core=%d\n", what, WTERMSIG(st), 0);
    else printf("%s: status %x\n", what, st);
}

/* runs a child and collects what it wrote to a pipe */
static void capture(const char *what, char *const argv[], char *const envp[]) {
    int p[2];
    if (pipe(p)) { perror("pipe"); exit(1); }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execve("/proc/self/exe", argv, envp);
        _exit(127);
    }
    close(p[1]);
    char buf[4096];
    ssize_t n, total = 0;
    while ((n = read(p[0], buf + total, sizeof buf - 1 - (size_t)total)) > 0) total += n;
    close(p[0]);
    buf[total] = 0;
    int st;
    waitpid(pid, &st, 0);
    printf("%s output: %s", what, buf);
    show_status(what, st);
}

static volatile sig_atomic_t chld;
static void on_chld(int s) { (void)s; chld++; }

int main(int argc, char **argv) {
    if (argc > 1) return child_role(argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* exit statuses */
    for (int code = 0; code < 260; code += 37) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) _exit(code);
        int st;
        pid_t w = waitpid(pid, &st, 0);
        char what[32];
        snprintf(what, sizeof what, "exit(%d) same pid=%d", code, w == pid);
        show_status(what, st);
    }
    /* deaths by signal */
    int sigs[] = {SIGTERM, SIGKILL, SIGUSR1, SIGSEGV, SIGABRT};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            signal(SIGSEGV, SIG_DFL);
            if (sigs[i] == SIGSEGV) *(volatile int *)0 = 1;
            if (sigs[i] == SIGABRT) abort();
            raise(sigs[i]);
            _exit(99);
        }
        int st;
        waitpid(pid, &st, 0);
        printf("signal %d: signaled=%d termsig=%d\n", sigs[i], WIFSIGNALED(st), WTERMSIG(st));
    }
    /* a stopped and continued child */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        raise(SIGSTOP);
        _exit(5);
    }
    int st;
    waitpid(pid, &st, WUNTRACED);
    printf("stopped=%d stopsig=%d\n", WIFSTOPPED(st), WSTOPSIG(st));
    kill(pid, SIGCONT);
    waitpid(pid, &st, 0);
    show_status("after SIGCONT", st);

    /* pipe both ways with one child */
    int to[2], from[2];
    pipe(to);
    pipe(from);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        close(to[1]);
        close(from[0]);
        char buf[64];
        ssize_t n;
        long sum = 0;
        while ((n = read(to[0], buf, sizeof buf)) > 0)
            for (ssize_t i = 0; i < n; i++) sum += buf[i];
        dprintf(from[1], "child summed %ld\n", sum);
        _exit(0);
    }
    close(to[0]);
    close(from[1]);
    for (int i = 0; i < 1000; i++) write(to[1], "abcdefghij", 10);
    close(to[1]);
    char buf[128] = {0};
    read(from[0], buf, sizeof buf - 1);
    close(from[0]);
    waitpid(pid, &st, 0);
    printf("%s", buf);

    /* exec /proc/self/exe with arguments and an environment */
    char *argv1[] = {argv[0], "echo", "one", "two words", "", "three", NULL};
    char *envp1[] = {"DIFFTEST_VAR=hello", "OTHER=x", NULL};
    capture("exec echo", argv1, envp1);
    char *envp0[] = {NULL};
    capture("exec echo no env", argv1, envp0);
    char *argv2[] = {argv[0], "sig", "15", NULL};
    capture("exec sig", argv2, envp0);

    /* a pipeline: gen | upper | rev, each stage a re-executed copy of this program */
    int p1[2], p2[2], p3[2];
    pipe(p1);
    pipe(p2);
    pipe(p3);
    const char *roles[3] = {"gen", "upper", "rev"};
    pid_t pids[3];
    fflush(stdout);
    for (int i = 0; i < 3; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            if (i == 1) dup2(p1[0], 0);
            if (i == 2) dup2(p2[0], 0);
            dup2(i == 0 ? p1[1] : i == 1 ? p2[1] : p3[1], 1);
            close(p1[0]); close(p1[1]); close(p2[0]); close(p2[1]); close(p3[0]); close(p3[1]);
            execl("/proc/self/exe", argv[0], roles[i], (char *)NULL);
            _exit(127);
        }
    }
    close(p1[0]); close(p1[1]); close(p2[0]); close(p2[1]); close(p3[1]);
    ssize_t n, total = 0;
    char out[1024];
    while ((n = read(p3[0], out + total, sizeof out - 1 - (size_t)total)) > 0) total += n;
    out[total] = 0;
    close(p3[0]);
    for (int i = 0; i < 3; i++) waitpid(pids[i], &st, 0);
    printf("pipeline:\n%s", out);

    /* vfork + _exit, posix_spawn */
    fflush(stdout);
    pid = vfork();
    if (pid == 0) _exit(42);
    waitpid(pid, &st, 0);
    show_status("vfork", st);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    char *argv3[] = {argv[0], "echo", "spawned", NULL};
    int rc = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv3, environ);
    waitpid(pid, &st, 0);
    printf("posix_spawn rc=%d ", rc);
    show_status("spawned", st);

    /* SIGCHLD and reaping several children in any order */
    signal(SIGCHLD, on_chld);
    fflush(stdout);
    int sum = 0;
    for (int i = 0; i < 4; i++)
        if (fork() == 0) _exit(i + 1);
    for (int i = 0; i < 4; i++) {
        pid_t w;
        while ((w = wait(&st)) < 0 && errno == EINTR) {}
        sum += WEXITSTATUS(st);
    }
    int again = (int)wait(&st), echild = errno == ECHILD;
    printf("reaped sum=%d sigchld>0=%d wait again: %d ECHILD=%d\n", sum, chld > 0, again, echild);
    return 3;
}
