/*
 * masking: PRIMASK, BASEPRI, BASEPRI_MAX and FAULTMASK (ARMv7-M ARM B1.4.3
 * "The special-purpose mask registers", B1.5.4 execution priority, B5.2.3
 * MSR; facts-cortexm §2).
 *
 *  1. PRIMASK = 1 (cpsid i) keeps a pended IRQ pending (ISPR bit and
 *     ICSR.ISRPENDING set, VECTPENDING = it); cpsie i takes it at once.
 *     NMI is not masked by PRIMASK.
 *  2. BASEPRI = 0x80 masks priorities >= 0x80 and lets 0x40 through;
 *     raising BASEPRI above 0x80 unmasks. BASEPRI_MAX only ever raises the
 *     masking level (writes a lower-urgency or zero value are ignored).
 *  3. FAULTMASK = 1 (cpsid f) masks every configurable priority; cpsie f
 *     takes the IRQ. An exception return clears FAULTMASK (B1.5.8).
 */
#include "cortexm.h"
#include "test.h"

const char test_name[] = "masking";

#define IRQ_LOW  5u   /* priority 0x80 */
#define IRQ_HIGH 6u   /* priority 0x40 */
#define IRQ_FM   9u   /* sets FAULTMASK inside its handler */

static volatile uint32_t low_runs, high_runs, nmi_runs, fm_runs;

void IRQ5_Handler(void) { low_runs++; }
void IRQ6_Handler(void) { high_runs++; }
void NMI_Handler(void) { nmi_runs++; }
void IRQ9_Handler(void)
{
    fm_runs++;
    fault_disable();        /* FAULTMASK = 1; the exception return clears it */
}

int main(void)
{
    print("masking: PRIMASK, BASEPRI, BASEPRI_MAX, FAULTMASK\n");
    nvic_set_priority(IRQ_LOW, 0x80);
    nvic_set_priority(IRQ_HIGH, 0x40);
    nvic_enable(IRQ_LOW);
    nvic_enable(IRQ_HIGH);
    nvic_enable(IRQ_FM);

    /* 1. PRIMASK. */
    irq_disable();
    check_eq(get_primask(), 1, "PRIMASK reads 1 after cpsid i");
    nvic_pend(IRQ_LOW);
    barrier();
    check_eq(low_runs, 0, "IRQ not taken with PRIMASK = 1");
    check(nvic_is_pending(IRQ_LOW), "ISPR bit still set");
    check(SCB_ICSR & ICSR_ISRPENDING, "ICSR.ISRPENDING set");
    check_eq(ICSR_VECTPENDING(SCB_ICSR), 16 + IRQ_LOW, "ICSR.VECTPENDING = the masked IRQ");
    SCB_ICSR = ICSR_NMIPENDSET;
    barrier();
    check_eq(nmi_runs, 1, "NMI taken despite PRIMASK = 1");
    irq_enable();
    isb();
    check_eq(low_runs, 1, "IRQ taken right after cpsie i");
    check(!nvic_is_pending(IRQ_LOW), "ISPR bit cleared when taken");
    check_eq(get_primask(), 0, "PRIMASK reads 0 after cpsie i");

    /* 2. BASEPRI. */
    set_basepri(0x80);
    check_eq(get_basepri(), 0x80, "BASEPRI reads back 0x80");
    nvic_pend(IRQ_LOW);
    barrier();
    check_eq(low_runs, 1, "BASEPRI 0x80 masks priority 0x80");
    nvic_pend(IRQ_HIGH);
    barrier();
    check_eq(high_runs, 1, "BASEPRI 0x80 lets priority 0x40 through");
    check(nvic_is_pending(IRQ_LOW), "the 0x80 IRQ is still pending");
    set_basepri(0x70);
    isb();
    check_eq(low_runs, 1, "BASEPRI 0x70 masks priority 0x80 too");
    set_basepri(0xC0);
    isb();
    check_eq(low_runs, 2, "BASEPRI 0xC0 lets priority 0x80 through");

    set_basepri(0x80);
    set_basepri_max(0xC0);
    check_eq(get_basepri(), 0x80, "BASEPRI_MAX 0xC0 ignored (would lower the masking level)");
    set_basepri_max(0);
    check_eq(get_basepri(), 0x80, "BASEPRI_MAX 0 ignored");
    set_basepri_max(0x40);
    check_eq(get_basepri(), 0x40, "BASEPRI_MAX 0x40 raises the masking level");
    set_basepri(0);
    set_basepri_max(0xA0);
    check_eq(get_basepri(), 0xA0, "BASEPRI_MAX 0xA0 from BASEPRI 0 takes effect");
    set_basepri(0);
    isb();

    /* 3. FAULTMASK. */
    fault_disable();
    check_eq(get_faultmask(), 1, "FAULTMASK reads 1 after cpsid f");
    nvic_pend(IRQ_HIGH);
    barrier();
    check_eq(high_runs, 1, "FAULTMASK masks priority 0x40");
    fault_enable();
    isb();
    check_eq(high_runs, 2, "IRQ taken right after cpsie f");
    nvic_pend(IRQ_FM);
    barrier();
    check_eq(fm_runs, 1, "handler that sets FAULTMASK ran");
    check_eq(get_faultmask(), 0, "FAULTMASK cleared by the exception return");

    pass();
}
