/* Signal delivery to an i386 program: handlers entered through the i386 frames (sigreturn and
 * rt_sigreturn), SA_SIGINFO's siginfo in the i386 layout, blocked signals made pending, a fault handler. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int hits, info_code, info_pid_ok;
static sigjmp_buf env;

static void plain(int s) { hits += s; }

static void with_info(int s, siginfo_t *si, void *uc) {
    (void)uc;
    hits += s;
    info_code = si->si_code;
    info_pid_ok = si->si_pid == getpid();
}

static void segv(int s, siginfo_t *si, void *uc) {
    (void)s; (void)uc;
    info_code = si->si_code;
    siglongjmp(env, si->si_addr == (void *)16 ? 1 : 2);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGUSR1, plain);
    raise(SIGUSR1);
    printf("signal handler hits=%d\n", hits);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = with_info;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    printf("siginfo hits=%d code=%d pid-ok=%d\n", hits, info_code, info_pid_ok);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR1);
    sigset_t pend;
    sigpending(&pend);
    printf("pending %d hits=%d\n", sigismember(&pend, SIGUSR1), hits);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("unblocked hits=%d\n", hits);
    sa.sa_sigaction = segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    int r = sigsetjmp(env, 1);
    if (r == 0) *(volatile int *)16 = 1;
    printf("segv handled %d code=%d\n", r, info_code);
    return 0;
}
