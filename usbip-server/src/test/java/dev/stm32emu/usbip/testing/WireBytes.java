package dev.stm32emu.usbip.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Builds golden byte arrays field by field, so each field can carry its own comment. */
public final class WireBytes {
    private WireBytes() {
    }

    /**
     * @param parts hex strings (spaces ignored) or byte arrays, in wire order
     * @return the concatenation
     */
    public static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            byte[] b = switch (part) {
                case String hex -> hex(hex);
                case byte[] raw -> raw;
                default -> throw new IllegalArgumentException("not a byte part: " + part);
            };
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    /** @return the bytes of a hex string; spaces are ignored */
    public static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    /** @return {@code text} in ISO-8859-1, NUL-padded to {@code size} bytes */
    public static byte[] padded(String text, int size) {
        byte[] out = new byte[size];
        byte[] raw = text.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(raw, 0, out, 0, raw.length);
        return out;
    }

    /** @return {@code count} zero bytes */
    public static byte[] zeros(int count) {
        return new byte[count];
    }
}
