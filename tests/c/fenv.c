/* fesetround in all four modes for float, double (SSE on x86_64, x87 on i386) and long double:
 * arithmetic, sqrt, conversions, rint/nearbyint/lrint, strtod and printf rounding; then the
 * exception flags (fetestexcept) after operations that raise each of them. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const int modes[] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
static const char *names[] = {"nearest", "down", "up", "zero"};

int main(void) {
    volatile float f1 = 1, f3 = 3, fm = -7, fbig = FLT_MAX, ftiny = FLT_MIN;
    volatile double d1 = 1, d3 = 3, dm = -7, dbig = DBL_MAX, dtiny = DBL_MIN;
    volatile long double l1 = 1, l3 = 3, lm = -7;
    volatile double halves[] = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 1e300, 4503599627370495.5, -4503599627370497.0};
    for (int m = 0; m < 4; m++) {
        if (fesetround(modes[m]) != 0) { printf("fesetround failed\n"); return 1; }
        printf("%s: getround ok=%d\n", names[m], fegetround() == modes[m]);
        printf(" f: %a %a %a %a %a %a\n", (double)(f1 / f3), (double)(fm / f3), (double)sqrtf(f3), (double)(fbig * f3),
               (double)(ftiny / f3), (double)(f1 + ftiny));
        printf(" d: %a %a %a %a %a %a\n", d1 / d3, dm / d3, sqrt(d3), dbig * d3, dtiny / d3, d1 + dtiny);
        printf(" l: %La %La %La\n", l1 / l3, lm / l3, sqrtl(l3));
        printf(" conv: %a %a %d %lld %a\n", (double)(float)(d1 / d3), (double)(float)(dm / d3), (int)(dm / d3),
               (long long)(dbig / 1e290), (double)(long double)(l1 / l3));
        for (unsigned i = 0; i < sizeof halves / sizeof halves[0]; i++)
            printf(" %g: rint=%g nearbyint=%g lrint=%ld rintf=%g lrintl=%ld\n", halves[i], rint(halves[i]),
                   nearbyint(halves[i]), fabs(halves[i]) < 1e18 ? lrint(halves[i]) : 0L, (double)rintf((float)halves[i]),
                   fabs(halves[i]) < 1e18 ? lrintl(halves[i]) : 0L);
        printf(" strtod: %a %a %a printf: %.3f %.0f %.2e\n", strtod("0.1", NULL), strtod("-0.1", NULL),
               (double)strtof("1.00000017881393432617187499", NULL), 2.0005, 0.5, 1.235e10);
        printf(" int->float: %a %a %a\n", (double)(float)16777217, (double)(float)-16777219, (double)(9007199254740993LL + (long long)d1 * 0));
    }
    fesetround(FE_TONEAREST);

    static const struct { const char *name; int flag; } ex[] = {
        {"inexact", FE_INEXACT}, {"divbyzero", FE_DIVBYZERO}, {"underflow", FE_UNDERFLOW},
        {"overflow", FE_OVERFLOW}, {"invalid", FE_INVALID}};
#define TEST(what, expr)                                                                           \
    do {                                                                                           \
        feclearexcept(FE_ALL_EXCEPT);                                                              \
        volatile double r_ = (expr);                                                               \
        (void)r_;                                                                                  \
        printf("%-14s", what);                                                                     \
        for (int k = 0; k < 5; k++) printf(" %s=%d", ex[k].name, !!fetestexcept(ex[k].flag));      \
        printf("\n");                                                                              \
    } while (0)
    volatile double zero = 0, one = 1, big = 1e308, small = 1e-308, mone = -1;
    volatile float fz = 0, fo = 1;
    volatile long double lz = 0, lo = 1;
    TEST("1/3", one / 3);
    TEST("1/0", one / zero);
    TEST("0/0", zero / zero);
    TEST("big*big", big * big);
    TEST("small*small", small * small);
    TEST("sqrt(-1)", sqrt(mone));
    TEST("exact", one + one);
    TEST("float 1/0", fo / fz);
    TEST("float 1/3", fo / 3);
    TEST("ld 0/0", lz / lz);
    TEST("ld 1/0", lo / lz);
    TEST("(int)1e20", (double)(int)(big / 1e288));
    TEST("log(0)", log(zero));
    TEST("2^-1074", ldexp(one, -1074));
    /* feraiseexcept / fegetexceptflag round trip */
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_OVERFLOW | FE_INEXACT);
    fexcept_t saved;
    fegetexceptflag(&saved, FE_ALL_EXCEPT);
    feclearexcept(FE_ALL_EXCEPT);
    fesetexceptflag(&saved, FE_OVERFLOW);
    printf("raise/restore: overflow=%d inexact=%d\n", !!fetestexcept(FE_OVERFLOW), !!fetestexcept(FE_INEXACT));
    /* fegetenv/fesetenv keep the rounding mode */
    fenv_t env;
    fesetround(FE_UPWARD);
    fegetenv(&env);
    fesetround(FE_TONEAREST);
    fesetenv(&env);
    printf("env restored upward=%d %a\n", fegetround() == FE_UPWARD, one / 3);
    fesetround(FE_TONEAREST);
    return 0;
}
