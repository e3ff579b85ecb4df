/**
 * USB/IP server: exports {@link dev.stm32emu.usbip.server.UsbIpDevice}s by bus id over TCP
 * ({@link dev.stm32emu.usbip.server.UsbIpServer}). Knows nothing about what the devices are.
 */
package dev.stm32emu.usbip.server;
