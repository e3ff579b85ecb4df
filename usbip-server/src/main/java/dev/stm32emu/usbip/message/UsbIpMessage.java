package dev.stm32emu.usbip.message;

/**
 * One USB/IP protocol message, in either direction (facts-usb.md §1).
 *
 * <p>Requests flow client to server ({@link OpReqDevlist}, {@link OpReqImport}, {@link CmdSubmit},
 * {@link CmdUnlink}); replies flow server to client ({@link OpRepDevlist}, {@link OpRepImport},
 * {@link RetSubmit}, {@link RetUnlink}). The set is closed so that encoders can switch over it
 * exhaustively.
 */
public sealed interface UsbIpMessage
        permits OpReqDevlist, OpRepDevlist, OpReqImport, OpRepImport,
                CmdSubmit, RetSubmit, CmdUnlink, RetUnlink {
}
