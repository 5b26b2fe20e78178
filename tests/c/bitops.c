/* bt/bts/btr/btc (register, immediate and memory forms with bit offsets outside the addressed
 * word), bsf/bsr, popcnt/lzcnt/tzcnt (when cpuid has them; otherwise a software reference gives
 * the same output), bswap, cmpxchg (8/16/32/64, 8b, 16b), xadd, xchg. */
#include "difftest.h"

static const uint64_t vals[] = {0, 1, 2, 0x80, 0x8000, 0x10000, 0x80000000, 0x80000001, 0x00f00000,
                                0x100000000ULL, 0x8000000000000000ULL, 0x0123456789abcdefULL, ~0ULL};
#define NV (sizeof vals / sizeof vals[0])

#define DEF_BT(NAME, INSN, T, S)                                                                   \
    static T NAME(T a, T b, ureg *f) {                                                             \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\t" INSN S " %[b], %[a]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [a] "+r"(a), [f] "+r"(*f) : [b] "r"(b) : "cc", "memory");               \
        return a;                                                                                  \
    }
#define DEF_BTI(NAME, INSN, T, S, IMM)                                                             \
    static T NAME(T a, ureg *f) {                                                                  \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\t" INSN S " $" #IMM ", %[a]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [a] "+r"(a), [f] "+r"(*f) : : "cc", "memory");                          \
        return a;                                                                                  \
    }
/* memory form, addressed through a register (the pushes move the stack pointer): the register bit offset is signed and may reach outside the word at base */
#define DEF_BTM(NAME, INSN, T, S)                                                                  \
    static void NAME(T *base, T b, ureg *f) {                                                      \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\t" INSN S " %[b], (%[p])\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [f] "+r"(*f) : [b] "r"(b), [p] "r"(base) : "cc", "memory");             \
    }

