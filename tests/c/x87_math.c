/* long double libm: sinl/cosl/tanl/atan2l/atanl/expl/exp2l/expm1l/logl/log2l/log10l/log1pl/powl/
 * hypotl/cbrtl, on both ABIs implemented with x87 instructions (fsin/fcos/fptan where glibc uses
 * them, fpatan, f2xm1, fyl2x, fyl2xp1, fscale).
 * Those instructions are not correctly rounded, and CPUs (and emulators) differ in the last bit of
 * the 64-bit mantissa, so their results are printed to 17 significant digits (about 56 bits);
 * sqrtl, cbrtl and hypotl are exact or software and are printed in full with %La. */
#include <math.h>
#include <stdio.h>

static const long double args[] = {0.0L, -0.0L, 1e-30L, 0.001L, 0.1L, 0.5L, 0.75L, 1.0L, 1.5L, 2.0L,
                                   3.14159265358979323846L, 10.0L, 100.0L, -0.3L, -2.5L, -50.0L, 1e6L, 12345.678L};
#define NA (int)(sizeof args / sizeof args[0])

int main(void) {
    for (int i = 0; i < NA; i++) {
        long double x = args[i];
        printf("x=%La\n", x);
        printf(" sin=%.17Lg cos=%.17Lg tan=%.17Lg\n", sinl(x), cosl(x), tanl(x));
        printf(" atan=%.17Lg atan2=%.17Lg,%.17Lg,%.17Lg\n", atanl(x), atan2l(x, 1.5L), atan2l(-1.0L, x), atan2l(x, -x - 0.25L));
        printf(" exp=%.17Lg exp2=%.17Lg expm1=%.17Lg\n", expl(x), exp2l(x), expm1l(x));
        long double a = fabsl(x);
        printf(" log=%.17Lg log2=%.17Lg log10=%.17Lg log1p=%.17Lg\n", logl(a), log2l(a), log10l(a), log1pl(a));
        printf(" pow=%.17Lg,%.17Lg,%.17Lg sqrt=%La cbrt=%La hypot=%La\n", powl(a, 0.37L), powl(1.0001L, x), powl(x, 3.0L), sqrtl(a),
               cbrtl(x), hypotl(x, 3.0L));
        printf(" asin=%.17Lg acos=%.17Lg sinh=%.17Lg cosh=%.17Lg tanh=%.17Lg\n", asinl(x / 1e6L), acosl(x / 1e6L), sinhl(x / 100),
               coshl(x / 100), tanhl(x));
    }
    return 0;
}
