/* Signals: handlers installed with signal() and sigaction(SA_SIGINFO), si_code/si_addr of
 * synchronous faults (SIGSEGV map/access errors, SIGFPE divide errors, SIGILL ud2, SIGTRAP int3),
 * recovery with siglongjmp, resuming after editing the ucontext (skipping the faulting
 * instruction, changing a register), sigprocmask/sigpending, sa_mask, SA_NODEFER, SA_RESETHAND,
 * queued real-time signals, sigaltstack, and FPU/SSE state kept across a handler. */
#define _GNU_SOURCE
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t count1, count2;
static char events[64];
static volatile int nevents;
static void ev(char c) { if (nevents < 63) events[nevents++] = c; }

static void on_usr1(int sig) { (void)sig; count1++; ev('1'); }

static siginfo_t last;
static void on_info(int sig, siginfo_t *si, void *uc) { (void)sig; (void)uc; last = *si; count2++; }

static sigjmp_buf recover;
static siginfo_t fault;
static void on_fault(int sig, siginfo_t *si, void *uc) {
    (void)sig; (void)uc;
    fault = *si;
    siglongjmp(recover, 1);
}

/* resume after the faulting instruction: its end is the label the test stored */
static volatile uintptr_t resume_at;
static void on_skip(int sig, siginfo_t *si, void *ucv) {
    (void)sig;
    ucontext_t *uc = ucv;
    fault = *si;
#ifdef __x86_64__
    uc->uc_mcontext.gregs[REG_RIP] = (greg_t)resume_at;
    uc->uc_mcontext.gregs[REG_RAX] = 1234;
#else
    uc->uc_mcontext.gregs[REG_EIP] = (greg_t)resume_at;
    uc->uc_mcontext.gregs[REG_EAX] = 1234;
#endif
}

static void on_nested1(int sig) { (void)sig; ev('a'); raise(SIGUSR2); ev('b'); }
static void on_nested2(int sig) { (void)sig; ev('c'); }
static volatile int nodefer_depth;
static void on_nodefer(int sig) {
    ev('0' + nodefer_depth);
    if (++nodefer_depth < 4) raise(sig);
}
static int rt_vals[8], nrt;
static void on_rt(int sig, siginfo_t *si, void *uc) { (void)sig; (void)uc; if (nrt < 8) rt_vals[nrt++] = si->si_value.sival_int; }
static char *altbase;
static size_t altsize;
static volatile int on_alt;
static void on_altsig(int sig) {
    char local;
    (void)sig;
    on_alt = &local > altbase && &local < altbase + altsize;
}
static void on_fpu(int sig) {
    (void)sig;
    volatile double x = 1.0 / 7.0;
    volatile long double y = 2.0L / 7.0L;
    x = x * 3 + (double)y;
    (void)x;
}

static void install(int sig, void (*h)(int, siginfo_t *, void *), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    /* plain handler */
    signal(SIGUSR1, on_usr1);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    printf("usr1 handled %d times\n", count1);

    /* siginfo for raise, kill and sigqueue */
    install(SIGUSR2, on_info, 0);
    raise(SIGUSR2);
    printf("raise: signo=%d code_is_tkill=%d pid_ok=%d\n", last.si_signo, last.si_code == SI_TKILL, last.si_pid == getpid());
    kill(getpid(), SIGUSR2);
    printf("kill: code_is_user=%d pid_ok=%d uid_ok=%d\n", last.si_code == SI_USER, last.si_pid == getpid(), last.si_uid == getuid());
    sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 777});
    printf("sigqueue: code_is_queue=%d value=%d count=%d\n", last.si_code == SI_QUEUE, last.si_value.sival_int, count2);

    /* synchronous faults, recovered with siglongjmp */
    install(SIGSEGV, on_fault, SA_NODEFER);
    install(SIGBUS, on_fault, SA_NODEFER);
    install(SIGFPE, on_fault, SA_NODEFER);
    install(SIGILL, on_fault, SA_NODEFER);
    install(SIGTRAP, on_fault, SA_NODEFER);
    volatile int *volatile nullp = NULL;
    if (!sigsetjmp(recover, 1)) { *nullp = 1; printf("no fault?\n"); }
    printf("null write: signo=%d code_maperr=%d addr=%p\n", fault.si_signo, fault.si_code == SEGV_MAPERR, fault.si_addr);
    long pg = sysconf(_SC_PAGESIZE);
    char *ro = mmap(NULL, 2 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!sigsetjmp(recover, 1)) { ro[pg + 5] = 1; printf("no fault?\n"); }
    printf("ro write: signo=%d code_accerr=%d addr_ok=%d\n", fault.si_signo, fault.si_code == SEGV_ACCERR, fault.si_addr == ro + pg + 5);
    munmap(ro + pg, pg);
    if (!sigsetjmp(recover, 1)) { printf("read %d\n", ((volatile char *)ro)[pg + 100]); }
    printf("unmapped read: signo=%d code_maperr=%d addr_ok=%d\n", fault.si_signo, fault.si_code == SEGV_MAPERR,
           fault.si_addr == ro + pg + 100);
    char *nx = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    nx[0] = (char)0xc3; /* ret, but the page is not executable */
    if (!sigsetjmp(recover, 1)) { ((void (*)(void))nx)(); printf("executed a non-exec page?\n"); }
    printf("exec nx: signo=%d addr_ok=%d\n", fault.si_signo, fault.si_addr == nx);
    volatile int zero = 0, minus1 = -1, imin = INT_MIN;
    if (!sigsetjmp(recover, 1)) { printf("%d\n", 5 / zero); }
    printf("div by zero: signo=%d code_intdiv=%d\n", fault.si_signo, fault.si_code == FPE_INTDIV);
    if (!sigsetjmp(recover, 1)) { printf("%d\n", imin / minus1); }
    printf("INT_MIN/-1: signo=%d code_intdiv=%d\n", fault.si_signo, fault.si_code == FPE_INTDIV);
    volatile long long lz = 0;
    if (!sigsetjmp(recover, 1)) { printf("%lld\n", 5LL % lz); }
    printf("64-bit mod by zero: signo=%d\n", fault.si_signo);
    if (!sigsetjmp(recover, 1)) { __asm__ volatile("ud2"); }
    printf("ud2: signo=%d code_illopn=%d\n", fault.si_signo, fault.si_code == ILL_ILLOPN);
    if (!sigsetjmp(recover, 1)) { __asm__ volatile("int3"); }
    printf("int3: signo=%d\n", fault.si_signo);
    if (!sigsetjmp(recover, 1)) { __asm__ volatile("hlt"); }
    printf("hlt: signo=%d\n", fault.si_signo);
    if (!sigsetjmp(recover, 1)) { __asm__ volatile("cli"); }
    printf("cli: signo=%d\n", fault.si_signo);

    /* resume after the faulting instruction with a register changed in the context */
    install(SIGSEGV, on_skip, 0);
    uintptr_t rax_after;
