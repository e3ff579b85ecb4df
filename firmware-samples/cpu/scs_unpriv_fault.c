/*
 * scs_unpriv_fault: unprivileged accesses to the System Control Space are
 * BusFaults (ARMv7-M ARM B3.2 "About the System Control Space": privileged
 * access only, except STIR with CCR.USERSETMPEND; facts-cortexm §1 "Access
 * rules"). BusFault is disabled at reset, so each one escalates to HardFault
 * with HFSR.FORCED (B1.5.4 priority escalation; facts §5.2).
 *
 * The SCS is Strongly-ordered memory, so the faults are precise
 * (CFSR.PRECISERR, BFARVALID, BFAR = the register address). The HardFault
 * handler skips the faulting instruction and returns to the unprivileged
 * code, which carries on; the registers keep their values.
 *
 *  1. unprivileged write to SCB->VTOR   -> HardFault, BFAR 0xE000ED08
 *  2. unprivileged read of SYST_CSR     -> HardFault, BFAR 0xE000E010
 *  3. with SHCSR.BUSFAULTENA set, the same write is a BusFault (exception 5)
 *     and HFSR stays 0.
 *
 * Known to fail on QEMU 7.2 netduino2 (the -m3 image): that machine ignores
 * unprivileged SCS accesses without a fault (netduinoplus2 faults).
 */
#include "cortexm.h"
#include "exc.h"
#include "fault.h"
#include "test.h"
#include "unpriv.h"

const char test_name[] = "scs_unpriv_fault";

static uint64_t psp_stack[128];   /* 1 KiB, 8-byte aligned */

static volatile uint32_t u_steps;

EXC_HANDLER(SVC_Handler, svc_c)
void svc_c(struct exc_frame *frame, uint32_t exc_return)
{
    if (*(const uint8_t *)(uintptr_t)(frame->pc - 2u) == 1) {
        unpriv_svc1_make_privileged();
    }
}

/* Record, skip the faulting access, return to the unprivileged code. */
EXC_HANDLER(HardFault_Handler, fault_record_skip)
EXC_HANDLER(BusFault_Handler, fault_record_skip)

static volatile uint32_t sink;

/* Runs unprivileged on PSP; must not print (QEMU ignores unprivileged semihosting). */
static uint32_t unprivileged_accesses(void)
{
    SCB_VTOR = 0x20000000u;
    u_steps++;
    sink = SYST_CSR;
    u_steps++;
    return 0;
}

static uint32_t unprivileged_write_only(void)
{
    SCB_VTOR = 0x20000000u;
    u_steps++;
    return 0;
}

static void check_fault(uint32_t i, uint32_t exc, uint32_t forced, uint32_t bfar, const char *what)
{
    fault_print(i);
    print("  -- ");
    print(what);
    print("\n");
    check_eq(fault_log[i].exc, exc, "exception number");
    check_eq(fault_log[i].hfsr & HFSR_FORCED, forced, "HFSR.FORCED");
    check_eq(fault_log[i].cfsr, CFSR_PRECISERR | CFSR_BFARVALID, "CFSR = PRECISERR | BFARVALID");
    check_eq(fault_log[i].bfar, bfar, "BFAR = the SCS register address");
    check_eq(fault_log[i].exc_return, EXC_RETURN_THREAD_PSP, "EXC_RETURN (Thread, PSP)");
}

int main(void)
{
    print("scs_unpriv_fault: unprivileged SCS accesses fault\n");

    run_unprivileged(unprivileged_accesses, (uint32_t)(uintptr_t)&psp_stack[128]);
    check_eq(fault_count, 2, "two faults taken");
    check_eq(u_steps, 2, "unprivileged code resumed after each faulting access");
    check_fault(0, EXC_HARDFAULT, HFSR_FORCED, 0xE000ED08u, "unprivileged write to VTOR");
    check_fault(1, EXC_HARDFAULT, HFSR_FORCED, 0xE000E010u, "unprivileged read of SYST_CSR");
    check_eq(SCB_VTOR, 0, "VTOR unchanged");

    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    run_unprivileged(unprivileged_write_only, (uint32_t)(uintptr_t)&psp_stack[128]);
    check_eq(fault_count, 3, "third fault taken");
    check_fault(2, EXC_BUSFAULT, 0, 0xE000ED08u, "with BUSFAULTENA: BusFault, not HardFault");
    check_eq(SCB_VTOR, 0, "VTOR unchanged");
    check_eq(SCB_CFSR, 0, "CFSR cleared (W1C)");
    check_eq(SCB_HFSR, 0, "HFSR cleared (W1C)");
    pass();
}
