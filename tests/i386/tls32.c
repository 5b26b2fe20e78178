/* Thread-local storage of i386 programs: glibc's set_thread_area entry reached through GS, __thread variables,
 * and the descriptor calls themselves. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct user_desc {
    unsigned int entry_number, base_addr, limit;
    unsigned int seg_32bit : 1, contents : 2, read_exec_only : 1, limit_in_pages : 1, seg_not_present : 1,
        useable : 1;
};

static __thread int counter = 41;
static __thread char name[16] = "initial";
static __thread long long big[4];

static long S(long nr, void *a) {
    long r = syscall(nr, a);
    return r < 0 ? -errno : r;
}

int main(void) {
    unsigned short gs;
    __asm__ volatile("mov %%gs, %0" : "=r"(gs));
    printf("gs entry=%d rpl=%d\n", gs >> 3, gs & 3);
    counter++;
    strcpy(name, "changed");
    big[3] = 0x123456789abcLL;
    printf("tls %d %s %llx\n", counter, name, big[3]);
    uintptr_t self;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(self));
    printf("tcb self-pointer points at itself: %d\n", *(uintptr_t *)self == self);

    struct user_desc u;
    memset(&u, 0, sizeof u);
    u.entry_number = gs >> 3;
    long r = S(SYS_get_thread_area, &u);
    printf("get_thread_area %ld base==tcb=%d limit=%x 32bit=%d pages=%d useable=%d present=%d\n", r,
           u.base_addr == self, u.limit, u.seg_32bit, u.limit_in_pages, u.useable, !u.seg_not_present);

    static int block[4] = {11, 22, 33, 44};
    memset(&u, 0, sizeof u);
    u.entry_number = -1;
    u.base_addr = (uintptr_t)block;
    u.limit = 15;
    u.seg_32bit = 1;
    r = S(SYS_set_thread_area, &u);
    printf("set_thread_area %ld entry=%d\n", r, u.entry_number);
    unsigned short sel = u.entry_number * 8 + 3;
    int v;
    __asm__ volatile("push %%fs\n\tmov %2, %%fs\n\tmovl %%fs:8, %0\n\tmovl %%fs:12, %1\n\tpop %%fs" : "=r"(v), "=r"(r) : "r"(sel));
    printf("fs reads %d %ld\n", v, r);
    /* the entry can be replaced and cleared */
    u.base_addr = (uintptr_t)(block + 1);
    printf("set again %ld\n", S(SYS_set_thread_area, &u));
    __asm__ volatile("push %%fs\n\tmov %1, %%fs\n\tmovl %%fs:0, %0\n\tpop %%fs" : "=r"(v) : "r"(sel));
    printf("fs now reads %d\n", v);
    struct user_desc bad = u;
    bad.contents = 2; /* code segments are refused */
    printf("code %ld\n", S(SYS_set_thread_area, &bad));
    bad = u;
    bad.seg_32bit = 0;
    printf("16-bit %ld\n", S(SYS_set_thread_area, &bad));
    bad = u;
    bad.entry_number = 6;
    printf("entry 6 %ld\n", S(SYS_set_thread_area, &bad));
    struct user_desc clear = {u.entry_number, 0, 0, 0, 0, 1, 0, 1, 0};
    printf("clear %ld\n", S(SYS_set_thread_area, &clear));
    memset(&bad, 0, sizeof bad);
    bad.entry_number = u.entry_number;
    r = S(SYS_get_thread_area, &bad);
    printf("cleared %ld base=%x limit=%x ro=%d np=%d 32=%d\n", r, bad.base_addr, bad.limit, bad.read_exec_only,
           bad.seg_not_present, bad.seg_32bit);
    /* allocation: all three entries, then none left */
    int got = 0;
    for (int k = 0; k < 4; k++) {
        struct user_desc n = {-1, (uintptr_t)block, 0xfffff, 1, 0, 0, 1, 0, 1};
        r = S(SYS_set_thread_area, &n);
        printf("alloc %ld entry=%d\n", r, r == 0 ? (int)n.entry_number : -1);
        got += r == 0;
    }
    printf("got %d; tls still %d %s\n", got, counter, name);
    return 0;
}
