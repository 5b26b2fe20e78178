/* Signal delivery and return: handlers, SA_SIGINFO fields, masks, SIGSEGV + siglongjmp, sigaltstack,
   SA_RESETHAND, SA_NODEFER, sigqueue values, pending/sigtimedwait, raise of default-ignored signals. */
#define _GNU_SOURCE
#include <signal.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

static volatile int hits, depth, maxdepth;
static volatile int last_sig, last_code, last_val, last_pid_ok;
static volatile void *last_addr;
static sigjmp_buf jb;

static void h_plain(int sig) { hits++; last_sig = sig; }

static void h_info(int sig, siginfo_t *si, void *uc) {
    (void) uc;
    last_sig = sig;
    last_code = si->si_code;
    last_val = si->si_value.sival_int;
    last_pid_ok = si->si_pid == getpid();
    hits++;
}

static void h_segv(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    last_sig = sig;
    last_code = si->si_code;
    last_addr = si->si_addr;
    /* the trap number and error code of the page fault are in the context */
    printf("segv trapno=%lld err_write=%lld\n", (long long) uc->uc_mcontext.gregs[REG_TRAPNO],
           (long long) (uc->uc_mcontext.gregs[REG_ERR] & 2) >> 1);
    siglongjmp(jb, 1);
}

static char *altbase;
static void h_onstack(int sig) {
    char here;
    (void) sig;
    printf("on alt stack: %d\n", &here >= altbase && &here < altbase + 65536);
    stack_t ss;
    sigaltstack(NULL, &ss);
    printf("ss_flags while on it: %d\n", ss.ss_flags);
}

static volatile int raises;
static void h_nested(int sig) {
    depth++;
    hits++;
    if (depth > maxdepth) maxdepth = depth;
    if (raises < 2) {
        raises++;
        raise(sig);
    }
    depth--;
}

static void h_fpe(int sig, siginfo_t *si, void *uc) {
    (void) uc;
    printf("fpe sig=%d code=%d\n", sig, si->si_code);
    siglongjmp(jb, 2);
}

static void h_ill(int sig, siginfo_t *si, void *uc) {
    (void) uc;
    printf("ill sig=%d code=%d\n", sig, si->si_code);
    siglongjmp(jb, 3);
}

static volatile int overflowed;
static void h_overflow(int sig) {
    (void) sig;
    overflowed = 1;
    siglongjmp(jb, 4);
}

static int recurse(int n) {
    volatile char pad[4096];
    pad[0] = (char) n;
    return recurse(n + 1) + pad[0];
}

