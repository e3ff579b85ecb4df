/**
 * STM32F1 GPIO ports (RM0008 §9.1-9.2).
 *
 * <p>Wiring, per port n (A=0 ... G=6) at 0x40010800 + 0x400·n:
 * <pre>{@code
 * var gpioc = new Stm32f1GpioPort('C', machine.log("gpioc"), machine.events(), machine.clock());
 * machine.attach("gpioc", 0x40011000L, 0x400, gpioc);
 * machine.addResettable(gpioc);
 * afio.attachPort(2, gpioc);                      // EXTI multiplexer (and SWJ pins on A/B)
 * gpioc.pin(13).addListener((pin, level) -> ...); // an LED
 * gpiob.pin(2).drive(false);                      // the BOOT1 jumper, sampled at reset
 * }</pre>
 * Board-side calls ({@link dev.stm32emu.periph.gpio.GpioPin}) are machine-thread only;
 * from another thread use {@code Machine.post}.
 */
package dev.stm32emu.periph.gpio;
