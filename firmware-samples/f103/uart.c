/* USART1 console, transmit only (RM0008 §27.3.2, §27.6; facts-stm32f1 §6). */
#include "board.h"

void uart1_init(uint32_t pclk2, uint32_t baud)
{
    RCC_APB2ENR |= RCC_APB2_IOPA | RCC_APB2_USART1;
    (void)RCC_APB2ENR;                                  /* let the enable take effect */
    /* PA9 = USART1_TX: alternate function push-pull, 50 MHz (RM0008 Table 24). */
    gpio_config(GPIOA_BASE, 9, GPIO_MODE_OUT_50M | GPIO_CNF_AF_PP);
    /* 16x oversampling: BRR = mantissa.fraction = pclk / baud (72 MHz / 115200 = 0x271). */
    USART_BRR(USART1_BASE) = (pclk2 + baud / 2u) / baud;
    USART_CR1(USART1_BASE) = USART_CR1_UE | USART_CR1_TE;
}

void uart1_putc(char c)
{
    while (!(USART_SR(USART1_BASE) & USART_SR_TXE)) {
    }
    USART_DR(USART1_BASE) = (uint8_t)c;
}

void uart1_puts(const char *s)
{
    while (*s != '\0') {
        uart1_putc(*s++);
    }
}

void uart1_put_hex(uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    uart1_puts("0x");
    for (int i = 28; i >= 0; i -= 4) {
        uart1_putc(digits[(v >> i) & 0xFu]);
    }
}

void uart1_flush(void)
{
    while (!(USART_SR(USART1_BASE) & USART_SR_TC)) {
    }
}
