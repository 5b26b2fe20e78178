/* Signals sent from outside to the emulator reach the guest: SIGINT to a handler, then SIGTERM with the
   default action (the exit status says "killed by SIGTERM"). The test driver sends them after each "ready". */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static volatile int sender_ok;

static void on_int(int sig, siginfo_t *si, void *uc) {
    (void) uc;
    got = sig;
    sender_ok = si->si_code == SI_USER;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_int;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGINT, &sa, NULL);
    signal(SIGTERM, SIG_DFL);
    printf("ready\n");
    while (!got) pause();
    printf("got signal %d from a user: %d\n", (int) got, sender_ok);
    printf("ready\n");
    for (;;) pause();
}
