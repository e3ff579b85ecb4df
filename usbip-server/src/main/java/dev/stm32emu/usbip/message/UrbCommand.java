package dev.stm32emu.usbip.message;

import java.util.Optional;

/** The {@code command} field of the 48-byte URB-phase header (facts-usb.md §1.6). */
public enum UrbCommand {
    /** {@code USBIP_CMD_SUBMIT}: client submits a URB. */
    CMD_SUBMIT(1),
    /** {@code USBIP_CMD_UNLINK}: client cancels a URB it submitted. */
    CMD_UNLINK(2),
    /** {@code USBIP_RET_SUBMIT}: server completes a URB. */
    RET_SUBMIT(3),
    /** {@code USBIP_RET_UNLINK}: server answers an unlink. */
    RET_UNLINK(4);

    private static final UrbCommand[] BY_CODE = new UrbCommand[5];

    static {
        for (UrbCommand c : values()) {
            if (BY_CODE[c.code] != null) {
                throw new AssertionError("command code already in use: " + c);
            }
            BY_CODE[c.code] = c;
        }
    }

    private final int code;

    UrbCommand(int code) {
        this.code = code;
    }

    /** @return the 32-bit wire value */
    public int code() {
        return code;
    }

    /**
     * @param code a 32-bit wire value
     * @return the command with that value, or empty if the protocol defines none
     */
    public static Optional<UrbCommand> find(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.ofNullable(BY_CODE[code]) : Optional.empty();
    }

    /**
     * @param code a 32-bit wire value
     * @return the command with that value
     * @throws IllegalArgumentException if the protocol defines none
     */
    public static UrbCommand of(int code) {
        return find(code).orElseThrow(
                () -> new IllegalArgumentException(String.format("unknown USB/IP command 0x%08x", code)));
    }
}
