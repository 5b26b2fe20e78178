/* Hash functions written out in C: SHA-256 (checked against the FIPS 180 test vectors), MD5
 * (RFC 1321 vectors), CRC-32C, FNV-1a, a Murmur3-style mixer and Adler-32, over generated data of
 * many lengths and alignments. Lots of rotates, shifts, adds and table lookups. */
#include <stdlib.h>
#include <string.h>
#include "difftest.h"

#define ROR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define ROL32(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
    0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
    0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static void sha256_block(uint32_t h[8], const uint8_t *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR32(w[i - 15], 7) ^ ROR32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR32(w[i - 2], 17) ^ ROR32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ROR32(e, 6) ^ ROR32(e, 11) ^ ROR32(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
        uint32_t t2 = (ROR32(a, 2) ^ ROR32(a, 13) ^ ROR32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}
static void sha256(const uint8_t *p, size_t n, char hex[65]) {
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    size_t i = 0;
    for (; i + 64 <= n; i += 64) sha256_block(h, p + i);
    uint8_t last[128] = {0};
    size_t r = n - i;
    memcpy(last, p + i, r);
    last[r] = 0x80;
    size_t tot = r + 9 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)n * 8;
    for (int k = 0; k < 8; k++) last[tot - 1 - k] = (uint8_t)(bits >> (8 * k));
    for (size_t k = 0; k < tot; k += 64) sha256_block(h, last + k);
    for (int k = 0; k < 8; k++) sprintf(hex + 8 * k, "%08x", h[k]);
}

static const uint32_t md5_s[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
                                   14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15,
                                   21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
static uint32_t md5_k[64];
static void md5_block(uint32_t h[4], const uint8_t *p) {
    uint32_t m[16];
    for (int i = 0; i < 16; i++) m[i] = p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g;
        if (i < 16) f = (b & c) | (~b & d), g = i;
        else if (i < 32) f = (d & b) | (~d & c), g = (5 * i + 1) % 16;
        else if (i < 48) f = b ^ c ^ d, g = (3 * i + 5) % 16;
        else f = c ^ (b | ~d), g = (7 * i) % 16;
        f += a + md5_k[i] + m[g];
        a = d; d = c; c = b;
        b += ROL32(f, md5_s[i]);
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
}
static void md5(const uint8_t *p, size_t n, char hex[33]) {
    uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    size_t i = 0;
    for (; i + 64 <= n; i += 64) md5_block(h, p + i);
    uint8_t last[128] = {0};
    size_t r = n - i;
    memcpy(last, p + i, r);
    last[r] = 0x80;
    size_t tot = r + 9 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)n * 8;
    for (int k = 0; k < 8; k++) last[tot - 8 + k] = (uint8_t)(bits >> (8 * k));
    for (size_t k = 0; k < tot; k += 64) md5_block(h, last + k);
    for (int k = 0; k < 16; k++) sprintf(hex + 2 * k, "%02x", (h[k / 4] >> (8 * (k % 4))) & 0xff);
}

static uint32_t crc32c_table[256];
static uint32_t crc32c(const uint8_t *p, size_t n) {
    uint32_t c = ~0u;
    while (n--) c = crc32c_table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}
static uint32_t adler32(const uint8_t *p, size_t n) {
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) a = (a + p[i]) % 65521, b = (b + a) % 65521;
    return b << 16 | a;
}
static uint64_t mix64(const uint8_t *p, size_t n) {
    uint64_t h = 0x1234567 ^ n;
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint64_t k;
        memcpy(&k, p + i, 8);
        k *= 0x87c37b91114253d5ULL;
        k = (k << 31) | (k >> 33);
        h ^= k * 0x4cf5ad432745937fULL;
        h = ((h << 27) | (h >> 37)) * 5 + 0x52dce729;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

int main(void) {
    for (int i = 0; i < 64; i++) {
        double s = __builtin_fabs(__builtin_sin((double)(i + 1)));
        md5_k[i] = (uint32_t)(s * 4294967296.0);
    }
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
        crc32c_table[i] = c;
    }
    char hex[65], mhex[33];
    static const char *vectors[] = {"", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                                    "The quick brown fox jumps over the lazy dog", "message digest"};
    for (unsigned i = 0; i < 5; i++) {
        sha256((const uint8_t *)vectors[i], strlen(vectors[i]), hex);
        md5((const uint8_t *)vectors[i], strlen(vectors[i]), mhex);
        printf("\"%s\": sha256=%s md5=%s crc32c=%08x\n", vectors[i], hex, mhex, crc32c((const uint8_t *)vectors[i], strlen(vectors[i])));
    }
    size_t n = 1 << 18;
    uint8_t *buf = malloc(n + 64);
    rng_seed(7);
    for (size_t i = 0; i < n + 64; i++) buf[i] = (uint8_t)(rng64() >> 56);
    sha256(buf, n, hex);
    md5(buf, n, mhex);
    printf("256KiB: sha256=%s md5=%s crc32c=%08x adler=%08x mix=%016llx fnv=%016llx\n", hex, mhex, crc32c(buf, n), adler32(buf, n),
           (unsigned long long)mix64(buf, n), (unsigned long long)fnv1a(FNV_INIT, buf, n));
    for (size_t len = 0; len < 300; len += 37)
        for (int al = 0; al < 8; al += 3) {
            sha256(buf + al, len, hex);
            printf("len %zu al %d: %.16s %08x %016llx\n", len, al, hex, adler32(buf + al, len), (unsigned long long)mix64(buf + al, len));
        }
    free(buf);
    return 0;
}
