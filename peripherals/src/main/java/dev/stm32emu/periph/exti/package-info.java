/**
 * STM32F1 EXTI (RM0008 §10.2-10.3) at 0x40010400. Its ten interrupt outputs are given in
 * the order of {@link dev.stm32emu.periph.exti.Stm32f1Exti#STM32F103_IRQS}
 * (6, 7, 8, 9, 10, 23, 40, 1, 41, 42): {@code irqs.stream().map(nvic::line).toList()}.
 * Lines 16 (PVD), 17 (RTC alarm) and 18 (USB wakeup) are level inputs,
 * {@code exti.input(Stm32f1Exti.LINE_RTC_ALARM)}, for the PWR, RTC and USB models.
 */
package dev.stm32emu.periph.exti;
