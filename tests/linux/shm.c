/* MAP_SHARED memory: anonymous shared memory between a parent and its children (with a process-shared
   mutex, i.e. a shared futex), a shared file mapping whose writes reach the file, mprotect and mremap of
   shared mappings, and private mappings staying private across fork. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
    pthread_mutex_t mu;
    long counter;
    char msg[64];
};

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct shared *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&sh->mu, &ma);
    int *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *priv = 1;
    pid_t kids[3];
    for (int k = 0; k < 3; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            for (int i = 0; i < 2000; i++) {
                pthread_mutex_lock(&sh->mu);
                sh->counter++;
                pthread_mutex_unlock(&sh->mu);
            }
            *priv = 99;
            if (k == 0) strcpy(sh->msg, "written by a child");
            _exit(0);
        }
    }
    for (int k = 0; k < 3; k++) waitpid(kids[k], NULL, 0);
    printf("shared counter: %ld\n", sh->counter);
    printf("shared message: %s\n", sh->msg);
    printf("private stays: %d\n", *priv);

    /* a robust process-shared mutex whose owner dies holding it: the next locker gets EOWNERDEAD */
    pthread_mutex_t *rm = (pthread_mutex_t *) (sh + 1);
    pthread_mutexattr_t ra;
    pthread_mutexattr_init(&ra);
    pthread_mutexattr_setpshared(&ra, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&ra, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(rm, &ra);
    pid_t owner = fork();
    if (owner == 0) {
        pthread_mutex_lock(rm);
        _exit(0);
    }
    waitpid(owner, NULL, 0);
    int lr = pthread_mutex_lock(rm);
    printf("robust lock after owner died: %s\n", lr == EOWNERDEAD ? "EOWNERDEAD" : lr == 0 ? "0" : "other");
    if (lr == EOWNERDEAD) pthread_mutex_consistent(rm);
    printf("unlock: %d\n", pthread_mutex_unlock(rm));

    /* a shared file mapping: writes reach the file */
    char path[] = "/tmp/jemu-shm-XXXXXX";
    int fd = mkstemp(path);
    if (ftruncate(fd, 8192)) return 1;
    char *f = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    strcpy(f + 4096, "through the mapping");
    char buf[32] = {0};
    pread(fd, buf, 19, 4096);
    printf("file sees: %s\n", buf);
    pwrite(fd, "via write", 9, 0);
    printf("mapping sees: %.9s\n", f);
    /* a child writes through its inherited mapping */
    if (fork() == 0) {
        memcpy(f + 100, "child", 5);
        _exit(0);
    }
    wait(NULL);
    printf("child's write: %.5s\n", f + 100);
    /* read-only descriptor: no writable shared mapping */
    int ro = open(path, O_RDONLY);
    void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
    printf("rw map of ro fd: %s\n", m == MAP_FAILED ? "refused" : "mapped");
    char *r = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
    printf("ro map: %.9s, mprotect rw: %d\n", r, mprotect(r, 4096, PROT_READ | PROT_WRITE));
    /* mremap keeps sharing */
    char *g = mremap(f, 8192, 16384, MREMAP_MAYMOVE);
    printf("after mremap: %.9s %.19s\n", g, g + 4096);
    munmap(g, 16384);
    unlink(path);
    return 0;
}
