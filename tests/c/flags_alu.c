/* EFLAGS after add/sub/adc/sbb/cmp/and/or/xor/test/inc/dec/neg/not on 8/16/32(/64)-bit operands,
 * register, memory and immediate forms, then all 16 conditions (setcc) read straight after each
 * operation, which is where an emulator's lazily computed flags go wrong. */
#include "difftest.h"

static const uint64_t seeds[] = {0, 1, 2, 0x0f, 0x10, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x7fff, 0x8000,
                                 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffffULL,
                                 0x8000000000000000ULL, 0xfffffffffffffffeULL, 0x123456789abcdef0ULL};
#define NSEEDS (sizeof seeds / sizeof seeds[0])

/* The seeds truncated to a width, duplicates dropped. */
static int values(int bits, uint64_t *out) {
    uint64_t mask = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
    int n = 0;
    for (unsigned i = 0; i < NSEEDS; i++) {
        uint64_t v = seeds[i] & mask;
        int dup = 0;
        for (int j = 0; j < n; j++) dup |= out[j] == v;
        if (!dup) out[n++] = v;
    }
    return n;
}

typedef uint64_t (*binop)(uint64_t a, uint64_t b, ureg *f);

#define DEF_BIN(NAME, INSN, T, S)                                                                  \
    static uint64_t NAME(uint64_t a64, uint64_t b64, ureg *f) {                                   \
        T a = (T)a64, b = (T)b64;                                                                  \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\t" INSN S " %[b], %[a]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [a] "+q"(a), [f] "+r"(*f) : [b] "q"(b) : "cc", "memory");            \
        return a;                                                                                  \
    }
/* memory operand forms: addressed through a register, since the pushes move the stack pointer */
#define DEF_BINM(NAME, INSN, T, S)                                                                 \
    static uint64_t NAME(uint64_t a64, uint64_t b64, ureg *f) {                                   \
        T a = (T)a64, b = (T)b64, *p = &a;                                                        \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\t" INSN S " %[b], (%[p])\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [f] "+r"(*f) : [b] "q"(b), [p] "r"(p) : "cc", "memory");              \
        return a;                                                                                  \
    }
/* memory source form */
#define DEF_BINS(NAME, INSN, T, S)                                                                 \
    static uint64_t NAME(uint64_t a64, uint64_t b64, ureg *f) {                                   \
        T a = (T)a64, b = (T)b64, *p = &b;                                                        \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\t" INSN S " (%[p]), %[a]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [a] "+q"(a), [f] "+r"(*f) : [p] "r"(p) : "cc", "memory");            \
        return a;                                                                                  \
    }
#define DEF_UN(NAME, INSN, T, S)                                                                   \
    static uint64_t NAME(uint64_t a64, uint64_t b64, ureg *f) {                                   \
        T a = (T)a64;                                                                              \
        (void)b64;                                                                                 \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\t" INSN S " %[a]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [a] "+q"(a), [f] "+r"(*f) : : "cc", "memory");                         \
        return a;                                                                                  \
    }
/* immediate forms: the encoder picks imm8 sign-extended or full immediates */
#define DEF_IMM(NAME, INSN, T, S, IMM)                                                             \
    static uint64_t NAME(uint64_t a64, uint64_t b64, ureg *f) {                                   \
        T a = (T)a64;                                                                              \
        (void)b64;                                                                                 \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\t" INSN S " $" #IMM ", %[a]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [a] "+q"(a), [f] "+r"(*f) : : "cc", "memory");                         \
        return a;                                                                                  \
    }
