package dev.stm32emu.periph.usbfs;

/** An EPnR EP_TYPE code (RM0008 §23.5.3; facts-usb.md §4.2). */
public enum EndpointType {
    /** 00; EP_KIND = DBL_BUF selects double buffering. */
    BULK,
    /** 01; EP_KIND = STATUS_OUT makes non-empty OUTs answer STALL. */
    CONTROL,
    /** 10; always double-buffered. */
    ISOCHRONOUS,
    /** 11. */
    INTERRUPT;

    /** The type for a 2-bit field value. */
    public static EndpointType of(int code) {
        return values()[code & 3];
    }
}
