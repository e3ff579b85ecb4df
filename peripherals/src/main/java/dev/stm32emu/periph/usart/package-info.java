/**
 * STM32F1 USARTs (RM0008 §27) and the endpoints at the far end of their wires.
 *
 * <pre>{@code
 * var usart1 = new Stm32Usart(machine.log("usart1"), machine.scheduler(), rcc, 2, nvic.line(37));
 * usart1.connect(SerialEndpoint.tcpServer(4444, machine::post));  // or stdout(), stdio(machine::post), file(path)
 * }</pre>
 * USART1 is on APB2 (0x40013800, IRQ 37), USART2/3 on APB1 (0x40004400/0x40004800,
 * IRQ 38/39). Endpoints with their own threads hand received bytes over through the
 * executor, which must run them on the machine thread.
 */
package dev.stm32emu.periph.usart;
