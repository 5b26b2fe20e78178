/* Blocking calls interrupted by signals: EINTR without SA_RESTART, transparent restart with it, timers
   (alarm, setitimer, timer_create), pause/sigsuspend, nanosleep's remaining time. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <sys/time.h>
#include <sys/wait.h>

static int fds[2];
static volatile int alarms, writes_in_handler;

static void on_alarm(int sig) {
    (void) sig;
    alarms++;
}

static void on_alarm_write(int sig) {
    (void) sig;
    alarms++;
    if (write(fds[1], "x", 1) == 1) writes_in_handler++;
}

static void set(int sig, void (*h)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

static void on_timer(int sig, siginfo_t *si, void *uc) {
    (void) uc;
    (void) sig;
    alarms++;
    if (alarms == 1) printf("timer: code=%d value=%d\n", si->si_code, si->si_value.sival_int);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    char c;
    if (pipe(fds) != 0) return 1;

    /* read interrupted: EINTR */
    set(SIGALRM, on_alarm, 0);
    alarm(1);
    ssize_t r = read(fds[0], &c, 1);
    printf("read without SA_RESTART: %zd %s alarms=%d\n", r, r < 0 ? strerror(errno) : "", alarms);

    /* read restarted; the handler supplies the byte */
    set(SIGALRM, on_alarm_write, SA_RESTART);
    alarm(1);
    r = read(fds[0], &c, 1);
    printf("read with SA_RESTART: %zd '%c' alarms=%d\n", r, c, alarms);

    /* poll is never restarted */
    alarm(1);
    struct pollfd p = {.fd = fds[0], .events = POLLIN};
    alarms = 0;
    int pr = poll(&p, 1, 5000);
    printf("poll: %d alarms=%d\n", pr, alarms);
    if (pr > 0) (void) !read(fds[0], &c, 1);
    set(SIGALRM, on_alarm, SA_RESTART);
    alarm(1);
    alarms = 0;
    pr = poll(&p, 1, 5000);
    printf("poll with SA_RESTART: %d %s\n", pr, pr < 0 ? strerror(errno) : "");

    /* nanosleep: EINTR and the time left */
    struct itimerval it = {{0, 0}, {0, 200000}};
    setitimer(ITIMER_REAL, &it, NULL);
    struct timespec req = {3, 0}, rem = {0, 0};
    int nr = nanosleep(&req, &rem);
    printf("nanosleep: %d %s rem_ok=%d\n", nr, nr ? strerror(errno) : "", rem.tv_sec >= 2 && rem.tv_sec <= 3);

    /* interval timer: three expiries */
    alarms = 0;
    struct itimerval iv = {{0, 50000}, {0, 50000}};
    setitimer(ITIMER_REAL, &iv, NULL);
    while (alarms < 3) pause();
    struct itimerval off = {{0, 0}, {0, 0}}, old;
    setitimer(ITIMER_REAL, &off, &old);
    printf("itimer: alarms>=3 interval=%ld\n", (long) old.it_interval.tv_usec);

    /* sigsuspend with SIGALRM blocked outside */
    sigset_t block, orig, wait;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &orig);
    alarms = 0;
    alarm(1);
    sigemptyset(&wait);
    int sr = sigsuspend(&wait);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("sigsuspend: %d %s alarms=%d still_blocked=%d\n", sr, strerror(errno), alarms, sigismember(&now, SIGALRM));
    sigprocmask(SIG_SETMASK, &orig, NULL);

    /* POSIX timer with a value */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGRTMIN, &sa, NULL);
    timer_t tid;
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGRTMIN;
    sev.sigev_value.sival_int = 77;
    if (timer_create(CLOCK_MONOTONIC, &sev, &tid) != 0) return 2;
    struct itimerspec its = {{0, 20000000}, {0, 20000000}};
    alarms = 0;
    timer_settime(tid, 0, &its, NULL);
    while (alarms < 2) pause();
    timer_delete(tid);
    printf("posix timer done\n");

    /* wait4 interrupted (no SA_RESTART) then restarted (SA_RESTART) */
    pid_t child = fork();
    if (child == 0) {
        usleep(300000);
        _exit(3);
    }
    set(SIGALRM, on_alarm, 0);
    struct itimerval shortit = {{0, 0}, {0, 100000}};
    setitimer(ITIMER_REAL, &shortit, NULL);
    int st;
    pid_t w = waitpid(child, &st, 0);
    printf("waitpid interrupted: %d %s\n", (int) w, w < 0 ? strerror(errno) : "");
    set(SIGALRM, on_alarm, SA_RESTART);
    setitimer(ITIMER_REAL, &shortit, NULL);
    w = waitpid(child, &st, 0);
    printf("waitpid restarted: ok=%d status=%d\n", w == child, WEXITSTATUS(st));
    return 0;
}
