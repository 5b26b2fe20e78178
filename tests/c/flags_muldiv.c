/* mul/imul (one, two and three operand forms) with CF/OF, div/idiv on every width
 * (quotient overflow and division by zero are left to signals.c). */
#include "difftest.h"

#define MF (F_CF | F_OF) /* mul/imul define only these */

static const uint64_t seeds[] = {0, 1, 2, 3, 7, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x10000,
                                 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL,
                                 0x8000000000000000ULL, 0xffffffffffffffffULL, 0xfffffffffffffff9ULL,
                                 0x123456789abcdef1ULL};
#define NS (sizeof seeds / sizeof seeds[0])

static void pr(const char *what, int bits, uint64_t a, uint64_t b, uint64_t hi, uint64_t lo, ureg f, ureg def) {
    int d = bits / 4;
    printf("%s%d %0*llx,%0*llx -> %0*llx:%0*llx [%s]\n", what, bits, d, (unsigned long long)a, d,
           (unsigned long long)b, d, (unsigned long long)hi, d, (unsigned long long)lo, flagstr(f, def));
}

#define FL_IN(f) RZ_IN "push %[f]\n\tpopf\n\t"
#define FL_OUT "\n\tpushf\n\tpop %[f]\n\t" RZ_OUT

static void mul8(uint8_t a, uint8_t b, int sign, ureg fin) {
    uint16_t ax = a;
    ureg f = fin;
    if (sign)
        __asm__ volatile(FL_IN(f) "imulb %[b]" FL_OUT : "+a"(ax), [f] "+r"(f) : [b] "q"(b) : "cc", "memory");
    else
        __asm__ volatile(FL_IN(f) "mulb %[b]" FL_OUT : "+a"(ax), [f] "+r"(f) : [b] "q"(b) : "cc", "memory");
    pr(sign ? "imul1_" : "mul1_", 8, a, b, ax >> 8, ax & 0xff, f, MF);
}

#define DEF_MUL1(W, T, S)                                                                          \
    static void mul##W(T a, T b, int sign, ureg fin) {                                             \
        T lo = a, hi;                                                                              \
        ureg f = fin;                                                                              \
        if (sign)                                                                                  \
            __asm__ volatile(FL_IN(f) "imul" S " %[b]" FL_OUT                                      \
                             : "+a"(lo), "=d"(hi), [f] "+r"(f) : [b] "r"(b) : "cc", "memory");     \
        else                                                                                       \
            __asm__ volatile(FL_IN(f) "mul" S " %[b]" FL_OUT                                       \
                             : "+a"(lo), "=d"(hi), [f] "+r"(f) : [b] "r"(b) : "cc", "memory");     \
        pr(sign ? "imul1_" : "mul1_", W, a, b, hi, lo, f, MF);                                     \
    }                                                                                              \
    static void imul2_##W(T a, T b, ureg fin) {                                                    \
        T r = a;                                                                                   \
        ureg f = fin;                                                                              \
        __asm__ volatile(FL_IN(f) "imul" S " %[b], %[r]" FL_OUT                                    \
                         : [r] "+r"(r), [f] "+r"(f) : [b] "r"(b) : "cc", "memory");                \
        pr("imul2_", W, a, b, 0, r, f, MF);                                                        \
        T m = b, *p = &m;                                                                          \
        r = a;                                                                                     \
        f = fin;                                                                                   \
        __asm__ volatile(FL_IN(f) "imul" S " (%[p]), %[r]" FL_OUT                                  \
                         : [r] "+r"(r), [f] "+r"(f) : [p] "r"(p) : "cc", "memory");                \
        pr("imul2m_", W, a, b, 0, r, f, MF);                                                       \
        r = a;                                                                                     \
        f = fin;                                                                                   \
        __asm__ volatile(FL_IN(f) "imul" S " $-3, %[a], %[r]" FL_OUT                               \
                         : [r] "=&r"(r), [f] "+r"(f) : [a] "r"(a) : "cc", "memory");               \
        pr("imul3_-3_", W, a, (T)-3, 0, r, f, MF);                                                 \
        f = fin;                                                                                   \
        __asm__ volatile(FL_IN(f) "imul" S " $0x1234, %[a], %[r]" FL_OUT                           \
                         : [r] "=&r"(r), [f] "+r"(f) : [a] "r"(a) : "cc", "memory");               \
        pr("imul3_1234_", W, a, (T)0x1234, 0, r, f, MF);                                           \
    }                                                                                              \
    /* hi:lo / b with hi < b (unsigned) so the quotient fits */                                    \
    static void div##W(T hi, T lo, T b) {                                                          \
        T q = lo, r = hi;                                                                          \
        __asm__ volatile("div" S " %[b]" : "+a"(q), "+d"(r) : [b] "r"(b) : "cc");                  \
        pr("div_", W, hi, lo, q, r, 0, 0);                                                         \
        printf("  /%0*llx\n", W / 4, (unsigned long long)b);                                       \
    }                                                                                              \
    static void idiv##W(T hi, T lo, T b) {                                                         \
        T q = lo, r = hi;                                                                          \
        __asm__ volatile("idiv" S " %[b]" : "+a"(q), "+d"(r) : [b] "r"(b) : "cc");                 \
        pr("idiv_", W, hi, lo, q, r, 0, 0);                                                        \
        printf("  /%0*llx\n", W / 4, (unsigned long long)b);                                       \
    }

DEF_MUL1(16, uint16_t, "w")
DEF_MUL1(32, uint32_t, "l")
#ifdef __x86_64__
DEF_MUL1(64, uint64_t, "q")
#endif

