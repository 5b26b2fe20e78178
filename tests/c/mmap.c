/* Memory mappings: anonymous private/shared, MAP_FIXED over an existing range, mprotect (with a
 * fault to prove it), munmap holes, mremap growing in place and moving, file-backed MAP_SHARED
 * and MAP_PRIVATE (copy on write) mappings of a temp file, shared memory across fork, madvise
 * MADV_DONTNEED zeroing, brk/sbrk, mincore, and large allocations touched sparsely. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "difftest.h"

static sigjmp_buf jb;
static void on_segv(int s) { (void)s; siglongjmp(jb, 1); }
static int writable(volatile char *p) {
    if (sigsetjmp(jb, 1)) return 0;
    char c = *p;
    *p = c;
    return 1;
}
static int readable(volatile char *p) {
    if (sigsetjmp(jb, 1)) return 0;
    (void)*p;
    return 1;
}

int main(void) {
    signal(SIGSEGV, on_segv);
    signal(SIGBUS, on_segv);
    long pg = sysconf(_SC_PAGESIZE);
    printf("pagesize %ld\n", pg);

    char *a = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int zero = 1;
    for (long i = 0; i < 16 * pg; i++) zero &= a[i] == 0;
    printf("anon zeroed=%d aligned=%d\n", zero, ((uintptr_t)a % pg) == 0);
    for (long i = 0; i < 16 * pg; i++) a[i] = (char)(i * 13);
    mprotect(a + 4 * pg, 2 * pg, PROT_READ);
    printf("after mprotect RO: w3=%d w4=%d w5=%d w6=%d r4=%d\n", writable(a + 3 * pg), writable(a + 4 * pg), writable(a + 5 * pg + 100),
           writable(a + 6 * pg), readable(a + 4 * pg));
    mprotect(a + 4 * pg, pg, PROT_NONE);
    printf("PROT_NONE: r4=%d r5=%d\n", readable(a + 4 * pg), readable(a + 5 * pg));
    mprotect(a + 4 * pg, 2 * pg, PROT_READ | PROT_WRITE);
    printf("restored: w4=%d data ok=%d\n", writable(a + 4 * pg), a[4 * pg + 7] == (char)((4 * pg + 7) * 13));
    munmap(a + 8 * pg, pg);
    printf("hole: r7=%d r8=%d r9=%d\n", readable(a + 7 * pg), readable(a + 8 * pg), readable(a + 9 * pg));
    /* MAP_FIXED replaces the hole and part of the range */
    char *f = mmap(a + 8 * pg, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("fixed at hole: same=%d r8=%d zero9=%d\n", f == a + 8 * pg, readable(a + 8 * pg), a[9 * pg + 1] == 0);
    /* MAP_FIXED_NOREPLACE refuses an occupied range */
    char *nr = mmap(a, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    /* (Debian's QEMU 7.2 ignores the flag and maps elsewhere: what both keep is the old mapping) */
    printf("noreplace kept old=%d\n", (nr == MAP_FAILED || nr != a) && a[1] == (char)13);

    /* mremap: grow (maybe in place), then force a move */
    char *g = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(g, 'g', 2 * pg);
    char *g2 = mremap(g, 2 * pg, 64 * pg, MREMAP_MAYMOVE);
    printf("mremap grow ok=%d kept=%d newzero=%d\n", g2 != MAP_FAILED, g2[2 * pg - 1] == 'g', g2[63 * pg] == 0);
    char *target = mmap(NULL, 64 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *g3 = mremap(g2, 64 * pg, 64 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    printf("mremap fixed moved=%d kept=%d old gone=%d\n", g3 == target, g3[5] == 'g', !readable(g2));
    char *g4 = mremap(g3, 64 * pg, pg, 0);
    printf("mremap shrink same=%d r1=%d\n", g4 == g3, readable(g3 + pg));

    /* file mappings */
    char path[] = "/tmp/difftest-mmap-XXXXXX";
    int fd = mkstemp(path);
    unlink(path);
    ftruncate(fd, 3 * pg);
    char *sh = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    strcpy(sh + pg, "written through MAP_SHARED");
    char rbuf[64] = {0};
    pread(fd, rbuf, 27, pg);
    printf("shared file: %s\n", rbuf);
    pwrite(fd, "pwrite wins", 11, 2 * pg);
    printf("seen in map: %.11s\n", sh + 2 * pg);
    char *pv = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    printf("private sees file: %.11s\n", pv + 2 * pg);
    strcpy(pv + 2 * pg, "private cow");
    memset(rbuf, 0, sizeof rbuf);
    pread(fd, rbuf, 11, 2 * pg);
    printf("file after private write: %s map: %.11s\n", rbuf, pv + 2 * pg);
    msync(sh, 3 * pg, MS_SYNC);
    char *off = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, pg);
    printf("offset map: %.7s\n", off);
    /* beyond the end of the file: SIGBUS */
    char *past = mmap(NULL, 8 * pg, PROT_READ, MAP_SHARED, fd, 0);
    printf("past EOF: r2=%d r5=%d\n", readable(past + 2 * pg), readable(past + 5 * pg));
    close(fd);

    /* MAP_SHARED anonymous memory is shared with a child; MAP_PRIVATE is not */
    volatile int *shared = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    volatile int *priv = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *shared = 1;
    *priv = 1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        *shared = 42;
        *priv = 42;
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    printf("after fork: shared=%d private=%d\n", *shared, *priv);

    /* MADV_DONTNEED drops private anonymous pages */
    memset(a, 7, pg);
    madvise(a, pg, MADV_DONTNEED);
    printf("dontneed zero=%d\n", a[10] == 0);
    unsigned char vec[4];
    printf("mincore rc=%d\n", mincore(a, 4 * pg, vec));

    /* brk */
    char *b0 = sbrk(0);
    char *b1 = sbrk(5 * pg);
    memset(b1, 1, 5 * pg);
    char *b2 = sbrk(0);
    sbrk(-(5 * pg));
    printf("sbrk grew=%ld shrank=%d\n", (long)(b2 - b0), sbrk(0) == b0);

    /* a large sparse mapping */
    size_t big = (size_t)1 << 28;
    char *s = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    uint64_t h = FNV_INIT;
    for (size_t i = 0; i < big; i += big / 64) s[i] = (char)(i >> 20);
    for (size_t i = 0; i < big; i += big / 64) h = fnv1a(h, s + i, 1);
    printf("sparse ok=%d hash %016llx\n", s != MAP_FAILED, (unsigned long long)h);
    munmap(s, big);
    /* a mapping with a guard page: writes run right up to the boundary */
    char *gp = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(gp + pg, pg, PROT_NONE);
    memset(gp, 'x', pg);
    printf("edge: last=%c next=%d\n", gp[pg - 1], readable(gp + pg));
    return 0;
}
