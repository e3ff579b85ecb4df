/*
 * 72 MHz clock tree for the F103 boards (RM0008 §7.2, §7.3.2; facts-stm32f1
 * §3.3-3.4), in the order RM0008 and the classic SPL SetSysClockTo72 use.
 */
#include "board.h"

/* ~1 s at 8 MHz: a missing oscillator fails instead of hanging. */
#define CLOCK_WAIT_LOOPS 2000000u

static int wait_set(volatile uint32_t *reg, uint32_t mask, uint32_t value)
{
    for (uint32_t i = 0; i < CLOCK_WAIT_LOOPS; i++) {
        if ((*reg & mask) == value) {
            return 1;
        }
    }
    return 0;
}

enum clock_error clock_setup_72mhz(void)
{
    /* PLLMUL/PLLSRC are only writable with the PLL off, and the PLL can't be
     * turned off while it drives SYSCLK: start from HSI with the PLL off. */
    if (RCC_CR & (RCC_CR_PLLON | RCC_CR_PLLRDY)) {
        clock_reset_to_hsi();
    }

    RCC_CR |= RCC_CR_HSEON;
    if (!wait_set(&RCC_CR, RCC_CR_HSERDY, RCC_CR_HSERDY)) {
        return CLOCK_NO_HSE;
    }

    /* Two wait states for 48 < SYSCLK <= 72 MHz, before the clock goes up (RM0008 §3.3.3). */
    FLASH_ACR = FLASH_ACR_PRFTBE | FLASH_ACR_LATENCY(2);

    RCC_CFGR = (RCC_CFGR & ~(RCC_CFGR_HPRE_MSK | RCC_CFGR_PPRE1_MSK | RCC_CFGR_PPRE2_MSK))
             | RCC_CFGR_HPRE_DIV1 | RCC_CFGR_PPRE1_DIV2 | RCC_CFGR_PPRE2_DIV1;

    /* PLL input HSE (not halved), x9; USBPRE = 0: USB clock = 72 / 1.5 = 48 MHz. */
    RCC_CFGR = (RCC_CFGR & ~(RCC_CFGR_PLLSRC | RCC_CFGR_PLLXTPRE | RCC_CFGR_PLLMUL_MSK | RCC_CFGR_USBPRE))
             | RCC_CFGR_PLLSRC | RCC_CFGR_PLLMUL(9);

    RCC_CR |= RCC_CR_PLLON;
    if (!wait_set(&RCC_CR, RCC_CR_PLLRDY, RCC_CR_PLLRDY)) {
        return CLOCK_NO_PLL;
    }

    RCC_CFGR = (RCC_CFGR & ~RCC_CFGR_SW_MSK) | RCC_CFGR_SW_PLL;
    if (!wait_set(&RCC_CFGR, RCC_CFGR_SWS_MSK, RCC_CFGR_SWS_PLL)) {
        return CLOCK_NO_SWITCH;
    }
    return CLOCK_OK;
}

void clock_reset_to_hsi(void)
{
    RCC_CR |= RCC_CR_HSION;
    (void)wait_set(&RCC_CR, RCC_CR_HSIRDY, RCC_CR_HSIRDY);
    RCC_CFGR &= ~RCC_CFGR_SW_MSK;
    (void)wait_set(&RCC_CFGR, RCC_CFGR_SWS_MSK, RCC_CFGR_SWS_HSI);
    RCC_CR &= ~RCC_CR_PLLON;
    (void)wait_set(&RCC_CR, RCC_CR_PLLRDY, 0);
    RCC_CR &= ~(RCC_CR_HSEON | RCC_CR_CSSON);
    (void)wait_set(&RCC_CR, RCC_CR_HSERDY, 0);
    RCC_CR &= ~RCC_CR_HSEBYP;
    RCC_CFGR = 0;
    /* Lower the wait states only once SYSCLK is back at 8 MHz. */
    FLASH_ACR = FLASH_ACR_RESET;
}

void delay_ms(uint32_t hclk, uint32_t ms)
{
    SYST_CSR = 0;
    SYST_RVR = hclk / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_ENABLE;
    while (ms != 0u) {
        if (SYST_CSR & SYST_CSR_COUNTFLAG) {   /* the read clears it */
            ms--;
        }
    }
    systick_stop();
}

void system_reset(void)
{
    dsb();
    SCB_AIRCR = AIRCR_VECTKEY | (SCB_AIRCR & AIRCR_PRIGROUP_MSK) | AIRCR_SYSRESETREQ;
    dsb();
    for (;;) {
    }
}
