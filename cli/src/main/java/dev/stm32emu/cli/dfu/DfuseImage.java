package dev.stm32emu.cli.dfu;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The body of a DfuSe file (ST UM0391): an 11-byte prefix ({@code "DfuSe"}, bVersion 1,
 * DFUImageSize, bTargets), then per target a 274-byte target prefix ({@code "Target"},
 * bAlternateSetting, bTargetNamed (4 bytes), szTargetName (255), dwTargetSize, dwNbElements)
 * followed by its elements (dwElementAddress, dwElementSize, data). All integers little-endian.
 *
 * <p>Parsing follows dfu-util 0.11's {@code dfuse_do_dfuse_dnload} (dfuse.c) check by check and
 * keeps its messages; it adds warnings (not errors) where the file's own size fields disagree
 * with its contents, which dfu-util ignores. Writing follows dfu-util's {@code dfuse-pack.py}.
 *
 * @param targets the targets in file order
 */
public record DfuseImage(List<Target> targets) {

    /** Bytes of the file prefix. */
    public static final int PREFIX_LENGTH = 11;
    /** Bytes of a target prefix. */
    public static final int TARGET_PREFIX_LENGTH = 274;
    /** Bytes of an element header. */
    public static final int ELEMENT_HEADER_LENGTH = 8;
    private static final int NAME_OFFSET = 11;
    private static final int NAME_LENGTH = 255;

    public DfuseImage {
        targets = List.copyOf(targets);
        if (targets.size() > 255) {
            throw new IllegalArgumentException("a DfuSe file holds at most 255 targets");
        }
    }

    /** A single-target, single-element image, the common case for a firmware file. */
    public static DfuseImage of(int alternateSetting, String name, long address, byte[] data) {
        return new DfuseImage(List.of(new Target(alternateSetting, name, List.of(new Element(address, data)))));
    }

    /**
     * Parses the body of a DfuSe file (the file without its suffix).
     *
     * @param warnings receives what dfu-util would warn about, or tolerate silently
     */
    public static DfuseImage parse(byte[] body, List<String> warnings) throws DfuInputException {
        if (body.length < PREFIX_LENGTH + TARGET_PREFIX_LENGTH + ELEMENT_HEADER_LENGTH) {
            throw new DfuInputException("File too small for a DfuSe file (" + body.length + " bytes before the suffix)");
        }
        if (!new String(body, 0, 5, StandardCharsets.ISO_8859_1).equals("DfuSe")) {
            throw new DfuInputException("No valid DfuSe signature (the file does not start with \"DfuSe\")");
        }
        if (body[5] != 1) {
            throw new DfuInputException("DFU format revision " + (body[5] & 0xFF) + " not supported");
        }
        long imageSize = u32(body, 6);
        if (imageSize != body.length) {
            warnings.add("DfuSe prefix says the image is " + imageSize + " bytes, but it is " + body.length);
        }
        int bTargets = body[10] & 0xFF;
        int pos = PREFIX_LENGTH;
        List<Target> targets = new ArrayList<>();
        for (int t = 1; t <= bTargets; t++) {
            need(body, pos, TARGET_PREFIX_LENGTH, "target " + t + " prefix");
            if (!new String(body, pos, 6, StandardCharsets.ISO_8859_1).equals("Target")) {
                throw new DfuInputException("No valid target signature in target " + t + " at offset " + pos);
            }
            int alt = body[pos + 6] & 0xFF;
            String name = body[pos + 7] != 0 ? cString(body, pos + NAME_OFFSET, NAME_LENGTH) : null;
            long targetSize = u32(body, pos + 266);
            long nbElements = u32(body, pos + 270);
            pos += TARGET_PREFIX_LENGTH;
            int elementsStart = pos;
            List<Element> elements = new ArrayList<>();
            for (long e = 1; e <= nbElements; e++) {
                need(body, pos, ELEMENT_HEADER_LENGTH, "element " + e + " header of target " + t);
                long address = u32(body, pos);
                long size = u32(body, pos + 4);
                pos += ELEMENT_HEADER_LENGTH;
                if (size > body.length - pos) {
                    throw new DfuInputException(String.format("File too small for element size: target %d element %d "
                            + "at 0x%08x claims %d bytes, %d remain", t, e, address, size, body.length - pos));
                }
                elements.add(new Element(address, Arrays.copyOfRange(body, pos, pos + (int) size)));
                pos += (int) size;
            }
            if (targetSize != pos - elementsStart) {
                warnings.add("target " + t + " says its size is " + targetSize + " bytes, its elements take "
                        + (pos - elementsStart));
            }
            targets.add(new Target(alt, name, elements));
        }
        if (pos != body.length) {
            warnings.add((body.length - pos) + " bytes leftover");
        }
        return new DfuseImage(targets);
    }