#define BT_SET(W, T, S)                                                                            \
    DEF_BT(bt##W, "bt", T, S) DEF_BT(bts##W, "bts", T, S) DEF_BT(btr##W, "btr", T, S)              \
    DEF_BT(btc##W, "btc", T, S) DEF_BTI(bti##W, "bt", T, S, 13) DEF_BTI(btsi##W, "bts", T, S, 35)  \
    DEF_BTI(btci##W, "btc", T, S, 15) DEF_BTM(btm##W, "bt", T, S) DEF_BTM(btsm##W, "bts", T, S)    \
    DEF_BTM(btrm##W, "btr", T, S) DEF_BTM(btcm##W, "btc", T, S)
BT_SET(16, uint16_t, "w")
BT_SET(32, uint32_t, "l")
#ifdef __x86_64__
BT_SET(64, uint64_t, "q")
#endif

#define BT_FLAGS (F_CF) /* OF SF AF PF undefined; ZF is left alone on current CPUs but older docs say undefined */

#define RUN_BT(W, T)                                                                               \
    static void run_bt##W(void) {                                                                  \
        static const int offs[] = {0, 1, 7, W - 1, W, W + 1, 2 * W + 3, 255, -1, -W, -W - 5, 1000}; \
        for (unsigned i = 0; i < NV; i++)                                                          \
            for (unsigned j = 0; j < sizeof offs / sizeof offs[0]; j++) {                          \
                T a = (T)vals[i], b = (T)offs[j];                                                  \
                ureg f;                                                                            \
                T r[4];                                                                            \
                ureg fl[4];                                                                        \
                f = F_FIXED; r[0] = bt##W(a, b, &f); fl[0] = f;                                    \
                f = F_FIXED | F_ALL; r[1] = bts##W(a, b, &f); fl[1] = f;                           \
                f = F_FIXED; r[2] = btr##W(a, b, &f); fl[2] = f;                                   \
                f = F_FIXED | F_ALL; r[3] = btc##W(a, b, &f); fl[3] = f;                           \
                printf("bt%d %0*llx @%d: %s %0*llx %s %0*llx %s %0*llx %s\n", W, W / 4,            \
                       (unsigned long long)a, offs[j], flagstr(fl[0], BT_FLAGS), W / 4,            \
                       (unsigned long long)r[1], flagstr(fl[1], BT_FLAGS), W / 4,                  \
                       (unsigned long long)r[2], flagstr(fl[2], BT_FLAGS), W / 4,                  \
                       (unsigned long long)r[3], flagstr(fl[3], BT_FLAGS));                        \
                T mem[64];                                                                         \
                for (int k = 0; k < 64; k++) mem[k] = (T)(vals[(i + k) % NV] * (k + 1));           \
                T *base = &mem[32];                                                                \
                ureg fm[4];                                                                        \
                f = F_FIXED; btm##W(base, b, &f); fm[0] = f;                                       \
                f = F_FIXED; btsm##W(base, b, &f); fm[1] = f;                                      \
                f = F_FIXED | F_ALL; btcm##W(base, b, &f); fm[2] = f;                              \
                f = F_FIXED; btrm##W(base, b, &f); fm[3] = f;                                      \
                printf("  mem: %s %s %s %s %016llx\n", flagstr(fm[0], BT_FLAGS), flagstr(fm[1], BT_FLAGS), \
                       flagstr(fm[2], BT_FLAGS), flagstr(fm[3], BT_FLAGS),                         \
                       (unsigned long long)fnv1a(FNV_INIT, mem, sizeof mem));                      \
            }                                                                                      \
        for (unsigned i = 0; i < NV; i++) {                                                        \
            T a = (T)vals[i];                                                                      \
            ureg f1 = F_FIXED, f2 = F_FIXED, f3 = F_FIXED | F_ALL;                                 \
            T r1 = bti##W(a, &f1), r2 = btsi##W(a, &f2), r3 = btci##W(a, &f3);                     \
            printf("bti%d %0*llx: %0*llx %s %0*llx %s %0*llx %s\n", W, W / 4, (unsigned long long)a, \
                   W / 4, (unsigned long long)r1, flagstr(f1, BT_FLAGS), W / 4, (unsigned long long)r2, \
                   flagstr(f2, BT_FLAGS), W / 4, (unsigned long long)r3, flagstr(f3, BT_FLAGS));   \
        }                                                                                          \
    }
RUN_BT(16, uint16_t)
RUN_BT(32, uint32_t)
#ifdef __x86_64__
RUN_BT(64, uint64_t)
#endif

/* bsf/bsr: only ZF is defined, and the destination only for a non-zero source. */
#define DEF_BS(W, T, S)                                                                            \
    static void bs##W(T a) {                                                                       \
        T r1 = 0x55, r2 = 0x55;                                                                    \
        ureg f1 = F_FIXED, f2 = F_FIXED;                                                           \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\tbsf" S " %[a], %[r]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [r] "+r"(r1), [f] "+r"(f1) : [a] "r"(a) : "cc", "memory");             \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\tbsr" S " %[a], %[r]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [r] "+r"(r2), [f] "+r"(f2) : [a] "r"(a) : "cc", "memory");             \
        if (a)                                                                                     \
            printf("bs%d %0*llx: bsf=%d [%s] bsr=%d [%s]\n", W, W / 4, (unsigned long long)a, (int)r1, \
                   flagstr(f1, F_ZF), (int)r2, flagstr(f2, F_ZF));                                 \
        else                                                                                       \
            printf("bs%d 0: [%s] [%s]\n", W, flagstr(f1, F_ZF), flagstr(f2, F_ZF));               \
    }
DEF_BS(16, uint16_t, "w")
DEF_BS(32, uint32_t, "l")
#ifdef __x86_64__
DEF_BS(64, uint64_t, "q")
#endif

/* popcnt, lzcnt, tzcnt: instruction when cpuid says so, else the reference. Output is the same. */
static int has_popcnt, has_lzcnt, has_bmi1;

static int ref_popcnt(uint64_t a, int w) { int n = 0; for (int i = 0; i < w; i++) n += (a >> i) & 1; return n; }
static int ref_lzcnt(uint64_t a, int w) { int n = 0; for (int i = w - 1; i >= 0 && !((a >> i) & 1); i--) n++; return n; }
static int ref_tzcnt(uint64_t a, int w) { int n = 0; for (int i = 0; i < w && !((a >> i) & 1); i++) n++; return n; }

