/* glibc string and memory functions on alignments 0..33, 47, 48, 63 and many lengths, including strings
 * that end right before an unmapped page (the SSE2/SSSE3/AVX2 variants read ahead in aligned
 * blocks and must not fault): memcpy/memmove (overlapping both ways)/memset/memcmp/memchr/memrchr/
 * rawmemchr/strlen/strnlen/strchr/strrchr/strchrnul/strcmp/strncmp/strcasecmp/strcpy/stpcpy/
 * strncpy/strcat/strstr/strcasestr/memmem/strspn/strcspn/strpbrk/strtok_r/wcslen/wmemchr.
 * Results fold into one hash per function; the first results are also printed. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wchar.h>
#include "difftest.h"

static long pg;
static char *edge; /* a page whose next page is not mapped */

static uint64_t hs[40];
static const char *hnames[40];
static void H(int k, const char *name, uint64_t v) { hnames[k] = name; hs[k] = fnv_u64(hs[k] ? hs[k] : FNV_INIT, v); }
static uint64_t off(const void *p, const void *base) { return p ? (uint64_t)((const char *)p - (const char *)base) : ~0ULL; }

static void fill(char *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) p[i] = (char)('a' + (i * 7 + seed) % 26);
}

int main(void) {
    pg = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(m + pg, pg);
    edge = m;
    static char src[1024], dst[1024], ref[1024];
    static const size_t lens[] = {0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 255, 256, 300, 511};
    static const int aligns[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
                                 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 47, 48, 63};
    for (unsigned ai = 0; ai < sizeof aligns / sizeof aligns[0]; ai++) {
        int al = aligns[ai];
        for (unsigned li = 0; li < sizeof lens / sizeof lens[0]; li++) {
            size_t n = lens[li];
            fill(src, sizeof src, (unsigned)(al + n));
            memset(dst, '#', sizeof dst);
            memcpy(dst + (al * 5 % 64), src + al, n);
            H(0, "memcpy", fnv1a(FNV_INIT, dst, 700));
            memmove(src + al + 3, src + al, n); /* overlap forward */
            H(1, "memmove_fwd", fnv1a(FNV_INIT, src, 700));
            memmove(src + al, src + al + 5, n); /* overlap backward */
            H(2, "memmove_back", fnv1a(FNV_INIT, src, 700));
            memset(dst + al, al, n);
            H(3, "memset", fnv1a(FNV_INIT, dst, 700));
            fill(src, sizeof src, 1);
            memcpy(ref, src, sizeof src);
            if (n) ref[al + n - 1 - (n / 3)] ^= 1;
            int c = memcmp(src + al, ref + al, n);
            H(4, "memcmp", (uint64_t)(c > 0) - (uint64_t)(c < 0));
            src[al + n] = 0;
            H(5, "strlen", strlen(src + al));
            H(6, "strnlen", strnlen(src + al, n / 2 + 1));
            char want = n ? src[al + n * 2 / 3] : 'q';
            H(7, "memchr", off(memchr(src + al, want, n), src));
            H(8, "memrchr", off(memrchr(src + al, want, n), src));
            H(9, "strchr", off(strchr(src + al, want), src));
            H(10, "strrchr", off(strrchr(src + al, want), src));
            H(11, "strchrnul", off(strchrnul(src + al, '!'), src));
            H(12, "rawmemchr", off(rawmemchr(src + al, 0), src));
            memcpy(ref, src, sizeof src);
            ref[al + n] = 0;
            if (n) ref[al + n / 2] = 'A';
            c = strcmp(src + al, ref + al);
            H(13, "strcmp", (uint64_t)(c > 0) - (uint64_t)(c < 0));
            c = strncmp(src + al, ref + al, n / 2);
            H(14, "strncmp", (uint64_t)(c > 0) - (uint64_t)(c < 0));
            c = strcasecmp(src + al, ref + al);
            H(15, "strcasecmp", (uint64_t)(c > 0) - (uint64_t)(c < 0));
            memset(dst, '#', sizeof dst);
            char *e = stpcpy(dst + (63 - al), src + al);
            H(16, "stpcpy", off(e, dst) ^ fnv1a(FNV_INIT, dst, 700));
            strcpy(dst + al, src + (63 - al));
            H(17, "strcpy", fnv1a(FNV_INIT, dst, 700));
            strncpy(dst + 3, src + al, n / 2 + 40);
            H(18, "strncpy", fnv1a(FNV_INIT, dst, 700));
            dst[al] = 0;
            src[900] = 0;
            strcat(dst, src + 600 - (n > 300 ? 300 : n));
            H(19, "strcat", fnv1a(FNV_INIT, dst, 700));
            char needle[8];
            size_t nl = n > 5 ? 5 : n;
            memcpy(needle, src + al + n - nl, nl);
            needle[nl] = 0;
            H(20, "strstr", off(strstr(src + al, needle), src));
            H(21, "memmem", off(memmem(src + al, n, needle, nl), src));
            needle[0] = (char)(needle[0] & ~0x20);
            H(22, "strcasestr", off(strcasestr(src + al, needle), src));
            H(23, "strspn", strspn(src + al, "abcdefghijklm"));
            H(24, "strcspn", strcspn(src + al, "xyz"));
            H(25, "strpbrk", off(strpbrk(src + al, "qz"), src));
            src[al + n] = 'x';
            /* strings ending right at the unmapped page */
            char *s = edge + pg - 1 - (n % pg) ;
            fill(s, n, (unsigned)al);
            s[n] = 0;
            H(26, "edge_strlen", strlen(s));
            H(27, "edge_strchr", off(strchr(s, 'z'), s));
            H(28, "edge_memchr", off(memchr(s, 0, n + 1), s));
            H(29, "edge_strrchr", off(strrchr(s, 'a'), s));
            memcpy(ref, s, n + 1);
            H(30, "edge_strcmp", (uint64_t)strcmp(s, ref));
            H(31, "edge_strnlen", strnlen(s, 1000));
            H(32, "edge_rawmemchr", off(rawmemchr(s, 0), s));
            H(33, "edge_memcmp", (uint64_t)memcmp(s, ref, n + 1));
        }
    }
    for (int k = 0; k < 34; k++) printf("%-15s %016llx\n", hnames[k], (unsigned long long)hs[k]);

    /* tokenising, wide characters, and a few direct results */
    char text[] = "  alpha, beta;gamma ,, delta  ";
    char *save, *tok = strtok_r(text, " ,;", &save);
    printf("tokens:");
    while (tok) { printf(" [%s]", tok); tok = strtok_r(NULL, " ,;", &save); }
    printf("\n");
    wchar_t w[] = L"wide characters \x263a here";
    printf("wcslen %zu wmemchr %ld wcscmp %d\n", wcslen(w), (long)(wmemchr(w, L'\x263a', wcslen(w)) - w), wcscmp(w, L"wide") > 0);
    printf("strverscmp %d %d ffs %d %d\n", strverscmp("file9", "file10") < 0, strverscmp("a1.2", "a1.10") < 0, ffs(0x80), ffsll(1LL << 40));
    char big[5000];
    memset(big, 'k', sizeof big);
    big[4999] = 0;
    printf("long strlen %zu strspn %zu\n", strlen(big), strspn(big, "k"));
    printf("strsignal/strerror: %s | %s\n", strerror(2), strerror(13));
    return 0;
}
