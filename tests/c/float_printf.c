/* float and double through printf (%e %f %g %a with widths and precisions) and back through
 * strtod/strtof/sscanf, including halfway cases, subnormals, huge exponents and hex floats;
 * plus float and double arithmetic as compiled code (SSE on x86_64, x87 on i386). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "difftest.h"

static const char *inputs[] = {
    "0", "-0", "1", "0.1", "0.2", "0.3", "1e23", "8.98846567431158e307", "2.2250738585072011e-308",
    "2.2250738585072014e-308", "4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
    "1.7976931348623159e308", "9007199254740993", "9007199254740992.5", "0.1e-400", "123456789012345678901234567890",
    "3.14159265358979323846264338327950288419716939937510", "0x1.fffffffffffffp1023", "0x1p-1074", "0x.8p1", "inf", "-Infinity",
    "nan", "1e", "  +.5e+1x", "1.00000000000000011102230246251565404236316680908203125",
    "1.00000000000000011102230246251565404236316680908203124", "7.038531e-26", "4.35e-320", "1234567.0000000001"};

int main(void) {
    for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        char *end;
        double d = strtod(inputs[i], &end);
        float f = strtof(inputs[i], NULL);
        long double ld = strtold(inputs[i], NULL);
        printf("\"%s\" used=%d\n", inputs[i], (int)(end - inputs[i]));
        printf("  d: %a %.17g %e %.3f %g %20.10e %-12.4g| %+.0f\n", d, d, d, fabs(d) < 1e30 ? d : 0, d, d, d,
               fabs(d) < 1e30 ? d : 0);
        printf("  f: %a %.9g %e %g\n", (double)f, (double)f, (double)f, (double)f);
        printf("  ld: %La %.21Lg\n", ld, ld);
        char buf[64];
        snprintf(buf, sizeof buf, "%.17g", d);
        double back = strtod(buf, NULL);
        printf("  roundtrip %s %d\n", buf, isnan(d) ? isnan(back) : back == d);
    }
    /* %f of large and small values, %g switching, %#, zero padding */
    double vals[] = {0.5, 1.5, 2.5, 1e15, 1e16, 123456.789, 1e-5, 0.000123456, 5e-324, 1e308, 99.995, 0.125, 1e21};
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++)
        printf("fmt %.0f %.1f %.2f %#.0f %g %#g %G %010.3f %-+10.2e %.30f\n", vals[i], vals[i], vals[i], vals[i], vals[i],
               vals[i], vals[i], vals[i], vals[i], vals[i] < 1 ? vals[i] : 0.0);
    printf("big %f\n", 1e300);
    printf("mixed: %s %5d %-5d| %05.1f %x %o %c %%\n", "str", 42, -42, 3.14159, 255, 8, 'z');
    /* sscanf */
    double a; float b; int n; char word[16];
    int got = sscanf("  3.5e2 -0.25 17 hello", "%lf %f %d %15s", &a, &b, &n, word);
    printf("sscanf %d %a %a %d %s\n", got, a, (double)b, n, word);

    /* compiled float/double arithmetic */
    rng_seed(12345);
    double acc = 0;
    float facc = 0;
    for (int i = 0; i < 20000; i++) {
        double x = (double)(int64_t)rng64() / 9.3e18, y = (double)(rng32() % 1000 + 1) / 7.0;
        acc = acc * 0.999 + x * y - x / y;
        facc = facc * 0.99f + (float)x / (float)y;
        if (i % 2500 == 0) printf("arith %d %a %a %a %a\n", i, acc, (double)facc, x * y + 1.0, (double)((float)x * 3.0f));
    }
    double s = 0;
    for (int i = 1; i <= 100000; i++) s += 1.0 / ((double)i * i);
    printf("basel %.17g %a\n", s, s);
    float fs = 0;
    for (int i = 1; i <= 100000; i++) fs += 1.0f / (float)i;
    printf("harmonic float %a\n", (double)fs);
    /* double -> integer conversions, including out of range (indefinite) */
    volatile double cv[] = {0.9, -0.9, 2147483647.9, 2147483648.0, -2147483648.9, 4294967296.0, 1e19, -1e19, NAN, 1e300};
    for (unsigned i = 0; i < sizeof cv / sizeof cv[0]; i++)
        printf("d2i %g: %d %lld %u\n", cv[i], (int)cv[i], (long long)cv[i], cv[i] >= 0 && cv[i] < 4294967296.0 ? (unsigned)cv[i] : 0u);
    return 0;
}
