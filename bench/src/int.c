// bench-iterations: 100 (about 1-2 s natively; bench/run scales it with -s)
/* Integer work: a sieve of Eratosthenes, xorshift mixing with multiplies and divisions, and
 * collatz sequences (branchy). Usage: int [ITERATIONS]; prints a checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : 100;
    enum { N = 1 << 20 };
    static unsigned char composite[N];
    uint64_t sum = 0;
    for (long it = 0; it < iters; it++) {
        memset(composite, 0, sizeof composite);
        unsigned primes = 0;
        for (unsigned i = 2; i < N; i++) {
            if (composite[i]) continue;
            primes++;
            for (unsigned j = i * 2; j < N; j += i) composite[j] = 1;
        }
        uint64_t x = 0x9E3779B97F4A7C15ULL + (uint64_t)it;
        for (int i = 0; i < 200000; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            sum += (x * 0xff51afd7ed558ccdULL) >> 7;
            sum ^= (uint32_t)x / ((uint32_t)(x >> 40) | 1);
        }
        for (uint64_t n = 1; n < 20000; n++) {
            uint64_t c = n + (uint64_t)it;
            while (c != 1) c = (c & 1) ? 3 * c + 1 : c >> 1, sum++;
        }
        sum += primes;
    }
    printf("int %ld %llu\n", iters, (unsigned long long)sum);
    return 0;
}
