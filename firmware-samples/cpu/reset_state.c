/*
 * reset_state: system register values after reset, per silicon
 * (ARMv7-M ARM B1.5.5 "Reset behavior", B3.2 register tables;
 * facts-cortexm §1, §8).
 *
 * The generic-m3 machine models a Cortex-M3 r1p1 (as on STM32F1) and the
 * generic-m4 machine a Cortex-M4F r0p1 (as on STM32F4):
 *   CPUID  M3 r1p1 0x411FC231, M4 r0p1 0x410FC241 (facts §1.1)
 *   CCR    M3 r1p1 0x00000000 (STKALIGN off), M4 0x00000200 (facts §1.5)
 * and for both: AIRCR 0xFA050000, VTOR/SCR/SHPRn/SHCSR/CFSR/HFSR 0, all
 * IRQs disabled, not pending, priority 0; SysTick disabled; CONTROL,
 * PRIMASK, FAULTMASK, BASEPRI 0; LR = 0xFFFFFFFF at the reset handler;
 * MSP = word 0 of the vector table. M4: CPACR 0, FPCCR 0xC0000000,
 * FPDSCR 0, MVFR0/1 0x10110021/0x11000011. M3: CPACR is RAZ/WI (no FPU).
 *
 * Known to fail on QEMU: CPUID (QEMU models r0p1/r0p0: 0x410FC231,
 * 0x410FC240) and CCR on the M3 (QEMU always resets STKALIGN to 1).
 */
#include "cortexm.h"
#include "generic.h"
#include "test.h"

const char test_name[] = "reset_state";

extern uint32_t reset_lr;
extern uint32_t _estack[];

#if defined(__ARM_ARCH_7EM__)
#define IS_M4 1
#define WANT_CPUID 0x410FC241u
#define WANT_CCR   0x00000200u
#else
#define IS_M4 0
#define WANT_CPUID 0x411FC231u
#define WANT_CCR   0x00000000u
#endif

int main(void)
{
    print(IS_M4 ? "reset_state: Cortex-M4F r0p1 reset values\n"
                : "reset_state: Cortex-M3 r1p1 reset values\n");

    /* Core registers (read before anything changes them). */
    check_eq(reset_lr, 0xFFFFFFFFu, "LR at the reset handler");
    uint32_t msp = get_msp();
    uint32_t estack = (uint32_t)(uintptr_t)_estack;
    check(msp < estack && msp >= estack - 256u, "MSP just below vector table word 0");
    check_eq(get_control(), 0, "CONTROL");
    check_eq(get_primask(), 0, "PRIMASK");
    check_eq(get_faultmask(), 0, "FAULTMASK");
    check_eq(get_basepri(), 0, "BASEPRI");
    check_eq(get_ipsr(), 0, "IPSR");

    /* SCB. */
    check_eq(SCB_CPUID, WANT_CPUID, "CPUID");
    check_eq(SCB_CCR, WANT_CCR, "CCR");
    check_eq(SCB_AIRCR, 0xFA050000u, "AIRCR");
    check_eq(SCB_VTOR, 0, "VTOR");
    check_eq(SCB_ICSR & ~ICSR_RETTOBASE, 0, "ICSR (RETTOBASE masked)");
    check_eq(SCB_SCR, 0, "SCR");
    check_eq(SCB_SHPR1, 0, "SHPR1");
    check_eq(SCB_SHPR2, 0, "SHPR2");
    check_eq(SCB_SHPR3, 0, "SHPR3");
    check_eq(SCB_SHCSR, 0, "SHCSR");
    check_eq(SCB_CFSR, 0, "CFSR");
    check_eq(SCB_HFSR, 0, "HFSR");
    check_eq(SCS_ACTLR, 0, "ACTLR");

    /* NVIC. */
    uint32_t any = 0;
    for (unsigned n = 0; n < (GENERIC_IRQ_COUNT + 31) / 32; n++) {
        any |= NVIC_ISER(n) | NVIC_ISPR(n) | NVIC_IABR(n);
    }
    check_eq(any, 0, "ISER/ISPR/IABR all 0");
    any = 0;
    for (unsigned irq = 0; irq < GENERIC_IRQ_COUNT; irq++) {
        any |= NVIC_IPR8(irq);
    }
    check_eq(any, 0, "IPR all 0");

    /* SysTick. */
    uint32_t csr = SYST_CSR;
    info_hex("SYST_CSR", csr);
    check_eq(csr & (SYST_CSR_ENABLE | SYST_CSR_TICKINT), 0, "SysTick disabled, TICKINT 0");

#if IS_M4
    check_eq(SCB_CPACR, 0, "CPACR");
    check_eq(FPU_FPCCR, FPCCR_ASPEN | FPCCR_LSPEN, "FPCCR (ASPEN | LSPEN)");
    check_eq(FPU_FPDSCR, 0, "FPDSCR");
    check_eq(FPU_MVFR0, 0x10110021u, "MVFR0");
    check_eq(FPU_MVFR1, 0x11000011u, "MVFR1");
#else
    SCB_CPACR = CPACR_CP10_CP11_FULL;
    barrier();
    check_eq(SCB_CPACR, 0, "CPACR RAZ/WI without an FPU");
#endif

    info_hex("ICTR", SCS_ICTR);
    info_hex("SYST_CALIB", SYST_CALIB);
    pass();
}
