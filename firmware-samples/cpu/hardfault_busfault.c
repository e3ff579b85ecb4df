/*
 * hardfault_busfault: a load from an address where nothing is mapped is a
 * precise data BusFault (CFSR.PRECISERR + BFARVALID, BFAR = the address;
 * ARMv7-M ARM B3.2.15, B3.2.18). BusFault is disabled at reset, so it
 * escalates to HardFault with HFSR.FORCED (facts-cortexm §5.2). The stacked
 * PC is the load (B1.5.6); the handler skips it and returns.
 *
 * The address 0x30000000 lies in the SRAM region of the default memory map
 * but nothing answers there on STM32F1/F4, on the generic machines, or on
 * QEMU's netduino2/netduinoplus2.
 *
 * Only loads are used: on silicon a store to Normal memory may go through the
 * write buffer and raise an *imprecise* BusFault (IMPRECISERR, no BFAR, PC
 * not the store), facts-cortexm §5.2; QEMU has no imprecise faults. Loads are
 * precise everywhere.
 *
 *  1. ldr r, [r] (16-bit) and ldr.w r, [r, #4] (32-bit) -> HardFault,
 *     HFSR.FORCED, CFSR = PRECISERR | BFARVALID, BFAR = the address.
 *  2. With SHCSR.BUSFAULTENA = 1: BusFault (exception 5), HFSR stays 0.
 */
#include "cortexm.h"
#include "exc.h"
#include "fault.h"
#include "test.h"

const char test_name[] = "hardfault_busfault";

#define UNMAPPED 0x30000000u

EXC_HANDLER(HardFault_Handler, fault_record_skip)
EXC_HANDLER(BusFault_Handler, fault_record_skip)

/* Load from addr with a 16-bit LDR; *at = the LDR's address. */
__attribute__((noinline)) static void ldr16(uint32_t addr, uint32_t *at)
{
    uint32_t where, value;
    __asm volatile("adr %0, 1f\n\t"
                   ".align 2\n\t"
                   "1: ldr %1, [%2]\n\t"
                   : "=&l"(where), "=&l"(value)
                   : "l"(addr)
                   : "memory");
    *at = where;
}

__attribute__((noinline)) static void ldr32(uint32_t addr, uint32_t *at)
{
    uint32_t where, value;
    __asm volatile("adr %0, 1f\n\t"
                   ".align 2\n\t"
                   "1: ldr.w %1, [%2, #4]\n\t"
                   : "=&r"(where), "=&r"(value)
                   : "r"(addr)
                   : "memory");
    *at = where;
}

static void check_busfault(uint32_t i, uint32_t at, uint32_t bfar, uint32_t exc, uint32_t hfsr,
                           const char *what)
{
    fault_print(i);
    print("  -- ");
    print(what);
    print("\n");
    check_eq(fault_log[i].exc, exc, "exception number");
    check_eq(fault_log[i].hfsr, hfsr, "HFSR");
    check_eq(fault_log[i].cfsr, CFSR_PRECISERR | CFSR_BFARVALID, "CFSR = PRECISERR | BFARVALID");
    check_eq(fault_log[i].bfar, bfar, "BFAR = the faulting address");
    check_eq(fault_log[i].pc, at, "stacked PC = address of the load");
}

int main(void)
{
    uint32_t at;
    print("hardfault_busfault: load from unmapped memory -> precise BusFault\n");

    ldr16(UNMAPPED, &at);
    check_eq(fault_count, 1, "one fault for ldr (16-bit), execution resumed after it");
    check_busfault(0, at, UNMAPPED, EXC_HARDFAULT, HFSR_FORCED, "ldr with BusFault disabled");

    ldr32(UNMAPPED, &at);
    check_eq(fault_count, 2, "one fault for ldr.w (32-bit), execution resumed after it");
    check_busfault(1, at, UNMAPPED + 4, EXC_HARDFAULT, HFSR_FORCED, "ldr.w with BusFault disabled");

    SCB_SHCSR = SHCSR_BUSFAULTENA;
    barrier();
    ldr16(UNMAPPED + 8, &at);
    check_eq(fault_count, 3, "one fault with BusFault enabled");
    check_busfault(2, at, UNMAPPED + 8, EXC_BUSFAULT, 0, "ldr with BusFault enabled");
    check_eq(SCB_CFSR, 0, "CFSR cleared (W1C)");
    check_eq(SCB_HFSR, 0, "HFSR cleared (W1C)");
    pass();
}
