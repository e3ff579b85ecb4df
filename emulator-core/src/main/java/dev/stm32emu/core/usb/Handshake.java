package dev.stm32emu.core.usb;

/** How a device answered a transaction (USB 2.0 §8.4.5). */
public enum Handshake {
    /** Accepted (OUT/SETUP) or data sent (IN). */
    ACK,
    /** Not ready now; the host retries later. */
    NAK,
    /** Endpoint halted or request not supported. */
    STALL,
    /** No answer at all (endpoint disabled, device not addressable, buffer overrun). */
    NO_RESPONSE
}
