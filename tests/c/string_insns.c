/* String instructions with and without rep prefixes, both directions (DF), every element size;
 * repe/repne termination and the registers they leave; plus cbw/cwde/cdq/cqo, movsx/movzx,
 * xlat, loop/jecxz, enter/leave, cmovcc and lea address arithmetic. */
#include "difftest.h"

static unsigned char src[512], dst[512];

static void fill(void) {
    for (int i = 0; i < 512; i++) src[i] = (unsigned char)(i * 7 + 3), dst[i] = (unsigned char)(0xa0 ^ i);
}
static void dump(const char *what, uintptr_t si, uintptr_t di, uintptr_t cx) {
    printf("%s: si=%+ld di=%+ld cx=%lu dst=%016llx\n", what, (long)(si - (uintptr_t)src), (long)(di - (uintptr_t)dst),
           (unsigned long)cx, (unsigned long long)fnv1a(FNV_INIT, dst, sizeof dst));
}

#define MOVS(SFX, SZ)                                                                              \
    for (int back = 0; back < 2; back++)                                                           \
        for (uintptr_t n = 0; n < 40; n += 13) {                                                   \
            fill();                                                                                \
            uintptr_t si = (uintptr_t)src + 100 + (back ? 337 : 0), di = (uintptr_t)dst + 90 + (back ? 390 : 3), cx = n; \
            if (back)                                                                              \
                __asm__ volatile("std\n\trep movs" SFX "\n\tcld" : "+S"(si), "+D"(di), "+c"(cx) : : "memory"); \
            else                                                                                   \
                __asm__ volatile("rep movs" SFX : "+S"(si), "+D"(di), "+c"(cx) : : "memory");      \
            char name[32];                                                                         \
            snprintf(name, sizeof name, "rep movs%s n=%lu df=%d", SFX, (unsigned long)n, back);    \
            dump(name, si, di, cx);                                                                \
            fill();                                                                                \
            uintptr_t a = 0x0102030405060708ULL & (uintptr_t)-1;                                   \
            di = (uintptr_t)dst + (back ? 480 : 100); cx = n;                                                     \
            if (back)                                                                              \
                __asm__ volatile("std\n\trep stos" SFX "\n\tcld" : "+D"(di), "+c"(cx) : "a"(a) : "memory"); \
            else                                                                                   \
                __asm__ volatile("rep stos" SFX : "+D"(di), "+c"(cx) : "a"(a) : "memory");         \
            snprintf(name, sizeof name, "rep stos%s n=%lu df=%d", SFX, (unsigned long)n, back);    \
            dump(name, (uintptr_t)src, di, cx);                                                    \
            si = (uintptr_t)src + 64;                                                              \
            if (back)                                                                              \
                __asm__ volatile("std\n\tlods" SFX "\n\tlods" SFX "\n\tcld" : "+S"(si), "=a"(a) : : "memory"); \
            else                                                                                   \
                __asm__ volatile("lods" SFX "\n\tlods" SFX : "+S"(si), "=a"(a) : : "memory");     \
            printf("lods%s df=%d: a=%llx si=%+ld\n", SFX, back, (unsigned long long)(a & (SZ == 8 ? ~0ULL : (1ULL << (SZ * 8)) - 1)), \
                   (long)(si - (uintptr_t)src));                                                   \
        }

/* repe cmps / repne scas: where they stop, the flags of the last comparison */
static void compare_scan(void) {
    fill();
    memcpy(dst, src, sizeof src);
    for (int diff = 0; diff < 70; diff += 9) {
        memcpy(dst, src, sizeof src);
        dst[diff] ^= 0x40;
        uintptr_t si = (uintptr_t)src, di = (uintptr_t)dst, cx = 64;
        ureg f;
        __asm__ volatile(RZ_IN "cld\n\trepe cmpsb\n\tpushf\n\tpop %[f]\n\t" RZ_OUT
                         : "+S"(si), "+D"(di), "+c"(cx), [f] "=r"(f) : : "cc", "memory");
        printf("repe cmpsb diff@%d: si=%ld cx=%lu [%s]\n", diff, (long)(si - (uintptr_t)src), (unsigned long)cx,
               flagstr(f, F_ALL));
        si = (uintptr_t)src, di = (uintptr_t)dst, cx = 16;
        __asm__ volatile(RZ_IN "cld\n\trepe cmpsl\n\tpushf\n\tpop %[f]\n\t" RZ_OUT
                         : "+S"(si), "+D"(di), "+c"(cx), [f] "=r"(f) : : "cc", "memory");
        printf("repe cmpsl: si=%ld cx=%lu [%s]\n", (long)(si - (uintptr_t)src), (unsigned long)cx, flagstr(f, F_ALL));
        di = (uintptr_t)src, cx = 300;
        __asm__ volatile(RZ_IN "cld\n\trepne scasb\n\tpushf\n\tpop %[f]\n\t" RZ_OUT
                         : "+D"(di), "+c"(cx), [f] "=r"(f) : "a"(src[diff * 3]) : "cc", "memory");
        printf("repne scasb %02x: di=%ld cx=%lu [%s]\n", src[diff * 3], (long)(di - (uintptr_t)src), (unsigned long)cx,
               flagstr(f, F_ALL));
        di = (uintptr_t)src + 300, cx = 100;
        __asm__ volatile(RZ_IN "std\n\trepne scasw\n\tcld\n\tpushf\n\tpop %[f]\n\t" RZ_OUT
                         : "+D"(di), "+c"(cx), [f] "=r"(f) : "a"(0x1234) : "cc", "memory");
        printf("std repne scasw: di=%ld cx=%lu [%s]\n", (long)(di - (uintptr_t)src), (unsigned long)cx, flagstr(f, F_ALL));
    }
    /* rep with cx=0 leaves flags alone */
    uintptr_t si = (uintptr_t)src, di = (uintptr_t)dst, cx = 0;
    ureg f = F_FIXED | F_CF | F_ZF;
    __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\trepe cmpsb\n\tpushf\n\tpop %[f]\n\t" RZ_OUT
                     : "+S"(si), "+D"(di), "+c"(cx), [f] "+r"(f) : : "cc", "memory");
    printf("repe cmpsb cx=0: [%s] moved=%d\n", flagstr(f, F_ALL), si != (uintptr_t)src);
}

