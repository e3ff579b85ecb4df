package dev.stm32emu.usbip.message;

/**
 * {@code OP_REQ_DEVLIST}: "which devices do you export?" (facts-usb.md §1.4). Just the 8-byte
 * {@code op_common} header (version 0x0111, code 0x8005, status 0); no body.
 */
public record OpReqDevlist() implements UsbIpMessage {
}
