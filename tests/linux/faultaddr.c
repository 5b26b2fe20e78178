/* si_addr of a SIGSEGV is the byte the faulting instruction accessed, not its page. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static sigjmp_buf jb;
static void *addr;

static void on_segv(int sig, siginfo_t *si, void *uc) {
    (void) sig;
    (void) uc;
    addr = si->si_addr;
    siglongjmp(jb, 1);
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    char *ro = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sigsetjmp(jb, 1) == 0) ro[100] = 1;
    printf("write to read-only: offset %ld\n", (long) ((char *) addr - ro));
    if (sigsetjmp(jb, 1) == 0) *(volatile int *) 0x10 = 1;
    printf("null+16: %p\n", addr);
    munmap(ro + 4096, 4096);
    if (sigsetjmp(jb, 1) == 0) (void) *(volatile long *) (ro + 4094); /* crosses into the unmapped page */
    printf("crossing: offset %ld\n", (long) ((char *) addr - ro));
    return 0;
}
