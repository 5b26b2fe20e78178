/* double and float libm: sin/cos/tan/asin/acos/atan/atan2/exp/exp2/expm1/log/log2/log10/log1p/
 * pow/sqrt/cbrt/hypot/sinh/cosh/tanh/erf/lgamma/fmod/remainder/floor/ceil/round/trunc/nearbyint/
 * frexp/ldexp/modf/fma/copysign/nextafter. glibc picks FMA/AVX2 variants by cpuid on x86_64, so
 * results that are not correctly rounded are printed to 15 significant digits (exact functions
 * in full with %a). */
#include <float.h>
#include <math.h>
#include <stdio.h>

static const double xs[] = {0.0, -0.0, 1e-300, 1e-8, 0.1, 0.5, 0.7853981633974483, 1.0, 1.5707963267948966, 2.0, 3.0, 10.0,
                            22.0, 100.5, -0.25, -3.75, 1e5, 1e15, 1e22, 5e-324, INFINITY, -INFINITY, NAN};
#define NX (int)(sizeof xs / sizeof xs[0])

int main(void) {
    for (int i = 0; i < NX; i++) {
        double x = xs[i], a = fabs(x);
        printf("x=%a\n", x);
        printf(" trig %.15g %.15g %.15g %.15g %.15g %.15g %.15g\n", sin(x), cos(x), tan(x), asin(x / 1e15), acos(x / 1e15), atan(x),
               atan2(x, -1.5));
        printf(" exp %.15g %.15g %.15g log %.15g %.15g %.15g %.15g\n", exp(x / 10), exp2(x / 10), expm1(x / 100), log(a), log2(a), log10(a),
               log1p(a));
        printf(" pow %.15g %.15g %.15g hyp %.15g %.15g %.15g erf %.15g %.15g lgamma %.15g\n", pow(a, 0.3), pow(2.0, x / 7), pow(x, 3.0),
               sinh(x / 50), cosh(x / 50), tanh(x), erf(x), erfc(x), lgamma(a + 0.5));
        printf(" exact %a %a %a %a %a %a %a %a %a\n", sqrt(a), cbrt(x), hypot(x, 4.0), fmod(x, 0.3), remainder(x, 0.7), floor(x),
               ceil(x), round(x), trunc(x));
        double ip;
        int e;
        double fr = frexp(x, &e);
        printf(" parts %a %a %a %d %a %a %a %a\n", nearbyint(x), modf(x, &ip), fr, isfinite(x) ? e : 0, ldexp(x, -3), fma(x, 3.0, -1.0),
               copysign(2.0, x), nextafter(x, 0.0));
        float f = (float)x, fa = fabsf(f);
        printf(" float %.6g %.6g %.6g %.6g %.6g %a %a\n", (double)sinf(f), (double)cosf(f), (double)expf(f / 10), (double)logf(fa),
               (double)powf(fa, 0.3f), (double)sqrtf(fa), (double)fmaf(f, 3.0f, -1.0f));
    }
    /* series that accumulate many libm calls */
    double s = 0;
    for (int i = 1; i < 5000; i++) s += sin(i * 0.001) * exp(-i * 0.0005) + log(i) / i;
    printf("series %.12g\n", s);
    return 0;
}
