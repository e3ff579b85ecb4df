/*
 * wfi_sleep: WFI, WFE and SEV (ARMv7-M ARM B1.5.17 "Power management",
 * B1.5.18 "Wait For Event and Send Event", and the WFI/WFE/SEV instruction
 * descriptions; facts-cortexm §7).
 *
 *  1. With SysTick running, each WFI returns only after an interrupt was
 *     taken: the tick count rises across every one of 20 WFIs.
 *  2. WFI with PRIMASK = 1: SysTick becoming pending while asleep wakes the
 *     core, but the interrupt is not taken: execution continues after the
 *     WFI with the tick count unchanged and ICSR.PENDSTSET = 1; cpsie i then
 *     takes it.
 *  3. WFI with PRIMASK = 1 and an IRQ already pending (enabled, masked only
 *     by PRIMASK): WFI does not sleep; the IRQ is taken after cpsie i.
 *  4. SEV sets the event register, so the next WFE returns at once.
 * A WFI that never wakes hangs the test; the runner's timeout catches it.
 */
#include "cortexm.h"
#include "test.h"

const char test_name[] = "wfi_sleep";

#define IRQ_N 13u

static volatile uint32_t ticks, irq_runs;

void SysTick_Handler(void) { ticks++; }
void IRQ13_Handler(void) { irq_runs++; }

int main(void)
{
    print("wfi_sleep: WFI wake-up, WFI under PRIMASK, SEV/WFE\n");

    /* 1. WFI returns after each tick. */
    SYST_RVR = 9999;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
    uint32_t wakes_without_tick = 0;
    for (int i = 0; i < 20; i++) {
        uint32_t before = ticks;
        wfi();
        if (ticks == before) {
            wakes_without_tick++;
        }
    }
    check_eq(wakes_without_tick, 0, "20 WFIs, each returned after a SysTick interrupt (wakes without one)");
    check(ticks >= 20, "at least 20 ticks counted");

    /* 2. WFI with PRIMASK = 1 wakes on a masked interrupt and does not take it. */
    SYST_CSR = 0;
    SCB_ICSR = ICSR_PENDSTCLR;
    SYST_RVR = 99999;
    SYST_CVR = 0;
    irq_disable();
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
    uint32_t before = ticks;
    wfi();
    uint32_t after = ticks;
    uint32_t icsr = SCB_ICSR;
    SYST_CSR = 0;               /* no further ticks; the pending one stays */
    check_eq(after, before, "SysTick not taken while PRIMASK = 1");
    check(icsr & ICSR_PENDSTSET, "WFI returned with SysTick pending (woken by a masked interrupt)");
    irq_enable();
    isb();
    check_eq(ticks, before + 1, "pending SysTick taken after cpsie i");

    /* 3. WFI with a masked IRQ already pending does not sleep. */
    nvic_enable(IRQ_N);
    irq_disable();
    nvic_pend(IRQ_N);
    barrier();
    wfi();
    check_eq(irq_runs, 0, "WFI returned without taking the masked IRQ");
    check(nvic_is_pending(IRQ_N), "IRQ still pending after WFI");
    irq_enable();
    isb();
    check_eq(irq_runs, 1, "IRQ taken after cpsie i");

    /* 4. SEV then WFE: no sleep (the event register is set). */
    sev();
    wfe();
    check(1, "SEV; WFE returned");

    pass();
}
