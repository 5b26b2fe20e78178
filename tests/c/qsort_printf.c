/* qsort and bsearch on ints, doubles, strings and structs (stable-order check by key + index),
 * then printf's integer formatting: widths, precisions, flags, length modifiers, positional
 * arguments, %n, %*d, snprintf truncation and return values, and sprintf of many values. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "difftest.h"

static int cmp_int(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static int cmp_dbl(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
struct rec { int key; int idx; char name[12]; };
static int cmp_rec(const void *a, const void *b) {
    const struct rec *x = a, *y = b;
    if (x->key != y->key) return (x->key > y->key) - (x->key < y->key);
    return (x->idx > y->idx) - (x->idx < y->idx);
}

int main(void) {
    rng_seed(2024);
    enum { N = 5000 };
    static int ints[N];
    static double dbls[N];
    static struct rec recs[N];
    static char strs[N][16];
    static char *sp[N];
    for (int i = 0; i < N; i++) {
        ints[i] = (int)rng32() % 100000 - 50000;
        dbls[i] = (double)(int64_t)rng64() / 1e15;
        recs[i].key = (int)(rng32() % 50);
        recs[i].idx = i;
        snprintf(recs[i].name, sizeof recs[i].name, "r%05d", (int)(rng32() % 100000));
        snprintf(strs[i], sizeof strs[i], "%08x%03d", rng32(), i % 1000);
        sp[i] = strs[i];
    }
    qsort(ints, N, sizeof ints[0], cmp_int);
    qsort(dbls, N, sizeof dbls[0], cmp_dbl);
    qsort(recs, N, sizeof recs[0], cmp_rec);
    qsort(sp, N, sizeof sp[0], cmp_str);
    int sorted = 1;
    for (int i = 1; i < N; i++) sorted &= ints[i - 1] <= ints[i] && dbls[i - 1] <= dbls[i] && strcmp(sp[i - 1], sp[i]) <= 0 &&
                                      cmp_rec(&recs[i - 1], &recs[i]) < 0;
    uint64_t h = FNV_INIT;
    h = fnv1a(h, ints, sizeof ints);
    h = fnv1a(h, dbls, sizeof dbls);
    for (int i = 0; i < N; i++) h = fnv1a(h, sp[i], strlen(sp[i])), h = fnv1a(h, &recs[i], sizeof recs[i]);
    printf("sorted=%d hash=%016llx min=%d max=%d median=%d\n", sorted, (unsigned long long)h, ints[0], ints[N - 1], ints[N / 2]);
    printf("first strings: %s %s %s last: %s\n", sp[0], sp[1], sp[2], sp[N - 1]);
    for (int k = -50000; k <= 50000; k += 12500) {
        int *p = bsearch(&k, ints, N, sizeof ints[0], cmp_int);
        printf("bsearch %d: %s\n", k, p ? "found" : "absent");
    }
    int key = ints[1234];
    int *p = bsearch(&key, ints, N, sizeof ints[0], cmp_int);
    printf("bsearch existing: %d\n", p && *p == key);

    /* integer formatting */
    long long vals[] = {0, 1, -1, 42, -42, 127, 128, 255, 65535, INT_MAX, INT_MIN, UINT_MAX, LLONG_MAX, LLONG_MIN};
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        long long v = vals[i];
        printf("[%d] [%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%8.3d] [%x] [%#x] [%X] [%#o] [%u]\n", (int)v, (int)v, (int)v, (int)v,
               (int)v, (int)v, (int)v, (int)v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v);
        printf("  [%lld] [%llx] [%#llo] [%25lld] [%-25lld|] [%hd] [%hhd] [%hhu] [%ld] [%zu] [%jd] [%" PRIx64 "]\n", v,
               (unsigned long long)v, (unsigned long long)v, v, v, (short)v, (signed char)v, (unsigned char)v, (long)v,
               (size_t)v, (intmax_t)v, (uint64_t)v);
    }
    printf("[%*d] [%-*d] [%.*d] [%*.*x]\n", 6, 42, 6, 42, 4, 7, 8, 5, 0xab);
    printf("positional: %2$s %1$s %3$05d %2$s\n", "world", "hello", 7);
    int cnt1, cnt2;
    printf("count%n this%n\n", &cnt1, &cnt2);
    printf("n: %d %d\n", cnt1, cnt2);
    printf("[%s] [%10s] [%-10s] [%.3s] [%c] [%5c] [%%] [%p]\n", "abc", "abc", "abc", "abcdef", 'x', 'y', (void *)0);
    char small[8];
    const char *volatile word = "truncated"; /* not constant: no truncation warning */
    int r = snprintf(small, sizeof small, "%s-%d", word, 12345);
    printf("snprintf ret=%d buf=[%s]\n", r, small);
    r = snprintf(NULL, 0, "%lld %f", LLONG_MIN, 1.5);
    printf("snprintf NULL ret=%d\n", r);
    char *dyn = NULL;
    r = asprintf(&dyn, "%0*d|%s", 30, 5, "end");
    printf("asprintf %d [%s]\n", r, dyn);
    free(dyn);
    /* lots of formatted numbers into one buffer */
    static char out[200000];
    size_t pos = 0;
    for (int i = 0; i < 5000; i++)
        pos += (size_t)snprintf(out + pos, sizeof out - pos, "%d:%x:%o:%.2f;", i * 7919 - 20000, i * 31, i, i / 3.0);
    printf("bulk %zu %016llx\n", pos, (unsigned long long)fnv1a(FNV_INIT, out, pos));
    return 0;
}
