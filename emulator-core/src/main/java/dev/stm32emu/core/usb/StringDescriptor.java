package dev.stm32emu.core.usb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A string descriptor (USB 2.0 §9.6.7): UTF-16LE text, read with one language id. */
public record StringDescriptor(int index, int langId, String text) {

    /** The text of a string descriptor; a bLength beyond the bytes received is tolerated (truncated read). */
    public static String parseText(byte[] b) {
        if (b.length < 2 || b[1] != StandardRequests.STRING) {
            throw new IllegalArgumentException("not a string descriptor: " + Descriptors.hex(b));
        }
        int end = Math.min(b[0] & 0xFF, b.length) & ~1;
        return end <= 2 ? "" : new String(Arrays.copyOfRange(b, 2, end), StandardCharsets.UTF_16LE);
    }

    /** The LANGIDs string descriptor 0 lists. */
    public static List<Integer> parseLangIds(byte[] b) {
        if (b.length < 2 || b[1] != StandardRequests.STRING) {
            throw new IllegalArgumentException("not a string descriptor: " + Descriptors.hex(b));
        }
        int end = Math.min(b[0] & 0xFF, b.length);
        List<Integer> ids = new ArrayList<>();
        for (int i = 2; i + 1 < end; i += 2) {
            ids.add(Descriptors.u16(b, i));
        }
        return ids;
    }
}
