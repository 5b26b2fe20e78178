/*
 * x87 oracle for the jemu fpu tests: runs one x87 instruction per input line on the host CPU.
 *
 * Input line:  OP CW ASE ASIG BSE BSIG        (hex; operands are 80-bit values or raw memory bits)
 * Output line: RSE RSIG R2SE R2SIG SW         (hex; R = ST0 after the op or the stored memory bits,
 *                                              R2 = ST1 after the op, SW = status word right after the op)
 * Register operands: ST0 = A, ST1 = B (the "r" variants load them the other way round, ST0 = B, ST1 = A,
 * and compute the same A op B). The exceptions are read with FNSTSW and cleared with FNCLEX before anything
 * else, so unmasked exceptions never trap. Memory results start filled with 0xAA bytes (shows "not stored").
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

typedef struct { uint64_t sig; uint16_t se; uint16_t pad[3]; } f80;

#define CLOB "memory", "cc", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)"

/* two register operands, ST0 = A, ST1 = B */
#define OP2(name, insn) \
static void name(f80 *a, f80 *b, uint16_t cw, f80 *r, f80 *r2, uint16_t *sw) { \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn "\n\t" \
                     "fnstsw %[sw]\n\tfnclex\n\tfstpt %[r]\n\tfstpt %[r2]\n\tfninit" \
                     : [r] "=m"(*r), [r2] "=m"(*r2), [sw] "=m"(*sw) \
                     : [a] "m"(*a), [b] "m"(*b), [cw] "m"(cw) : CLOB); }
/* two register operands, ST0 = B, ST1 = A */
#define OP2R(name, insn) \
static void name(f80 *a, f80 *b, uint16_t cw, f80 *r, f80 *r2, uint16_t *sw) { \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\tfldt %[b]\n\t" insn "\n\t" \
                     "fnstsw %[sw]\n\tfnclex\n\tfstpt %[r]\n\tfstpt %[r2]\n\tfninit" \
                     : [r] "=m"(*r), [r2] "=m"(*r2), [sw] "=m"(*sw) \
                     : [a] "m"(*a), [b] "m"(*b), [cw] "m"(cw) : CLOB); }
/* store ST0 = A to memory */
#define OPST(name, insn) \
static void name(f80 *a, f80 *b, uint16_t cw, f80 *r, f80 *r2, uint16_t *sw) { \
    (void) b; (void) r2; \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn " %[r]\n\t" \
                     "fnstsw %[sw]\n\tfnclex\n\tfninit" \
                     : [r] "+m"(*r), [sw] "=m"(*sw) \
                     : [a] "m"(*a), [cw] "m"(cw) : CLOB); }
