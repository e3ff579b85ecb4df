package dev.stm32emu.usbip.message;

import java.util.Optional;

/**
 * The {@code status} field of an {@code op_common} reply (facts-usb.md §1.2, usbip's
 * {@code libsrc/usbip_common.h}). The descriptions are the ones {@code usbip attach} prints
 * ({@code usbip_op_common_status_string}).
 *
 * <p>Replies carry the status as a raw {@code int} so that unknown values survive decoding; use
 * {@link #find(int)} to name it.
 */
public enum OpStatus {
    /** {@code ST_OK}. */
    OK(0, "Request Completed Successfully"),
    /** {@code ST_NA}: older usbipd sends it for every import failure. */
    NA(1, "Request Failed"),
    /** {@code ST_DEV_BUSY}: the device is already imported by another client. */
    DEV_BUSY(2, "Device busy (exported)"),
    /** {@code ST_DEV_ERR}: the device is in an error state. */
    DEV_ERR(3, "Device in error state"),
    /** {@code ST_NODEV}: no exported device has the requested bus id. */
    NODEV(4, "Device not found"),
    /** {@code ST_ERROR}: unexpected response. */
    ERROR(5, "Unexpected response");

    private static final OpStatus[] BY_CODE = new OpStatus[6];

    static {
        for (OpStatus s : values()) {
            if (BY_CODE[s.code] != null) {
                throw new AssertionError("status code already in use: " + s);
            }
            BY_CODE[s.code] = s;
        }
    }

    private final int code;
    private final String description;

    OpStatus(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /** @return the 32-bit wire value */
    public int code() {
        return code;
    }

    /** @return the text {@code usbip attach} prints for this status */
    public String description() {
        return description;
    }

    /**
     * @param code a 32-bit wire value
     * @return the status with that value, or empty if usbip defines none
     */
    public static Optional<OpStatus> find(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.ofNullable(BY_CODE[code]) : Optional.empty();
    }

    /**
     * @param code a 32-bit wire value
     * @return a one-phrase description, e.g. {@code "Device not found (4)"} or {@code "status 9"}
     */
    public static String describe(int code) {
        return find(code).map(s -> s.description + " (" + code + ")").orElse("status " + code);
    }
}
