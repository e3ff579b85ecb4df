/**
 * Netty codec for USB/IP: one {@link dev.stm32emu.usbip.codec.UsbIpDecoder} per connection (it
 * holds the phase) and the shared, stateless {@link dev.stm32emu.usbip.codec.UsbIpEncoder}.
 *
 * <p>The wire format is facts-usb.md §1: big-endian integers, version 0x0111, an 8-byte
 * {@code op_common} header in the operation phase and a 48-byte header in the URB phase.
 */
package dev.stm32emu.usbip.codec;
