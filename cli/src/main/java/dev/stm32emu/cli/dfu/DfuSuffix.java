package dev.stm32emu.cli.dfu;

import java.util.zip.CRC32;

/**
 * The 16-byte DFU file suffix (DFU 1.1 Appendix B), stored last in the file, little-endian:
 * bcdDevice, idProduct, idVendor, bcdDFU, "UFD" (reversed "DFU"), bLength, dwCRC.
 *
 * <p>dwCRC is the CRC-32 of every byte of the file before it, computed as dfu-util computes it
 * (dfu_file.c {@code crc32_byte} with the reflected polynomial 0xEDB88320, initial value
 * 0xFFFFFFFF and <em>no</em> final inversion); that is the bitwise complement of the common
 * CRC-32 ({@link CRC32}). Checked against dfu-suffix 0.11 in the tests.
 *
 * @param bcdDevice 0xFFFF means "any" (as do idProduct and idVendor)
 * @param bcdDfu    0x0100 for plain DFU files, 0x011A for DfuSe files
 * @param length    bLength, 16 for every suffix this host writes
 * @param crc       dwCRC as stored in the file
 */
public record DfuSuffix(int bcdDevice, int idProduct, int idVendor, int bcdDfu, int length, long crc) {

    /** Suffix length (DFU 1.1 Table B.1). */
    public static final int LENGTH = 16;
    /** bcdDFU of a DfuSe file (UM0391). */
    public static final int BCD_DFUSE = 0x011A;
    /** bcdDFU of a plain DFU 1.0 file, as dfu-suffix writes it by default. */
    public static final int BCD_DFU_1_0 = 0x0100;
    /** The wildcard vendor, product and device value. */
    public static final int ANY = 0xFFFF;

    /** dfu-util's CRC of {@code data[0..length)}. */
    public static long crc(byte[] data, int length) {
        CRC32 c = new CRC32();
        c.update(data, 0, length);
        return ~c.getValue() & 0xFFFF_FFFFL;
    }

    /** Whether the last 16 bytes carry the "UFD" signature (dfu_file.c dfu_load_file). */
    static boolean hasSignature(byte[] file) {
        int n = file.length;
        return n >= LENGTH && file[n - 8] == 'U' && file[n - 7] == 'F' && file[n - 6] == 'D';
    }

    /** Reads the suffix fields of a file that {@link #hasSignature has the signature}. */
    static DfuSuffix read(byte[] file) {
        int p = file.length - LENGTH;
        return new DfuSuffix(u16(file, p), u16(file, p + 2), u16(file, p + 4), u16(file, p + 6),
                file[p + 11] & 0xFF, u16(file, p + 12) | (long) u16(file, p + 14) << 16);
    }

    /** {@code payload} followed by a suffix with these IDs and a correct CRC. */
    public static byte[] append(byte[] payload, int idVendor, int idProduct, int bcdDevice, int bcdDfu) {
        byte[] out = new byte[payload.length + LENGTH];
        System.arraycopy(payload, 0, out, 0, payload.length);
        int p = payload.length;
        put16(out, p, bcdDevice);
        put16(out, p + 2, idProduct);
        put16(out, p + 4, idVendor);
        put16(out, p + 6, bcdDfu);
        out[p + 8] = 'U';
        out[p + 9] = 'F';
        out[p + 10] = 'D';
        out[p + 11] = LENGTH;
        long crc = crc(out, out.length - 4);
        put16(out, p + 12, (int) crc);
        put16(out, p + 14, (int) (crc >>> 16));
        return out;
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }

    private static void put16(byte[] b, int p, int v) {
        b[p] = (byte) v;
        b[p + 1] = (byte) (v >>> 8);
    }

    @Override
    public String toString() {
        return String.format("DFU suffix [device 0x%04x, product 0x%04x, vendor 0x%04x, DFU 0x%04x, length %d, CRC 0x%08x]",
                bcdDevice, idProduct, idVendor, bcdDfu, length, crc);
    }
}
