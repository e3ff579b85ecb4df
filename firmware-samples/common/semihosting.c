/* ARM semihosting calls (facts-cortexm §9.1, §9.2). */
#include "semihosting.h"

uint32_t sh_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm("r0") = op;
    register const void *r1 __asm("r1") = arg;
    /* The host reads the block behind R1, and may write it: "memory". */
    __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void sh_writec(char c)
{
    sh_call(SYS_WRITEC, &c);
}

void sh_write0(const char *s)
{
    sh_call(SYS_WRITE0, s);
}

uint32_t sh_write(uint32_t handle, const void *buf, size_t len)
{
    uint32_t block[3] = {handle, (uint32_t)(uintptr_t)buf, (uint32_t)len};
    return sh_call(SYS_WRITE, block);
}

int32_t sh_open(const char *name, uint32_t mode)
{
    size_t len = 0;
    while (name[len] != '\0') {
        len++;
    }
    uint32_t block[3] = {(uint32_t)(uintptr_t)name, mode, (uint32_t)len};
    return (int32_t)sh_call(SYS_OPEN, block);
}

int32_t sh_clock(void)
{
    return (int32_t)sh_call(SYS_CLOCK, 0);
}

void sh_exit_extended(uint32_t code)
{
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, code};
    sh_call(SYS_EXIT_EXTENDED, block);
    for (;;) {
        /* a host that ignores the exit: park */
    }
}

void sh_exit(uint32_t reason)
{
    /* 32-bit SYS_EXIT takes the reason code itself in R1, not a block. */
    sh_call(SYS_EXIT, (const void *)(uintptr_t)reason);
    for (;;) {
    }
}
