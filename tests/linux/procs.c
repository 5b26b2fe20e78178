/* Processes: fork + pipe + wait statuses (exit code, killed by signal, stopped/continued), vfork, execve of
   itself and of a #! script, posix_spawn, process groups and sessions, orphans, SIGCHLD, waitid. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;
static volatile int chld;
static void on_chld(int sig) { (void) sig; chld++; }

static void show(const char *what, int st) {
    if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: killed by %d core=%d\n", what, WTERMSIG(st), WCOREDUMP(st) ? 1 : 0);
    else if (WIFSTOPPED(st)) printf("%s: stopped by %d\n", what, WSTOPSIG(st));
    else if (WIFCONTINUED(st)) printf("%s: continued\n", what);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        printf("exec'd child: argc=%d arg2=%s pid_same=%d\n", argc, argc > 2 ? argv[2] : "-",
               argc > 3 && atoi(argv[3]) == getpid());
        return 42;
    }
    if (argc > 1 && strcmp(argv[1], "script") == 0) {
        /* run as the interpreter of a #! script: argv = me, "script", scriptpath, args... */
        printf("interpreter: argc=%d script=%d %s\n", argc, strstr(argv[2], "jemu-procs-script") != NULL,
               argc > 3 ? argv[3] : "-");
        return 7;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld;
    /* SA_RESTART: a SIGCHLD arriving late (CLD_CONTINUED is posted asynchronously) must not make a later
       blocking waitpid fail with EINTR, or the output would depend on scheduling. */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);

    /* fork + pipe: the child writes, the parent reads to EOF */
    int fds[2];
    if (pipe(fds) != 0) return 1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        printf("child ppid_ok=%d\n", getppid() > 1);
        (void) !write(fds[1], "hello through the pipe", 22);
        _exit(5);
    }
    close(fds[1]);
    char buf[64];
    ssize_t n, total = 0;
    while ((n = read(fds[0], buf + total, sizeof buf - 1 - total)) > 0) total += n;
    buf[total] = 0;
    printf("parent read: %s\n", buf);
    int st;
    pid_t w = waitpid(pid, &st, 0);
    show("fork child", st);
    printf("waited the right pid: %d\n", w == pid);

    /* killed by a signal: abort, and SIGKILL */
    pid = fork();
    if (pid == 0) abort();
    waitpid(pid, &st, 0);
    show("abort child", st);
    pid = fork();
    if (pid == 0) {
        for (;;) pause();
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    show("sigkill child", st);
    pid = fork();
    if (pid == 0) {
        *(volatile int *) 0 = 1;
        _exit(0);
    }
    waitpid(pid, &st, 0);
    show("segv child", st);

    /* stopped and continued */
    pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 200; i++) usleep(10000);
        _exit(9);
    }
    kill(pid, SIGSTOP);
    waitpid(pid, &st, WUNTRACED);
    show("stopped child", st);
    kill(pid, SIGCONT);
    waitpid(pid, &st, WCONTINUED);
    show("continued child", st);
    kill(pid, SIGTERM);
    waitpid(pid, &st, 0);
    show("terminated child", st);

    /* WNOHANG with a running child, ECHILD without children */
    pid = fork();
    if (pid == 0) {
        usleep(200000);
        _exit(1);
    }
    printf("wnohang: %d\n", (int) waitpid(pid, &st, WNOHANG));
    waitpid(pid, &st, 0);
    w = waitpid(-1, &st, WNOHANG);
    int e = errno;
    printf("no children: %d %s\n", (int) w, strerror(e));
    printf("sigchld seen: %d\n", chld > 0);

    /* waitid */
    pid = fork();
    if (pid == 0) _exit(17);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    waitid(P_PID, pid, &si, WEXITED);
    printf("waitid: signo=%d code=%d status=%d pid_ok=%d\n", si.si_signo, si.si_code, si.si_status, si.si_pid == pid);

    /* vfork + exec of itself */
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    self[sl < 0 ? 0 : sl] = 0;
    pid = vfork();
    if (pid == 0) {
        char pidbuf[16];
        snprintf(pidbuf, sizeof pidbuf, "%d", (int) getpid());
        execl(self, "procs", "child", "x", pidbuf, (char *) NULL);
        _exit(127);
    }
    waitpid(pid, &st, 0);
    show("exec child", st);

    /* a #! script whose interpreter is this program */
    char script[] = "/tmp/jemu-procs-script-XXXXXX";
    int sfd = mkstemp(script);
    dprintf(sfd, "#!%s script\nignored\n", self);
    close(sfd);
    chmod(script, 0755);
    pid = fork();
    if (pid == 0) {
        execl(script, "myscript", "arg1", (char *) NULL);
        _exit(127);
    }
    waitpid(pid, &st, 0);
    show("script child", st);
    /* exec errors */
    errno = 0;
    execl("/nonexistent/prog", "x", (char *) NULL);
    printf("exec missing: %s\n", strerror(errno));
    chmod(script, 0644);
    execl(script, "x", (char *) NULL);
    printf("exec not executable: %s\n", strerror(errno));
    int tfd = open(script, O_WRONLY | O_TRUNC);
    (void) !write(tfd, "just text\n", 10);
    close(tfd);
    chmod(script, 0755);
    execl(script, "x", (char *) NULL);
    printf("exec text file: %s\n", strerror(errno));
    execl("/tmp", "x", (char *) NULL);
    printf("exec directory: %s\n", strerror(errno));
    unlink(script);

    /* posix_spawn (clone with CLONE_VM|CLONE_VFORK) */
    char *sargv[] = {"procs", "child", "spawned", NULL};
    if (posix_spawn(&pid, self, NULL, NULL, sargv, environ) == 0) {
        waitpid(pid, &st, 0);
        show("spawned child", st);
    }
    char *bad[] = {"x", NULL};
    printf("spawn missing: %d\n", posix_spawn(&pid, "/nonexistent", NULL, NULL, bad, environ));

    /* process groups and sessions */
    pid_t me = getpid();
    printf("getpgid(0)==getpgrp: %d\n", getpgid(0) == getpgrp());
    pid = fork();
    if (pid == 0) {
        int r1 = setpgid(0, 0);
        int leader = getpgrp() == getpid();
        pid_t s = setsid();
        printf("child setpgid=%d leader=%d setsid_fails_for_leader=%d\n", r1, leader, s < 0 && errno == EPERM);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    pid = fork();
    if (pid == 0) {
        pid_t s = setsid();
        printf("setsid in child ok=%d sid=pid:%d pgid=pid:%d\n", s == getpid(), getsid(0) == getpid(), getpgrp() == getpid());
        printf("setpgid to other session: %s\n", setpgid(0, me) < 0 ? strerror(errno) : "ok");
        _exit(0);
    }
    waitpid(pid, &st, 0);
    /* the parent moves a child into a new group; kill(-pgid) reaches it */
    pid = fork();
    if (pid == 0) {
        for (;;) pause();
    }
    setpgid(pid, pid);
    printf("child pgid set by parent: %d\n", getpgid(pid) == pid);
    kill(-pid, SIGUSR1);
    waitpid(pid, &st, 0);
    show("group-killed child", st);
    printf("setpgid on non-child: %s\n", setpgid(1, 1) < 0 ? strerror(errno) : "ok");
    printf("getpgid of nobody: %s\n", getpgid(999999) < 0 ? strerror(errno) : "ok");

    /* an orphan gets a new parent */
    if (pipe(fds) != 0) return 1;
    pid = fork();
    if (pid == 0) {
        pid_t gc = fork();
        if (gc == 0) {
            close(fds[0]);
            usleep(200000);
            int orphan = getppid() != me;
            (void) !write(fds[1], orphan ? "1" : "0", 1);
            _exit(0);
        }
        _exit(0);
    }
    close(fds[1]);
    waitpid(pid, &st, 0);
    char o = '?';
    (void) !read(fds[0], &o, 1);
    printf("orphan reparented: %c\n", o);
    return 0;
}
