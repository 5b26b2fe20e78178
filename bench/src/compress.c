// bench-iterations: 10 (about 1-2 s natively; bench/run scales it with -s)
/* Compression work: an LZ77 compressor with hash chains (greedy, 32 KiB window) and its
 * decompressor over 2 MiB of generated text, checked by round trip.
 * Usage: compress [ITERATIONS]; prints a checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIN 32768
#define HB 15

static size_t compress(const uint8_t *in, size_t n, uint8_t *out) {
    static int32_t head[1 << HB], prev[WIN];
    memset(head, -1, sizeof head);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        int best = 0, dist = 0;
        if (i + 3 <= n) {
            uint32_t h = ((in[i] << 10) ^ (in[i + 1] << 5) ^ in[i + 2]) & ((1 << HB) - 1);
            int32_t c = head[h];
            for (int chain = 32; c >= 0 && i - (size_t)c < WIN && chain; chain--) {
                int l = 0;
                while (l < 255 && i + l < n && in[c + l] == in[i + l]) l++;
                if (l > best) best = l, dist = (int)(i - (size_t)c);
                c = prev[c % WIN];
            }
            prev[i % WIN] = head[h];
            head[h] = (int32_t)i;
        }
        if (best >= 4) {
            out[o++] = 0xff; out[o++] = (uint8_t)best; out[o++] = (uint8_t)dist; out[o++] = (uint8_t)(dist >> 8);
            for (int k = 1; k < best; k++) {
                size_t j = i + k;
                if (j + 3 <= n) {
                    uint32_t h = ((in[j] << 10) ^ (in[j + 1] << 5) ^ in[j + 2]) & ((1 << HB) - 1);
                    prev[j % WIN] = head[h];
                    head[h] = (int32_t)j;
                }
            }
            i += best;
        } else {
            if (in[i] == 0xff) out[o++] = 0xff, out[o++] = 0;
            else out[o++] = in[i];
            i++;
        }
    }
    return o;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out) {
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (in[i] != 0xff) { out[o++] = in[i++]; continue; }
        int len = in[i + 1];
        if (!len) { out[o++] = 0xff; i += 2; continue; }
        int dist = in[i + 2] | in[i + 3] << 8;
        for (int k = 0; k < len; k++, o++) out[o] = out[o - dist];
        i += 4;
    }
    return o;
}

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : 10;
    static const char *w[] = {"the ", "emulator ", "runs ", "guest ", "code ", "quickly ", "and ", "correctly, ", "while ",
                              "the ", "host ", "sleeps.\n", "registers ", "flags ", "memory "};
    size_t n = 2 << 20;
    uint8_t *in = malloc(n), *c = malloc(n * 2), *d = malloc(n);
    uint32_t x = 1;
    for (size_t i = 0; i < n;) {
        x = x * 1103515245 + 12345;
        const char *s = w[(x >> 16) % 15];
        for (; *s && i < n; s++) in[i++] = (uint8_t)*s;
    }
    uint64_t sum = 0;
    for (long it = 0; it < iters; it++) {
        in[(size_t)it * 7919 % n] = (uint8_t)it;
        size_t cn = compress(in, n, c);
        size_t dn = decompress(c, cn, d);
        if (dn != n || memcmp(d, in, n)) { printf("round trip failed\n"); return 1; }
        sum += cn;
    }
    printf("compress %ld %llu\n", iters, (unsigned long long)sum);
    return 0;
}