#ifdef __x86_64__
    __asm__ volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %1\n\txor %%eax, %%eax\n\tmovl $5, (%%rax)\n1:\n\tmov %%rax, %0"
                     : "=r"(rax_after), "=m"(resume_at) : : "rax", "memory");
#else
    __asm__ volatile("movl $1f, %1\n\txor %%eax, %%eax\n\tmovl $5, (%%eax)\n1:\n\tmov %%eax, %0"
                     : "=r"(rax_after), "=m"(resume_at) : : "eax", "memory");
#endif
    printf("skipped fault: addr=%p eax=%lu\n", fault.si_addr, (unsigned long)rax_after);

    /* blocked signals stay pending; standard signals coalesce */
    sigset_t set, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    count1 = 0;
    raise(SIGUSR1);
    raise(SIGUSR1);
    sigpending(&pend);
    printf("blocked: count=%d pending=%d\n", count1, sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    printf("unblocked: count=%d\n", count1);

    /* sa_mask defers SIGUSR2 until the SIGUSR1 handler returns */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_nested1;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGUSR2, on_nested2);
    nevents = 0;
    raise(SIGUSR1);
    printf("sa_mask order: %.*s\n", nevents, events);
    sa.sa_mask = (sigset_t){0};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    nevents = 0;
    raise(SIGUSR1);
    printf("no mask order: %.*s\n", nevents, events);

    /* SA_NODEFER lets the handler interrupt itself; SA_RESETHAND restores the default */
    sa.sa_handler = on_nodefer;
    sa.sa_flags = SA_NODEFER | SA_RESETHAND;
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGUSR2, SIG_IGN);
    nevents = 0;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    printf("nodefer: %.*s\n", nevents, events);
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR1, &sa, NULL);
    nodefer_depth = 3;
    raise(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    printf("resethand: default now=%d\n", now.sa_handler == SIG_DFL);
    raise(SIGUSR2); /* ignored */
    printf("ignored SIGUSR2\n");

    /* real-time signals queue, in order */
    install(SIGRTMIN + 1, on_rt, 0);
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    for (int i = 0; i < 3; i++) sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = 100 + i});
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    printf("rt queued: %d:", nrt);
    for (int i = 0; i < nrt; i++) printf(" %d", rt_vals[i]);
    printf("\n");
    /* sigwaitinfo takes a blocked signal synchronously */
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = 555});
    siginfo_t wi;
    int got = sigwaitinfo(&set, &wi);
    printf("sigwaitinfo: %d value=%d\n", got == SIGRTMIN + 1, wi.si_value.sival_int);
    sigprocmask(SIG_UNBLOCK, &set, NULL);

    /* alternate signal stack */
    altsize = 64 * 1024;
    altbase = malloc(altsize);
    stack_t ss = {.ss_sp = altbase, .ss_size = altsize, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    sa.sa_handler = on_altsig;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("altstack: handler on it=%d size=%zu disabled=%d\n", on_alt, cur.ss_size, !!(cur.ss_flags & SS_DISABLE));

    /* FPU and SSE registers survive a handler that uses them */
    signal(SIGUSR1, on_fpu);
    volatile double d = 1.0 / 3.0;
    long double l = 1.0L / 3.0L;
    double before = d * 3 - 1;
    raise(SIGUSR1);
    printf("fpu kept: %a %La\n", before + d, l * 3);
    return 0;
}
