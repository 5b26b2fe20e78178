/* Self-modifying and generated code, as JITs and trampolines make it: a function written into an RWX
 * mapping runs hot (so the emulator translates it), is rewritten and must run with its new bytes; code that
 * patches an instruction further on in its own straight-line run; many small functions generated over the
 * same page in turn; code made executable with mprotect after writing it; one page holding code and the data
 * the code writes (every write lands next to running code). Works for x86-64 and i386 (the bytes used decode
 * the same in both). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include "difftest.h"

typedef int (*fn_t)(void);

/* mov eax, imm32 ; ret */
static void emit_const(unsigned char *p, int v) {
    p[0] = 0xb8;
    memcpy(p + 1, &v, 4);
    p[5] = 0xc3;
}

static unsigned long run_hot(fn_t f, int n) {
    unsigned long sum = 0;
    for (int i = 0; i < n; i++) sum += (unsigned)f();
    return sum;
}

int main(void) {
    unsigned char *page = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) return 1;

    /* 1: rewrite a hot function many times */
    unsigned long total = 0;
    for (int round = 0; round < 40; round++) {
        emit_const(page, round * 7 + 1);
        __builtin___clear_cache((char *)page, (char *)page + 6);
        total += run_hot((fn_t)page, 3000);
    }
    printf("rewritten hot function: %lu\n", total);

    /* 2: the code patches the immediate of an instruction after it in the same run (ecx = its address):
     *   0: c6 41 0a 55      mov byte [ecx+10], 0x55
     *   4: 90 x5            nop
     *   9: b8 11 00 00 00   mov eax, 0x11    (offset 10 is the low byte of its immediate: it runs as 0x55)
     *  14: c3               ret */
    static const unsigned char patch[] = {0xc6, 0x41, 0x0a, 0x55, 0x90, 0x90, 0x90, 0x90, 0x90,
                                          0xb8, 0x11, 0x00, 0x00, 0x00, 0xc3};
    unsigned char *q = page + 512;
    unsigned long seen = 0;
    for (int i = 0; i < 3000; i++) {
        memcpy(q, patch, sizeof patch);
        int r;
        __asm__ volatile("call *%1" : "=a"(r) : "c"(q) : "memory", "cc");
        seen += (unsigned)r;
    }
    printf("patched ahead: %lu (each %#x)\n", seen, (unsigned)(seen / 3000));

    /* 3: many generated functions over the same bytes in turn, each called a few times */
    unsigned long many = 0;
    for (int k = 0; k < 2000; k++) {
        emit_const(page + 1024 + (k % 8) * 16, k);
        many += run_hot((fn_t)(page + 1024 + (k % 8) * 16), 3);
    }
    printf("generated in turn: %lu\n", many);

    /* 4: written while not executable, then mprotect'ed to run */
    unsigned char *w = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned long mp = 0;
    for (int round = 0; round < 20; round++) {
        mprotect(w, 4096, PROT_READ | PROT_WRITE);
        emit_const(w, 1000 + round);
        mprotect(w, 4096, PROT_READ | PROT_EXEC);
        mp += run_hot((fn_t)w, 2500);
    }
    printf("mprotect cycles: %lu\n", mp);

    /* 5: code that keeps writing data on its own page (ecx = a counter 8 bytes after the code):
     *   8b 01  mov eax, [ecx] | 83 c0 01  add eax, 1 (not 40: a REX prefix in 64-bit code) | 89 01  mov [ecx], eax | c3 */
    static const unsigned char bump[] = {0x8b, 0x01, 0x83, 0xc0, 0x01, 0x89, 0x01, 0xc3};
    memcpy(page + 2040, bump, sizeof bump);
    uint32_t *counter = (uint32_t *)(page + 2048);
    *counter = 0;
    for (int i = 0; i < 20000; i++) {
        int r;
        __asm__ volatile("call *%1" : "=a"(r) : "r"(page + 2040), "c"(counter) : "memory", "cc");
    }
    printf("code beside its data: %u\n", *counter);
    return 0;
}
