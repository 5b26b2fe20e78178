// arch: x86_64
/* unsigned and signed __int128: multiplication, division (libgcc __udivti3/__divti3), shifts,
 * comparisons and decimal printing, plus the mulx-free 64x64->128 multiply idioms. */
#include <inttypes.h>
#include "difftest.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

static void pr_u(const char *tag, u128 v) {
    char buf[64];
    int i = 63;
    buf[i] = 0;
    do { buf[--i] = (char)('0' + (int)(v % 10)); v /= 10; } while (v);
    printf("%s%s", tag, buf + i);
}
static void pr_s(const char *tag, s128 v) {
    if (v < 0) { printf("%s-", tag); pr_u("", -(u128)v); }
    else pr_u(tag, (u128)v);
}
static void pr_x(const char *tag, u128 v) {
    printf("%s%016" PRIx64 "%016" PRIx64, tag, (uint64_t)(v >> 64), (uint64_t)v);
}

int main(void) {
    u128 vals[] = {0, 1, 2, 3, 10, 0xffffffffffffffffULL, (u128)1 << 64, ((u128)1 << 64) + 1, (u128)1 << 127,
                   ~(u128)0, ~(u128)0 - 1, ((u128)0x0123456789abcdefULL << 64) | 0xfedcba9876543210ULL,
                   (u128)1000000007 * 998244353, ((u128)1 << 100) / 3};
    int n = sizeof vals / sizeof vals[0];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            u128 a = vals[i], b = vals[j];
            pr_x("", a); pr_x(" ", b);
            pr_x(" +", a + b); pr_x(" -", a - b); pr_x(" *", a * b);
            if (b) { pr_u(" /", a / b); pr_u(" %", a % b); }
            s128 sa = (s128)a, sb = (s128)b;
            if (sb && !(sb == -1 && sa == (s128)((u128)1 << 127))) { pr_s(" s/", sa / sb); pr_s(" s%", sa % sb); }
            printf(" <%d s<%d\n", a < b, sa < sb);
        }
    for (int s = 0; s < 128; s += 5) {
        u128 v = vals[11];
        pr_x("shl ", v << s); pr_x(" shr ", v >> s); pr_x(" sar ", (u128)((s128)v >> s)); printf(" %d\n", s);
    }
    /* 64x64 -> 128 products, as hash functions use them */
    uint64_t acc = 0, x = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 100000; i++) {
        u128 p = (u128)x * (x ^ 0xa0761d6478bd642fULL);
        x = (uint64_t)p ^ (uint64_t)(p >> 64);
        acc += x;
    }
    printf("mum %016" PRIx64 " %016" PRIx64 "\n", x, acc);
    /* factorials until they overflow */
    u128 f = 1;
    for (int i = 1; i <= 34; i++) { f *= i; pr_u("", f); printf("%c", i % 4 ? ' ' : '\n'); }
    printf("\n");
    return 0;
}
