/**
 * STM32F1 AFIO (RM0008 §9.3-9.4): the EXTI input multiplexer and the SWJ debug-port pin
 * claims. Create it with {@code new Stm32f1Afio(log, exti::input)}, attach it at
 * 0x40010000, then {@code attachPort(index, port)} every GPIO port. GPIO pins reach EXTI
 * only through it.
 */
package dev.stm32emu.periph.afio;
