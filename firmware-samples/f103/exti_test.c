/*
 * exti_test (Blue Pill): a rising edge on PA0 through AFIO and EXTI line 0
 * to the EXTI0 interrupt (IRQ 6) (RM0008 §9.1.1, §9.4.3, §10.2; facts-stm32f1
 * §5.1-5.4).
 *
 * PA0 is an input with pull-down (CRL nibble 0x8, ODR0 = 0). AFIO_EXTICR1
 * EXTI0 = 0 (port A), EXTI_RTSR bit 0 (rising), FTSR bit 0 clear, IMR bit 0,
 * NVIC ISER bit 6. SysTick at 1 kHz from HSI 8 MHz times everything, from
 * t = 0 (a few microseconds after reset).
 *
 * HARNESS: drive PA0 high once, at a virtual time between 10 ms and 500 ms
 * after reset, and keep it high until the test exits.
 *
 * Checks: PA0 reads 0 before the harness drives it; no EXTI0 interrupt
 * before t = 5 ms; the interrupt arrives before t = 1000 ms (else FAIL
 * "no EXTI0 interrupt"); in the handler PA0 reads 1 and writing 1 to
 * EXTI_PR bit 0 clears it (rc_w1); 20 ms later the handler has still run
 * exactly once (one edge, no retrigger while the level stays high).
 * Exit 0 with "PASS exti_test".
 */
#include "board.h"
#include "test_f103.h"

const char test_name[] = "exti_test";

static volatile uint32_t ms_ticks;
static volatile uint32_t edges, edge_ms, level_in_handler, pr_after_clear;

void SysTick_Handler(void)
{
    ms_ticks++;
}

void EXTI0_IRQHandler(void)
{
    edges++;
    edge_ms = ms_ticks;
    level_in_handler = GPIO_IDR(GPIOA_BASE) & 1u;
    EXTI_PR = 1u << 0;                          /* rc_w1: clear line 0 only */
    pr_after_clear = EXTI_PR & 1u;
}

static void wait_until_ms(uint32_t t)
{
    while (ms_ticks < t) {
        wfi();
    }
}

int main(void)
{
    systick_start_1khz(HSI_HZ);
    print("exti_test: PA0 rising edge -> EXTI0 (IRQ 6); the harness drives PA0 high at 10..500 ms\n");

    RCC_APB2ENR |= RCC_APB2_IOPA | RCC_APB2_AFIO;
    (void)RCC_APB2ENR;
    GPIO_BRR(GPIOA_BASE) = 1u << 0;                     /* ODR0 = 0: pull-down */
    gpio_config(GPIOA_BASE, 0, GPIO_MODE_INPUT | GPIO_CNF_IN_PULL);
    AFIO_EXTICR(1) &= ~0xFu;                             /* EXTI0 <- PA0 */
    EXTI_FTSR &= ~1u;
    EXTI_RTSR |= 1u;
    EXTI_PR = 1u;                                        /* nothing stale */
    EXTI_IMR |= 1u;
    nvic_enable(EXTI0_IRQn);

    check_eq(GPIO_CRL(GPIOA_BASE) & 0xFu, 0x8u, "GPIOA_CRL nibble 0: input with pull-up/down");
    check_eq(AFIO_EXTICR(1) & 0xFu, 0, "AFIO_EXTICR1.EXTI0 = port A");
    check_eq(GPIO_IDR(GPIOA_BASE) & 1u, 0, "PA0 reads 0 (pulled down, not driven yet)");

    wait_until_ms(5);
    check_eq(edges, 0, "no EXTI0 interrupt before t = 5 ms");

    while (edges == 0 && ms_ticks < 1000u) {
        wfi();
    }
    if (edges == 0) {
        fail("no EXTI0 interrupt within 1000 ms (the harness must drive PA0 high at 10..500 ms)");
    }
    print("  info EXTI0 interrupt at t = ");
    print_udec(edge_ms);
    print(" ms\n");
    check_eq(level_in_handler, 1, "PA0 reads 1 in the handler");
    check_eq(pr_after_clear, 0, "EXTI_PR bit 0 cleared by writing 1");

    wait_until_ms(edge_ms + 20u);
    check_eq(edges, 1, "exactly one interrupt 20 ms later (no retrigger while high)");
    check_eq(GPIO_IDR(GPIOA_BASE) & 1u, 1, "PA0 still reads 1");
    check_eq(EXTI_PR & 1u, 0, "EXTI_PR bit 0 still clear");
    pass();
}
