/*
 * nvic_prio_bits: 4 implemented priority bits, as on every STM32F1/F4 and on
 * the generic machines (__NVIC_PRIO_BITS = 4; ARMv7-M ARM B1.5.4: the
 * unimplemented low-order bits of a priority field are RAZ/WI;
 * facts-cortexm §2). FreeRTOS relies on this: it writes 0xFF to an IPR
 * byte and derives the number of bits from the read-back.
 *
 * Known to fail on QEMU 7.2: its STM32F2/F4 SoCs leave the NVIC at 8 bits.
 */
#include "cortexm.h"
#include "test.h"

const char test_name[] = "nvic_prio_bits";

int main(void)
{
    print("nvic_prio_bits: priority fields implement bits [7:4] only\n");

    NVIC_IPR8(0) = 0xFF;
    check_eq(NVIC_IPR8(0), 0xF0, "IPR byte write 0xFF reads back 0xF0");
    NVIC_IPR16(2) = 0x8171;                   /* IRQ2 = 0x71, IRQ3 = 0x81 */
    check_eq(NVIC_IPR16(2), 0x8070, "IPR halfword write keeps bits [7:4] (IRQ2, IRQ3)");
    NVIC_IPR32(1) = 0x12345678u;              /* IRQ4..7 */
    check_eq(NVIC_IPR32(1), 0x10305070u, "IPR word write keeps bits [7:4] of each byte");
    NVIC_IPR8(42) = 0x5A;
    check_eq(NVIC_IPR8(42), 0x50, "IPR byte of IRQ 42");

    SCB_SHPR8(EXC_SYSTICK) = 0xFF;
    check_eq(SCB_SHPR8(EXC_SYSTICK), 0xF0, "SHPR3 SysTick byte write 0xFF reads back 0xF0");
    SCB_SHPR2 = 0xFFFFFFFFu;
    check_eq(SCB_SHPR2, 0xF0000000u, "SHPR2 keeps SVCall bits [31:28] only (reserved bytes RAZ)");

    /* BASEPRI has as many bits as a priority field; the Generic User Guide
     * calls the low bits reserved, so only report what they read. */
    set_basepri(0x85);
    info_hex("BASEPRI after writing 0x85 (silicon: 0x80 expected)", get_basepri());
    set_basepri(0);

    NVIC_IPR32(0) = 0;
    NVIC_IPR32(1) = 0;
    NVIC_IPR8(42) = 0;
    SCB_SHPR2 = 0;
    SCB_SHPR3 = 0;
    pass();
}
