package dev.stm32emu.usbip.message;

import java.util.HexFormat;
import java.util.Objects;

/**
 * Small helpers shared by the records of this library that hold byte arrays: records compare
 * arrays by reference, so they copy and print them through these.
 */
public final class ByteArrays {
    private static final int SHOWN_BYTES = 16;
    private static final byte[] EMPTY = new byte[0];

    private ByteArrays() {
    }

    /**
     * @param bytes an array, not null
     * @return a copy (the shared empty array for an empty input)
     */
    public static byte[] copy(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return bytes.length == 0 ? EMPTY : bytes.clone();
    }

    /**
     * @param bytes an array
     * @return its length and the first bytes in hex, e.g. {@code "3[12 01 00]"}, for toString
     */
    public static String summary(byte[] bytes) {
        int shown = Math.min(bytes.length, SHOWN_BYTES);
        String hex = HexFormat.ofDelimiter(" ").formatHex(bytes, 0, shown);
        return bytes.length + "[" + hex + (bytes.length > shown ? " ..." : "") + "]";
    }
}
