/*
 * STM32F103 startup: vector table, Reset_Handler, default handler.
 *
 * The table has 16 system slots and 43 IRQ slots (medium density, F103C8/CB,
 * IRQs 0-42) or 60 (high density, F103RC/RD/RE, -DSTM32F103_HD, IRQs 0-59),
 * named as in RM0008 Table 63 (facts-stm32f1 §2). Every handler is a weak
 * alias of Default_Handler, so an image overrides one by defining a function
 * of the same name (e.g. USB_LP_CAN1_RX0_IRQHandler).
 *
 * Reset (ARMv7-M ARM B1.5.5): the core loads MSP from word 0 and PC from
 * word 1 of the table at VTOR (0 at reset; the boot alias maps flash there,
 * or for an app behind the bootloader, the bootloader has set VTOR). We copy
 * .data, zero .bss (.noinit is left alone: markers across system resets live
 * there) and call main(). No clock setup here: each image does its own.
 *
 * Default_Handler passes the stacked frame and EXC_RETURN to
 * f103_unhandled_exception(), which is weak and parks the core in a loop here.
 * Test images link f103/test_f103.c, whose strong definition reports the
 * exception through semihosting and fails the test.
 */
#include <stdint.h>

#include "exc.h"
#include "stm32f103.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
int main(void);

#include "core_vectors.h"

/* IRQ 0-42: every STM32F103 */
#define F103_MD_IRQS(X)                                                        \
    X(WWDG) X(PVD) X(TAMPER) X(RTC) X(FLASH) X(RCC)                            \
    X(EXTI0) X(EXTI1) X(EXTI2) X(EXTI3) X(EXTI4)                               \
    X(DMA1_Channel1) X(DMA1_Channel2) X(DMA1_Channel3) X(DMA1_Channel4)        \
    X(DMA1_Channel5) X(DMA1_Channel6) X(DMA1_Channel7) X(ADC1_2)               \
    X(USB_HP_CAN1_TX) X(USB_LP_CAN1_RX0) X(CAN1_RX1) X(CAN1_SCE) X(EXTI9_5)    \
    X(TIM1_BRK) X(TIM1_UP) X(TIM1_TRG_COM) X(TIM1_CC) X(TIM2) X(TIM3) X(TIM4)  \
    X(I2C1_EV) X(I2C1_ER) X(I2C2_EV) X(I2C2_ER) X(SPI1) X(SPI2)                \
    X(USART1) X(USART2) X(USART3) X(EXTI15_10) X(RTC_Alarm) X(USBWakeUp)
/* IRQ 43-59: high density only */
#define F103_HD_IRQS(X)                                                        \
    X(TIM8_BRK) X(TIM8_UP) X(TIM8_TRG_COM) X(TIM8_CC) X(ADC3) X(FSMC) X(SDIO)  \
    X(TIM5) X(SPI3) X(UART4) X(UART5) X(TIM6) X(TIM7)                          \
    X(DMA2_Channel1) X(DMA2_Channel2) X(DMA2_Channel3) X(DMA2_Channel4_5)

#ifdef STM32F103_HD
#define F103_IRQS(X) F103_MD_IRQS(X) F103_HD_IRQS(X)
#else
#define F103_IRQS(X) F103_MD_IRQS(X)
#endif

#define DECLARE_IRQ(name) void name##_IRQHandler(void) WEAK_DEFAULT;
F103_IRQS(DECLARE_IRQ)

#define IRQ_ENTRY(name) name##_IRQHandler,
__attribute__((section(".isr_vector"), used))
const vector_t vector_table[16 + F103_IRQ_COUNT] = {
    CORE_VECTORS(_estack),
    F103_IRQS(IRQ_ENTRY)
};

/* The IRQ lists above and F103_IRQ_COUNT must agree. */
#define COUNT_ONE(name) +1
_Static_assert(0 F103_IRQS(COUNT_ONE) == F103_IRQ_COUNT, "vector table IRQ count");

__attribute__((noreturn)) void Reset_Handler(void)
{
    const uint32_t *src = _sidata;
    for (uint32_t *dst = _sdata; dst < _edata; dst++) {
        *dst = *src++;
    }
    for (uint32_t *dst = _sbss; dst < _ebss; dst++) {
        *dst = 0;
    }
    main();
    for (;;) {
    }
}

/* Weak: park here. Test images replace it with a reporting version. */
__attribute__((weak, used, noreturn)) void f103_unhandled_exception(struct exc_frame *frame,
                                                                    uint32_t exc_return)
{
    (void)frame;
    (void)exc_return;
    for (;;) {
    }
}

__attribute__((naked)) void Default_Handler(void)
{
    __asm volatile("tst lr, #4\n\t"
                   "ite eq\n\t"
                   "mrseq r0, msp\n\t"
                   "mrsne r0, psp\n\t"
                   "mov r1, lr\n\t"
                   "b f103_unhandled_exception\n\t");
}