    /** The file body (prefix and targets, no suffix), laid out as dfuse-pack.py writes it. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[PREFIX_LENGTH]);
        for (Target t : targets) {
            byte[] prefix = new byte[TARGET_PREFIX_LENGTH];
            System.arraycopy("Target".getBytes(StandardCharsets.ISO_8859_1), 0, prefix, 0, 6);
            prefix[6] = (byte) t.alternateSetting();
            if (t.name() != null) {
                prefix[7] = 1;
                byte[] n = t.name().getBytes(StandardCharsets.ISO_8859_1);
                System.arraycopy(n, 0, prefix, NAME_OFFSET, Math.min(n.length, NAME_LENGTH - 1));
            }
            put32(prefix, 266, t.elements().stream().mapToLong(e -> ELEMENT_HEADER_LENGTH + e.data().length).sum());
            put32(prefix, 270, t.elements().size());
            out.writeBytes(prefix);
            for (Element e : t.elements()) {
                byte[] header = new byte[ELEMENT_HEADER_LENGTH];
                put32(header, 0, e.address());
                put32(header, 4, e.data().length);
                out.writeBytes(header);
                out.writeBytes(e.data());
            }
        }
        byte[] body = out.toByteArray();
        System.arraycopy("DfuSe".getBytes(StandardCharsets.ISO_8859_1), 0, body, 0, 5);
        body[5] = 1;
        put32(body, 6, body.length);
        body[10] = (byte) targets.size();
        return body;
    }

    /** The complete .dfu file: body plus a DfuSe suffix (bcdDFU 0x011A) with these IDs. */
    public byte[] toFile(int idVendor, int idProduct, int bcdDevice) {
        return DfuSuffix.append(toBytes(), idVendor, idProduct, bcdDevice, DfuSuffix.BCD_DFUSE);
    }

    private static void need(byte[] b, int pos, int n, String what) throws DfuInputException {
        if (b.length - pos < n) {
            throw new DfuInputException("Corrupt DfuSe file: cannot read " + n + " bytes of the " + what
                    + " from " + (b.length - pos) + " bytes (file truncated?)");
        }
    }

    private static String cString(byte[] b, int off, int max) {
        int end = off;
        while (end < off + max && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.ISO_8859_1);
    }

    private static long u32(byte[] b, int p) {
        return (b[p] & 0xFFL) | (b[p + 1] & 0xFFL) << 8 | (b[p + 2] & 0xFFL) << 16 | (b[p + 3] & 0xFFL) << 24;
    }

    private static void put32(byte[] b, int p, long v) {
        for (int i = 0; i < 4; i++) {
            b[p + i] = (byte) (v >>> (8 * i));
        }
    }

    /**
     * One target: the image for one alternate setting.
     *
     * @param name the target name, or null when bTargetNamed is 0
     */
    public record Target(int alternateSetting, String name, List<Element> elements) {
        public Target {
            if (alternateSetting < 0 || alternateSetting > 255) {
                throw new IllegalArgumentException("alternate setting " + alternateSetting);
            }
            elements = List.copyOf(elements);
        }
    }

    /** One element: {@code data} to be written at {@code address}. */
    public record Element(long address, byte[] data) {
        public Element {
            if (address < 0 || address > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("address " + address);
            }
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        /** Size in bytes (without copying the data). */
        public int size() {
            return data.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Element e && e.address == address && Arrays.equals(e.data, data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(address, Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return String.format("Element[0x%08x, %d bytes]", address, data.length);
        }
    }
}
