package dev.stm32emu.usbip.message;

/**
 * {@code USBIP_CMD_UNLINK} (facts-usb.md §1.6, §1.7): cancel a previously submitted URB.
 * 48 bytes: the basic header (command 2, its own new seqnum, devid, direction 0, ep 0) and
 * {@code unlink_seqnum} at 0x14, then 24 zero bytes. The decoder ignores the direction and ep
 * fields; the encoder writes 0.
 *
 * @param seqnum       this request's own sequence number
 * @param devid        {@code (busnum << 16) | devnum} as the client computed it
 * @param unlinkSeqnum seqnum of the CMD_SUBMIT to cancel
 */
public record CmdUnlink(int seqnum, int devid, int unlinkSeqnum) implements UsbIpMessage {
}
