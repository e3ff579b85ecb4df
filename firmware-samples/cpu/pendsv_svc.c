/*
 * pendsv_svc: PendSV and SVCall (ARMv7-M ARM B1.5.2, B1.5.6, B3.2.4 ICSR;
 * facts-cortexm §1.2, §3).
 *
 *  1. In Thread mode with nothing pending ICSR.VECTACTIVE, VECTPENDING and
 *     ISRPENDING read 0. (RETTOBASE is UNKNOWN in Thread mode, B3.2.4, so
 *     it is masked; QEMU reads 1.)
 *  2. ICSR.PENDSVSET pends PendSV: with PRIMASK set it reads back 1 and
 *     VECTPENDING = 14; PENDSVCLR clears it again and the handler does not run.
 *  3. Pended with interrupts enabled, PendSV runs before the instruction
 *     after the DSB/ISB that follows the pending write (B1.5.4; an SCS
 *     write followed by DSB and ISB takes effect before the next instruction).
 *  4. Inside handlers ICSR.VECTACTIVE = IPSR = the exception number (14, 11),
 *     SHCSR shows the handler active, RETTOBASE = 1 (only one active).
 *  5. SVC: the handler reads the immediate from the SVC instruction at
 *     stacked PC - 2 (the stacked return address is the next instruction,
 *     B1.5.6) and returns a result through the stacked r0.
 */
#include "cortexm.h"
#include "exc.h"
#include "test.h"

const char test_name[] = "pendsv_svc";

static volatile uint32_t pendsv_runs;
static volatile uint32_t pendsv_vectactive, pendsv_ipsr, pendsv_shcsr, pendsv_icsr;
static volatile uint32_t svc_vectactive, svc_ipsr, svc_shcsr, svc_number;

void PendSV_Handler(void)
{
    pendsv_icsr = SCB_ICSR;
    pendsv_vectactive = ICSR_VECTACTIVE(pendsv_icsr);
    pendsv_ipsr = get_ipsr();
    pendsv_shcsr = SCB_SHCSR;
    pendsv_runs++;
}

EXC_HANDLER(SVC_Handler, svc_c)
void svc_c(struct exc_frame *frame, uint32_t exc_return)
{
    /* SVC is the 16-bit 0xDFnn: the immediate is the low byte at PC - 2. */
    uint8_t number = *(const uint8_t *)(uintptr_t)(frame->pc - 2u);
    svc_number = number;
    svc_vectactive = ICSR_VECTACTIVE(SCB_ICSR);
    svc_ipsr = get_ipsr();
    svc_shcsr = SCB_SHCSR;
    /* Result through the stacked r0: r0 + r1 + 1000 * number. */
    frame->r0 = frame->r0 + frame->r1 + 1000u * number;
}

static uint32_t svc7(uint32_t a, uint32_t b)
{
    register uint32_t r0 __asm("r0") = a;
    register uint32_t r1 __asm("r1") = b;
    __asm volatile("svc #7" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static uint32_t svc200(uint32_t a, uint32_t b)
{
    register uint32_t r0 __asm("r0") = a;
    register uint32_t r1 __asm("r1") = b;
    __asm volatile("svc #200" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

int main(void)
{
    print("pendsv_svc: PendSV pending/taking, SVC number and return value\n");

    /* 1. Thread mode, nothing pending. */
    uint32_t icsr = SCB_ICSR;
    info_hex("ICSR in Thread mode", icsr);
    check_eq(icsr & ~ICSR_RETTOBASE, 0, "ICSR in Thread mode (RETTOBASE masked)");
    check_eq(get_ipsr(), 0, "IPSR in Thread mode");

    /* 2. Pending state is visible while masked, and PENDSVCLR removes it. */
    irq_disable();
    SCB_ICSR = ICSR_PENDSVSET;
    barrier();
    icsr = SCB_ICSR;
    check(icsr & ICSR_PENDSVSET, "ICSR.PENDSVSET reads 1 while PendSV is pending");
    check_eq(ICSR_VECTPENDING(icsr), EXC_PENDSV, "ICSR.VECTPENDING with PendSV pending");
    check(!(icsr & ICSR_ISRPENDING), "ICSR.ISRPENDING stays 0 (PendSV is not an external IRQ)");
    SCB_ICSR = ICSR_PENDSVCLR;
    barrier();
    check(!(SCB_ICSR & ICSR_PENDSVSET), "ICSR.PENDSVCLR cleared the pending PendSV");
    irq_enable();
    isb();
    check_eq(pendsv_runs, 0, "PendSV cleared before unmasking did not run");

    /* 3. PendSV is taken right after the pending write (plus DSB/ISB). */
    SCB_ICSR = ICSR_PENDSVSET;
    barrier();
    uint32_t runs_after = pendsv_runs;
    check_eq(runs_after, 1, "PendSV ran before the instruction after DSB/ISB");

    /* 4. Handler-mode view. */
    check_eq(pendsv_vectactive, EXC_PENDSV, "ICSR.VECTACTIVE in PendSV");
    check_eq(pendsv_ipsr, EXC_PENDSV, "IPSR in PendSV");
    check(pendsv_shcsr & SHCSR_PENDSVACT, "SHCSR.PENDSVACT set in PendSV");
    check(pendsv_icsr & ICSR_RETTOBASE, "ICSR.RETTOBASE = 1 in PendSV (the only active exception)");
    check(!(SCB_SHCSR & SHCSR_PENDSVACT), "SHCSR.PENDSVACT clear after return");

    /* 5. SVC with a number and a result through the stacked r0. */
    uint32_t r = svc7(5, 6);
    check_eq(svc_number, 7, "SVC number read from the instruction at stacked PC - 2");
    check_eq(r, 7011, "SVC #7 result returned through the stacked r0");
    check_eq(svc_vectactive, EXC_SVCALL, "ICSR.VECTACTIVE in SVCall");
    check_eq(svc_ipsr, EXC_SVCALL, "IPSR in SVCall");
    check(svc_shcsr & SHCSR_SVCALLACT, "SHCSR.SVCALLACT set in SVCall");
    r = svc200(0xFFFF0000u, 0x1234u);
    check_eq(svc_number, 200, "SVC #200 number");
    check_eq(r, 0xFFFF0000u + 0x1234u + 200000u, "SVC #200 result");
    check_eq(get_ipsr(), 0, "back in Thread mode after SVC");

    pass();
}