static void conversions(void) {
    static const uint32_t v[] = {0, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x12345678, 0x80000000, 0xffffffff};
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint32_t a = v[i], cbw = a, cwde = a, d, cwdx = a, dx;
        __asm__("cbtw" : "+a"(cbw));
        __asm__("cwtl" : "+a"(cwde));
        __asm__("cltd" : "+a"(a), "=d"(d));
        __asm__("cwtd" : "+a"(cwdx), "=d"(dx));
        printf("cvt %08x: cbw=%04x cwde=%08x cdq=%08x cwd=%04x movsx=%d,%d movzx=%u,%u", v[i], cbw & 0xffff, cwde, d,
               dx & 0xffff, (int)(int8_t)v[i], (int)(int16_t)v[i], (unsigned)(uint8_t)v[i], (unsigned)(uint16_t)v[i]);
#ifdef __x86_64__
        uint64_t q = (uint64_t)(int64_t)(int32_t)v[i], qd, sx = v[i];
        __asm__("cqto" : "+a"(q), "=d"(qd));
        __asm__("cltq" : "+a"(sx));
        printf(" cqo=%016llx cdqe=%016llx", (unsigned long long)qd, (unsigned long long)sx);
#endif
        printf("\n");
    }
}

static void misc(void) {
    static const unsigned char table[256] = {[0] = 9, [1] = 8, [0x41] = 0x61, [0x80] = 0xee, [0xff] = 0x77};
    for (unsigned i = 0; i < 256; i += 0x3f) {
        uintptr_t a = i | 0xabcd00;
        __asm__("xlat" : "+a"(a) : "b"(table) : "memory");
        printf("xlat %02x -> %06lx\n", i, (unsigned long)a);
    }
    /* loop / jecxz: count iterations */
    for (unsigned start = 0; start < 5; start++) {
        uintptr_t cx = start, n = 0;
        __asm__ volatile("jecxz 2f\n1:\n\tinc %1\n\tloop 1b\n2:" : "+c"(cx), "+r"(n) : : "cc");
        uintptr_t cx2 = start + 3, n2 = 0;
        __asm__ volatile("1:\n\tinc %1\n\tcmp $2, %1\n\tloopne 1b" : "+c"(cx2), "+r"(n2) : : "cc");
        printf("loop %u: %lu loopne: %lu cx=%lu\n", start, (unsigned long)n, (unsigned long)n2, (unsigned long)cx2);
    }
    /* enter/leave with a nesting level */
    uintptr_t before, inside, after;
#ifdef __x86_64__
    __asm__ volatile("lea -128(%%rsp), %%rsp\n\tmov %%rsp, %0\n\tpush %%rbp\n\tenter $40, $0\n\tmov %%rsp, %1\n\tleave\n\tpop %%rbp\n\t"
                     "mov %%rsp, %2\n\tlea 128(%%rsp), %%rsp"
                     : "=&r"(before), "=&r"(inside), "=&r"(after) : : "memory");
#else
    __asm__ volatile("mov %%esp, %0\n\tpush %%ebp\n\tenter $40, $0\n\tmov %%esp, %1\n\tleave\n\tpop %%ebp\n\tmov %%esp, %2"
                     : "=&r"(before), "=&r"(inside), "=&r"(after) : : "memory");
#endif
    printf("enter/leave: %ld %ld\n", (long)(before - inside), (long)(before - after));
    /* cmovcc over a compare */
    for (int a = -2; a <= 2; a++) {
        int r1 = 100, r2 = 200, r3 = 300, r4 = 400;
        __asm__("cmp $0, %4\n\tcmovl %5, %0\n\tcmova %5, %1\n\tcmovge %5, %2\n\tcmovbe %5, %3"
                : "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4) : "r"(a), "r"(-1) : "cc");
        printf("cmov %d: %d %d %d %d\n", a, r1, r2, r3, r4);
    }
    /* lea: base + index*scale + disp with wrap-around */
    uintptr_t b = (uintptr_t)-16, x = 5, r;
    __asm__("lea 0x7f(%1,%2,8), %0" : "=r"(r) : "r"(b), "r"(x));
    printf("lea %ld\n", (long)r);
    uint32_t r32;
    __asm__("lea -3(%1,%1,4), %0" : "=r"(r32) : "r"((uintptr_t)0x40000001));
    printf("lea32 %08x\n", r32);
}

int main(void) {
    MOVS("b", 1)
    MOVS("w", 2)
    MOVS("l", 4)
#ifdef __x86_64__
    MOVS("q", 8)
#endif
    compare_scan();
    conversions();
    misc();
    return 0;
}
