package dev.stm32emu.cli.dfu;

/**
 * How a control transfer ended, as a host USB stack reports it (libusb's
 * LIBUSB_SUCCESS, _ERROR_PIPE, _ERROR_TIMEOUT, _ERROR_IO, _ERROR_NO_DEVICE).
 */
public enum TransferStatus {
    /** Completed; for OUT transfers {@link ControlResult#length()} is the bytes sent. */
    OK,
    /** The device stalled the request (USB 2.0 §8.5.3.4; libusb LIBUSB_ERROR_PIPE). */
    STALL,
    /** No answer within the control timeout (libusb LIBUSB_ERROR_TIMEOUT). */
    TIMEOUT,
    /** Any other transfer failure (libusb LIBUSB_ERROR_IO, protocol errors). */
    ERROR,
    /** The device is gone: unplugged, reset away, or the connection closed (LIBUSB_ERROR_NO_DEVICE). */
    DISCONNECTED
}