static void div8(uint16_t ax, uint8_t b, int sign) {
    uint16_t r = ax;
    if (sign)
        __asm__ volatile("idivb %[b]" : "+a"(r) : [b] "q"(b) : "cc");
    else
        __asm__ volatile("divb %[b]" : "+a"(r) : [b] "q"(b) : "cc");
    printf("%s8 %04x / %02x -> q=%02x r=%02x\n", sign ? "idiv" : "div", ax, b, r & 0xff, r >> 8);
}

/* Does the signed quotient of the 2W-bit dividend hi:lo by b fit in W bits? */
static int sfits(int w, int64_t hi, uint64_t lo, int64_t b) {
    if (w == 64) {
#ifdef __x86_64__
        __int128 d = ((__int128)hi << 64) | lo;
        if (b == -1 && d == -d && d != 0) return 0;
        __int128 q = d / b;
        return q >= INT64_MIN && q <= INT64_MAX;
#else
        return 0;
#endif
    }
    int64_t d = (int64_t)(((uint64_t)hi << w) | lo);
    if (b == -1 && d == INT64_MIN) return 0;
    int64_t q = d / b;
    int64_t lim = 1LL << (w - 1);
    return q >= -lim && q < lim;
}

int main(void) {
    for (unsigned i = 0; i < NS; i++)
        for (unsigned j = 0; j < NS; j++) {
            uint64_t a = seeds[i], b = seeds[j];
            ureg fin = F_FIXED | (((i + j) & 1) ? F_ALL : 0);
            if ((a >> 8) == 0 && (b >> 8) == 0) {
                mul8((uint8_t)a, (uint8_t)b, 0, fin);
                mul8((uint8_t)a, (uint8_t)b, 1, fin);
            }
            if ((a >> 16) == 0 && (b >> 16) == 0) {
                mul16((uint16_t)a, (uint16_t)b, 0, fin);
                mul16((uint16_t)a, (uint16_t)b, 1, fin);
                imul2_16((uint16_t)a, (uint16_t)b, fin);
            }
            if ((a >> 32) == 0 && (b >> 32) == 0) {
                mul32((uint32_t)a, (uint32_t)b, 0, fin);
                mul32((uint32_t)a, (uint32_t)b, 1, fin);
                imul2_32((uint32_t)a, (uint32_t)b, fin);
            }
#ifdef __x86_64__
            mul64(a, b, 0, fin);
            mul64(a, b, 1, fin);
            imul2_64(a, b, fin);
#endif
        }

    for (unsigned i = 0; i < NS; i++)
        for (unsigned j = 0; j < NS; j++) {
            uint64_t lo = seeds[i], b = seeds[j];
            if (!b) continue;
            /* unsigned: any hi below the divisor */
            uint64_t his[3] = {0, b - 1, b / 2};
            for (int h = 0; h < 3; h++) {
                uint64_t hi = his[h];
                if (b <= 0xff && hi <= 0xff && lo <= 0xff) div8((uint16_t)(hi << 8 | lo), (uint8_t)b, 0);
                if (b <= 0xffff && lo <= 0xffff) div16((uint16_t)hi, (uint16_t)lo, (uint16_t)b);
                if (b <= 0xffffffff && lo <= 0xffffffff) div32((uint32_t)hi, (uint32_t)lo, (uint32_t)b);
#ifdef __x86_64__
                div64(hi, lo, b);
#endif
            }
            /* signed: the dividend's high half is the sign extension of lo, or a small value */
            for (int w = 8; w <= 64; w *= 2) {
                uint64_t m = w == 64 ? ~0ULL : (1ULL << w) - 1;
                uint64_t l = lo & m, bb = b & m;
                if (!bb) continue;
                int64_t sb = w == 64 ? (int64_t)bb : (int64_t)(bb << (64 - w)) >> (64 - w);
                int64_t sl = w == 64 ? (int64_t)l : (int64_t)(l << (64 - w)) >> (64 - w);
                int64_t hs[3] = {sl < 0 ? -1 : 0, 0, -1};
                for (int h = 0; h < 3; h++) {
                    if (h && hs[h] == hs[0]) continue;
                    if (!sfits(w, hs[h], l, sb)) continue;
                    uint64_t hi = (uint64_t)hs[h] & m;
                    switch (w) {
                    case 8: div8((uint16_t)(hi << 8 | l), (uint8_t)bb, 1); break;
                    case 16: idiv16((uint16_t)hi, (uint16_t)l, (uint16_t)bb); break;
                    case 32: idiv32((uint32_t)hi, (uint32_t)l, (uint32_t)bb); break;
#ifdef __x86_64__
                    case 64: idiv64(hi, l, bb); break;
#endif
                    }
                }
            }
        }

    /* the compiler's own division and multiplication idioms */
    volatile int32_t x = -7, y = 2;
    volatile int64_t X = -7000000000123LL, Y = 3;
    volatile uint64_t U = 0xfffffffffffffff1ULL, V = 0x10000000fULL;
    printf("c: %d %d %d %d\n", x / y, x % y, -x / y, x / -y);
    printf("c: %lld %lld %llu %llu\n", (long long)(X / Y), (long long)(X % Y), (unsigned long long)(U / V),
           (unsigned long long)(U % V));
    printf("c: %llu %lld\n", (unsigned long long)(U * V), (long long)(X * X));
    for (int i = 1; i < 40; i++) printf("%d%c", (int)(0x7fffffff / i) + (int)(-1000 % i), i % 13 ? ' ' : '\n');
    printf("\n");
    return 0;
}
