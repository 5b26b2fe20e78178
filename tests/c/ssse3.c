// cflags: -mssse3
/* SSE3 and SSSE3: addsub, horizontal add/sub, movddup/movshdup/movsldup, lddqu; pshufb,
 * phadd/phsub (with saturation), pmaddubsw, pmulhrsw, palignr, psign, pabs. No SSE4. */
#include <pmmintrin.h>
#include <tmmintrin.h>
#include <stdio.h>
#include <string.h>
#include "difftest.h"

static void out(const char *what, __m128i v) {
    uint8_t b[16];
    memcpy(b, &v, 16);
    printf(" %s=", what);
    for (int i = 15; i >= 0; i--) printf("%02x", b[i]);
}
static void outf(const char *what, __m128 v) { out(what, _mm_castps_si128(v)); }
static void outd(const char *what, __m128d v) { out(what, _mm_castpd_si128(v)); }

static __m128i rnd(void) {
    static const uint32_t edges[] = {0, 0xffffffff, 0x80008000, 0x7fff7fff, 0x807f7f80, 0x00ff00ff, 0x8f8f0f0f};
    uint32_t w[4];
    for (int i = 0; i < 4; i++) {
        uint64_t r = rng64();
        w[i] = (r & 3) == 0 ? edges[(r >> 8) % 7] : (uint32_t)(r >> 32);
    }
    return _mm_set_epi32((int)w[3], (int)w[2], (int)w[1], (int)w[0]);
}

int main(void) {
    for (int i = 0; i < 50; i++) {
        __m128i a = rnd(), b = rnd();
        printf("v%d", i);
        out("a", a); out("b", b);
        out("pshufb", _mm_shuffle_epi8(a, b)); out("phaddw", _mm_hadd_epi16(a, b)); out("phaddd", _mm_hadd_epi32(a, b));
        out("phaddsw", _mm_hadds_epi16(a, b)); out("phsubw", _mm_hsub_epi16(a, b)); out("phsubsw", _mm_hsubs_epi16(a, b));
        out("pmaddubsw", _mm_maddubs_epi16(a, b)); out("pmulhrsw", _mm_mulhrs_epi16(a, b));
        out("palignr3", _mm_alignr_epi8(a, b, 3)); out("palignr17", _mm_alignr_epi8(a, b, 17));
        out("palignr0", _mm_alignr_epi8(a, b, 0)); out("psignb", _mm_sign_epi8(a, b)); out("psignw", _mm_sign_epi16(a, b));
        out("psignd", _mm_sign_epi32(a, b)); out("pabsb", _mm_abs_epi8(a)); out("pabsw", _mm_abs_epi16(a));
        out("pabsd", _mm_abs_epi32(a));
        /* the float lanes, from integers so no NaN payload questions arise */
        __m128 fa = _mm_cvtepi32_ps(_mm_srai_epi32(a, 8)), fb = _mm_cvtepi32_ps(_mm_srai_epi32(b, 12));
        __m128d da = _mm_cvtepi32_pd(a), db = _mm_cvtepi32_pd(b);
        outf("addsubps", _mm_addsub_ps(fa, fb)); outf("haddps", _mm_hadd_ps(fa, fb)); outf("hsubps", _mm_hsub_ps(fa, fb));
        outd("addsubpd", _mm_addsub_pd(da, db)); outd("haddpd", _mm_hadd_pd(da, db)); outd("hsubpd", _mm_hsub_pd(da, db));
        outd("movddup", _mm_movedup_pd(da)); outf("movshdup", _mm_movehdup_ps(fa)); outf("movsldup", _mm_moveldup_ps(fa));
        printf("\n");
    }
    /* lddqu from every misalignment */
    unsigned char buf[64];
    for (int i = 0; i < 64; i++) buf[i] = (unsigned char)(i * 37 + 11);
    for (int off = 0; off < 17; off++) {
        printf("lddqu %d", off);
        out("", _mm_lddqu_si128((const __m128i *)(buf + off)));
        printf("\n");
    }
    /* MMX forms of the SSSE3 instructions */
    __m64 m = _mm_set_pi8(1, -2, 3, -4, 5, -6, 7, -128), n = _mm_set_pi8(7, 6, 5, 4, 3, 2, 1, 0x80);
    __m64 r1 = _mm_shuffle_pi8(m, n), r2 = _mm_abs_pi8(m), r3 = _mm_alignr_pi8(m, n, 3), r4 = _mm_hadd_pi16(m, n);
    long long o[4];
    memcpy(&o[0], &r1, 8); memcpy(&o[1], &r2, 8); memcpy(&o[2], &r3, 8); memcpy(&o[3], &r4, 8);
    _mm_empty();
    printf("mmx %016llx %016llx %016llx %016llx\n", o[0], o[1], o[2], o[3]);
    return 0;
}
