package dev.stm32emu.periph.usbfs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Descriptors of the Java test firmware: a vendor interface with bulk EP1 OUT/IN and a
 * DFU interface with three alternate settings and a functional descriptor, so the
 * configuration (68 bytes) takes two 64-byte packets; a 94-byte product string (two
 * packets, the last short) and a 64-byte serial string (one full packet, then a ZLP).
 */
final class TestDescriptors {
    static final int VID = 0x0483;
    static final int PID = 0xDF11;
    static final String MANUFACTURER = "stm32emu";
    static final String PRODUCT = "Java firmware test double for the F1 USB model";
    static final String SERIAL = "0123456789ABCDEF0123456789ABCDE";
    static final String FLASH_LAYOUT = "@Internal Flash /0x08000000/64*001Kg";
    static final String OPTION_BYTES = "@Option Bytes /0x1FFFF800/01*016 e";
    static final byte[] DFU_FUNCTIONAL = {9, 0x21, 0x0B, (byte) 0xFF, 0, 0, 8, 0x1A, 1};

    static final byte[] DEVICE = device(64);

    static final byte[] CONFIGURATION = configuration();

    private TestDescriptors() {
    }

    /** The device descriptor for an endpoint 0 of {@code maxPacketSize0} bytes. */
    static byte[] device(int maxPacketSize0) {
        return new byte[]{18, 1, 0x00, 0x02, 0, 0, 0, (byte) maxPacketSize0, (byte) VID, (byte) (VID >> 8),
                (byte) PID, (byte) (PID >> 8), 0x00, 0x22, 1, 2, 3, 1};
    }

    /** String descriptor {@code index}, or null if the device has none. */
    static byte[] string(int index) {
        return switch (index) {
            case 0 -> new byte[]{4, 3, 0x09, 0x04};
            case 1 -> utf16(MANUFACTURER);
            case 2 -> utf16(PRODUCT);
            case 3 -> utf16(SERIAL);
            case 4 -> utf16(FLASH_LAYOUT);
            case 5 -> utf16(OPTION_BYTES);
            default -> null;
        };
    }

    private static byte[] utf16(String s) {
        byte[] text = s.getBytes(StandardCharsets.UTF_16LE);
        byte[] d = new byte[text.length + 2];
        d[0] = (byte) d.length;
        d[1] = 3;
        System.arraycopy(text, 0, d, 2, text.length);
        return d;
    }

    private static byte[] configuration() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[]{9, 2, 0, 0, 2, 1, 0, (byte) 0x80, 50});
        b.writeBytes(new byte[]{9, 4, 0, 0, 2, (byte) 0xFF, 0, 0, 0});
        b.writeBytes(new byte[]{7, 5, 0x01, 2, 64, 0, 0});
        b.writeBytes(new byte[]{7, 5, (byte) 0x81, 2, 64, 0, 0});
        b.writeBytes(new byte[]{9, 4, 1, 0, 0, (byte) 0xFE, 1, 2, 4});
        b.writeBytes(DFU_FUNCTIONAL);
        b.writeBytes(new byte[]{9, 4, 1, 1, 0, (byte) 0xFE, 1, 2, 5});
        b.writeBytes(new byte[]{9, 4, 1, 2, 0, (byte) 0xFE, 1, 2, 5});
        byte[] c = b.toByteArray();
        c[2] = (byte) c.length;
        c[3] = (byte) (c.length >> 8);
        return c;
    }
}
