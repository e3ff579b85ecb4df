/**
 * USB/IP client on the same codec: lists a server's devices and imports one
 * ({@link dev.stm32emu.usbip.client.UsbIpClient}), then submits and unlinks URBs
 * ({@link dev.stm32emu.usbip.client.ImportedDevice}). Used by tests and by the CLI's DFU host.
 */
package dev.stm32emu.usbip.client;
