package dev.stm32emu.periph.usbfs;

/**
 * An EPnR STAT_RX / STAT_TX code: how the endpoint answers the next transaction in that
 * direction (RM0008 §23.5.3, EPnR; facts-usb.md §4.2).
 */
public enum EndpointStatus {
    /** 00: the endpoint ignores the token; no handshake. */
    DISABLED,
    /** 01: every transaction is answered STALL. */
    STALL,
    /** 10: every transaction is answered NAK (the hardware's state after a transaction). */
    NAK,
    /** 11: the next transaction is accepted (OUT) or served (IN). */
    VALID;

    /** The status for a 2-bit field value. */
    public static EndpointStatus of(int code) {
        return values()[code & 3];
    }

    /** The 2-bit field value. */
    public int code() {
        return ordinal();
    }
}
