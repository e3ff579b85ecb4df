/**
 * STM32F1 ADCs (RM0008 §11): ADC1 at 0x40012400, ADC2 at 0x40012800, sharing IRQ 18:
 * <pre>{@code
 * var adc12 = new SharedIrqLine(nvic.line(18));
 * var adc1 = new Stm32f1Adc(machine.log("adc1"), machine.scheduler(), rcc, adc12.input(), true);
 * var adc2 = new Stm32f1Adc(machine.log("adc2"), machine.scheduler(), rcc, adc12.input(), false);
 * adc1.setChannelValue(0, 2048);   // what the board puts on PA0
 * }</pre>
 */
package dev.stm32emu.periph.adc;
