/* Memory system calls of the i386 ABI: mmap2 (page-unit offsets), the old mmap with its argument block,
 * munmap, mprotect, mremap, brk; and libc's malloc on top of them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static long S6(long nr, long a, long b, long c, long d, long e, long f) {
    long r = syscall(nr, a, b, c, d, e, f);
    return r < 0 && r > -4096 ? -errno : r;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int fd = open("m.bin", O_RDWR | O_CREAT | O_TRUNC, 0600);
    char page[4096];
    for (int p = 0; p < 4; p++) {
        memset(page, 'A' + p, sizeof page);
        write(fd, page, sizeof page);
    }
    /* mmap2: offset in pages */
    char *m = (char *)S6(SYS_mmap2, 0, 8192, PROT_READ, MAP_PRIVATE, fd, 2);
    printf("mmap2 aligned=%d %c %c\n", ((uintptr_t)m & 4095) == 0, m[0], m[4096]);
    printf("munmap %ld\n", S6(SYS_munmap, (long)m, 8192, 0, 0, 0, 0));
    /* the old mmap: one pointer to six words; the offset is in bytes and must be page aligned */
    uint32_t args[6] = {0, 4096, PROT_READ, MAP_PRIVATE, (uint32_t)fd, 4096};
    m = (char *)S6(SYS_mmap, (long)args, 0, 0, 0, 0, 0);
    printf("old mmap aligned=%d %c\n", ((uintptr_t)m & 4095) == 0, m[0]);
    args[5] = 100;
    printf("old mmap misaligned %ld\n", S6(SYS_mmap, (long)args, 0, 0, 0, 0, 0));
    printf("old mmap efault %ld\n", S6(SYS_mmap, 8, 0, 0, 0, 0, 0));
    /* anonymous, fixed, protections */
    char *a = (char *)S6(SYS_mmap2, 0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("anon zero=%d below4G=%d\n", a[0] == 0 && a[3 * 4096 - 1] == 0, (uintptr_t)a < 0xffffe000u);
    a[4096] = 7;
    char *f = (char *)S6(SYS_mmap2, (long)(a + 4096), 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("fixed same=%d cleared=%d\n", f == a + 4096, f[0] == 0);
    printf("mprotect %ld\n", S6(SYS_mprotect, (long)a, 4096, PROT_READ, 0, 0, 0));
    printf("mprotect-unaligned %ld\n", S6(SYS_mprotect, (long)a + 1, 4096, PROT_READ, 0, 0, 0));
    printf("mremap-two-vmas %ld\n", S6(SYS_mremap, (long)a, 3 * 4096, 64 * 4096, MREMAP_MAYMOVE, 0, 0));
    S6(SYS_mprotect, (long)a, 4096, PROT_READ | PROT_WRITE, 0, 0, 0);
    char *r = (char *)S6(SYS_mremap, (long)a, 3 * 4096, 64 * 4096, MREMAP_MAYMOVE, 0, 0);
    printf("mremap ok=%d kept=%d\n", (uintptr_t)r < 0xfffff000u, r[4096] == 0 && r[0] == 0);
    printf("munmap %ld\n", S6(SYS_munmap, (long)r, 64 * 4096, 0, 0, 0, 0));
    printf("mmap2-einval %ld\n", S6(SYS_mmap2, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    printf("mmap2-ebadf %ld\n", S6(SYS_mmap2, 0, 4096, PROT_READ, MAP_PRIVATE, 99, 0));
    /* a large region: still in the 32-bit space */
    char *big = mmap(NULL, 256 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("big ok=%d\n", big != MAP_FAILED);
    big[(256 << 20) - 1] = 1;
    munmap(big, 256 << 20);
    /* brk */
    long cur = S6(SYS_brk, 0, 0, 0, 0, 0, 0);
    long grown = S6(SYS_brk, cur + 100000, 0, 0, 0, 0, 0);
    ((char *)cur)[99999] = 1;
    printf("brk grew=%ld\n", grown - cur);
    printf("brk shrink=%ld\n", S6(SYS_brk, cur + 10, 0, 0, 0, 0, 0) - cur);
    /* libc's allocator over all of it */
    unsigned sum = 0;
    for (int k = 1; k < 2000; k++) {
        char *p = malloc(k * 37);
        memset(p, k, k * 37);
        sum += (unsigned char)p[k * 37 - 1];
        if (k % 3) free(p);
    }
    char *huge = malloc(10 << 20);
    huge[(10 << 20) - 1] = 5;
    printf("malloc sum=%u huge=%d\n", sum, huge[(10 << 20) - 1]);
    free(huge);
    return 0;
}
