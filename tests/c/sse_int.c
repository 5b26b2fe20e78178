// cflags: -msse2
/* SSE2 integer intrinsics over pseudo-random vectors: add/sub with and without saturation,
 * multiplies (pmullw/pmulhw/pmulhuw/pmuludq/pmaddwd), psadbw, pavg, min/max, compares, packs,
 * unpacks, shifts by immediates and by register (counts past the element width), byte shifts,
 * shuffles, pmovmskb, pextrw/pinsrw, movq/movd, and MMX registers (paddb on %mm, emms). */
#include <emmintrin.h>
#include <mmintrin.h>
#include <stdio.h>
#include <string.h>
#include "difftest.h"

static uint64_t h = FNV_INIT;
static void out(const char *what, __m128i v) {
    uint8_t b[16];
    memcpy(b, &v, 16);
    printf(" %s=", what);
    for (int i = 15; i >= 0; i--) printf("%02x", b[i]);
    h = fnv1a(h, b, 16);
}

static __m128i rnd(void) {
    /* mix in edge values so saturation and sign cases occur */
    static const uint32_t edges[] = {0, 0xffffffff, 0x80008000, 0x7fff7fff, 0x807f7f80, 0x00ff00ff, 0x01010101};
    uint32_t w[4];
    for (int i = 0; i < 4; i++) {
        uint64_t r = rng64();
        w[i] = (r & 3) == 0 ? edges[(r >> 8) % 7] : (uint32_t)(r >> 32);
    }
    return _mm_set_epi32((int)w[3], (int)w[2], (int)w[1], (int)w[0]);
}

int main(void) {
    for (int i = 0; i < 60; i++) {
        __m128i a = rnd(), b = rnd();
        printf("v%d", i);
        out("a", a); out("b", b);
        out("addb", _mm_add_epi8(a, b)); out("addw", _mm_add_epi16(a, b)); out("addd", _mm_add_epi32(a, b));
        out("addq", _mm_add_epi64(a, b)); out("addsb", _mm_adds_epi8(a, b)); out("addusb", _mm_adds_epu8(a, b));
        out("addsw", _mm_adds_epi16(a, b)); out("addusw", _mm_adds_epu16(a, b));
        out("subsb", _mm_subs_epi8(a, b)); out("subusw", _mm_subs_epu16(a, b)); out("subq", _mm_sub_epi64(a, b));
        out("mullo", _mm_mullo_epi16(a, b)); out("mulhi", _mm_mulhi_epi16(a, b)); out("mulhu", _mm_mulhi_epu16(a, b));
        out("muludq", _mm_mul_epu32(a, b)); out("madd", _mm_madd_epi16(a, b)); out("sad", _mm_sad_epu8(a, b));
        out("avgb", _mm_avg_epu8(a, b)); out("avgw", _mm_avg_epu16(a, b)); out("minub", _mm_min_epu8(a, b));
        out("maxsw", _mm_max_epi16(a, b)); out("cmpeqb", _mm_cmpeq_epi8(a, b)); out("cmpgtw", _mm_cmpgt_epi16(a, b));
        out("cmpgtd", _mm_cmpgt_epi32(a, b)); out("packsswb", _mm_packs_epi16(a, b)); out("packssdw", _mm_packs_epi32(a, b));
        out("packuswb", _mm_packus_epi16(a, b)); out("unpklb", _mm_unpacklo_epi8(a, b)); out("unphw", _mm_unpackhi_epi16(a, b));
        out("unpld", _mm_unpacklo_epi32(a, b)); out("unphq", _mm_unpackhi_epi64(a, b));
        out("and", _mm_and_si128(a, b)); out("andn", _mm_andnot_si128(a, b)); out("or", _mm_or_si128(a, b));
        out("xor", _mm_xor_si128(a, b));
        out("slliw3", _mm_slli_epi16(a, 3)); out("srliw15", _mm_srli_epi16(a, 15)); out("sraiw16", _mm_srai_epi16(a, 16));
        out("sllid7", _mm_slli_epi32(a, 7)); out("sraid31", _mm_srai_epi32(a, 31)); out("srliq33", _mm_srli_epi64(a, 33));
        out("slliq64", _mm_slli_epi64(a, 64));
        __m128i cnt = _mm_cvtsi32_si128(i % 70);
        out("sllw", _mm_sll_epi16(a, cnt)); out("srad", _mm_sra_epi32(a, cnt)); out("srlq", _mm_srl_epi64(a, cnt));
        out("slldq5", _mm_slli_si128(a, 5)); out("srldq11", _mm_srli_si128(a, 11));
        out("pshufd", _mm_shuffle_epi32(a, 0x93)); out("pshuflw", _mm_shufflelo_epi16(a, 0x1b));
        out("pshufhw", _mm_shufflehi_epi16(a, 0x4e)); out("insw", _mm_insert_epi16(a, i * 977, 5));
        out("movq", _mm_move_epi64(a));
        printf(" msk=%04x extw=%d movd=%d\n", _mm_movemask_epi8(a), _mm_extract_epi16(a, 3), _mm_cvtsi128_si32(b));
    }
    /* MMX: the same register file as the x87 stack */
    __m64 m = _mm_set_pi8(1, 2, 3, 4, 5, 6, 7, (char)0xff), n = _mm_set_pi8(127, -128, 0, 1, 2, 3, 4, 5);
    __m64 r1 = _mm_adds_pi8(m, n), r2 = _mm_mullo_pi16(m, n), r3 = _mm_unpackhi_pi8(m, n), r4 = _mm_slli_si64(m, 12);
    long long o1, o2, o3, o4;
    memcpy(&o1, &r1, 8); memcpy(&o2, &r2, 8); memcpy(&o3, &r3, 8); memcpy(&o4, &r4, 8);
    _mm_empty();
    printf("mmx %016llx %016llx %016llx %016llx\n", o1, o2, o3, o4);
    volatile double after = 1.0 / 3.0;
    printf("x87 after emms: %a\n", after * 3);
    printf("hash %016llx\n", (unsigned long long)h);
    return 0;
}
