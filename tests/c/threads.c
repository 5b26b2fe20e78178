/* pthreads: atomic counters (lock add, cmpxchg loops, xchg), a mutex-protected counter, a
 * condition-variable producer/consumer queue, barriers, pthread_once, thread-local storage,
 * rwlocks, joins (the kernel's CLONE_CHILD_CLEARTID futex wake) and return values, detached
 * threads, and a futex-based spin/sleep lock. Only final, order-independent results are printed. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NT 6
#define ITER 20000

static atomic_long acounter;
static atomic_int cas_counter;
static long mcounter;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static __thread long tls_value = 7;
static __thread char tls_buf[64];

static void *adder(void *arg) {
    long id = (long)(intptr_t)arg;
    tls_value += id;
    for (int i = 0; i < ITER; i++) {
        atomic_fetch_add(&acounter, 1);
        int old = atomic_load(&cas_counter);
        while (!atomic_compare_exchange_weak(&cas_counter, &old, old + 2)) {}
        pthread_mutex_lock(&mu);
        mcounter += id;
        pthread_mutex_unlock(&mu);
    }
    tls_buf[0] = (char)('A' + id);
    return (void *)(intptr_t)(tls_value * 100 + tls_buf[0]);
}

/* bounded queue with two condition variables */
#define QN 8
static int queue[QN], qhead, qtail, qcount, done_producers;
static pthread_mutex_t qmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;

static void *producer(void *arg) {
    int base = (int)(intptr_t)arg;
    for (int i = 1; i <= 2000; i++) {
        pthread_mutex_lock(&qmu);
        while (qcount == QN) pthread_cond_wait(&not_full, &qmu);
        queue[qtail] = base + i;
        qtail = (qtail + 1) % QN;
        qcount++;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&qmu);
    }
    pthread_mutex_lock(&qmu);
    done_producers++;
    pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&qmu);
    return NULL;
}

static void *consumer(void *arg) {
    long long *sum = arg;
    for (;;) {
        pthread_mutex_lock(&qmu);
        while (qcount == 0 && done_producers < 3) pthread_cond_wait(&not_empty, &qmu);
        if (qcount == 0) {
            pthread_mutex_unlock(&qmu);
            return NULL;
        }
        int v = queue[qhead];
        qhead = (qhead + 1) % QN;
        qcount--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&qmu);
        *sum += v;
    }
}

static pthread_barrier_t barrier;
static atomic_int phase_hits[3];
static void *phased(void *arg) {
    (void)arg;
    for (int p = 0; p < 3; p++) {
        atomic_fetch_add(&phase_hits[p], 1);
        pthread_barrier_wait(&barrier);
        /* after the barrier every thread must see all arrivals of this phase */
        if (atomic_load(&phase_hits[p]) != NT) abort();
    }
    return NULL;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static void init_once(void) { once_runs++; }
static void *call_once(void *arg) { (void)arg; pthread_once(&once, init_once); return NULL; }

/* a minimal futex lock: 0 free, 1 locked, 2 locked with waiters */
static atomic_int flock;
static long fcounter;
static void futex_lock(void) {
    int c = 0;
    if (atomic_compare_exchange_strong(&flock, &c, 1)) return;
    if (c != 2) c = atomic_exchange(&flock, 2);
    while (c != 0) {
        syscall(SYS_futex, &flock, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
        c = atomic_exchange(&flock, 2);
    }
}
static void futex_unlock(void) {
    if (atomic_fetch_sub(&flock, 1) != 1) {
        atomic_store(&flock, 0);
        syscall(SYS_futex, &flock, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
}
static void *futex_worker(void *arg) {
    (void)arg;
    for (int i = 0; i < 5000; i++) {
        futex_lock();
        fcounter++;
        futex_unlock();
    }
    return NULL;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_data[16];
static atomic_int rw_bad;
static void *rw_worker(void *arg) {
    long id = (long)(intptr_t)arg;
    for (int i = 0; i < 3000; i++) {
        if (i % 10 == id % 10) {
            pthread_rwlock_wrlock(&rw);
            for (int k = 0; k < 16; k++) rw_data[k]++;
            pthread_rwlock_unlock(&rw);
        } else {
            pthread_rwlock_rdlock(&rw);
            for (int k = 1; k < 16; k++)
                if (rw_data[k] != rw_data[0]) atomic_fetch_add(&rw_bad, 1);
            pthread_rwlock_unlock(&rw);
        }
    }
    return NULL;
}

static atomic_int detached_done;
static void *detached(void *arg) { (void)arg; atomic_fetch_add(&detached_done, 1); return NULL; }

int main(void) {
    pthread_t t[NT];
    for (long i = 0; i < NT; i++) pthread_create(&t[i], NULL, adder, (void *)(intptr_t)i);
    long rets = 0;
    for (int i = 0; i < NT; i++) {
        void *r;
        pthread_join(t[i], &r);
        rets += (long)(intptr_t)r;
    }
    printf("atomic=%ld cas=%d mutex=%ld returns=%ld main tls=%ld\n", (long)acounter, (int)cas_counter, mcounter, rets, tls_value);

    pthread_t prod[3], cons[2];
    long long sums[2] = {0, 0};
    for (int i = 0; i < 2; i++) pthread_create(&cons[i], NULL, consumer, &sums[i]);
    for (int i = 0; i < 3; i++) pthread_create(&prod[i], NULL, producer, (void *)(intptr_t)(i * 100000));
    for (int i = 0; i < 3; i++) pthread_join(prod[i], NULL);
    for (int i = 0; i < 2; i++) pthread_join(cons[i], NULL);
    printf("queue total=%lld left=%d\n", sums[0] + sums[1], qcount);

    pthread_barrier_init(&barrier, NULL, NT);
    for (int i = 0; i < NT; i++) pthread_create(&t[i], NULL, phased, NULL);
    for (int i = 0; i < NT; i++) pthread_join(t[i], NULL);
    printf("barrier phases %d %d %d\n", (int)phase_hits[0], (int)phase_hits[1], (int)phase_hits[2]);

    for (int i = 0; i < NT; i++) pthread_create(&t[i], NULL, call_once, NULL);
    for (int i = 0; i < NT; i++) pthread_join(t[i], NULL);
    printf("once ran %d\n", once_runs);

    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, futex_worker, NULL);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    printf("futex lock counter %ld\n", fcounter);

    for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, rw_worker, (void *)(intptr_t)i);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    printf("rwlock writes %ld torn reads %d\n", rw_data[0], (int)rw_bad);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    for (int i = 0; i < 4; i++) pthread_create(&t[i], &attr, detached, NULL);
    while (atomic_load(&detached_done) < 4) sched_yield();
    printf("detached ran %d\n", (int)detached_done);

    /* a thread's own id and name */
    pthread_setname_np(pthread_self(), "difftest-main");
    char name[32];
    pthread_getname_np(pthread_self(), name, sizeof name);
    printf("name %s equal_self=%d\n", name, pthread_equal(pthread_self(), pthread_self()));
    return 0;
}
