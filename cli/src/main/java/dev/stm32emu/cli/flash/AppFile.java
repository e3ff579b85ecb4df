package dev.stm32emu.cli.flash;

import dev.stm32emu.cli.UserError;
import dev.stm32emu.cli.dfu.DfuFile;
import dev.stm32emu.cli.dfu.DfuInputException;
import dev.stm32emu.cli.dfu.DfuSuffix;
import dev.stm32emu.cli.dfu.DfuseImage;
import dev.stm32emu.core.image.FirmwareImage;
import dev.stm32emu.core.image.ImageException;
import dev.stm32emu.core.image.ImageLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The app to flash, read once: its bytes and SHA-256 for the report, and what the DFU host
 * downloads. A raw binary (optionally with a plain DFU suffix) goes to one address; a DfuSe
 * file, an ELF or an Intel HEX file carries its own addresses (an ELF or HEX file is sent as
 * a DfuSe image with one element per contiguous run of its segments).
 *
 * @param path     the file
 * @param format   "raw", "dfu" (raw with a DFU 1.0 suffix), "dfuse", "elf" or "hex"
 * @param bytes    the file's size
 * @param sha256   SHA-256 of the whole file, lower-case hex
 * @param dfuFile  what the host downloads
 * @param address  where a raw image goes; -1 when the file carries its addresses
 * @param elements the address ranges written, in download order
 */
public record AppFile(Path path, String format, long bytes, String sha256, DfuFile dfuFile, long address,
                      List<Range> elements) {

    /** A written range. */
    public record Range(long address, long size) {
        public long end() {
            return address + size;
        }
    }

    public AppFile {
        elements = List.copyOf(elements);
    }

    /** Whether the file carries its own addresses (no --address). */
    public boolean carriesAddresses() {
        return address < 0;
    }

    /** Bytes the download writes. */
    public long payloadBytes() {
        return elements.stream().mapToLong(Range::size).sum();
    }

    /** The lowest address written (where a leave request points the device). */
    public long firstAddress() {
        return elements.get(0).address();
    }

    /**
     * Reads the app. {@code address} is --address (null when not given); {@code defaultAddress} is
     * used for a raw image without it; {@code alt} is the alternate setting an ELF or HEX file's
     * DfuSe image targets. Bad files and an --address given for a file with addresses are
     * {@link UserError}s.
     */
    public static AppFile read(Path path, Long address, long defaultAddress, int alt) {
        byte[] data;
        try {
            data = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new UserError("--app: " + path + ": no such file");
        } catch (IOException e) {
            throw new UserError("--app: " + path + ": cannot read: " + e.getMessage());
        }
        if (data.length == 0) {
            throw new UserError("--app: " + path + ": the file is empty");
        }
        String sha = sha256(data);
        try {
            FirmwareImage image = ImageLoader.load(path, address == null ? defaultAddress : address);
            if (image.format() != FirmwareImage.Format.BINARY) {
                String format = image.format() == FirmwareImage.Format.ELF ? "elf" : "hex";
                refuseAddress(path, address, format.equals("elf") ? "an ELF file" : "an Intel HEX file");
                return fromSegments(path, format, data.length, sha, image.segments(), alt);
            }
        } catch (ImageException e) {
            throw new UserError("--app: " + e.getMessage());
        }
        DfuFile file;
        try {
            file = DfuFile.parse(path.toString(), data);
        } catch (DfuInputException e) {
            throw new UserError("--app: " + e.getMessage());
        }
        if (file.isDfuse()) {
            refuseAddress(path, address, "a DfuSe file");
            List<Range> ranges = new ArrayList<>();
            for (DfuseImage.Target t : file.dfuseImage().targets()) {
                for (DfuseImage.Element e : t.elements()) {
                    ranges.add(new Range(e.address(), e.size()));
                }
            }
            if (ranges.isEmpty()) {
                throw new UserError("--app: " + path + ": the DfuSe file holds no data");
            }
            return new AppFile(path, "dfuse", data.length, sha, file, -1, ranges);
        }
        long at = address == null ? defaultAddress : address;
        if (file.suffix() == null) {
            file = DfuFile.raw(data); // a .bin: no dfu-util "missing suffix" warnings
        }
        return new AppFile(path, file.suffix() == null ? "raw" : "dfu", data.length, sha, file, at,
                List.of(new Range(at, file.size())));
    }

    /** SHA-256 of {@code data}, lower-case hex. */
    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void refuseAddress(Path path, Long address, String what) {
        if (address != null) {
            throw new UserError("--address: " + path + " is " + what + " that carries its own addresses; "
                    + "drop --address");
        }
    }

    private static AppFile fromSegments(Path path, String format, long size, String sha,
                                        List<FirmwareImage.Segment> segments, int alt) {
        List<FirmwareImage.Segment> sorted = new ArrayList<>(segments);
        sorted.sort((a, b) -> Long.compare(a.address(), b.address()));
        List<DfuseImage.Element> elements = new ArrayList<>();
        long start = -1;
        java.io.ByteArrayOutputStream run = new java.io.ByteArrayOutputStream();
        for (FirmwareImage.Segment s : sorted) {
            if (start >= 0 && s.address() != start + run.size()) {
                elements.add(new DfuseImage.Element(start, run.toByteArray()));
                run.reset();
                start = -1;
            }
            if (start < 0) {
                start = s.address();
            }
            run.writeBytes(s.data());
        }
        if (start >= 0) {
            elements.add(new DfuseImage.Element(start, run.toByteArray()));
        }
        DfuseImage image = new DfuseImage(List.of(new DfuseImage.Target(alt, null, elements)));
        byte[] dfu = image.toFile(DfuSuffix.ANY, DfuSuffix.ANY, DfuSuffix.ANY);
        DfuFile file;
        try {
            file = DfuFile.parse(path.toString(), dfu);
        } catch (DfuInputException e) {
            throw new IllegalStateException("a DfuSe image built here does not parse: " + e.getMessage(), e);
        }
        List<Range> ranges = elements.stream().map(e -> new Range(e.address(), e.size())).toList();
        return new AppFile(path, format, size, sha, file, -1, ranges);
    }
}
