/*
 * blink-app: the application the DfuSe bootloader starts, linked at
 * 0x08008000 (bluepill-app.ld / f103rc-app.ld).
 *
 * It cannot rely on anything the bootloader did, so it
 *  - points VTOR at its own vector table (0x08008000; the table is the first
 *    thing in the image, and 0x08008000 is aligned as VTOR requires);
 *  - sets up the 72 MHz clock itself (clock.c first falls back to HSI if it
 *    finds the PLL running);
 *  - prints "blink-app: running from 0x08008000\r\n" on USART1 (PA9, 115200);
 *  - toggles PC13 every 500 ms from a 1 kHz SysTick, forever, in WFI.
 * A harness asserts the banner and 500 ms between PC13 edges, as for blink.
 */
#include "board.h"

#define LED_PIN 13u

typedef void (*vector_t)(void);
extern const vector_t vector_table[];       /* startup_stm32f103.c, first in the image */

static volatile uint32_t ms_ticks;

void SysTick_Handler(void)
{
    if (++ms_ticks % 500u == 0u) {
        if (GPIO_ODR(GPIOC_BASE) & (1u << LED_PIN)) {
            GPIO_BRR(GPIOC_BASE) = 1u << LED_PIN;
        } else {
            GPIO_BSRR(GPIOC_BASE) = 1u << LED_PIN;
        }
    }
}

int main(void)
{
    SCB_VTOR = (uint32_t)(uintptr_t)vector_table;
    dsb();
    isb();

    uint32_t pclk2 = PCLK2_HZ;
    if (clock_setup_72mhz() != CLOCK_OK) {
        clock_reset_to_hsi();
        pclk2 = HSI_HZ;
    }
    uart1_init(pclk2, 115200u);
    uart1_puts("blink-app: running from ");
    uart1_put_hex(SCB_VTOR);
    uart1_puts("\r\n");
    uart1_flush();
    if (pclk2 != PCLK2_HZ) {
        uart1_puts("blink-app: clock setup failed\r\n");
        for (;;) {
            wfi();
        }
    }

    RCC_APB2ENR |= RCC_APB2_IOPC;
    (void)RCC_APB2ENR;
    GPIO_BSRR(GPIOC_BASE) = 1u << LED_PIN;
    gpio_config(GPIOC_BASE, LED_PIN, GPIO_MODE_OUT_2M | GPIO_CNF_OUT_PP);

    systick_start_1khz(HCLK_HZ);
    for (;;) {
        wfi();
    }
}
