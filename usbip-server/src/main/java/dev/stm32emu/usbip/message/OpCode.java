package dev.stm32emu.usbip.message;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code code} field of the 8-byte {@code op_common} header (facts-usb.md §1.2).
 *
 * <p>Requests are {@code 0x8000 | op}, replies {@code 0x0000 | op}. DEVINFO and CRYPKEY are defined
 * by the protocol but unused; usbipd rejects them, and so does this library. They are listed so
 * that log lines can name them.
 */
public enum OpCode {
    /** {@code OP_REQ_DEVINFO}: defined, never used. */
    REQ_DEVINFO(0x8002),
    /** {@code OP_REP_DEVINFO}: defined, never used. */
    REP_DEVINFO(0x0002),
    /** {@code OP_REQ_IMPORT}: request, followed by a 32-byte bus id. */
    REQ_IMPORT(0x8003),
    /** {@code OP_REP_IMPORT}: reply, followed by one 312-byte device record on success. */
    REP_IMPORT(0x0003),
    /** {@code OP_REQ_CRYPKEY}: defined, never used. */
    REQ_CRYPKEY(0x8004),
    /** {@code OP_REP_CRYPKEY}: defined, never used. */
    REP_CRYPKEY(0x0004),
    /** {@code OP_REQ_DEVLIST}: request, no body. */
    REQ_DEVLIST(0x8005),
    /** {@code OP_REP_DEVLIST}: reply, followed by a device count and the device records. */
    REP_DEVLIST(0x0005);

    private static final Map<Integer, OpCode> BY_CODE = new HashMap<>();

    static {
        for (OpCode c : values()) {
            if (BY_CODE.put(c.code, c) != null) {
                throw new AssertionError("op code already in use: " + c);
            }
        }
    }

    private final int code;

    OpCode(int code) {
        this.code = code;
    }

    /** @return the 16-bit wire value */
    public int code() {
        return code;
    }

    /**
     * @param code a 16-bit wire value
     * @return the op code with that value, or empty if the protocol defines none
     */
    public static Optional<OpCode> find(int code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }

    /**
     * @param code a 16-bit wire value
     * @return the op code with that value
     * @throws IllegalArgumentException if the protocol defines none
     */
    public static OpCode of(int code) {
        return find(code).orElseThrow(
                () -> new IllegalArgumentException(String.format("unknown USB/IP op code 0x%04x", code)));
    }
}
