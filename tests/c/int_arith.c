/* Integer corner cases as compiled C: overflow builtins, shifts, signed/unsigned conversions,
 * division and remainder signs, 64-bit arithmetic on a 32-bit ABI (libgcc helpers), strtol limits,
 * and a few loops that compilers turn into clever code. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include "difftest.h"

static volatile int64_t vs[] = {0, 1, -1, 2, -2, 7, -7, 100, INT8_MIN, INT8_MAX, INT16_MIN, INT16_MAX,
                                INT32_MIN, INT32_MAX, (int64_t)INT32_MAX + 1, INT64_MIN, INT64_MAX,
                                INT64_MIN + 1, 0x123456789LL, -0x123456789LL, 1000000007LL};
#define NV (int)(sizeof vs / sizeof vs[0])

int main(void) {
    for (int i = 0; i < NV; i++)
        for (int j = 0; j < NV; j++) {
            int64_t a = vs[i], b = vs[j], r;
            int32_t a32 = (int32_t)a, b32 = (int32_t)b, r32;
            uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
            printf("%" PRId64 " %" PRId64 ":", a, b);
            printf(" add%d", __builtin_add_overflow(a, b, &r)); printf("=%" PRId64, r);
            printf(" sub%d", __builtin_sub_overflow(a, b, &r)); printf("=%" PRId64, r);
            printf(" mul%d", __builtin_mul_overflow(a, b, &r)); printf("=%" PRId64, r);
            printf(" mul32_%d", __builtin_mul_overflow(a32, b32, &r32)); printf("=%" PRId32, r32);
            if (b != 0 && !(b == -1 && a == INT64_MIN))
                printf(" div=%" PRId64 " mod=%" PRId64, a / b, a % b);
            if (ub) printf(" udiv=%" PRIu64 " umod=%" PRIu64, ua / ub, ua % ub);
            if (b32 != 0 && !(b32 == -1 && a32 == INT32_MIN))
                printf(" div32=%" PRId32 " mod32=%" PRId32, a32 / b32, a32 % b32);
            if ((uint32_t)b32) printf(" udiv32=%" PRIu32, (uint32_t)a32 / (uint32_t)b32);
            printf(" umul=%" PRIu64 " and=%" PRIx64 " lt=%d ult=%d\n", ua * ub, ua & ~ub, a < b, ua < ub);
        }
    for (int s = 0; s < 64; s++) {
        uint64_t x = 0x8123456789abcdefULL;
        int64_t y = (int64_t)x;
        printf("shift %d: %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %08" PRIx32 " %08" PRIx32 " %08" PRIx32 "\n", s,
               x << s, x >> s, (uint64_t)(y >> s), (uint32_t)x << (s & 31), (uint32_t)x >> (s & 31),
               (uint32_t)((int32_t)x >> (s & 31)));
    }
    /* conversions */
    for (int i = 0; i < NV; i++) {
        int64_t a = vs[i];
        printf("conv %" PRId64 ": %d %d %u %d %u %" PRIu64 " %d\n", a, (int)(int8_t)a, (int)(int16_t)a,
               (unsigned)(uint16_t)a, (int)(int32_t)a, (unsigned)a, (uint64_t)a, (int)(a > 0) - (int)(a < 0));
    }
    /* strtol and friends at and beyond the limits */
    static const char *nums[] = {"0", "-0", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
                                 "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                                 "18446744073709551615", "18446744073709551616", "0x7fffFFFF", "0777", " +12abc",
                                 "-", "z", "0x", "1e5"};
    for (unsigned i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        char *end;
        errno = 0;
        long l = strtol(nums[i], &end, 0);
        int e1 = errno;
        errno = 0;
        long long ll = strtoll(nums[i], NULL, 10);
        int e2 = errno;
        errno = 0;
        unsigned long long ull = strtoull(nums[i], NULL, 0);
        int e3 = errno;
        printf("strto \"%s\": %ld/%d end=%d %lld/%d %llu/%d atoi=%d\n", nums[i], l, e1 == ERANGE, (int)(end - nums[i]), ll,
               e2 == ERANGE, ull, e3 == ERANGE, atoi(nums[i]));
    }
    /* gcd, modular exponentiation, collatz: loops with data-dependent branches */
    uint64_t acc = 0;
    for (uint64_t a = 1; a < 3000; a += 7)
        for (uint64_t b = 1; b < 300; b += 13) {
            uint64_t x = a, y = b;
            while (y) { uint64_t t = x % y; x = y; y = t; }
            acc = acc * 31 + x;
        }
    printf("gcd acc %" PRIu64 "\n", acc);
    uint64_t m = 1000000007, base = 123456789, e = 987654321, res = 1;
    while (e) { if (e & 1) res = res * base % m; base = base * base % m; e >>= 1; }
    printf("powmod %" PRIu64 "\n", res);
    unsigned maxlen = 0, arg = 0;
    for (unsigned n = 1; n < 30000; n++) {
        uint64_t x = n;
        unsigned len = 0;
        while (x != 1) { x = (x & 1) ? 3 * x + 1 : x / 2; len++; }
        if (len > maxlen) maxlen = len, arg = n;
    }
    printf("collatz %u %u\n", arg, maxlen);
    /* abs/div/ldiv/lldiv */
    div_t d = div(-17, 5);
    lldiv_t ld = lldiv(-17000000000LL, 3);
    printf("div %d %d %lld %lld %d %ld %lld\n", d.quot, d.rem, ld.quot, ld.rem, abs(-5), labs(-7L), llabs(INT64_MIN + 1));
    return 0;
}
