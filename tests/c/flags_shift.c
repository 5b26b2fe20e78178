/* Shifts and rotates: shl/shr/sar/rol/ror/rcl/rcr (count in CL, by 1 and by imm8) and shld/shrd,
 * on every width, with the counts around the operand size and the 5/6-bit count mask.
 * Flags are masked to what the SDM defines for the masked count (see defined_*). */
#include "difftest.h"

typedef uint64_t (*shop)(uint64_t a, uint64_t b, unsigned cnt, ureg *f);

#define DEF_SH(NAME, INSN, T, S)                                                                   \
    static uint64_t NAME(uint64_t a64, uint64_t b64, unsigned cnt, ureg *f) {                     \
        T a = (T)a64;                                                                              \
        (void)b64;                                                                                 \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\t" INSN S " %%cl, %[a]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [a] "+q"(a), [f] "+r"(*f) : "c"((unsigned char)cnt) : "cc", "memory"); \
        return a;                                                                                  \
    }
/* memory operand (through a register: the pushes move the stack pointer), count in CL */
#define DEF_SHM(NAME, INSN, T, S)                                                                  \
    static uint64_t NAME(uint64_t a64, uint64_t b64, unsigned cnt, ureg *f) {                     \
        T a = (T)a64, *p = &a;                                                                     \
        (void)b64;                                                                                 \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\t" INSN S " %%cl, (%[p])\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [f] "+r"(*f) : [p] "r"(p), "c"((unsigned char)cnt) : "cc", "memory"); \
        return a;                                                                                  \
    }
/* immediate count (1 assembles to the D0/D1 forms, others to C0/C1) */
#define DEF_SHI(NAME, INSN, T, S, IMM)                                                             \
    static uint64_t NAME(uint64_t a64, uint64_t b64, unsigned cnt, ureg *f) {                     \
        T a = (T)a64;                                                                              \
        (void)b64;                                                                                 \
        (void)cnt;                                                                                 \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\t" INSN S " $" #IMM ", %[a]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [a] "+q"(a), [f] "+r"(*f) : : "cc", "memory");                         \
        return a;                                                                                  \
    }
#define DEF_SHD(NAME, INSN, T, S)                                                                  \
    static uint64_t NAME(uint64_t a64, uint64_t b64, unsigned cnt, ureg *f) {                     \
        T a = (T)a64, b = (T)b64;                                                                  \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\t" INSN S " %%cl, %[b], %[a]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [a] "+r"(a), [f] "+r"(*f) : [b] "r"(b), "c"((unsigned char)cnt) : "cc", "memory"); \
        return a;                                                                                  \
    }
#define DEF_SHDI(NAME, INSN, T, S, IMM)                                                            \
    static uint64_t NAME(uint64_t a64, uint64_t b64, unsigned cnt, ureg *f) {                     \
        T a = (T)a64, b = (T)b64;                                                                  \
        (void)cnt;                                                                                 \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\t" INSN S " $" #IMM ", %[b], %[a]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [a] "+r"(a), [f] "+r"(*f) : [b] "r"(b) : "cc", "memory");              \
        return a;                                                                                  \
    }

