/* setjmp/longjmp: plain, nested, through several frames, with values 0 and other, keeping
 * volatile locals; sigsetjmp/siglongjmp restoring the signal mask. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static jmp_buf outer, inner;
static int depth;
static volatile int bottom; /* 0 */
#pragma GCC diagnostic ignored "-Winfinite-recursion" /* gcc 12 does not see longjmp end it */

static int recurse(int n) {
    char pad[100];
    memset(pad, n, sizeof pad);
    if (n > bottom) return recurse(n - 1) + pad[n % 100];
    longjmp(inner, 42);
}

static void thrower(int v) {
    depth++;
    longjmp(outer, v);
}

int main(void) {
    volatile int counter = 0;
    int r = setjmp(outer);
    printf("setjmp returned %d counter=%d\n", r, counter);
    if (counter < 5) {
        counter++;
        thrower(counter == 3 ? 0 : counter * 10); /* longjmp(…, 0) returns 1 */
    }
    r = setjmp(inner);
    if (r == 0) {
        recurse(200);
        printf("not reached\n");
    }
    printf("inner %d depth %d\n", r, depth);

    /* many round trips, with a different jmp_buf each time */
    jmp_buf bufs[8];
    volatile long total = 0;
    for (volatile int i = 0; i < 1000; i++) {
        int v = setjmp(bufs[i % 8]);
        if (!v) longjmp(bufs[i % 8], i + 1);
        total += v;
    }
    printf("total %ld\n", total);

    /* sigsetjmp(…, 1) saves the mask; siglongjmp restores it */
    sigjmp_buf sb;
    sigset_t set, cur;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    if (sigsetjmp(sb, 1) == 0) {
        sigprocmask(SIG_BLOCK, &set, NULL);
        sigprocmask(SIG_BLOCK, NULL, &cur);
        printf("blocked before: %d\n", sigismember(&cur, SIGUSR1));
        siglongjmp(sb, 1);
    }
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("blocked after siglongjmp: %d\n", sigismember(&cur, SIGUSR1));
    if (sigsetjmp(sb, 0) == 0) {
        sigprocmask(SIG_BLOCK, &set, NULL);
        siglongjmp(sb, 1);
    }
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("blocked after sigsetjmp(0): %d\n", sigismember(&cur, SIGUSR1));
    return 0;
}
