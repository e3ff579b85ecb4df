package dev.stm32emu.usbip.message;

import java.util.Objects;

/**
 * {@code OP_REQ_IMPORT} (facts-usb.md §1.5): {@code op_common} (code 0x8003) and a 32-byte,
 * NUL-terminated, zero-padded bus id. 40 bytes in all.
 *
 * <p>The bus id is kept as the characters before the first NUL, one character per byte
 * (ISO-8859-1), so any bytes a client sends survive decoding unchanged. A bus id that matches no
 * export (even an empty one) is a valid request; the server answers it with a status.
 *
 * @param busid at most 31 ISO-8859-1 characters without NUL
 */
public record OpReqImport(String busid) implements UsbIpMessage {
    /** Checks that the bus id fits the wire field. */
    public OpReqImport {
        Objects.requireNonNull(busid, "busid");
        if (!busid.isEmpty()) {
            UsbDeviceInfo.checkBusid(busid);
        }
    }
}
