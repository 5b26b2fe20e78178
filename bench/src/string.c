// bench-iterations: 15 (about 1-2 s natively; bench/run scales it with -s)
/* String work with glibc: formatting and parsing numbers (snprintf, strtod, strtol), sorting
 * strings with qsort/strcmp, and searching (strstr, strchr, memchr, strlen).
 * Usage: string [ITERATIONS]; prints a checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : 15;
    enum { N = 40000 };
    static char buf[N][24];
    static char *p[N];
    static char text[1 << 20];
    for (size_t i = 0; i < sizeof text - 1; i++) text[i] = (char)('a' + (i * 2654435761u >> 13) % 26);
    text[sizeof text - 1] = 0;
    uint64_t sum = 0;
    for (long it = 0; it < iters; it++) {
        uint32_t x = (uint32_t)it * 2654435761u + 1;
        for (int i = 0; i < N; i++) {
            x = x * 1103515245 + 12345;
            snprintf(buf[i], sizeof buf[i], "%u.%03u|%x", x >> 8, x % 1000, x);
            p[i] = buf[i];
        }
        qsort(p, N, sizeof p[0], cmp);
        for (int i = 0; i < N; i += 7) {
            sum += (uint64_t)strtod(p[i], NULL) + (uint64_t)strtol(strchr(p[i], '|') + 1, NULL, 16);
        }
        static const char *needles[] = {"qqq", "abcab", "zyx", "mnop", "hello"};
        for (int k = 0; k < 40; k++) {
            const char *h = strstr(text + k * 1000, needles[k % 5]);
            sum += h ? (uint64_t)(h - text) : 1;
            sum += strlen(text + k * 4000) + (uint64_t)(memchr(text, 'z' - k % 3, sizeof text) != NULL);
        }
    }
    printf("string %ld %llu\n", iters, (unsigned long long)sum);
    return 0;
}
