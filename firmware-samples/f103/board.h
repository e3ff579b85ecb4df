/*
 * Board-level helpers shared by the f103/ images: 72 MHz clock setup from an
 * 8 MHz HSE crystal (both boards), USART1 console, SysTick.
 */
#ifndef BOARD_H
#define BOARD_H

#include <stdint.h>

#include "stm32f103.h"

#define HSI_HZ    8000000u
#define HSE_HZ    8000000u          /* crystal on the Blue Pill and the F103RC board */
#define SYSCLK_HZ 72000000u         /* HSE x 9 */
#define HCLK_HZ   SYSCLK_HZ         /* AHB /1 */
#define PCLK1_HZ  (SYSCLK_HZ / 2u)  /* APB1 /2, 36 MHz max */
#define PCLK2_HZ  SYSCLK_HZ         /* APB2 /1 */

/* clock_setup_72mhz() results */
enum clock_error {
    CLOCK_OK = 0,
    CLOCK_NO_HSE = 1,       /* HSERDY did not set */
    CLOCK_NO_PLL = 2,       /* PLLRDY did not set */
    CLOCK_NO_SWITCH = 3     /* SWS did not follow SW = PLL */
};

/*
 * SYSCLK = PLL = HSE 8 MHz x 9 = 72 MHz, AHB /1, APB1 /2, APB2 /1, flash
 * latency 2 with prefetch, USB clock PLL / 1.5 = 48 MHz. HSI stays on (the
 * flash controller needs it for program/erase, PM0075 §2.3). If the PLL is
 * already on (left running by a bootloader), first falls back to HSI.
 * Waits are bounded (about a second at 8 MHz).
 */
enum clock_error clock_setup_72mhz(void);

/* Back to the reset clock state: SYSCLK = HSI, PLL and HSE off, CFGR = 0, ACR latency 0. */
void clock_reset_to_hsi(void);

/* USART1 TX on PA9 (AF push-pull), 8N1, no RX; BRR = pclk2 / baud, rounded. */
void uart1_init(uint32_t pclk2, uint32_t baud);
void uart1_putc(char c);
void uart1_puts(const char *s);
void uart1_put_hex(uint32_t v);     /* 0x%08x */
void uart1_flush(void);             /* wait for TC: the last frame has left */

/* SysTick interrupt at 1 kHz from HCLK (CLKSOURCE = 1). */
static inline void systick_start_1khz(uint32_t hclk)
{
    SYST_RVR = hclk / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

static inline void systick_stop(void)
{
    SYST_CSR = 0;
    SYST_RVR = 0;
    SYST_CVR = 0;
}

/* Busy-wait ms milliseconds on SysTick's COUNTFLAG (no interrupt); leaves SysTick off. */
void delay_ms(uint32_t hclk, uint32_t ms);

/* AIRCR.SYSRESETREQ, keeping PRIGROUP (ARMv7-M B3.2.6); does not return. */
__attribute__((noreturn)) void system_reset(void);

#endif /* BOARD_H */