#define WIDTH_OPS(W, T, S)                                                                         \
    DEF_SH(shl##W, "shl", T, S) DEF_SH(shr##W, "shr", T, S) DEF_SH(sar##W, "sar", T, S)            \
    DEF_SH(rol##W, "rol", T, S) DEF_SH(ror##W, "ror", T, S) DEF_SH(rcl##W, "rcl", T, S)            \
    DEF_SH(rcr##W, "rcr", T, S) DEF_SHM(shlm##W, "shl", T, S) DEF_SHM(rcrm##W, "rcr", T, S)        \
    DEF_SHI(shl1_##W, "shl", T, S, 1) DEF_SHI(sar1_##W, "sar", T, S, 1)                            \
    DEF_SHI(rcl1_##W, "rcl", T, S, 1) DEF_SHI(ror1_##W, "ror", T, S, 1)                            \
    DEF_SHI(shr5_##W, "shr", T, S, 5) DEF_SHI(rol3_##W, "rol", T, S, 3)                            \
    DEF_SHI(rcr7_##W, "rcr", T, S, 7)
#define WIDTH_SHD(W, T, S)                                                                         \
    DEF_SHD(shld##W, "shld", T, S) DEF_SHD(shrd##W, "shrd", T, S)                                  \
    DEF_SHDI(shld1_##W, "shld", T, S, 1) DEF_SHDI(shrd5_##W, "shrd", T, S, 5)

WIDTH_OPS(8, uint8_t, "b")
WIDTH_OPS(16, uint16_t, "w")
WIDTH_OPS(32, uint32_t, "l")
WIDTH_SHD(16, uint16_t, "w")
WIDTH_SHD(32, uint32_t, "l")
#ifdef __x86_64__
WIDTH_OPS(64, uint64_t, "q")
WIDTH_SHD(64, uint64_t, "q")
#define W4(n) {n##8, n##16, n##32, n##64}
#define W3(n) {0, n##16, n##32, n##64}
#else
#define W4(n) {n##8, n##16, n##32, 0}
#define W3(n) {0, n##16, n##32, 0}
#endif

enum kind { SHIFT, ROT, RCX, SHD };

struct op {
    const char *name;
    shop f[4];
    enum kind kind;
    int imm; /* fixed count, or -1 for CL */
};

static const struct op ops[] = {
    {"shl", W4(shl), SHIFT, -1},     {"shr", W4(shr), SHIFT, -1},     {"sar", W4(sar), SHIFT, -1},
    {"rol", W4(rol), ROT, -1},       {"ror", W4(ror), ROT, -1},       {"rcl", W4(rcl), RCX, -1},
    {"rcr", W4(rcr), RCX, -1},       {"shl[m]", W4(shlm), SHIFT, -1}, {"rcr[m]", W4(rcrm), RCX, -1},
    {"shl$1", W4(shl1_), SHIFT, 1},  {"sar$1", W4(sar1_), SHIFT, 1},  {"rcl$1", W4(rcl1_), RCX, 1},
    {"ror$1", W4(ror1_), ROT, 1},    {"shr$5", W4(shr5_), SHIFT, 5},  {"rol$3", W4(rol3_), ROT, 3},
    {"rcr$7", W4(rcr7_), RCX, 7},    {"shld", W3(shld), SHD, -1},     {"shrd", W3(shrd), SHD, -1},
    {"shld$1", W3(shld1_), SHD, 1},  {"shrd$5", W3(shrd5_), SHD, 5},
};

/* Flags defined after the instruction, per the SDM, for count c already masked to 5/6 bits. */
static ureg defined(enum kind k, unsigned c, int bits) {
    if (c == 0) return F_ALL; /* nothing changes */
    switch (k) {
    case SHIFT: /* CF undefined once everything has been shifted out; OF only for 1; AF never */
        return F_SF | F_ZF | F_PF | (c < (unsigned)bits ? F_CF : 0) | (c == 1 ? F_OF : 0);
    case ROT: /* SF ZF AF PF untouched */
        return F_SF | F_ZF | F_AF | F_PF | F_CF | (c == 1 ? F_OF : 0);
    case RCX:
        return F_SF | F_ZF | F_AF | F_PF | F_CF | (c == 1 ? F_OF : 0);
    case SHD:
        return F_SF | F_ZF | F_PF | F_CF | (c == 1 ? F_OF : 0);
    }
    return 0;
}

static const uint64_t vals[] = {0, 1, 0x80, 0x81, 0x8000, 0x4001, 0x80000000, 0xc0000001, 0x5a5a5a5a,
                                0x8000000000000000ULL, 0xfedcba9876543210ULL, ~0ULL};
static const unsigned counts[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 64, 65, 255};

int main(void) {
    static const int bits[4] = {8, 16, 32, 64};
    for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++) {
        const struct op *op = &ops[o];
        for (int w = 0; w < 4; w++) {
            if (!op->f[w]) continue;
            int nb = bits[w], digits = nb / 4;
            uint64_t mask = nb == 64 ? ~0ULL : (1ULL << nb) - 1;
            unsigned cmask = nb == 64 ? 63 : 31;
            for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
                uint64_t a = vals[i] & mask;
                if (i && a == (vals[i - 1] & mask)) continue;
                for (unsigned ci = 0; ci < sizeof counts / sizeof counts[0]; ci++) {
                    unsigned cnt = op->imm >= 0 ? (unsigned)op->imm : counts[ci];
                    if (op->imm >= 0 && ci) break;
                    unsigned c = cnt & cmask;
                    /* 16-bit shld/shrd: result undefined for counts above the operand size */
                    if (op->kind == SHD && nb == 16 && c > 16) continue;
                    uint64_t b = (vals[(i + 5) % (sizeof vals / sizeof vals[0])]) & mask;
                    for (int k = 0; k < 2; k++) {
                        ureg fin = F_FIXED | (k ? F_ALL : 0), f = fin;
                        uint64_t r = op->f[w](a, b, cnt, &f);
                        if (op->kind == SHD)
                            printf("%s%d %0*llx,%0*llx cl=%u [%s] -> %0*llx [%s]\n", op->name, nb, digits,
                                   (unsigned long long)a, digits, (unsigned long long)b, cnt, flagstr(fin, F_ALL),
                                   digits, (unsigned long long)r, flagstr(f, defined(op->kind, c, nb)));
                        else
                            printf("%s%d %0*llx cl=%u [%s] -> %0*llx [%s]\n", op->name, nb, digits,
                                   (unsigned long long)a, cnt, flagstr(fin, F_ALL), digits,
                                   (unsigned long long)r, flagstr(f, defined(op->kind, c, nb)));
                    }
                }
            }
        }
    }
    return 0;
}
