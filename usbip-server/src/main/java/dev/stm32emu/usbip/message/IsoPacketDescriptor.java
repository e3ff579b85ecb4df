package dev.stm32emu.usbip.message;

/**
 * One 16-byte isochronous packet descriptor, {@code struct usbip_iso_packet_descriptor}
 * (facts-usb.md §1.6). All four fields are big-endian 32-bit values on the wire.
 *
 * @param offset       offset of the packet in the transfer buffer
 * @param length       expected length of the packet
 * @param actualLength bytes actually transferred (replies)
 * @param status       per-packet status, 0 or a negative errno (replies)
 */
public record IsoPacketDescriptor(int offset, int length, int actualLength, int status) {
}
