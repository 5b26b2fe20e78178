// arch: i386
/* The BCD adjust instructions (invalid in 64-bit mode): daa/das/aaa/aas for every AL with every
 * AF/CF input, aam/aad with several bases; plus other 32-bit-only opcodes: pusha/popa, into
 * (not taken), push/pop of segment registers, lahf/sahf, bound (in range), salc is left out
 * (undocumented). Flags are masked to those the SDM defines. */
#include "difftest.h"

#define ADJ(NAME, INSN)                                                                            \
    static uint16_t NAME(uint16_t ax, ureg *f) {                                                   \
        __asm__ volatile("push %[f]\n\tpopf\n\t" INSN "\n\tpushf\n\tpop %[f]"                       \
                         : "+a"(ax), [f] "+r"(*f) : : "cc", "memory");                             \
        return ax;                                                                                 \
    }
ADJ(daa, "daa")
ADJ(das, "das")
ADJ(aaa, "aaa")
ADJ(aas, "aas")
ADJ(aam10, "aam")
ADJ(aam16, "aam $16")
ADJ(aam7, "aam $7")
ADJ(aad10, "aad")
ADJ(aad16, "aad $16")
ADJ(aad3, "aad $3")

static const struct {
    const char *name;
    uint16_t (*f)(uint16_t, ureg *);
    ureg defined;
    int uses_cf_af;
} ops[] = {
    {"daa", daa, F_CF | F_AF | F_SF | F_ZF | F_PF, 1},
    {"das", das, F_CF | F_AF | F_SF | F_ZF | F_PF, 1},
    {"aaa", aaa, F_CF | F_AF, 1},
    {"aas", aas, F_CF | F_AF, 1},
    {"aam10", aam10, F_SF | F_ZF | F_PF, 0},
    {"aam16", aam16, F_SF | F_ZF | F_PF, 0},
    {"aam7", aam7, F_SF | F_ZF | F_PF, 0},
    {"aad10", aad10, F_SF | F_ZF | F_PF, 0},
    {"aad16", aad16, F_SF | F_ZF | F_PF, 0},
    {"aad3", aad3, F_SF | F_ZF | F_PF, 0},
};

int main(void) {
    for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++) {
        for (unsigned al = 0; al < 256; al++) {
            /* aaa/aas: for AL >= 0xfa with an adjustment, CPUs since the 286 add 0x106 to AX while
             * the 8086 and some emulators add 6 to AL and 1 to AH; only the part all agree on. */
            int upper = (o == 2 || o == 3) && al >= 0xfa;
            printf("%s %02x:", ops[o].name, al);
            for (int in = 0; in < (ops[o].uses_cf_af ? 4 : 1); in++) {
                uint16_t ax = (uint16_t)(0x4200 | al);
                ureg fin = F_FIXED | ((in & 1) ? F_CF : 0) | ((in & 2) ? F_AF : 0);
                ureg f = fin;
                uint16_t r = ops[o].f(ax, &f);
                if (upper) r &= 0x000f;
                printf(" %04x[%s]", r, flagstr(f, ops[o].defined));
            }
            printf("\n");
        }
    }

    /* pusha/popa round trip, with registers changed in between */
    uint32_t regs[8];
    __asm__ volatile("pusha\n\t"
                     "mov $1, %%eax\n\tmov $2, %%ecx\n\tmov $3, %%edx\n\tmov $5, %%esi\n\tmov $6, %%edi\n\t"
                     "popa\n\t"
                     "mov %%eax, 0(%0)\n\tmov %%ecx, 4(%0)\n\tmov %%edx, 8(%0)\n\tmov %%esi, 12(%0)\n\t"
                     "mov %%edi, 16(%0)\n\t"
                     : : "b"(regs), "a"(0x11111111), "c"(0x22222222), "d"(0x33333333), "S"(0x55555555),
                       "D"(0x66666666)
                     : "memory");
    printf("popa: %08x %08x %08x %08x %08x\n", regs[0], regs[1], regs[2], regs[3], regs[4]);

    /* pusha image: the saved esp is the value before the instruction */
    uint32_t img[8], sp;
    __asm__ volatile("mov %%esp, %[sp]\n\tpusha\n\t"
                     "mov $0, %%ecx\n1:\n\tmov (%%esp,%%ecx,4), %%eax\n\tmov %%eax, (%[img],%%ecx,4)\n\t"
                     "inc %%ecx\n\tcmp $8, %%ecx\n\tjne 1b\n\tpopa"
                     : [sp] "=&m"(sp) : [img] "r"(img) : "eax", "ecx", "memory");
    printf("pusha: esp saved ok=%d\n", img[3] == sp);

    /* lahf/sahf */
    for (unsigned ah = 0; ah < 256; ah += 17) {
        uint32_t eax = ah << 8, out;
        __asm__ volatile("sahf\n\tmov $0, %%eax\n\tlahf\n\tmov %%eax, %0" : "=r"(out) : "a"(eax) : "cc");
        printf("sahf/lahf %02x -> %02x\n", ah, (out >> 8) & 0xff);
    }

    /* bound within range, into with OF clear: both fall through */
    int32_t bounds[2] = {-5, 10};
    for (int i = -5; i <= 10; i += 5) __asm__ volatile("bound %0, %1" : : "r"(i), "m"(bounds));
    __asm__ volatile("xor %%eax, %%eax\n\tinto" : : : "eax", "cc");
    printf("bound/into fell through\n");

    /* segment register pushes and pops keep the selectors */
    uint32_t ds1, ds2;
    __asm__ volatile("mov %%ds, %0\n\tpush %%ds\n\tpop %%es\n\tmov %%es, %1" : "=r"(ds1), "=r"(ds2));
    printf("ds==es after push/pop: %d\n", ds1 == ds2);
    return 0;
}