/* load memory A into ST0 */
#define OPLD(name, insn) \
static void name(f80 *a, f80 *b, uint16_t cw, f80 *r, f80 *r2, uint16_t *sw) { \
    (void) b; \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\t" insn " %[a]\n\t" \
                     "fnstsw %[sw]\n\tfnclex\n\tfstpt %[r]\n\tfstpt %[r2]\n\tfninit" \
                     : [r] "=m"(*r), [r2] "=m"(*r2), [sw] "=m"(*sw) \
                     : [a] "m"(*a), [cw] "m"(cw) : CLOB); }
/* no operand: constants */
#define OP0(name, insn) \
static void name(f80 *a, f80 *b, uint16_t cw, f80 *r, f80 *r2, uint16_t *sw) { \
    (void) a; (void) b; \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\t" insn "\n\t" \
                     "fnstsw %[sw]\n\tfnclex\n\tfstpt %[r]\n\tfstpt %[r2]\n\tfninit" \
                     : [r] "=m"(*r), [r2] "=m"(*r2), [sw] "=m"(*sw) \
                     : [cw] "m"(cw) : CLOB); }

OP2(op_add, "fadd %%st(1), %%st")
OP2(op_sub, "fsub %%st(1), %%st")
OP2(op_mul, "fmul %%st(1), %%st")
OP2(op_div, "fdiv %%st(1), %%st")
OP2R(op_addr, "fadd %%st(1), %%st")
OP2R(op_subr, "fsubr %%st(1), %%st")
OP2R(op_mulr, "fmul %%st(1), %%st")
OP2R(op_divr, "fdivr %%st(1), %%st")
OP2(op_sqrt, "fsqrt")
OP2(op_frndint, "frndint")
OP2(op_fxtract, "fxtract")
OP2(op_fscale, "fscale")
OP2(op_fprem, "fprem")
OP2(op_fprem1, "fprem1")
OP2(op_f2xm1, "f2xm1")
OP2(op_fyl2x, "fyl2x")
OP2(op_fyl2xp1, "fyl2xp1")
OP2(op_fpatan, "fpatan")
OP2(op_fsin, "fsin")
OP2(op_fcos, "fcos")
OP2(op_fsincos, "fsincos")
OP2(op_fptan, "fptan")
OP2(op_fxam, "fxam")
OP2(op_ftst, "ftst")
OP2(op_fcom, "fcom %%st(1)")
OP2(op_fucom, "fucom %%st(1)")
OPST(op_fst32, "fsts")
OPST(op_fst64, "fstl")
OPST(op_fist16, "fistps")
OPST(op_fist32, "fistpl")
OPST(op_fist64, "fistpll")
OPST(op_fisttp16, "fisttps")
OPST(op_fisttp32, "fisttpl")
OPST(op_fisttp64, "fisttpll")
OPST(op_fbstp, "fbstp")
OPLD(op_fld32, "flds")
OPLD(op_fld64, "fldl")
OPLD(op_fbld, "fbld")
OP0(op_fldpi, "fldpi")
OP0(op_fldl2e, "fldl2e")
OP0(op_fldl2t, "fldl2t")
OP0(op_fldlg2, "fldlg2")
OP0(op_fldln2, "fldln2")

typedef void (*opfn)(f80 *, f80 *, uint16_t, f80 *, f80 *, uint16_t *);
static const struct { const char *name; opfn fn; } ops[] = {
    {"add", op_add}, {"sub", op_sub}, {"mul", op_mul}, {"div", op_div},
    {"addr", op_addr}, {"subr", op_subr}, {"mulr", op_mulr}, {"divr", op_divr},
    {"sqrt", op_sqrt}, {"frndint", op_frndint}, {"fxtract", op_fxtract}, {"fscale", op_fscale},
    {"fprem", op_fprem}, {"fprem1", op_fprem1}, {"f2xm1", op_f2xm1}, {"fyl2x", op_fyl2x},
    {"fyl2xp1", op_fyl2xp1}, {"fpatan", op_fpatan}, {"fsin", op_fsin}, {"fcos", op_fcos},
    {"fsincos", op_fsincos}, {"fptan", op_fptan}, {"fxam", op_fxam}, {"ftst", op_ftst},
    {"fcom", op_fcom}, {"fucom", op_fucom},
    {"fst32", op_fst32}, {"fst64", op_fst64}, {"fist16", op_fist16}, {"fist32", op_fist32},
    {"fist64", op_fist64}, {"fisttp16", op_fisttp16}, {"fisttp32", op_fisttp32}, {"fisttp64", op_fisttp64},
    {"fbstp", op_fbstp}, {"fld32", op_fld32}, {"fld64", op_fld64}, {"fbld", op_fbld},
    {"fldpi", op_fldpi}, {"fldl2e", op_fldl2e}, {"fldl2t", op_fldl2t}, {"fldlg2", op_fldlg2},
    {"fldln2", op_fldln2},
};

int main(void) {
    char line[256], name[32];
    unsigned cw, ase, bse;
    unsigned long long asig, bsig;
    while (fgets(line, sizeof line, stdin)) {
        if (sscanf(line, "%31s %x %x %llx %x %llx", name, &cw, &ase, &asig, &bse, &bsig) != 6) {
            printf("bad input\n");
            continue;
        }
        opfn fn = 0;
        for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
            if (!strcmp(ops[i].name, name)) fn = ops[i].fn;
        if (!fn) { printf("unknown op %s\n", name); continue; }
        f80 a = {asig, (uint16_t) ase, {0}}, b = {bsig, (uint16_t) bse, {0}}, r, r2;
        memset(&r, 0xAA, sizeof r);
        memset(&r2, 0xAA, sizeof r2);
        uint16_t sw = 0;
        fn(&a, &b, (uint16_t) cw, &r, &r2, &sw);
        printf("%04x %016llx %04x %016llx %04x\n", r.se, (unsigned long long) r.sig, r2.se,
               (unsigned long long) r2.sig, sw);
    }
    return 0;
}
