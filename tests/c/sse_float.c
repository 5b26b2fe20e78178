// cflags: -msse2
/* SSE/SSE2 floating point intrinsics: packed and scalar add/sub/mul/div/sqrt/min/max (NaN and
 * signed zero operand order), rcp/rsqrt (approximations: only their error bound is printed),
 * compares, conversions with each rounding mode and the integer indefinite value, shuffles,
 * unpacks, movmsk, and/andnot/or/xor, and MXCSR flags. Results are printed as raw bits. */
#include <emmintrin.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void ps(const char *what, __m128 v) {
    uint32_t u[4];
    memcpy(u, &v, 16);
    printf(" %s=%08x,%08x,%08x,%08x", what, u[0], u[1], u[2], u[3]);
}
static void pd(const char *what, __m128d v) {
    uint64_t u[2];
    memcpy(u, &v, 16);
    printf(" %s=%016llx,%016llx", what, (unsigned long long)u[0], (unsigned long long)u[1]);
}
static void pi(const char *what, __m128i v) {
    uint32_t u[4];
    memcpy(u, &v, 16);
    printf(" %s=%08x,%08x,%08x,%08x", what, u[0], u[1], u[2], u[3]);
}

static const float fv[] = {0.0f, -0.0f, 1.0f, -1.5f, 3.0f, 0.1f, 1e30f, -1e-40f, INFINITY, -INFINITY, NAN, 2147483648.0f,
                           -2147483904.0f, 0.5f, 2.5f, -3.5f, 16777217.0f, 1e-45f};
static const double dv[] = {0.0, -0.0, 1.0, -1.5, 3.0, 0.1, 1e300, -1e-310, INFINITY, -INFINITY, NAN, 9223372036854775808.0,
                            2147483647.5, 0.5, 2.5, -3.5, 4503599627370497.0, 5e-324};
#define NF (int)(sizeof fv / sizeof fv[0])

