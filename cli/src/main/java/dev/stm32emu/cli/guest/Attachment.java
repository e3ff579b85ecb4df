package dev.stm32emu.cli.guest;

/**
 * A device attached in the guest by the standard attach step (stm32emu-attach).
 *
 * @param busid      the exported bus id that was imported
 * @param port       the vhci-hcd port it occupies (what {@code usbip detach -p} takes)
 * @param device     its sysfs name in the guest, e.g. "1-1"
 * @param vendorId   idVendor as four hex digits
 * @param productId  idProduct as four hex digits
 * @param durationMs from `usbip attach` until the device was configured, in guest milliseconds
 * @param usbipPort  the output of `usbip port` once the device was ready
 */
public record Attachment(String busid, int port, String device, String vendorId, String productId,
                         long durationMs, String usbipPort) {
}
