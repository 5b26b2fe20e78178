/* pthreads: create/join (CLONE_CHILD_CLEARTID + futex), mutex, condvar, rwlock, barrier, atomics,
   thread-local storage, per-thread signal masks and pthread_kill, pthread_exit from main. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#define N 4
#define ITER 20000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter;
static atomic_long acounter;
static int ready, turn;
static __thread int tls_value;
static pthread_barrier_t barrier;

static void *worker(void *arg) {
    long id = (long) arg;
    tls_value = (int) id * 100;
    for (int i = 0; i < ITER; i++) {
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
        atomic_fetch_add(&acounter, 1);
    }
    pthread_barrier_wait(&barrier);
    return (void *) (long) (tls_value + id);
}

/* ping-pong through a condition variable */
static void *pong(void *arg) {
    (void) arg;
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&mu);
        while (turn != 1) pthread_cond_wait(&cv, &mu);
        turn = 0;
        pthread_cond_signal(&cv);
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

static volatile int usr1_tid_ok;
static pid_t target_tid;
static void on_usr1(int sig) {
    (void) sig;
    usr1_tid_ok = gettid() == target_tid;
}

static void *sig_target(void *arg) {
    (void) arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    target_tid = gettid();
    pthread_mutex_lock(&mu);
    ready = 1;
    pthread_cond_broadcast(&cv);
    while (ready != 2) pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    return NULL;
}

static void *last_one(void *arg) {
    (void) arg;
    usleep(100000);
    printf("last thread exits the process\n");
    fflush(stdout);
    exit(0);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    pthread_t th[N];
    pthread_barrier_init(&barrier, NULL, N);
    for (long i = 0; i < N; i++) pthread_create(&th[i], NULL, worker, (void *) i);
    long sum = 0;
    for (int i = 0; i < N; i++) {
        void *ret;
        pthread_join(th[i], &ret);
        sum += (long) ret;
    }
    printf("counter=%ld atomic=%ld joined_sum=%ld main_tls=%d\n", counter, (long) acounter, sum, tls_value);

    pthread_t p;
    pthread_create(&p, NULL, pong, NULL);
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&mu);
        turn = 1;
        pthread_cond_signal(&cv);
        while (turn != 0) pthread_cond_wait(&cv, &mu);
        pthread_mutex_unlock(&mu);
    }
    pthread_join(p, NULL);
    printf("ping-pong done\n");

    /* a signal for one thread: pthread_kill, while main blocks it */
    signal(SIGUSR1, on_usr1);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    pthread_t st;
    pthread_create(&st, NULL, sig_target, NULL);
    pthread_mutex_lock(&mu);
    while (!ready) pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    pthread_kill(st, SIGUSR1);
    usleep(100000);
    /* a process-directed signal goes to the thread that does not block it */
    usr1_tid_ok = 0;
    kill(getpid(), SIGUSR1);
    usleep(100000);
    printf("process signal went to the unblocked thread: %d\n", usr1_tid_ok);
    pthread_mutex_lock(&mu);
    ready = 2;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    pthread_join(st, NULL);

    /* detached threads and many of them */
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    atomic_store(&acounter, 0);
    for (int i = 0; i < 20; i++) {
        pthread_t d;
        pthread_create(&d, &at, worker, (void *) 0L);
    }
    (void) at;

    /* main thread leaves; the process lives on until the last thread calls exit */
    pthread_t l;
    pthread_create(&l, NULL, last_one, NULL);
    pthread_exit(NULL);
}