int main(void) {
    unsigned saved = _mm_getcsr();
    for (int i = 0; i < NF; i++) {
        __m128 a = _mm_set_ps(fv[(i + 3) % NF], fv[(i + 2) % NF], fv[(i + 1) % NF], fv[i]);
        __m128 b = _mm_set_ps(fv[(i + 7) % NF], fv[(i + 11) % NF], fv[(i + 5) % NF], fv[(i + 13) % NF]);
        printf("ps%d", i);
        ps("a", a); ps("b", b);
        ps("add", _mm_add_ps(a, b)); ps("sub", _mm_sub_ps(a, b)); ps("mul", _mm_mul_ps(a, b));
        ps("div", _mm_div_ps(a, b)); ps("sqrt", _mm_sqrt_ps(a)); ps("min", _mm_min_ps(a, b));
        ps("max", _mm_max_ps(a, b)); ps("minr", _mm_min_ps(b, a));
        ps("adds", _mm_add_ss(a, b)); ps("divs", _mm_div_ss(a, b)); ps("sqrts", _mm_sqrt_ss(a));
        ps("cmplt", _mm_cmplt_ps(a, b)); ps("cmpunord", _mm_cmpunord_ps(a, b)); ps("cmpneq", _mm_cmpneq_ps(a, b));
        ps("cmpnle", _mm_cmpnle_ps(a, b)); ps("cmpeqs", _mm_cmpeq_ss(a, b));
        ps("and", _mm_and_ps(a, b)); ps("andn", _mm_andnot_ps(a, b)); ps("xor", _mm_xor_ps(a, b));
        ps("shuf", _mm_shuffle_ps(a, b, 0x1b)); ps("unpl", _mm_unpacklo_ps(a, b)); ps("unph", _mm_unpackhi_ps(a, b));
        ps("movhl", _mm_movehl_ps(a, b)); ps("movlh", _mm_movelh_ps(a, b));
        printf(" msk=%x comi=%d%d%d ucomi=%d%d%d", _mm_movemask_ps(a), _mm_comieq_ss(a, b), _mm_comilt_ss(a, b),
               _mm_comige_ss(a, b), _mm_ucomieq_ss(a, b), _mm_ucomilt_ss(a, b), _mm_ucomineq_ss(a, b));
        /* approximations: how far from the exact value, in a coarse bucket */
        float r = _mm_cvtss_f32(_mm_rcp_ss(a)), rs = _mm_cvtss_f32(_mm_rsqrt_ss(a));
        float x = fv[i];
        int rcp_ok = isnan(x) ? isnan(r) : (x == 0 || isinf(x) || fabsf(x) > 1e37f || fabsf(x) < 1e-37f) ? 1 : fabsf(r * x - 1) < 0.0005f;
        int rsq_ok = !(x > 0) || isinf(x) || x > 1e37f || x < 1e-37f ? 1 : fabsf(rs * sqrtf(x) - 1) < 0.0005f;
        printf(" rcp_ok=%d rsqrt_ok=%d\n", rcp_ok, rsq_ok);
    }
    for (int i = 0; i < NF; i++) {
        __m128d a = _mm_set_pd(dv[(i + 1) % NF], dv[i]), b = _mm_set_pd(dv[(i + 5) % NF], dv[(i + 13) % NF]);
        printf("pd%d", i);
        pd("a", a); pd("b", b);
        pd("add", _mm_add_pd(a, b)); pd("sub", _mm_sub_pd(a, b)); pd("mul", _mm_mul_pd(a, b)); pd("div", _mm_div_pd(a, b));
        pd("sqrt", _mm_sqrt_pd(a)); pd("min", _mm_min_pd(a, b)); pd("max", _mm_max_pd(a, b)); pd("adds", _mm_add_sd(a, b));
        pd("cmple", _mm_cmple_pd(a, b)); pd("cmpord", _mm_cmpord_pd(a, b)); pd("shuf", _mm_shuffle_pd(a, b, 1));
        pd("unpl", _mm_unpacklo_pd(a, b)); pd("unph", _mm_unpackhi_pd(a, b)); pd("andn", _mm_andnot_pd(a, b));
        printf(" msk=%x comi=%d%d\n", _mm_movemask_pd(a), _mm_comile_sd(a, b), _mm_ucomigt_sd(a, b));
    }
    /* conversions in every rounding mode, including out-of-range values (0x80000000 indefinite) */
    static const unsigned rc[] = {_MM_ROUND_NEAREST, _MM_ROUND_DOWN, _MM_ROUND_UP, _MM_ROUND_TOWARD_ZERO};
    for (int m = 0; m < 4; m++) {
        _mm_setcsr((saved & ~_MM_ROUND_MASK) | rc[m]);
        for (int i = 0; i < NF; i++) {
            __m128 a = _mm_set1_ps(fv[i]);
            __m128d d = _mm_set1_pd(dv[i]);
            printf("cvt rc%d %d: %d %d %d %d", m, i, _mm_cvtss_si32(a), _mm_cvttss_si32(a), _mm_cvtsd_si32(d), _mm_cvttsd_si32(d));
#ifdef __x86_64__
            printf(" %lld %lld %lld", (long long)_mm_cvtss_si64(a), (long long)_mm_cvtsd_si64(d), (long long)_mm_cvttsd_si64(d));
#endif
            pi("dq", _mm_cvtps_epi32(a)); pi("tdq", _mm_cvttpd_epi32(d)); ps("pd2ps", _mm_cvtpd_ps(d));
            pd("ps2pd", _mm_cvtps_pd(a)); ps("dq2ps", _mm_cvtepi32_ps(_mm_set_epi32(16777217, -16777219, 0x7fffffff, i * 1000003)));
            pd("dq2pd", _mm_cvtepi32_pd(_mm_set_epi32(0, 0, -7, 0x7fffffff)));
            ps("si2ss", _mm_cvtsi32_ss(a, 0x7fffffc1)); pd("sd2ss", _mm_cvtss_sd(d, a));
            printf("\n");
        }
    }
    _mm_setcsr(saved);
    /* MXCSR exception flags */
    static const struct { const char *n; float a, b; int op; } ex[] = {
        {"1/0", 1, 0, 0}, {"0/0", 0, 0, 0}, {"1/3", 1, 3, 0}, {"max*2", 3.4e38f, 2, 1}, {"min*min", 1e-30f, 1e-30f, 1},
        {"1+1", 1, 1, 2}, {"dnorm+0", 1e-40f, 0, 2}};
    for (unsigned k = 0; k < sizeof ex / sizeof ex[0]; k++) {
        _mm_setcsr(saved & ~0x3f);
        __m128 a = _mm_set_ss(ex[k].a), b = _mm_set_ss(ex[k].b), r;
        r = ex[k].op == 0 ? _mm_div_ss(a, b) : ex[k].op == 1 ? _mm_mul_ss(a, b) : _mm_add_ss(a, b);
        unsigned cs = _mm_getcsr();
        /* DE (denormal operand, bit 1) left out: Debian's QEMU 7.2 never sets it */
        printf("mxcsr %s: %02x", ex[k].n, cs & 0x3d);
        ps("r", r);
        printf("\n");
    }
    /* flush-to-zero and denormals-are-zero */
    _mm_setcsr(saved | 0x8040);
    __m128 t = _mm_mul_ps(_mm_set1_ps(1e-30f), _mm_set1_ps(1e-10f)), u = _mm_add_ps(_mm_set1_ps(1e-40f), _mm_set1_ps(0));
    _mm_setcsr(saved);
    ps("ftz", t); ps("daz", u);
    printf("\n");
    return 0;
}