/* accumulator short forms (opcode 04/05, 2c/2d ...) */
#define DEF_ACC(NAME, INSN, T, S, IMM)                                                             \
    static uint64_t NAME(uint64_t a64, uint64_t b64, ureg *f) {                                   \
        T a = (T)a64;                                                                              \
        (void)b64;                                                                                 \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\t" INSN S " $" #IMM ", %[a]\n\tpushf\n\tpop %[f]\n\t" RZ_OUT \
                         : [a] "+a"(a), [f] "+r"(*f) : : "cc", "memory");                         \
        return a;                                                                                  \
    }

#define WIDTH_OPS(W, T, S)                                                                         \
    DEF_BIN(add##W, "add", T, S)                                                                   \
    DEF_BIN(sub##W, "sub", T, S)                                                                   \
    DEF_BIN(adc##W, "adc", T, S)                                                                   \
    DEF_BIN(sbb##W, "sbb", T, S)                                                                   \
    DEF_BIN(cmp##W, "cmp", T, S)                                                                   \
    DEF_BIN(and##W, "and", T, S)                                                                   \
    DEF_BIN(or##W, "or", T, S)                                                                     \
    DEF_BIN(xor##W, "xor", T, S)                                                                   \
    DEF_BIN(test##W, "test", T, S)                                                                 \
    DEF_UN(inc##W, "inc", T, S)                                                                    \
    DEF_UN(dec##W, "dec", T, S)                                                                    \
    DEF_UN(neg##W, "neg", T, S)                                                                    \
    DEF_UN(not##W, "not", T, S)                                                                    \
    DEF_BINM(addm##W, "add", T, S)                                                                 \
    DEF_BINM(sbbm##W, "sbb", T, S)                                                                 \
    DEF_BINS(subs##W, "sub", T, S)                                                                 \
    DEF_BINS(xors##W, "xor", T, S)                                                                 \
    DEF_IMM(addi##W, "add", T, S, 0x7f)                                                            \
    DEF_IMM(subi##W, "sub", T, S, -1)                                                              \
    DEF_IMM(adci##W, "adc", T, S, 1)                                                               \
    DEF_IMM(andi##W, "and", T, S, -128)                                                            \
    DEF_IMM(cmpi##W, "cmp", T, S, 0x7f)                                                            \
    DEF_ACC(adda##W, "add", T, S, 0x55)                                                            \
    DEF_ACC(sbba##W, "sbb", T, S, 0x55)

WIDTH_OPS(8, uint8_t, "b")
WIDTH_OPS(16, uint16_t, "w")
WIDTH_OPS(32, uint32_t, "l")
#ifdef __x86_64__
WIDTH_OPS(64, uint64_t, "q")
#endif

struct op {
    const char *name;
    binop f[4];      /* 8, 16, 32, 64 */
    ureg defined;    /* flags the SDM defines after this instruction */
    int unary;
    int both_cf;     /* carry-in matters: run with input flags all clear and all set */
};

#ifdef __x86_64__
#define W4(n) {n##8, n##16, n##32, n##64}
#else
#define W4(n) {n##8, n##16, n##32, 0}
#endif
#define LOGIC (F_ALL & ~F_AF)

static const struct op ops[] = {
    {"add", W4(add), F_ALL, 0, 0},   {"sub", W4(sub), F_ALL, 0, 0},   {"adc", W4(adc), F_ALL, 0, 1},
    {"sbb", W4(sbb), F_ALL, 0, 1},   {"cmp", W4(cmp), F_ALL, 0, 0},   {"and", W4(and), LOGIC, 0, 0},
    {"or", W4(or), LOGIC, 0, 0},     {"xor", W4(xor), LOGIC, 0, 0},   {"test", W4(test), LOGIC, 0, 0},
    {"inc", W4(inc), F_ALL, 1, 1},   {"dec", W4(dec), F_ALL, 1, 1},   {"neg", W4(neg), F_ALL, 1, 0},
    {"not", W4(not), F_ALL, 1, 1},   {"add[m]", W4(addm), F_ALL, 0, 0}, {"sbb[m]", W4(sbbm), F_ALL, 0, 1},
    {"sub(m)", W4(subs), F_ALL, 0, 0}, {"xor(m)", W4(xors), LOGIC, 0, 0},
    {"add$7f", W4(addi), F_ALL, 1, 0}, {"sub$-1", W4(subi), F_ALL, 1, 0}, {"adc$1", W4(adci), F_ALL, 1, 1},
    {"and$-128", W4(andi), LOGIC, 1, 0}, {"cmp$7f", W4(cmpi), F_ALL, 1, 0},
    {"add%a$55", W4(adda), F_ALL, 1, 0}, {"sbb%a$55", W4(sbba), F_ALL, 1, 1},
};

/* All 16 conditions right after an operation, as a bit mask (bit n = condition n, Jcc order). */
#define DEF_CC(NAME, INSN)                                                                         \
    static unsigned NAME(uint32_t a, uint32_t b, ureg fin) {                                      \
        unsigned char c[16];                                                                       \
        __asm__ volatile(RZ_IN "push %[f]\n\tpopf\n\t" INSN "\n\t"                                 \
                         "seto 0(%[c])\n\tsetno 1(%[c])\n\tsetb 2(%[c])\n\tsetae 3(%[c])\n\t"      \
                         "sete 4(%[c])\n\tsetne 5(%[c])\n\tsetbe 6(%[c])\n\tseta 7(%[c])\n\t"      \
                         "sets 8(%[c])\n\tsetns 9(%[c])\n\tsetp 10(%[c])\n\tsetnp 11(%[c])\n\t"    \
                         "setl 12(%[c])\n\tsetge 13(%[c])\n\tsetle 14(%[c])\n\tsetg 15(%[c])\n\t" RZ_OUT \
                         : [a] "+q"(a), [b] "+q"(b)                                               \
                         : [c] "r"(c), [f] "r"(fin)                                                \
                         : "cc", "memory");                                                        \
        unsigned m = 0;                                                                            \
        for (int i = 0; i < 16; i++) m |= (unsigned)c[i] << i;                                     \
        return m;                                                                                  \
    }
DEF_CC(cc_add, "addl %[b], %[a]")
DEF_CC(cc_sub, "subl %[b], %[a]")
DEF_CC(cc_cmpb, "cmpb %b[b], %b[a]")
DEF_CC(cc_sbb, "sbbl %[b], %[a]")
DEF_CC(cc_and, "andl %[b], %[a]")
DEF_CC(cc_inc, "incl %[a]")
DEF_CC(cc_dec, "decw %w[a]")
DEF_CC(cc_neg, "negl %[a]")
DEF_CC(cc_shl, "shll $1, %[a]")
DEF_CC(cc_sar, "sarl $3, %[a]")
DEF_CC(cc_imul, "imull %[b], %[a]")
DEF_CC(cc_bt, "btl %[b], %[a]")

/* Conditions whose flags are all defined after the operation (imul: only CF/OF -> o,no,b,ae;
 * and: AF is undefined but no condition reads AF; shl $1 defines all but AF; sar $3: OF undefined;
 * bt: only CF -> b, ae). */
#define CC_ALL 0xffffu
#define CC_OC 0x000fu
#define CC_NO_O 0xfffcu
#define CC_C 0x000cu

int main(void) {
    uint64_t v[NSEEDS];
    static const int bits[4] = {8, 16, 32, 64};
    for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++) {
        const struct op *op = &ops[o];
        for (int w = 0; w < 4; w++) {
            if (!op->f[w]) continue;
            int n = values(bits[w], v), digits = bits[w] / 4;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < (op->unary ? 1 : n); j++) {
                    for (int k = 0; k < 2; k++) {
                        ureg fin = F_FIXED | (((i + j + k) & 1) ? F_ALL : 0);
                        if (!op->both_cf && k) continue;
                        ureg f = fin;
                        uint64_t r = op->f[w](v[i], v[j], &f);
                        if (op->unary)
                            printf("%s%d %0*llx [%s] -> %0*llx [%s]\n", op->name, bits[w], digits,
                                   (unsigned long long)v[i], flagstr(fin, F_ALL), digits,
                                   (unsigned long long)r, flagstr(f, op->defined));
                        else
                            printf("%s%d %0*llx,%0*llx [%s] -> %0*llx [%s]\n", op->name, bits[w], digits,
                                   (unsigned long long)v[i], digits, (unsigned long long)v[j],
                                   flagstr(fin, F_ALL), digits, (unsigned long long)r,
                                   flagstr(f, op->defined));
                    }
                }
            }
        }
    }

    static const struct { const char *name; unsigned (*f)(uint32_t, uint32_t, ureg); unsigned mask; } ccs[] = {
        {"add", cc_add, CC_ALL}, {"sub", cc_sub, CC_ALL}, {"cmpb", cc_cmpb, CC_ALL}, {"sbb", cc_sbb, CC_ALL},
        {"and", cc_and, CC_ALL}, {"inc", cc_inc, CC_ALL}, {"decw", cc_dec, CC_ALL}, {"neg", cc_neg, CC_ALL},
        {"shl1", cc_shl, CC_ALL}, {"sar3", cc_sar, CC_NO_O}, {"imul", cc_imul, CC_OC}, {"bt", cc_bt, CC_C}};
    int n = values(32, v);
    for (unsigned c = 0; c < sizeof ccs / sizeof ccs[0]; c++)
        for (int i = 0; i < n; i++) {
            printf("cc %-4s %08x:", ccs[c].name, (unsigned)v[i]);
            for (int j = 0; j < n; j++)
                printf(" %04x", ccs[c].f((uint32_t)v[i], (uint32_t)v[j], F_FIXED | ((j & 1) ? F_ALL : 0)) & ccs[c].mask);
            printf("\n");
        }
    return 0;
}
