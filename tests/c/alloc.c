/* The allocator under load: malloc/free of random sizes (small bins, large, mmap'd), realloc
 * growth and shrinking with content checks, calloc zeroing, aligned allocations, and a linked
 * structure built and torn down; plus deep recursion and alloca to grow the stack. */
#define _GNU_SOURCE
#include <alloca.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "difftest.h"

struct node { struct node *left, *right; uint64_t key; char payload[24]; };

static struct node *insert(struct node *t, uint64_t k) {
    if (!t) {
        struct node *n = calloc(1, sizeof *n);
        n->key = k;
        memcpy(n->payload, &k, sizeof k);
        return n;
    }
    if (k < t->key) t->left = insert(t->left, k);
    else if (k > t->key) t->right = insert(t->right, k);
    return t;
}
static uint64_t walk(struct node *t, int depth, int *maxd) {
    if (!t) return 0;
    if (depth > *maxd) *maxd = depth;
    uint64_t h = walk(t->left, depth + 1, maxd);
    h = h * 31 + t->key;
    return h ^ walk(t->right, depth + 1, maxd);
}
static void freetree(struct node *t) { if (t) { freetree(t->left); freetree(t->right); free(t); } }

static unsigned long deep(unsigned long n) {
    volatile char frame[64];
    frame[n % 64] = (char)n;
    if (n == 0) return frame[0];
    return deep(n - 1) + frame[n % 64];
}

int main(void) {
    rng_seed(314159);
    enum { SLOTS = 500 };
    static char *slot[SLOTS];
    static size_t size[SLOTS];
    int bad = 0;
    for (int round = 0; round < 15000; round++) {
        int i = (int)(rng32() % SLOTS);
        if (slot[i]) {
            for (size_t k = 0; k < size[i]; k += 97) bad += slot[i][k] != (char)(i + k);
            if (rng32() % 3 == 0) {
                size_t ns = rng32() % 50 == 0 ? rng32() % 100000 : rng32() % 2000;
                char *p = realloc(slot[i], ns + 1);
                size_t keep = ns < size[i] ? ns : size[i];
                for (size_t k = 0; k < keep; k += 97) bad += p[k] != (char)(i + k);
                for (size_t k = 0; k < ns; k++) p[k] = (char)(i + k);
                slot[i] = p;
                size[i] = ns;
            } else {
                free(slot[i]);
                slot[i] = NULL;
            }
        } else {
            uint32_t r = rng32();
            size[i] = r % 200 == 0 ? 140000 + r % 100000 : r % 4 == 0 ? r % 4096 : r % 128;
            slot[i] = malloc(size[i] + 1);
            for (size_t k = 0; k < size[i]; k++) slot[i][k] = (char)(i + k);
            bad += malloc_usable_size(slot[i]) < size[i] + 1;
        }
    }
    for (int i = 0; i < SLOTS; i++) free(slot[i]);
    printf("random alloc/free/realloc: bad=%d\n", bad);

    int zero = 1;
    for (int i = 0; i < 200; i++) {
        size_t n = (size_t)(i * 977 % 5000) + 1;
        unsigned char *p = calloc(n, 3);
        for (size_t k = 0; k < n * 3; k++) zero &= p[k] == 0;
        memset(p, 0xff, n * 3);
        free(p);
    }
    volatile size_t huge = (size_t)-1 / 2;
    printf("calloc zeroed=%d overflow=%d\n", zero, calloc(huge, 4) == NULL);
    int aligned = 1;
    for (size_t al = 8; al <= 65536; al *= 2) {
        void *p = NULL;
        int rc = posix_memalign(&p, al, 1000);
        void *q = memalign(al, 33);
        void *r = aligned_alloc(al, al * 2);
        aligned &= rc == 0 && (uintptr_t)p % al == 0 && (uintptr_t)q % al == 0 && (uintptr_t)r % al == 0;
        free(p); free(q); free(r);
    }
    printf("aligned=%d\n", aligned);
    char *big = malloc(64 << 20); /* touched sparsely: most pages are never faulted in */
    for (size_t i = 0; i < (64u << 20); i += 4096 * 13) big[i] = (char)(i >> 12);
    uint64_t h = FNV_INIT;
    for (size_t i = 0; i < (64u << 20); i += 4096 * 13 * 17) h = fnv1a(h, big + i, 1);
    free(big);
    printf("64MiB block hash %016llx\n", (unsigned long long)h);

    struct node *t = NULL;
    for (int i = 0; i < 5000; i++) t = insert(t, rng64() % 1000000);
    int maxd = 0;
    uint64_t th = walk(t, 0, &maxd);
    freetree(t);
    printf("tree hash %016llx depth %d\n", (unsigned long long)th, maxd);

    printf("deep recursion %lu\n", deep(20000));
    char *a = alloca(1 << 20);
    memset(a, 3, 1 << 20);
    printf("alloca sum %d\n", a[0] + a[(1 << 20) - 1]);
    return 0;
}
