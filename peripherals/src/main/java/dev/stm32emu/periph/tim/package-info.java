/**
 * STM32F1 general-purpose timers (RM0008 §15): TIM2/3/4 at 0x40000000/0400/0800, IRQ
 * 28/29/30, counting at {@code ClockTree.timerClockHz(1)}:
 * {@code new Stm32f1GeneralPurposeTimer(machine.log("tim2"), machine.scheduler(), rcc, 1, nvic.line(28))}.
 */
package dev.stm32emu.periph.tim;