#define DEF_CNT(W, T, S)                                                                           \
    static void cnt##W(T a) {                                                                      \
        T r;                                                                                       \
        ureg f;                                                                                    \
        int n;                                                                                     \
        if (has_popcnt) {                                                                          \
            f = F_FIXED | F_ALL;                                                                   \
            __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\tpopcnt" S " %[a], %[r]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                             : [r] "=r"(r), [f] "+r"(f) : [a] "r"(a) : "cc", "memory");           \
            n = (int)r;                                                                            \
        } else {                                                                                   \
            n = ref_popcnt(a, W);                                                                  \
            f = F_FIXED | (n ? 0 : F_ZF);                                                          \
        }                                                                                          \
        printf("popcnt%d %0*llx = %d [%s]", W, W / 4, (unsigned long long)a, n, flagstr(f, F_ALL)); \
        if (has_lzcnt) {                                                                           \
            f = F_FIXED;                                                                           \
            __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\tlzcnt" S " %[a], %[r]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                             : [r] "=r"(r), [f] "+r"(f) : [a] "r"(a) : "cc", "memory");           \
            n = (int)r;                                                                            \
        } else {                                                                                   \
            n = ref_lzcnt(a, W);                                                                   \
            f = F_FIXED | (n == W ? F_CF : 0) | (n == 0 ? F_ZF : 0);                               \
        }                                                                                          \
        printf(" lzcnt=%d [%s]", n, flagstr(f, F_CF | F_ZF));                                      \
        if (has_bmi1) {                                                                            \
            f = F_FIXED;                                                                           \
            __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\ttzcnt" S " %[a], %[r]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                             : [r] "=r"(r), [f] "+r"(f) : [a] "r"(a) : "cc", "memory");           \
            n = (int)r;                                                                            \
        } else {                                                                                   \
            n = ref_tzcnt(a, W);                                                                   \
            f = F_FIXED | (n == W ? F_CF : 0) | (n == 0 ? F_ZF : 0);                               \
        }                                                                                          \
        printf(" tzcnt=%d [%s]\n", n, flagstr(f, F_CF | F_ZF));                                    \
    }
DEF_CNT(16, uint16_t, "w")
DEF_CNT(32, uint32_t, "l")
#ifdef __x86_64__
DEF_CNT(64, uint64_t, "q")
#endif

static void swaps(void) {
    for (unsigned i = 0; i < NV; i++) {
        uint32_t a = (uint32_t)vals[i];
        __asm__("bswap %0" : "+r"(a));
        printf("bswap32 %08x -> %08x", (uint32_t)vals[i], a);
#ifdef __x86_64__
        uint64_t b = vals[i];
        __asm__("bswap %0" : "+r"(b));
        printf(" bswap64 -> %016llx", (unsigned long long)b);
#endif
        printf(" builtin %08x %04x\n", __builtin_bswap32((uint32_t)vals[i] + 3), __builtin_bswap16((uint16_t)vals[i] ^ 0x1234));
    }
}

#define DEF_CX(W, T, S)                                                                            \
    static void cx##W(T mem0, T expect, T repl) {                                                  \
        T mem = mem0, acc = expect;                                                                \
        ureg f = F_FIXED;                                                                          \
        T *p = &mem;                                                                               \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\tlock cmpxchg" S " %[r], (%[p])\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : "+a"(acc), [f] "+r"(f) : [r] "q"(repl), [p] "r"(p) : "cc", "memory");  \
        printf("cmpxchg%d m=%0*llx a=%0*llx r=%0*llx -> m=%0*llx a=%0*llx [%s]", W, W / 4,          \
               (unsigned long long)mem0, W / 4, (unsigned long long)expect, W / 4,                 \
               (unsigned long long)repl, W / 4, (unsigned long long)mem, W / 4,                    \
               (unsigned long long)acc, flagstr(f, F_ALL));                                        \
        T x = mem0, y = repl;                                                                      \
        f = F_FIXED | F_ALL;                                                                       \
        p = &x;                                                                                    \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\tlock xadd" S " %[r], (%[p])\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [r] "+q"(y), [f] "+r"(f) : [p] "r"(p) : "cc", "memory");                \
        printf(" xadd -> m=%0*llx r=%0*llx [%s]", W / 4, (unsigned long long)x, W / 4,             \
               (unsigned long long)y, flagstr(f, F_ALL));                                          \
        x = mem0, y = repl;                                                                        \
        __asm__ volatile("xchg" S " %[r], %[m]" : [m] "+m"(x), [r] "+q"(y) : : "memory");          \
        printf(" xchg -> %0*llx %0*llx\n", W / 4, (unsigned long long)x, W / 4, (unsigned long long)y); \
    }
