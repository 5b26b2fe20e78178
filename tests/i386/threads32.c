/* Threads of an i386 program: clone with a user_desc TLS argument, futex waits and wakes (mutexes,
 * condition variables with timeouts, joins through CLONE_CHILD_CLEARTID), per-thread __thread data. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define THREADS 4
static __thread int mine = -1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long total;
static int ready;

static void *work(void *arg) {
    int id = (int)(long)arg;
    mine = id * 100;
    for (int k = 0; k < 20000; k++) {
        pthread_mutex_lock(&lock);
        total += id;
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    ready++;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);
    return (void *)(long)(mine + 1);
}

int main(void) {
    pthread_t t[THREADS];
    mine = 7;
    for (int k = 0; k < THREADS; k++) pthread_create(&t[k], NULL, work, (void *)(long)(k + 1));
    pthread_mutex_lock(&lock);
    while (ready < THREADS) pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    long sum = 0;
    for (int k = 0; k < THREADS; k++) {
        void *r;
        pthread_join(t[k], &r);
        sum += (long)r;
    }
    printf("total %ld joined %ld mine %d\n", total, sum, mine);

    /* a timed wait that times out */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 30000000;
    if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
    pthread_mutex_lock(&lock);
    int r = pthread_cond_timedwait(&cond, &lock, &ts);
    pthread_mutex_unlock(&lock);
    printf("timedwait %s\n", r == ETIMEDOUT ? "ETIMEDOUT" : strerror(r));
    return 0;
}
