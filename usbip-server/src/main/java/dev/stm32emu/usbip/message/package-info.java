/**
 * USB/IP wire messages as immutable records, free of Netty types.
 *
 * <p>The protocol is described in {@code facts-usb.md} section 1 (and the kernel's
 * {@code Documentation/usb/usbip_protocol.rst}). A connection starts in the
 * <em>operation</em> phase ({@link dev.stm32emu.usbip.message.OpReqDevlist},
 * {@link dev.stm32emu.usbip.message.OpReqImport} and their replies, 8-byte {@code op_common} header)
 * and, after a successful import, switches to the <em>URB</em> phase
 * ({@link dev.stm32emu.usbip.message.CmdSubmit}, {@link dev.stm32emu.usbip.message.CmdUnlink} and
 * their replies, 48-byte header).
 *
 * <p>Byte arrays are copied on the way in and on the way out, so a message can be shared
 * between threads; {@code equals}, {@code hashCode} and {@code toString} compare and print the
 * array contents.
 */
package dev.stm32emu.usbip.message;
