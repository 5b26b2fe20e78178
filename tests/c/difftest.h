/* Shared helpers for the differential test programs in tests/c.
 * Every program prints only what is the same on every run and every x86 CPU: results of defined
 * operations, and flags masked to those the SDM defines for the instruction. */
#ifndef DIFFTEST_H
#define DIFFTEST_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef unsigned long ureg; /* a general register: 32 or 64 bits */

/* EFLAGS bits the arithmetic instructions define */
#define F_CF 0x001UL
#define F_PF 0x004UL
#define F_AF 0x010UL
#define F_ZF 0x040UL
#define F_SF 0x080UL
#define F_OF 0x800UL
#define F_ALL (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)
#define F_FIXED 0x002UL /* bit 1 always reads as 1 */

/* Inline asm that pushes on x86_64 must step over the red zone the compiler may be using. */
#ifdef __x86_64__
#define RZ_IN "lea -128(%%rsp), %%rsp\n\t"
#define RZ_OUT "lea 128(%%rsp), %%rsp\n\t"
#else
#define RZ_IN ""
#define RZ_OUT ""
#endif

/* "CPAZSO" letters: upper case set, '.' clear, '?' undefined for the instruction (not compared). */
static inline const char *flagstr(ureg f, ureg defined) {
    static char buf[4][8];
    static int which;
    static const struct { ureg bit; char c; } names[] = {
        {F_CF, 'C'}, {F_PF, 'P'}, {F_AF, 'A'}, {F_ZF, 'Z'}, {F_SF, 'S'}, {F_OF, 'O'}};
    char *b = buf[which++ & 3];
    for (int i = 0; i < 6; i++)
        b[i] = !(defined & names[i].bit) ? '?' : (f & names[i].bit) ? names[i].c : '.';
    b[6] = 0;
    return b;
}

/* Deterministic pseudo-random numbers (xorshift64*), the same on both ABIs. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static inline void rng_seed(uint64_t s) { rng_state = s ? s : 0x9E3779B97F4A7C15ULL; }
static inline uint64_t rng64(void) {
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}
static inline uint32_t rng32(void) { return (uint32_t)(rng64() >> 32); }

/* FNV-1a, to fold large results into one printed number. */
static inline uint64_t fnv1a(uint64_t h, const void *p, size_t n) {
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001B3ULL;
    return h;
}
#define FNV_INIT 0xCBF29CE484222325ULL
static inline uint64_t fnv_u64(uint64_t h, uint64_t v) { return fnv1a(h, &v, sizeof v); }

/* cpuid, for features the emulator may not advertise (the program then falls back to a software
 * reference with identical output, so native and emulated runs print the same either way). */
static inline void cpuid2(uint32_t leaf, uint32_t sub, uint32_t r[4]) {
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}
static inline int cpu_has(uint32_t leaf, int reg, int bit) {
    uint32_t r[4];
    cpuid2(leaf & 0x80000000u, 0, r);
    if (r[0] < leaf) return 0;
    cpuid2(leaf, 0, r);
    return (r[reg] >> bit) & 1;
}
#define CPU_POPCNT() cpu_has(1, 2, 23)
#define CPU_CX16() cpu_has(1, 2, 13)
#define CPU_LZCNT() cpu_has(0x80000001u, 2, 5)
#define CPU_BMI1() cpu_has(7, 1, 3)

#endif
