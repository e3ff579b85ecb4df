/*
 * Startup for the "generic" Cortex-M3/M4 machines (flash 0x08000000 aliased at 0,
 * SRAM 0x20000000): vector table, reset handler, default handler.
 *
 * Reset (ARMv7-M ARM B1.5.5; facts-cortexm §8): the core loads MSP from word 0
 * and PC from word 1 of the table at VTOR = 0 and enters Thread mode,
 * privileged, on MSP with LR = 0xFFFFFFFF. We copy .data, zero .bss (.noinit
 * is left alone) and call main(). The FPU is NOT enabled here: the M4 images
 * run integer-only code, and fp_context enables CPACR itself.
 */
#include <stdint.h>

#include "cortexm.h"
#include "exc.h"
#include "generic.h"
#include "test.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
int main(void);

/* LR as the core left it at reset (0xFFFFFFFF on ARMv7-M). */
uint32_t reset_lr;

#include "core_vectors.h"
#define DECLARE_IRQ(n) void IRQ##n##_Handler(void) WEAK_DEFAULT;
GENERIC_IRQS(DECLARE_IRQ)

#define IRQ_ENTRY(n) IRQ##n##_Handler,
__attribute__((section(".isr_vector"), used))
const vector_t vector_table[GENERIC_VECTOR_COUNT] = {
    CORE_VECTORS(_estack),
    GENERIC_IRQS(IRQ_ENTRY)
};

__attribute__((used, noreturn)) static void reset_c(uint32_t lr)
{
    const uint32_t *src = _sidata;
    for (uint32_t *dst = _sdata; dst < _edata; dst++) {
        *dst = *src++;
    }
    for (uint32_t *dst = _sbss; dst < _ebss; dst++) {
        *dst = 0;
    }
    reset_lr = lr;
    main();
    fail("main returned");
}

__attribute__((naked, noreturn)) void Reset_Handler(void)
{
    __asm volatile("mov r0, lr\n\t"
                   "b reset_c\n\t");
}

/* Any exception the test did not install: report and exit with FAIL. */
__attribute__((used, noreturn)) static void default_c(struct exc_frame *frame, uint32_t exc_return)
{
    fail_unexpected_exception(frame, exc_return);
}

__attribute__((naked)) void Default_Handler(void)
{
    __asm volatile("tst lr, #4\n\t"
                   "ite eq\n\t"
                   "mrseq r0, msp\n\t"
                   "mrsne r0, psp\n\t"
                   "mov r1, lr\n\t"
                   "b default_c\n\t");
}
