package dev.stm32emu.cli.dfu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CRC vectors were produced on this project's build machine with dfu-util 0.11's own tools:
 * {@code printf 123456789 > a.bin; dfu-suffix -v 0483 -p df11 -d 2200 -a a.bin} and, for the
 * DfuSe file, the byte layout of dfu-util's dfuse-pack.py built with Python's zlib CRC, then
 * accepted by {@code dfu-suffix -c} (CRC 0x7A3711DA).
 */
class DfuFileTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void shouldWriteTheSuffixByteForByteAsDfuSuffix011() {
        byte[] file = DfuFile.withSuffix("123456789".getBytes(StandardCharsets.US_ASCII), 0x0483, 0xDF11, 0x2200);

        assertEquals("313233343536373839" + "00221" + "1df830400015546441052caebcb", HEX.formatHex(file));
    }

    @Test
    void shouldComputeTheCrcOfAnAllWildcardSuffixAsDfuSuffixDoes() {
        byte[] file = DfuSuffix.append(new byte[0], 0xFFFF, 0xFFFF, 0xFFFF, 0x0100);

        assertEquals("ffffffffffff00015546441" + "0e1f17b88", HEX.formatHex(file));
    }

    @Test
    void shouldReadTheSuffixFieldsOfAKnownGoodFile() throws Exception {
        byte[] bytes = HEX.parseHex("313233343536373839002211df830400015546441052caebcb");

        DfuFile f = DfuFile.parse("a.bin", bytes);

        assertEquals(new DfuSuffix(0x2200, 0xDF11, 0x0483, 0x0100, 16, 0xCBEBCA52L), f.suffix());
        assertArrayEquals("123456789".getBytes(StandardCharsets.US_ASCII), f.payload());
        assertFalse(f.isDfuse());
        assertEquals(List.of(), f.warnings());
    }

    @Test
    void shouldLayOutADfuseFileExactlyAsDfusePackWithTheSameCrc() {
        byte[] data = new byte[16];
        for (int i = 0; i < 16; i++) {
            data[i] = (byte) i;
        }

        byte[] file = DfuseImage.of(0, "ST...", 0x08000000L, data).toFile(0x0483, 0xDF11, 0);

        assertEquals(325, file.length);
        assertEquals("da11377a", HEX.formatHex(Arrays.copyOfRange(file, 321, 325)));
        assertEquals("446675536501" + "35010000" + "01", HEX.formatHex(Arrays.copyOfRange(file, 0, 11)));
    }

    @Test
    void shouldReadBackAWrittenMultiTargetDfuseFile() throws Exception {
        DfuseImage image = new DfuseImage(List.of(
                new DfuseImage.Target(0, "Internal Flash", List.of(
                        new DfuseImage.Element(0x08000000L, bytes(3000, 1)),
                        new DfuseImage.Element(0x08010000L, bytes(17, 2)))),
                new DfuseImage.Target(1, null, List.of(new DfuseImage.Element(0x1FFFC000L, bytes(16, 3))))));

        DfuFile f = DfuFile.parse("two.dfu", image.toFile(0x0483, 0xDF11, 0x2200));

        assertTrue(f.isDfuse());
        assertEquals(image, f.dfuseImage());
        assertNull(f.dfuseImage().targets().get(1).name());
        assertEquals(0x011A, f.bcdDfu());
        assertEquals(List.of(), f.warnings());
    }

    @Test
    void shouldRefuseAFileWhoseCrcDoesNotMatch() {
        byte[] file = DfuseImage.of(0, "x", 0x08000000L, bytes(100, 5)).toFile(0x0483, 0xDF11, 0);
        file[300] ^= 0x01;

        DfuInputException e = assertThrows(DfuInputException.class, () -> DfuFile.parse("bad.dfu", file));
        assertTrue(e.getMessage().startsWith("bad.dfu: DFU suffix CRC does not match"), e.getMessage());
    }

    @Test
    void shouldRefuseADfuseFileWhoseElementIsCutShort() {
        byte[] body = DfuseImage.of(0, "x", 0x08000000L, bytes(100, 5)).toBytes();
        byte[] cut = DfuSuffix.append(Arrays.copyOf(body, body.length - 10), 0x0483, 0xDF11, 0, 0x011A);

        DfuInputException e = assertThrows(DfuInputException.class, () -> DfuFile.parse("cut.dfu", cut));
        assertTrue(e.getMessage().contains("File too small for element size: target 1 element 1 at 0x08000000 "
                + "claims 100 bytes, 90 remain"), e.getMessage());
    }

    @Test
    void shouldRefuseADfuseFileCutInsideATargetPrefix() {
        DfuseImage two = new DfuseImage(List.of(
                new DfuseImage.Target(0, "a", List.of(new DfuseImage.Element(0, bytes(8, 1)))),
                new DfuseImage.Target(1, "b", List.of(new DfuseImage.Element(0, bytes(8, 1))))));
        byte[] body = two.toBytes();
        byte[] cut = DfuSuffix.append(Arrays.copyOf(body, 11 + 274 + 16 + 100), 0x0483, 0xDF11, 0, 0x011A);

        DfuInputException e = assertThrows(DfuInputException.class, () -> DfuFile.parse("cut.dfu", cut));
        assertTrue(e.getMessage().contains("Corrupt DfuSe file: cannot read 274 bytes of the target 2 prefix"),
                e.getMessage());
    }

    @Test
    void shouldRefuseWrongDfuseAndTargetSignatures() {
        byte[] body = DfuseImage.of(0, "x", 0x08000000L, bytes(8, 5)).toBytes();
        byte[] badPrefix = body.clone();
        badPrefix[4] = 'x';
        byte[] badTarget = body.clone();
        badTarget[11 + 5] = 'x';

        DfuInputException p = assertThrows(DfuInputException.class,
                () -> DfuFile.parse("p.dfu", DfuSuffix.append(badPrefix, 1, 2, 3, 0x011A)));
        DfuInputException t = assertThrows(DfuInputException.class,
                () -> DfuFile.parse("t.dfu", DfuSuffix.append(badTarget, 1, 2, 3, 0x011A)));
        assertTrue(p.getMessage().contains("No valid DfuSe signature"), p.getMessage());
        assertTrue(t.getMessage().contains("No valid target signature in target 1"), t.getMessage());
    }

    @Test
    void shouldTakeAFileWithoutSuffixAsARawImageWithDfuUtilsWarnings() throws Exception {
        byte[] raw = bytes(1000, 9);

        DfuFile f = DfuFile.parse("app.bin", raw);

        assertArrayEquals(raw, f.payload());
        assertNull(f.suffix());
        assertEquals(0xFFFF, f.idVendor());
        assertEquals("Invalid DFU suffix signature", f.warnings().get(0));
    }

    @Test
    void shouldStripAPlainSuffixFromARawImage() throws Exception {
        byte[] raw = bytes(1000, 9);

        DfuFile f = DfuFile.parse("app.dfu", DfuFile.withSuffix(raw, 0x1209, 0x0001, 0x0100));

        assertArrayEquals(raw, f.payload());
        assertEquals(0x1209, f.idVendor());
        assertEquals(0x0100, f.bcdDfu());
    }

    @Test
    void shouldReportAMissingFileAsBadInputNamingIt() {
        DfuInputException e = assertThrows(DfuInputException.class,
                () -> DfuFile.read(java.nio.file.Path.of("/nonexistent/app.bin")));
        assertTrue(e.getMessage().contains("/nonexistent/app.bin"), e.getMessage());
    }

    @Test
    void shouldWarnWhenTheDfusePrefixSizeDisagreesWithTheBody() throws Exception {
        byte[] body = DfuseImage.of(0, "x", 0x08000000L, bytes(8, 5)).toBytes();
        body[6] = 0;
        List<String> warnings = new ArrayList<>();

        DfuseImage.parse(body, warnings);

        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("DfuSe prefix says the image is"), warnings.get(0));
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed * 7 + (i >> 8));
        }
        return b;
    }
}
