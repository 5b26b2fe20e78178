/* A small compressor and its decompressor: LZ77 with a hash chain, then canonical Huffman coding
 * of the literal/length and distance symbols (a simplified deflate). Runs over generated text,
 * binary and repetitive data; prints sizes, a CRC-32 of the output, and the round-trip result. */
#include <stdlib.h>
#include <string.h>
#include "difftest.h"

#define WIN 32768
#define MINM 3
#define MAXM 258
#define HBITS 15

static uint32_t crc_table[256];
static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}
static uint32_t crc32(const uint8_t *p, size_t n) {
    uint32_t c = 0xffffffffu;
    while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

/* LZ77 tokens: lit < 256, or a match (len, dist) */
typedef struct { uint16_t len; uint16_t dist; uint8_t lit; } tok;

static size_t lz77(const uint8_t *in, size_t n, tok *out) {
    static int32_t head[1 << HBITS];
    static int32_t prev[WIN];
    memset(head, -1, sizeof head);
    size_t nt = 0;
    for (size_t i = 0; i < n;) {
        int best = 0, bdist = 0;
        if (i + MINM <= n) {
            uint32_t h = ((in[i] << 10) ^ (in[i + 1] << 5) ^ in[i + 2]) & ((1 << HBITS) - 1);
            int32_t cand = head[h];
            int chain = 64;
            while (cand >= 0 && i - (size_t)cand <= WIN - 1 && chain--) {
                int l = 0;
                while (l < MAXM && i + l < n && in[cand + l] == in[i + l]) l++;
                if (l > best) best = l, bdist = (int)(i - (size_t)cand);
                cand = prev[cand % WIN];
            }
            prev[i % WIN] = head[h];
            head[h] = (int32_t)i;
        }
        if (best >= MINM) {
            out[nt++] = (tok){(uint16_t)best, (uint16_t)bdist, 0};
            for (int k = 1; k < best; k++) {
                size_t j = i + k;
                if (j + MINM <= n) {
                    uint32_t h = ((in[j] << 10) ^ (in[j + 1] << 5) ^ in[j + 2]) & ((1 << HBITS) - 1);
                    prev[j % WIN] = head[h];
                    head[h] = (int32_t)j;
                }
            }
            i += best;
        } else {
            out[nt++] = (tok){0, 0, in[i]};
            i++;
        }
    }
    return nt;
}

/* Huffman code lengths by package-merge-free heuristic: build a tree with a simple O(n^2)
 * two-smallest merge, then limit lengths to 15 by flattening. */
#define NSYM 286
#define NDIST 30
static void code_lengths(const uint32_t *freq, int n, uint8_t *len) {
    int parent[2 * NSYM], nodes = n;
    uint64_t w[2 * NSYM];
    int alive[2 * NSYM];
    for (int i = 0; i < n; i++) w[i] = freq[i], alive[i] = freq[i] > 0, parent[i] = -1;
    int used = 0;
    for (int i = 0; i < n; i++) used += alive[i];
    memset(len, 0, (size_t)n);
    if (used == 0) return;
    if (used == 1) { for (int i = 0; i < n; i++) if (alive[i]) len[i] = 1; return; }
    for (;;) {
        int a = -1, b = -1;
        for (int i = 0; i < nodes; i++) {
            if (!alive[i]) continue;
            if (a < 0 || w[i] < w[a] || (w[i] == w[a] && i < a)) b = a, a = i;
            else if (b < 0 || w[i] < w[b] || (w[i] == w[b] && i < b)) b = i;
        }
        if (b < 0) break;
        w[nodes] = w[a] + w[b];
        alive[nodes] = 1;
        parent[nodes] = -1;
        alive[a] = alive[b] = 0;
        parent[a] = parent[b] = nodes;
        nodes++;
    }
    for (int i = 0; i < n; i++) {
        if (!freq[i]) continue;
        int d = 0;
        for (int p = i; parent[p] >= 0; p = parent[p]) d++;
        len[i] = (uint8_t)(d > 15 ? 15 : d);
    }
    /* repair Kraft inequality if lengths were clipped */
    for (;;) {
        uint64_t k = 0;
        for (int i = 0; i < n; i++) if (len[i]) k += 1u << (15 - len[i]);
        if (k <= (1u << 15)) break;
        for (int i = 0; i < n; i++) if (len[i] && len[i] < 15) { len[i]++; break; }
    }
}
static void canonical(const uint8_t *len, int n, uint16_t *code) {
    int bl_count[16] = {0}, next[16];
    for (int i = 0; i < n; i++) bl_count[len[i]]++;
    bl_count[0] = 0;
    int c = 0;
    for (int b = 1; b < 16; b++) { c = (c + bl_count[b - 1]) << 1; next[b] = c; }
    for (int i = 0; i < n; i++) if (len[i]) code[i] = (uint16_t)next[len[i]]++;
}

typedef struct { uint8_t *buf; size_t pos; uint32_t acc; int bits; } bitw;
static void putbits(bitw *w, uint32_t v, int n) { /* MSB-first */
    for (int i = n - 1; i >= 0; i--) {
        w->acc = (w->acc << 1) | ((v >> i) & 1);
        if (++w->bits == 8) { w->buf[w->pos++] = (uint8_t)w->acc; w->acc = 0; w->bits = 0; }
    }
}
typedef struct { const uint8_t *buf; size_t pos; int bit; } bitr;
static int getbit(bitr *r) { int b = (r->buf[r->pos] >> (7 - r->bit)) & 1; if (++r->bit == 8) r->bit = 0, r->pos++; return b; }

static int lsym(int len) { return 256 + (len < 10 ? len - 2 : len < 50 ? 8 + (len - 10) / 4 : len < 258 ? 18 + (len - 50) / 20 : 29); }
static int dsym(int d) { int s = 0; while ((1 << (s + 1)) <= d) s++; return s; } /* 0..15: log2 bucket, extra bits follow */

static size_t compress(const uint8_t *in, size_t n, uint8_t *out, size_t *ntok) {
    tok *t = malloc(sizeof(tok) * (n + 1));
    size_t nt = lz77(in, n, t);
    *ntok = nt;
    uint32_t lf[NSYM] = {0}, df[NDIST] = {0};
    for (size_t i = 0; i < nt; i++) {
        if (t[i].len) lf[lsym(t[i].len)]++, df[dsym(t[i].dist)]++;
        else lf[t[i].lit]++;
    }
    lf[256]++; /* end */
    uint8_t ll[NSYM], dl[NDIST];
    uint16_t lc[NSYM] = {0}, dc[NDIST] = {0};
    code_lengths(lf, NSYM, ll);
    code_lengths(df, NDIST, dl);
    canonical(ll, NSYM, lc);
    canonical(dl, NDIST, dc);
    bitw w = {out, 0, 0, 0};
    for (int i = 0; i < NSYM; i++) putbits(&w, ll[i], 4);
    for (int i = 0; i < NDIST; i++) putbits(&w, dl[i], 4);
    for (size_t i = 0; i < nt; i++) {
        if (!t[i].len) { putbits(&w, lc[t[i].lit], ll[t[i].lit]); continue; }
        int s = lsym(t[i].len);
        putbits(&w, lc[s], ll[s]);
        putbits(&w, (uint32_t)t[i].len, 9); /* exact length, simple */
        int d = dsym(t[i].dist);
        putbits(&w, dc[d], dl[d]);
        if (d) putbits(&w, (uint32_t)t[i].dist - (1u << d), d);
    }
    putbits(&w, lc[256], ll[256]);
    if (w.bits) putbits(&w, 0, 8 - w.bits);
    free(t);
    return w.pos;
}

static int decode(bitr *r, const uint8_t *len, const uint16_t *code, int n) {
    int c = 0, l = 0;
    for (;;) {
        c = (c << 1) | getbit(r);
        l++;
        for (int i = 0; i < n; i++) if (len[i] == l && code[i] == c) return i;
        if (l > 15) return -1;
    }
}

static size_t decompress(const uint8_t *in, uint8_t *out) {
    bitr r = {in, 0, 0};
    uint8_t ll[NSYM], dl[NDIST];
    uint16_t lc[NSYM] = {0}, dc[NDIST] = {0};
    for (int i = 0; i < NSYM; i++) { int v = 0; for (int k = 0; k < 4; k++) v = v << 1 | getbit(&r); ll[i] = (uint8_t)v; }
    for (int i = 0; i < NDIST; i++) { int v = 0; for (int k = 0; k < 4; k++) v = v << 1 | getbit(&r); dl[i] = (uint8_t)v; }
    canonical(ll, NSYM, lc);
    canonical(dl, NDIST, dc);
    size_t o = 0;
    for (;;) {
        int s = decode(&r, ll, lc, NSYM);
        if (s < 0) return (size_t)-1;
        if (s < 256) { out[o++] = (uint8_t)s; continue; }
        if (s == 256) return o;
        int len = 0;
        for (int k = 0; k < 9; k++) len = len << 1 | getbit(&r);
        int d = decode(&r, dl, dc, NDIST);
        int dist = 1 << d, extra = 0;
        for (int k = 0; k < d; k++) extra = extra << 1 | getbit(&r);
        dist += d ? extra : 0;
        for (int k = 0; k < len; k++, o++) out[o] = out[o - dist];
    }
}

static void run(const char *name, const uint8_t *data, size_t n) {
    uint8_t *c = malloc(n * 2 + 1024), *d = malloc(n + 1024);
    size_t nt;
    size_t cn = compress(data, n, c, &nt);
    size_t dn = decompress(c, d);
    printf("%-10s in=%zu tokens=%zu out=%zu crc_in=%08x crc_out=%08x roundtrip=%d\n", name, n, nt, cn, crc32(data, n), crc32(c, cn),
           dn == n && memcmp(d, data, n) == 0);
    free(c);
    free(d);
}

int main(void) {
    crc_init();
    printf("crc32(\"123456789\")=%08x\n", crc32((const uint8_t *)"123456789", 9));
    static const char *words[] = {"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "emulator", "instruction",
                                  "register", "memory", "page", "signal", "thread", "and", "of", "a"};
    size_t n = 40000;
    uint8_t *text = malloc(n), *bin = malloc(n), *rep = malloc(n), *zero = calloc(n, 1);
    rng_seed(99);
    for (size_t i = 0; i < n;) {
        const char *w = words[rng32() % 18];
        size_t l = strlen(w);
        for (size_t k = 0; k < l && i < n; k++) text[i++] = (uint8_t)w[k];
        if (i < n) text[i++] = rng32() % 11 ? ' ' : '\n';
    }
    for (size_t i = 0; i < n; i++) bin[i] = (uint8_t)rng64();
    for (size_t i = 0; i < n; i++) rep[i] = (uint8_t)("abcabcabd"[i % 9] + (i / 5000) % 3);
    run("text", text, n);
    run("random", bin, 6000);
    run("repeat", rep, n);
    run("zeros", zero, n);
    run("tiny", (const uint8_t *)"aaaaaaaaab", 10);
    return 0;
}