DEF_CX(8, uint8_t, "b")
DEF_CX(16, uint16_t, "w")
DEF_CX(32, uint32_t, "l")
#ifdef __x86_64__
DEF_CX(64, uint64_t, "q")
#endif

static void cx8b(uint64_t mem0, uint64_t expect, uint64_t repl) {
    uint64_t mem = mem0;
    uint32_t lo = (uint32_t)expect, hi = (uint32_t)(expect >> 32);
    unsigned char z;
    __asm__ volatile("lock cmpxchg8b %[m]\n\tsete %[z]"
                     : [m] "+m"(mem), "+a"(lo), "+d"(hi), [z] "=q"(z)
                     : "b"((uint32_t)repl), "c"((uint32_t)(repl >> 32))
                     : "cc", "memory");
    printf("cmpxchg8b %016llx %016llx -> %016llx %08x%08x z=%d\n", (unsigned long long)mem0,
           (unsigned long long)expect, (unsigned long long)mem, hi, lo, z);
}

#ifdef __x86_64__
static void cx16b(uint64_t m0, uint64_t m1, uint64_t e0, uint64_t e1, uint64_t r0, uint64_t r1, int hw) {
    _Alignas(16) uint64_t mem[2] = {m0, m1};
    uint64_t lo = e0, hi = e1;
    unsigned char z;
    if (hw) {
        __asm__ volatile("lock cmpxchg16b %[m]\n\tsete %[z]"
                         : [m] "+m"(mem), "+a"(lo), "+d"(hi), [z] "=q"(z)
                         : "b"(r0), "c"(r1)
                         : "cc", "memory");
    } else {
        z = mem[0] == lo && mem[1] == hi;
        if (z) mem[0] = r0, mem[1] = r1;
        else lo = mem[0], hi = mem[1];
    }
    printf("cmpxchg16b -> %016llx%016llx %016llx%016llx z=%d\n", (unsigned long long)mem[1],
           (unsigned long long)mem[0], (unsigned long long)hi, (unsigned long long)lo, z);
}
#endif

int main(void) {
    has_popcnt = CPU_POPCNT();
    has_lzcnt = CPU_LZCNT();
    has_bmi1 = CPU_BMI1();
    run_bt16();
    run_bt32();
#ifdef __x86_64__
    run_bt64();
#endif
    for (unsigned i = 0; i < NV; i++) {
        bs16((uint16_t)vals[i]);
        bs32((uint32_t)vals[i]);
        cnt16((uint16_t)vals[i]);
        cnt32((uint32_t)vals[i]);
#ifdef __x86_64__
        bs64(vals[i]);
        cnt64(vals[i]);
#endif
    }
    for (int i = 0; i < 64; i++) {
        uint64_t v = 1ULL << i | (i > 3 ? 1ULL << (i / 2) : 0);
        printf("builtins %d: %d %d %d %d\n", i, __builtin_ctzll(v), __builtin_clzll(v), __builtin_popcountll(v ^ (v << 7)),
               __builtin_parityll(v * 3));
    }
    swaps();
    for (unsigned i = 0; i < NV; i += 2)
        for (unsigned j = 0; j < NV; j += 3) {
            uint64_t m = vals[i], e = (i == j) ? m : vals[j], r = vals[(i + j + 1) % NV];
            cx8((uint8_t)m, (uint8_t)e, (uint8_t)r);
            cx16((uint16_t)m, (uint16_t)e, (uint16_t)r);
            cx32((uint32_t)m, (uint32_t)e, (uint32_t)r);
            cx8b(m, e, r);
#ifdef __x86_64__
            cx64(m, e, r);
            cx16b(m, ~m, e, i == j ? ~e : e, r, r * 3, CPU_CX16());
#endif
        }
    return 0;
}
