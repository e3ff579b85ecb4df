/*
 * hardfault_udf: an undefined instruction is a UsageFault (CFSR.UNDEFINSTR,
 * ARMv7-M ARM B1.5.14 "Fault behavior", B3.2.15 CFSR). UsageFault is
 * disabled at reset (SHCSR = 0), so it escalates to HardFault with
 * HFSR.FORCED (B1.5.4 priority escalation; facts-cortexm §5.2). The stacked
 * PC is the UDF itself (B1.5.6); the handler skips it and returns.
 *
 *  1. SHCSR reads 0 at reset.
 *  2. `udf #0` (16-bit) and `udf.w #0` (32-bit) -> HardFault, HFSR.FORCED,
 *     CFSR.UNDEFINSTR, stacked PC = the UDF; execution resumes after it.
 *  3. With SHCSR.USGFAULTENA = 1 the same UDF is taken as UsageFault
 *     (exception 6) and HFSR stays 0.
 */
#include "cortexm.h"
#include "exc.h"
#include "fault.h"
#include "test.h"

const char test_name[] = "hardfault_udf";

EXC_HANDLER(HardFault_Handler, fault_record_skip)
EXC_HANDLER(UsageFault_Handler, fault_record_skip)

/* Execute a UDF; return its address. r0-r3 survive the fault (stacked). */
__attribute__((noinline)) static uint32_t udf16(void)
{
    uint32_t at;
    __asm volatile("adr %0, 1f\n\t"
                   ".align 2\n\t"
                   "1: udf #0\n\t"
                   : "=l"(at)::"memory");
    return at;
}

__attribute__((noinline)) static uint32_t udf32(void)
{
    uint32_t at;
    __asm volatile("adr %0, 1f\n\t"
                   ".align 2\n\t"
                   "1: udf.w #0\n\t"
                   : "=l"(at)::"memory");
    return at;
}

static void check_udf(uint32_t i, uint32_t at, uint32_t exc, uint32_t hfsr, const char *what)
{
    fault_print(i);
    print("  -- ");
    print(what);
    print("\n");
    check_eq(fault_log[i].exc, exc, "exception number");
    check_eq(fault_log[i].hfsr, hfsr, "HFSR");
    check_eq(fault_log[i].cfsr, CFSR_UNDEFINSTR, "CFSR = UNDEFINSTR");
    check_eq(fault_log[i].pc, at, "stacked PC = address of the UDF");
    check_eq(fault_log[i].exc_return, EXC_RETURN_THREAD_MSP, "EXC_RETURN");
}

int main(void)
{
    print("hardfault_udf: UDF -> UsageFault, escalated to HardFault unless enabled\n");
    check_eq(SCB_SHCSR, 0, "SHCSR at reset (fault handlers disabled)");

    uint32_t at = udf16();
    check_eq(fault_count, 1, "one fault for udf #0, execution resumed after it");
    check_udf(0, at, EXC_HARDFAULT, HFSR_FORCED, "udf #0 with UsageFault disabled");

    at = udf32();
    check_eq(fault_count, 2, "one fault for udf.w #0, execution resumed after it");
    check_udf(1, at, EXC_HARDFAULT, HFSR_FORCED, "udf.w #0 with UsageFault disabled");

    SCB_SHCSR = SHCSR_USGFAULTENA;
    barrier();
    check_eq(SCB_SHCSR, SHCSR_USGFAULTENA, "SHCSR.USGFAULTENA reads back");
    at = udf16();
    check_eq(fault_count, 3, "one fault for udf #0 with UsageFault enabled");
    check_udf(2, at, EXC_USAGEFAULT, 0, "udf #0 with UsageFault enabled");
    check_eq(SCB_CFSR, 0, "CFSR cleared (W1C)");
    check_eq(SCB_HFSR, 0, "HFSR cleared (W1C)");
    pass();
}
