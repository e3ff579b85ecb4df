package dev.stm32emu.core.usb;

import java.util.Arrays;

/** Byte helpers for descriptor parsing. */
final class Descriptors {
    private Descriptors() {
    }

    /** Little-endian 16 bits at {@code off}. */
    static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    /** The first descriptor of {@code type} in a run of descriptors, or null. */
    static byte[] find(byte[] run, int type) {
        int off = 0;
        while (off + 2 <= run.length) {
            int len = run[off] & 0xFF;
            if (len < 2 || off + len > run.length) {
                return null;
            }
            if ((run[off + 1] & 0xFF) == type) {
                return Arrays.copyOfRange(run, off, off + len);
            }
            off += len;
        }
        return null;
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 32); i++) {
            s.append(String.format("%02x ", b[i] & 0xFF));
        }
        return s.append(b.length > 32 ? "..." : "").toString().trim();
    }
}
