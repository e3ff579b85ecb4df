/*
 * blink (Blue Pill): the 72 MHz clock tree, SysTick and a GPIO output.
 *
 *  - clock: HSE 8 MHz x 9 = 72 MHz (board.h, clock.c);
 *  - USART1 (PA9, 115200 8N1 from PCLK2 = 72 MHz) prints one line,
 *    "blink: bluepill at 72 MHz\r\n";
 *  - PC13 (the board's LED, active low) as push-pull output, 2 MHz, driven
 *    high (LED off) when configured, then toggled from the SysTick handler
 *    every 500 ms: SysTick at 1 kHz from HCLK (RVR = 71999, CLKSOURCE = 1).
 *
 * Runs forever in WFI; no semihosting. A harness asserts the UART line and
 * that consecutive PC13 edges are 500 ms (36,000,000 cycles at 72 MHz) apart
 * in virtual time, the first one 500 ms after SysTick starts. If the clock
 * setup fails, the line "blink: clock setup failed <n>" is sent at 115200
 * from the 8 MHz HSI instead and PC13 never toggles.
 */
#include "board.h"

#define LED_PIN 13u

static volatile uint32_t ms_ticks;

void SysTick_Handler(void)
{
    if (++ms_ticks % 500u == 0u) {
        /* Toggle through BSRR (set) / BRR (reset), no read-modify-write of ODR. */
        if (GPIO_ODR(GPIOC_BASE) & (1u << LED_PIN)) {
            GPIO_BRR(GPIOC_BASE) = 1u << LED_PIN;
        } else {
            GPIO_BSRR(GPIOC_BASE) = 1u << LED_PIN;
        }
    }
}

int main(void)
{
    enum clock_error err = clock_setup_72mhz();
    if (err != CLOCK_OK) {
        uart1_init(HSI_HZ, 115200u);
        uart1_puts("blink: clock setup failed ");
        uart1_putc((char)('0' + err));
        uart1_puts("\r\n");
        for (;;) {
            wfi();
        }
    }

    uart1_init(PCLK2_HZ, 115200u);
    uart1_puts("blink: bluepill at 72 MHz\r\n");
    uart1_flush();

    RCC_APB2ENR |= RCC_APB2_IOPC;
    (void)RCC_APB2ENR;
    GPIO_BSRR(GPIOC_BASE) = 1u << LED_PIN;            /* LED off before the pin drives */
    gpio_config(GPIOC_BASE, LED_PIN, GPIO_MODE_OUT_2M | GPIO_CNF_OUT_PP);

    systick_start_1khz(HCLK_HZ);
    for (;;) {
        wfi();
    }
}
