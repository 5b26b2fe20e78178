/* x87 long double: + - * / sqrt on special and ordinary values, printed with %La and %.20Lg;
 * fmod/remainder (fprem/fprem1), rint/floor/ceil/trunc/round (frndint and control word changes),
 * ldexp/frexp/logb (fscale/fxtract), conversions to and from integers and float/double,
 * comparisons and classification (fucomi, fxam), precision control, and the status word. */
#include <float.h>
#include <fpu_control.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static long double vals[] = {0.0L, -0.0L, 1.0L, -1.0L, 0.5L, 3.0L, 0.1L, 1.0L / 3, 2.0L / 3, 3.14159265358979323846264338327950288L,
                             1e10L, -1e-10L, 123456789.123456789L, 18446744073709551615.0L, 9223372036854775808.0L,
                             LDBL_MAX, LDBL_MIN, LDBL_TRUE_MIN, LDBL_EPSILON, 1e4000L, -1e-4000L, 4294967296.5L};
#define NV (int)(sizeof vals / sizeof vals[0])

static void show(const char *what, long double x) { printf(" %s=%La|%.20Lg", what, x, x); }

int main(void) {
    volatile long double inf = INFINITY, nan_ = NAN;
    for (int i = 0; i < NV; i++) {
        long double a = vals[i];
        printf("v%d", i);
        show("a", a);
        show("sqrt", sqrtl(fabsl(a)));
        show("neg", -a);
        printf("\n");
        for (int j = 0; j < NV; j += 1) {
            long double b = vals[j];
            printf("  v%d v%d", i, j);
            show("+", a + b);
            show("-", a - b);
            show("*", a * b);
            show("/", a / b);
            printf(" <%d ==%d\n", a < b, a == b);
        }
    }
    printf("inf-inf %La inf*0 %La 0/0 %La nan+1 %La -nan %La\n", inf - inf, inf * 0, (long double)0.0L / vals[0], nan_ + 1,
           -nan_);
    printf("inf %La %La %Lg %Lg\n", inf, -inf, inf / 2, 1 / -inf);

    /* fprem/fprem1 through fmodl/remainderl, with quotients of many bits */
    long double num[] = {10.0L, -10.0L, 1e30L, 5.5L, 1e-20L, 7.0L, 3.0L * (1ULL << 63)};
    long double den[] = {3.0L, -3.0L, 0.7L, 2.0L, 1e-21L, 7.0L, 1.5L};
    for (unsigned i = 0; i < sizeof num / sizeof num[0]; i++)
        for (unsigned j = 0; j < sizeof den / sizeof den[0]; j++)
            printf("fmod %La %La: %La %La\n", num[i], den[j], fmodl(num[i], den[j]), remainderl(num[i], den[j]));

    /* rounding functions */
    long double r[] = {0.5L, 1.5L, 2.5L, -0.5L, -1.5L, -2.5L, 0.49999999999999999999L, 1e18L + 0.5L, -7.75L, 4503599627370497.5L};
    for (unsigned i = 0; i < sizeof r / sizeof r[0]; i++)
        printf("round %.20Lg: rint=%.20Lg floor=%.20Lg ceil=%.20Lg trunc=%.20Lg round=%.20Lg lrint=%ld llround=%lld\n", r[i],
               rintl(r[i]), floorl(r[i]), ceill(r[i]), truncl(r[i]), roundl(r[i]), lrintl(r[i]), llroundl(r[i]));

    /* exponent manipulation */
    for (int i = 0; i < NV; i++) {
        int e;
        long double m = frexpl(vals[i], &e);
        printf("frexp %La: %La %d ldexp=%La,%La logb=%La ilogb=%d\n", vals[i], m, vals[i] != 0 && isfinite(vals[i]) ? e : 0,
               ldexpl(vals[i], 100), ldexpl(vals[i], -16400), logbl(vals[i]), isfinite(vals[i]) && vals[i] != 0 ? ilogbl(vals[i]) : 0);
    }
    printf("scalbn %La %La %La\n", scalbnl(1.0L, 16383), scalbnl(1.0L, 16384), scalbnl(1.0L, -16445));

    /* integer conversions: fild/fistp/fisttp of all widths */
    long double c[] = {0.0L, 2.5L, -2.5L, 2147483647.0L, 2147483648.0L, -2147483649.0L, 9.2233720368547758e18L,
                       -9223372036854775808.0L, 1e19L, 65535.9L, -32768.4L};
    for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
        volatile long double x = c[i];
        int16_t s16;
        int32_t s32;
        int64_t s64;
        __asm__("fistps %0" : "=m"(s16) : "t"(x) : "st");
        __asm__("fistpl %0" : "=m"(s32) : "t"(x) : "st");
        __asm__("fistpll %0" : "=m"(s64) : "t"(x) : "st");
        printf("fist %.20Lg: %d %d %lld trunc=%lld u=%llu\n", c[i], s16, s32, (long long)s64, (long long)x,
               x >= 0 && x < 18446744073709551616.0L ? (unsigned long long)x : 0ULL);
    }
    for (int i = 0; i < 64; i += 3) {
        volatile int64_t v = (int64_t)(0x8123456789abcdefULL >> i) * (i & 1 ? -1 : 1);
        volatile uint64_t u = 0xfedcba9876543210ULL >> i;
        long double a = v, b = u;
        printf("fild %lld -> %La %llu -> %La float=%a double=%a\n", (long long)v, a, (unsigned long long)u, b, (double)(float)a,
               (double)b);
    }
    /* narrowing: rounding to float and double, overflow and denormals */
    for (int i = 0; i < NV; i++) printf("narrow %La -> %a %a\n", vals[i], (double)(float)vals[i], (double)vals[i]);

    /* comparisons and classification */
    long double cls[] = {0.0L, -0.0L, 1.0L, LDBL_TRUE_MIN, INFINITY, -INFINITY, NAN, -NAN};
    for (unsigned i = 0; i < 8; i++) {
        printf("class %La: fpclass=%d signbit=%d isnan=%d isinf=%d", cls[i], fpclassify(cls[i]), !!signbit(cls[i]),
               isnan(cls[i]), isinf(cls[i]));
        for (unsigned j = 0; j < 8; j++)
            printf(" %d%d%d%d", cls[i] < cls[j], cls[i] <= cls[j], cls[i] == cls[j], isunordered(cls[i], cls[j]));
        printf("\n");
    }

    /* precision control: 24, 53 and 64-bit mantissas */
    fpu_control_t saved, cw;
    _FPU_GETCW(saved);
    static const struct { const char *name; fpu_control_t pc; } pcs[] = {
        {"single", _FPU_SINGLE}, {"double", _FPU_DOUBLE}, {"extended", _FPU_EXTENDED}};
    for (int p = 0; p < 3; p++) {
        cw = (saved & ~_FPU_EXTENDED) | pcs[p].pc;
        _FPU_SETCW(cw);
        volatile long double one = 1, three = 3, big = 1e300L, tiny = 1e-300L;
        long double q = one / three, s = one + LDBL_EPSILON, t = big * big, u = tiny * tiny, w = sqrtl(three);
        _FPU_SETCW(saved);
        printf("pc %s: %La %La %La %La %La\n", pcs[p].name, q, s, t, u, w);
    }
    /* rounding control through the control word */
    static const fpu_control_t rcs[] = {_FPU_RC_NEAREST, _FPU_RC_DOWN, _FPU_RC_UP, _FPU_RC_ZERO};
    for (int m = 0; m < 4; m++) {
        cw = (saved & ~0xc00) | rcs[m];
        _FPU_SETCW(cw);
        volatile long double one = 1, three = 3, mthree = -3;
        long double a = one / three, b = one / mthree, c2 = sqrtl(three);
        long double d = rintl(2.5L), e = rintl(-2.5L);
        _FPU_SETCW(saved);
        printf("rc %d: %La %La %La %Lg %Lg\n", m, a, b, c2, d, e);
    }
    /* status word exception flags */
    unsigned short sw;
    __asm__ volatile("fnclex");
    volatile long double z = 0, o = 1, res = o / z;
    __asm__ volatile("fnstsw %0" : "=am"(sw));
    printf("sw after 1/0: %04x (%La)\n", sw & 0x3f, res);
    __asm__ volatile("fnclex");
    res = o / 3;
    __asm__ volatile("fnstsw %0" : "=am"(sw));
    printf("sw after 1/3: %04x\n", sw & 0x3f);
    __asm__ volatile("fnclex");
    res = z / z;
    __asm__ volatile("fnstsw %0" : "=am"(sw));
    printf("sw after 0/0: %04x\n", sw & 0x3f);
    __asm__ volatile("fnclex");
    res = LDBL_MIN;
    res = res / 1e10L;
    __asm__ volatile("fnstsw %0" : "=am"(sw));
    printf("sw after underflow: %04x\n", sw & 0x3f);
    __asm__ volatile("fnclex");
    /* constants */
    long double k[7];
    __asm__("fld1" : "=t"(k[0]));
    __asm__("fldl2t" : "=t"(k[1]));
    __asm__("fldl2e" : "=t"(k[2]));
    __asm__("fldpi" : "=t"(k[3]));
    __asm__("fldlg2" : "=t"(k[4]));
    __asm__("fldln2" : "=t"(k[5]));
    __asm__("fldz" : "=t"(k[6]));
    for (int i = 0; i < 7; i++) printf("const %d %La\n", i, k[i]);
    /* exact helpers: fxtract, fscale, fabs, fchs */
    for (int i = 0; i < NV; i++) {
        long double x = vals[i], sig, ex;
        if (x == 0 || !isfinite(x)) continue;
        __asm__("fxtract" : "=t"(sig), "=u"(ex) : "0"(x));
        long double sc;
        __asm__("fscale" : "=t"(sc) : "0"(sig), "u"(ex));
        printf("fxtract %La: %La %La back=%d\n", x, sig, ex, sc == x);
    }
    return 0;
}
