package dev.stm32emu.usbip.codec;

/**
 * User event fired by {@link UsbIpDecoder} just before it closes a connection because the peer
 * broke the protocol. The decoder has already logged the reason; handlers may use it to fail
 * pending work with a clear message.
 *
 * @param reason one line naming the field and value, e.g.
 *               {@code "CMD_SUBMIT transfer_buffer_length 2097152 exceeds 1048576"}
 */
public record UsbIpProtocolViolation(String reason) {
}
