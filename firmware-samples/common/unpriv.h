/*
 * Running a function unprivileged on the process stack (ARMv7-M ARM B1.4.4
 * CONTROL, B5.2.3 MSR).
 *
 * run_unprivileged(fn, psp_top) sets PSP = psp_top, CONTROL = nPRIV|SPSEL
 * (+ ISB), calls fn, then executes `SVC #1`; the test's SVC handler must
 * answer SVC #1 by calling unpriv_svc1_make_privileged(). Back in privileged
 * Thread mode it writes CONTROL = 0 to return to MSP and returns fn's result.
 * Unprivileged code cannot change CONTROL itself, hence the SVC.
 */
#ifndef UNPRIV_H
#define UNPRIV_H

#include <stdint.h>

#include "cortexm.h"

__attribute__((naked, noinline, unused)) static uint32_t run_unprivileged(uint32_t (*fn)(void),
                                                                          uint32_t psp_top)
{
    __asm volatile("push {r4, lr}\n\t"
                   "msr psp, r1\n\t"
                   "movs r2, #3\n\t"        /* nPRIV | SPSEL */
                   "msr control, r2\n\t"
                   "isb\n\t"
                   "blx r0\n\t"             /* unprivileged, on PSP */
                   "svc #1\n\t"             /* back to privileged (keeps r0) */
                   "movs r2, #0\n\t"
                   "msr control, r2\n\t"    /* SPSEL = 0: back on MSP */
                   "isb\n\t"
                   "pop {r4, pc}\n\t");
}

/* For the SVC #1 handler: clear nPRIV. In Handler mode MSR CONTROL cannot
 * change SPSEL (B5.2.3); EXC_RETURN 0xFFFFFFFD brings the PSP back. */
static inline void unpriv_svc1_make_privileged(void)
{
    set_control(get_control() & ~CONTROL_NPRIV);
    isb();
}

#endif /* UNPRIV_H */
