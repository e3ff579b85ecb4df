package dev.stm32emu.periph.rcc;

/**
 * The clock frequencies the RCC derives (RM0008 §7.2, clock tree figure; facts-stm32f1.md
 * §3.3). Peripherals read them; the RCC implements them and tells listeners when any
 * changes. A clock that is off or not ready reads 0.
 */
public interface ClockTree {
    /** SYSCLK per CFGR.SWS: HSI 8 MHz, HSE, or PLL. */
    long sysclkHz();

    /** HCLK = SYSCLK / HPRE: the core clock, also SysTick's. */
    long hclkHz();

    /** PCLK1 = HCLK / PPRE1 (APB1, max 36 MHz). */
    long pclk1Hz();

    /** PCLK2 = HCLK / PPRE2 (APB2). */
    long pclk2Hz();

    /** TIMxCLK of timers on APB1 (TIM2-7) when {@code apb} is 1, APB2 (TIM1, TIM8) when 2: PCLK x1 if the prescaler is 1, else x2. */
    long timerClockHz(int apb);

    /** ADCCLK = PCLK2 / ADCPRE. */
    long adcClockHz();

    /** USB clock = PLLCLK / 1.5 (USBPRE = 0) or PLLCLK (USBPRE = 1); 0 without the PLL. Must be 48 MHz. */
    long usbClockHz();

    /** LSI (about 40 kHz) when LSIRDY, else 0. */
    long lsiHz();

    /** LSE (32.768 kHz) when LSERDY, else 0. */
    long lseHz();

    /** RTCCLK per RCC_BDCR.RTCSEL (LSE, LSI, HSE/128) when RTCEN and the source runs, else 0. */
    long rtcClockHz();

    /** Called after any of the frequencies above may have changed. */
    void addListener(Runnable onChange);
}