static volatile double xmm_keep;
static void h_clobber(int sig) {
    /* a handler using SSE must not disturb the interrupted code's registers */
    volatile double a = 1.5, b = 2.25;
    xmm_keep = a * b + sig;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);

    /* plain handler via raise and kill */
    sa.sa_handler = h_plain;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    printf("plain hits=%d sig=%d\n", hits, last_sig);

    /* SA_SIGINFO: si_code and sender pid for kill and for sigqueue */
    sa.sa_sigaction = h_info;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    kill(getpid(), SIGUSR2);
    printf("kill: code=%d pid_ok=%d\n", last_code, last_pid_ok);
    union sigval v = {.sival_int = 1234};
    sigqueue(getpid(), SIGUSR2, v);
    printf("sigqueue: code=%d val=%d pid_ok=%d\n", last_code, last_val, last_pid_ok);
    syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2);
    printf("tgkill: code=%d\n", last_code);

    /* blocked signals stay pending until unblocked */
    sigset_t set, old, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    hits = 0;
    raise(SIGUSR1);
    sigpending(&pend);
    printf("pending while blocked: %d hits=%d\n", sigismember(&pend, SIGUSR1), hits);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("after unblock hits=%d\n", hits);

    /* sigtimedwait takes a blocked signal */
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGUSR1);
    siginfo_t si;
    struct timespec ts = {0, 0};
    int got = sigtimedwait(&set, &si, &ts);
    printf("sigtimedwait=%d code=%d\n", got, si.si_code);
    got = sigtimedwait(&set, &si, &ts);
    printf("sigtimedwait empty=%d\n", got);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* SIGSEGV handler that siglongjmps out */
    sa.sa_sigaction = h_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sigsetjmp(jb, 1) == 0) {
        ro[100] = 1;
    }
    printf("segv write: sig=%d code=%d addr_ok=%d\n", last_sig, last_code, last_addr == ro + 100);
    if (sigsetjmp(jb, 1) == 0) {
        *(volatile int *) 16 = 1;
    }
    printf("segv null: code=%d addr=%p\n", last_code, last_addr);
    /* the mask was restored by siglongjmp: SIGSEGV is not blocked */
    sigprocmask(SIG_BLOCK, NULL, &pend);
    printf("segv blocked after longjmp: %d\n", sigismember(&pend, SIGSEGV));

    /* SIGFPE from integer division, SIGILL from ud2 */
    sa.sa_sigaction = h_fpe;
    sigaction(SIGFPE, &sa, NULL);
    if (sigsetjmp(jb, 1) == 0) {
        volatile int z = 0, n = 5;
        n = n / z;
    }
    sa.sa_sigaction = h_ill;
    sigaction(SIGILL, &sa, NULL);
    if (sigsetjmp(jb, 1) == 0) {
        __asm__ volatile("ud2");
    }

    /* sigaltstack */
    altbase = malloc(65536);
    stack_t ss = {.ss_sp = altbase, .ss_size = 65536, .ss_flags = 0};
    printf("sigaltstack=%d\n", sigaltstack(&ss, NULL));
    sa.sa_handler = h_onstack;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("ss_flags after: %d size=%zu\n", cur.ss_flags, cur.ss_size);
    ss.ss_size = 100;
    printf("too small: %d\n", sigaltstack(&ss, NULL));

    /* stack overflow: SIGSEGV handled on the alternate stack */
    sa.sa_handler = h_overflow;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(jb, 1) == 0) recurse(0);
    printf("stack overflow caught on the alternate stack: %d\n", overflowed);

    /* SA_NODEFER lets the handler be re-entered; without it the signal waits */
    sa.sa_handler = h_nested;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGUSR2, &sa, NULL);
    depth = maxdepth = raises = hits = 0;
    raise(SIGUSR2);
    printf("nodefer maxdepth=%d runs=%d\n", maxdepth, hits);
    sa.sa_flags = 0;
    sigaction(SIGUSR2, &sa, NULL);
    depth = maxdepth = raises = hits = 0;
    raise(SIGUSR2);
    printf("deferred maxdepth=%d runs=%d\n", maxdepth, hits);

    /* SA_RESETHAND: the second one gets the default action (ignored here: SIGURG-like via SIGWINCH) */
    sa.sa_handler = h_plain;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGWINCH, &sa, NULL);
    hits = 0;
    raise(SIGWINCH);
    raise(SIGWINCH);
    struct sigaction now;
    sigaction(SIGWINCH, NULL, &now);
    printf("resethand hits=%d now_default=%d\n", hits, now.sa_handler == SIG_DFL);

    /* registers survive a handler that uses SSE */
    sa.sa_handler = h_clobber;
    sa.sa_flags = 0;
    sigaction(SIGUSR1, &sa, NULL);
    double x = 3.0;
    for (int i = 0; i < 3; i++) {
        x = x * 1.5;
        raise(SIGUSR1);
    }
    printf("x=%ld keep=%ld\n", (long) (x * 10000), (long) (xmm_keep * 10000));

    /* ignored signals vanish, SIG_IGN survives */
    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    printf("ignored ok\n");

    /* a fatal signal's status is seen by the parent: abort in a child */
    fflush(stdout);
    return 0;
}
