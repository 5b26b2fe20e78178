/* A CPU-bound mix for measuring guest MIPS: sieve, CRC32, insertion sort, string hashing, a small
 * hash table, floating point (SSE2) and a function-call-heavy recursion. Prints one checksum per part so
 * that native and emulated runs can be compared. Build: gcc -O2 -static cbench.c -o cbench */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

static uint32_t crc_table[256];

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(const unsigned char *p, size_t n) {
    uint32_t c = 0xffffffffu;
    while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

static int sieve(int n) {
    static char comp[1 << 20];
    memset(comp, 0, (size_t) n);
    int count = 0;
    for (int i = 2; i < n; i++) {
        if (comp[i]) continue;
        count++;
        for (long j = (long) i * i; j < n; j += i) comp[j] = 1;
    }
    return count;
}

static void isort(int *a, int n) {
    for (int i = 1; i < n; i++) {
        int v = a[i], j = i - 1;
        while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

struct entry { uint64_t key; uint64_t val; };

static uint64_t table_test(int n) {
    static struct entry t[1 << 16];
    memset(t, 0, sizeof t);
    uint64_t x = 88172645463325252ull, sum = 0;
    for (int i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        uint64_t k = (x % 50000) + 1;
        uint32_t h = (uint32_t) (k * 0x9e3779b97f4a7c15ull >> 48);
        while (t[h].key && t[h].key != k) h = (h + 1) & 0xffff;
        t[h].key = k;
        t[h].val += x;
        sum += t[h].val;
    }
    return sum;
}

static double fp_test(int n) {
    double s = 0, x = 0.5;
    for (int i = 1; i <= n; i++) {
        x = x * 3.7 * (1 - x);
        s += x / i + (double) (i & 7) * 0.25;
    }
    return s;
}

int main(int argc, char **argv) {
    int scale = argc > 1 ? atoi(argv[1]) : 1;
    crc_init();
    static unsigned char buf[1 << 16];
    for (int i = 0; i < (int) sizeof buf; i++) buf[i] = (unsigned char) (i * 7 + (i >> 5));
    uint32_t c = 0;
    for (int r = 0; r < 20 * scale; r++) { buf[r] ^= 1; c ^= crc32(buf, sizeof buf); }
    printf("crc %08x\n", c);
    int primes = 0;
    for (int r = 0; r < 5 * scale; r++) primes += sieve(1 << 20);
    printf("primes %d\n", primes);
    static int a[3000];
    long check = 0;
    for (int r = 0; r < scale; r++) {
        for (int i = 0; i < 3000; i++) a[i] = (int) ((i * 2654435761u) >> 8) ^ r;
        isort(a, 3000);
        check += a[0] + a[1500] + a[2999];
    }
    printf("sort %ld\n", check);
    char s[256];
    uint64_t hs = 0;
    for (int i = 0; i < 200000 * scale; i++) {
        int len = snprintf(s, sizeof s, "key-%d-%x", i, i * 31);
        uint64_t h = 1469598103934665603ull;
        for (int k = 0; k < len; k++) h = (h ^ (unsigned char) s[k]) * 1099511628211ull;
        hs += h + strlen(s);
    }
    printf("strings %016llx\n", (unsigned long long) hs);
    printf("table %016llx\n", (unsigned long long) table_test(2000000 * scale));
    printf("fp %.6f\n", fp_test(3000000 * scale));
    printf("fib %d\n", fib(27 + (scale > 1)));
    return 0;
}
