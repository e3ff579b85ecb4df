/*
 * sysreset_marker: AIRCR.SYSRESETREQ resets the core and the NVIC but not
 * SRAM (ARMv7-M ARM B1.5.16 "Reset management", B3.2.6 AIRCR;
 * facts-cortexm §1.4, §8; ARCHITECTURE.md "A system reset keeps SRAM").
 *
 * First boot: no marker in .noinit -> write the marker and boot count 1,
 * change state the reset must undo (PRIGROUP, VTOR, an enabled and pending
 * IRQ, SysTick running, a .bss variable), then write
 * 0x05FA0004 | PRIGROUP to AIRCR like CMSIS NVIC_SystemReset and spin.
 * Second boot: the marker is there, count 2 -> check the reset state and
 * pass. A count above 2 means resets keep happening: clear and fail.
 */
#include "cortexm.h"
#include "generic.h"
#include "test.h"

const char test_name[] = "sysreset_marker";

#define MAGIC 0x5EB007EDu

__attribute__((section(".noinit"))) static volatile uint32_t marker, marker_check, boot_count;
static volatile uint32_t bss_word;        /* zeroed by startup on every boot */
static volatile uint32_t data_word = 0xDA7A0001u;

extern const uint32_t vector_table[GENERIC_VECTOR_COUNT];
__attribute__((aligned(512))) static uint32_t ram_table[GENERIC_VECTOR_COUNT];

int main(void)
{
    int warm = marker == MAGIC && marker_check == ~MAGIC;
    if (!warm) {
        boot_count = 0;
    }
    boot_count++;
    print("sysreset_marker: boot ");
    print_udec(boot_count);
    print(warm ? " (marker found)\n" : " (no marker: first boot)\n");

    if (boot_count > 2) {
        marker = 0;
        fail("more than one reset happened");
    }

    if (!warm) {
        check_eq(bss_word, 0, ".bss zeroed");
        check_eq(data_word, 0xDA7A0001u, ".data copied");
        marker = MAGIC;
        marker_check = ~MAGIC;
        bss_word = 0xB55B55B5u;
        data_word = 0x12345678u;

        SCB_AIRCR = AIRCR_VECTKEY | (3u << AIRCR_PRIGROUP_POS);
        for (unsigned i = 0; i < GENERIC_VECTOR_COUNT; i++) {
            ram_table[i] = vector_table[i];
        }
        SCB_VTOR = (uint32_t)(uintptr_t)ram_table;
        irq_disable();                      /* keep IRQ 12 pending, not taken */
        nvic_enable(12);
        nvic_pend(12);
        NVIC_IPR8(12) = 0x80;
        SYST_RVR = 0xFFFFFF;
        SYST_CVR = 0;
        SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_CLKSOURCE;
        SCB_SHCSR = SHCSR_USGFAULTENA;
        print("  requesting SYSRESETREQ\n");
        dsb();
        SCB_AIRCR = AIRCR_VECTKEY | (SCB_AIRCR & AIRCR_PRIGROUP_MSK) | AIRCR_SYSRESETREQ;
        dsb();
        spin(GUARD_LOOPS);
        marker = 0;
        fail("no reset within the guard loop after SYSRESETREQ");
    }

    /* Second boot. */
    marker = 0;
    check_eq(boot_count, 2, "boot count from .noinit survived the reset");
    check_eq(bss_word, 0, ".bss zeroed again by the startup code");
    check_eq(data_word, 0xDA7A0001u, ".data copied again by the startup code");
    check_eq(SCB_AIRCR, 0xFA050000u, "AIRCR reset (PRIGROUP 0)");
    check_eq(SCB_VTOR, 0, "VTOR reset");
    check_eq(NVIC_ISER(0), 0, "ISER0 reset");
    check_eq(NVIC_ISPR(0), 0, "ISPR0 reset (pending IRQ 12 gone)");
    check_eq(NVIC_IPR8(12), 0, "IPR of IRQ 12 reset");
    check_eq(SYST_CSR & (SYST_CSR_ENABLE | SYST_CSR_TICKINT), 0, "SysTick disabled");
    check_eq(SCB_SHCSR, 0, "SHCSR reset");
    check_eq(get_primask(), 0, "PRIMASK reset");
    check_eq(get_control(), 0, "CONTROL reset");
    pass();
}
