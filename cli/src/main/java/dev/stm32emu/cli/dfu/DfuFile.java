package dev.stm32emu.cli.dfu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A firmware file as dfu-util 0.11 loads it for {@code -D} ({@code dfu_load_file} with
 * MAYBE_SUFFIX, dfu_file.c): a raw image, optionally followed by a DFU suffix; a suffix with
 * bcdDFU 0x011A marks a DfuSe file whose body is parsed as a {@link DfuseImage}.
 *
 * <p>Deliberate deviations from dfu-util, both towards refusing rather than flashing:
 * <ul>
 *   <li>A suffix whose "UFD" signature is present but whose CRC does not match is an error here.
 *       dfu-util only warns ("DFU suffix CRC does not match") and then treats the whole file,
 *       corrupt suffix included, as a raw image.</li>
 *   <li>dfu-util strips an 8-byte TI Stellaris or 16-byte NXP LPC prefix when the first bytes look
 *       like one ({@code probe_prefix}); these are not STM32 formats and nothing is stripped here.</li>
 * </ul>
 * A file without a suffix is accepted with dfu-util's warnings.
 */
public final class DfuFile {

    private final String name;
    private final byte[] payload;
    private final DfuSuffix suffix;
    private final DfuseImage dfuseImage;
    private final List<String> warnings;

    private DfuFile(String name, byte[] payload, DfuSuffix suffix, DfuseImage dfuseImage, List<String> warnings) {
        this.name = name;
        this.payload = payload;
        this.suffix = suffix;
        this.dfuseImage = dfuseImage;
        this.warnings = List.copyOf(warnings);
    }

    /** Reads and checks a file; I/O problems are reported as bad input naming the file. */
    public static DfuFile read(Path path) throws DfuInputException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new DfuInputException("Could not open file " + path + " for reading: " + e.getMessage());
        }
        return parse(path.toString(), bytes);
    }

    /** Checks the bytes of a file; {@code name} is used in messages only. */
    public static DfuFile parse(String name, byte[] bytes) throws DfuInputException {
        List<String> warnings = new ArrayList<>();
        if (bytes.length < DfuSuffix.LENGTH || !DfuSuffix.hasSignature(bytes)) {
            warnings.add(bytes.length < DfuSuffix.LENGTH ? "File too short for DFU suffix" : "Invalid DFU suffix signature");
            warnings.add("A valid DFU suffix will be required in a future dfu-util release!!!");
            if (bytes.length == 0) {
                throw new DfuInputException(name + ": file is empty");
            }
            return new DfuFile(name, bytes.clone(), null, null, warnings);
        }
        DfuSuffix suffix = DfuSuffix.read(bytes);
        long crc = DfuSuffix.crc(bytes, bytes.length - 4);
        if (crc != suffix.crc()) {
            throw new DfuInputException(String.format("%s: DFU suffix CRC does not match (the file says 0x%08x, "
                    + "its contents give 0x%08x): the file is corrupt", name, suffix.crc(), crc));
        }
        if (suffix.length() < DfuSuffix.LENGTH) {
            throw new DfuInputException(name + ": Unsupported DFU suffix length " + suffix.length());
        }
        if (suffix.length() > bytes.length) {
            throw new DfuInputException(name + ": Invalid DFU suffix length " + suffix.length());
        }
        byte[] payload = Arrays.copyOf(bytes, bytes.length - suffix.length());
        DfuseImage image = null;
        if (suffix.bcdDfu() == DfuSuffix.BCD_DFUSE) {
            try {
                image = DfuseImage.parse(payload, warnings);
            } catch (DfuInputException e) {
                throw new DfuInputException(name + ": " + e.getMessage());
            }
        } else if (payload.length == 0) {
            throw new DfuInputException(name + ": the file holds a DFU suffix but no data");
        }
        return new DfuFile(name, payload, suffix, image, warnings);
    }

    /** A raw image without suffix (what a .bin is), without dfu-util's missing-suffix warnings. */
    public static DfuFile raw(byte[] image) {
        return new DfuFile("(raw image)", image.clone(), null, null, List.of());
    }

    /** A plain DFU file: {@code image} plus a suffix with these IDs and bcdDFU 0x0100. */
    public static byte[] withSuffix(byte[] image, int idVendor, int idProduct, int bcdDevice) {
        return DfuSuffix.append(image, idVendor, idProduct, bcdDevice, DfuSuffix.BCD_DFU_1_0);
    }

    public String name() {
        return name;
    }

    /** The file without its suffix: the raw image, or the DfuSe body. */
    public byte[] payload() {
        return payload.clone();
    }

    /** Payload size in bytes. */
    public int size() {
        return payload.length;
    }

    /** The suffix, or null when the file has none. */
    public DfuSuffix suffix() {
        return suffix;
    }

    /** Whether the suffix says DfuSe (bcdDFU 0x011A); dfu-util then requires a DfuSe body. */
    public boolean isDfuse() {
        return dfuseImage != null;
    }

    /** The parsed DfuSe body, or null for a raw image. */
    public DfuseImage dfuseImage() {
        return dfuseImage;
    }

    /** bcdDFU from the suffix, 0 without one (dfu-util's default). */
    public int bcdDfu() {
        return suffix == null ? 0 : suffix.bcdDfu();
    }

    /** idVendor from the suffix, 0xFFFF ("any") without one. */
    public int idVendor() {
        return suffix == null ? DfuSuffix.ANY : suffix.idVendor();
    }

    /** idProduct from the suffix, 0xFFFF ("any") without one. */
    public int idProduct() {
        return suffix == null ? DfuSuffix.ANY : suffix.idProduct();
    }

    /** What dfu-util would have warned about when loading the file. */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return name + " (" + payload.length + " bytes" + (suffix == null ? ", no suffix" : ", " + suffix) + ")";
    }
}
