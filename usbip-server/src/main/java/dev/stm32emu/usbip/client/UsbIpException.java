package dev.stm32emu.usbip.client;

import java.io.IOException;
import java.util.Objects;

/**
 * A USB/IP client operation failed. The message is one line fit for a CLI user, e.g.
 * {@code "usbip: 127.0.0.1:3240: device 1-1 is busy (imported by another client)"}.
 */
public final class UsbIpException extends IOException {
    /** What went wrong. */
    private final Kind kind;

    /**
     * @param kind    what went wrong
     * @param message the full one-line message
     * @param cause   the underlying exception, or null
     */
    public UsbIpException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /**
     * @param kind    what went wrong
     * @param message the full one-line message
     */
    public UsbIpException(Kind kind, String message) {
        this(kind, message, null);
    }

    /** @return what went wrong, for callers that map failures to exit codes */
    public Kind kind() {
        return kind;
    }

    /** Categories of failure. */
    public enum Kind {
        /** The host did not resolve or the TCP connection could not be made. */
        CONNECT_FAILED,
        /** The server did not answer in time. */
        TIMEOUT,
        /** The waiting thread was interrupted. */
        INTERRUPTED,
        /** The bus id is not exported (ST_NODEV, or ST_NA from older servers). */
        DEVICE_NOT_FOUND,
        /** Another client imports the device (ST_DEV_BUSY). */
        DEVICE_BUSY,
        /** The server refused the request with another status. */
        REQUEST_FAILED,
        /** The server broke the protocol. */
        BAD_REPLY,
        /** The connection closed (the server withdrew the device, or it went away). */
        CONNECTION_CLOSED
    }
}
