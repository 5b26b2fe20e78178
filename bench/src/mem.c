// bench-iterations: 4 (about 1-2 s natively; bench/run scales it with -s)
/* Memory work: random pointer chasing over 32 MiB (cache and TLB misses), block copies and
 * fills, and a blocked matrix transpose. Usage: mem [ITERATIONS]; prints a checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : 4;
    size_t n = (32u << 20) / sizeof(uint32_t);
    uint32_t *next = malloc(n * sizeof *next);
    /* one long random cycle (Sattolo's shuffle) */
    for (size_t i = 0; i < n; i++) next[i] = (uint32_t)i;
    uint64_t r = 12345;
    for (size_t i = n - 1; i > 0; i--) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t j = (size_t)(r >> 33) % i;
        uint32_t t = next[i]; next[i] = next[j]; next[j] = t;
    }
    enum { M = 1024 };
    double *a = malloc(M * M * sizeof *a), *b = malloc(M * M * sizeof *b);
    for (size_t i = 0; i < M * M; i++) a[i] = (double)i;
    char *src = malloc(8 << 20), *dst = malloc(8 << 20);
    memset(src, 7, 8 << 20);
    uint64_t sum = 0;
    for (long it = 0; it < iters; it++) {
        uint32_t p = (uint32_t)it;
        for (int k = 0; k < 500000; k++) p = next[p];
        sum += p;
        for (int k = 0; k < 4; k++) {
            memcpy(dst, src, 8 << 20);
            memset(src + k, k, 1 << 20);
            sum += (unsigned char)dst[(k * 4099) & ((8 << 20) - 1)];
        }
        for (int bi = 0; bi < M; bi += 32)
            for (int bj = 0; bj < M; bj += 32)
                for (int i = bi; i < bi + 32; i++)
                    for (int j = bj; j < bj + 32; j++) b[(size_t)j * M + i] = a[(size_t)i * M + j] + (double)it;
        sum += (uint64_t)b[(size_t)it % M * M + 3];
    }
    printf("mem %ld %llu\n", iters, (unsigned long long)sum);
    return 0;
}
