/*
 * Exception handler plumbing.
 *
 * EXC_HANDLER(name, cfunc) defines the vector `name` as a naked stub that
 * passes the stacked frame (from MSP or PSP, chosen by EXC_RETURN bit 2) and
 * the EXC_RETURN value to
 *     void cfunc(struct exc_frame *frame, uint32_t exc_return);
 * cfunc is an ordinary C function; its own `pop {..., pc}` / `bx lr` with
 * LR = EXC_RETURN performs the exception return (ARMv7-M ARM B1.5.8).
 */
#ifndef EXC_H
#define EXC_H

#include <stdint.h>

/* Basic stack frame, ascending from the frame pointer (B1.5.6; facts §3 step 4). */
struct exc_frame {
    uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr;
    /* Extended frame only (EXC_RETURN bit 4 = 0): S0-S15, FPSCR, reserved. */
    uint32_t s[16];
    uint32_t fpscr;
    uint32_t reserved;
};

#define EXC_HANDLER(name, cfunc)                                              \
    void cfunc(struct exc_frame *frame, uint32_t exc_return);                 \
    __attribute__((naked)) void name(void)                                    \
    {                                                                         \
        __asm volatile("tst lr, #4\n\t"                                       \
                       "ite eq\n\t"                                           \
                       "mrseq r0, msp\n\t"                                    \
                       "mrsne r0, psp\n\t"                                    \
                       "mov r1, lr\n\t"                                       \
                       "b " #cfunc "\n\t");                                   \
    }

/* Size in bytes of the Thumb instruction at addr: 32-bit if the first
 * halfword starts with 0b11101, 0b11110 or 0b11111 (A5.1). */
static inline uint32_t thumb_insn_size(uint32_t addr)
{
    uint16_t hw = *(const volatile uint16_t *)(uintptr_t)(addr & ~1u);
    return (hw & 0xF800u) >= 0xE800u ? 4u : 2u;
}

#endif /* EXC_H */
