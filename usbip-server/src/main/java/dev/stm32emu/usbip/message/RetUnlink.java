package dev.stm32emu.usbip.message;

/**
 * {@code USBIP_RET_UNLINK} (facts-usb.md §1.6, §1.7): 48 bytes, command 4, the seqnum of the
 * <em>CMD_UNLINK</em> (not of the victim), devid/direction/ep 0, status at 0x14, 24 zero bytes.
 *
 * @param seqnum the CMD_UNLINK's seqnum
 * @param status -104 (ECONNRESET) if the URB was still pending and is now cancelled, 0 if it had
 *               already completed
 */
public record RetUnlink(int seqnum, int status) implements UsbIpMessage {
}
