package dev.stm32emu.usbip.codec;

/** Thrown inside the codec when input breaks the wire format; the message is the reason. */
final class MalformedMessageException extends Exception {
    MalformedMessageException(String reason) {
        super(reason, null, false, false);
    }
}
