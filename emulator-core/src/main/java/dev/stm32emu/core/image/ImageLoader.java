package dev.stm32emu.core.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads firmware files: ELF (by program headers, at their physical load addresses),
 * Intel HEX, or raw binary (at the flash base or a given load address). The format is
 * recognised by content, not by file name. Every problem is an {@link ImageException}
 * whose message names the file and what is wrong.
 */
public final class ImageLoader {
    private static final int EM_ARM = 40;
    private static final int PT_LOAD = 1;

    private ImageLoader() {
    }

    /**
     * @param file        the firmware file
     * @param loadAddress where a raw binary goes (ignored for ELF and HEX, which carry addresses)
     */
    public static FirmwareImage load(Path file, long loadAddress) throws ImageException {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImageException(file + ": no such file");
        } catch (IOException e) {
            throw new ImageException(file + ": cannot read: " + e.getMessage());
        }
        if (data.length == 0) {
            throw new ImageException(file + ": the file is empty");
        }
        if (data.length >= 4 && data[0] == 0x7F && data[1] == 'E' && data[2] == 'L' && data[3] == 'F') {
            return new FirmwareImage(file, FirmwareImage.Format.ELF, elf(file, data));
        }
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (data[0] == ':' && looksLikeText(data)) {
            return new FirmwareImage(file, FirmwareImage.Format.INTEL_HEX, hex(file, data));
        }
        if (name.endsWith(".elf") || name.endsWith(".axf")) {
            throw new ImageException(file + ": named like an ELF file but is not one (no ELF header)");
        }
        if (name.endsWith(".hex") || name.endsWith(".ihex")) {
            throw new ImageException(file + ": named like an Intel HEX file but does not start with a ':' record");
        }
        if (looksLikeText(data)) {
            throw new ImageException(file + ": unknown format: a text file that is neither Intel HEX nor ELF "
                    + "(raw binaries are accepted, text is not)");
        }
        return new FirmwareImage(file, FirmwareImage.Format.BINARY,
                List.of(new FirmwareImage.Segment(loadAddress, data)));
    }

    /** Same as {@link #load(Path, long)}, for callers with an optional override. */
    public static FirmwareImage load(Path file, OptionalLong loadAddress, long defaultBase) throws ImageException {
        return load(file, loadAddress.orElse(defaultBase));
    }

    private static List<FirmwareImage.Segment> elf(Path file, byte[] data) throws ImageException {
        if (data.length < 52) {
            throw new ImageException(file + ": truncated ELF header");
        }
        if (data[4] != 1) {
            throw new ImageException(file + ": 64-bit ELF; expected a 32-bit ARM (Cortex-M) image");
        }
        if (data[5] != 1) {
            throw new ImageException(file + ": big-endian ELF; expected little-endian ARM");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int machine = Short.toUnsignedInt(b.getShort(18));
        if (machine != EM_ARM) {
            throw new ImageException(file + ": ELF for another architecture (e_machine " + machine + "), expected ARM (40)");
        }
        long phoff = Integer.toUnsignedLong(b.getInt(28));
        int phentsize = Short.toUnsignedInt(b.getShort(42));
        int phnum = Short.toUnsignedInt(b.getShort(44));
        if (phnum == 0) {
            throw new ImageException(file + ": ELF has no program headers (link it, don't pass an object file)");
        }
        if (phentsize < 32 || phoff + (long) phentsize * phnum > data.length) {
            throw new ImageException(file + ": ELF program header table is truncated");
        }
        List<FirmwareImage.Segment> out = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int h = (int) (phoff + (long) i * phentsize);
            int type = b.getInt(h);
            long offset = Integer.toUnsignedLong(b.getInt(h + 4));
            long paddr = Integer.toUnsignedLong(b.getInt(h + 12));
            long filesz = Integer.toUnsignedLong(b.getInt(h + 16));
            if (type != PT_LOAD || filesz == 0) {
                continue;
            }
            if (offset + filesz > data.length) {
                throw new ImageException(file + ": ELF segment " + i + " extends past the end of the file");
            }
            byte[] seg = new byte[(int) filesz];
            System.arraycopy(data, (int) offset, seg, 0, (int) filesz);
            out.add(new FirmwareImage.Segment(paddr, seg));
        }
        if (out.isEmpty()) {
            throw new ImageException(file + ": ELF has no loadable segments with contents");
        }
        return out;
    }

    private static List<FirmwareImage.Segment> hex(Path file, byte[] raw) throws ImageException {
        String[] lines = new String(raw, StandardCharsets.US_ASCII).split("\r?\n");
        List<FirmwareImage.Segment> out = new ArrayList<>();
        java.io.ByteArrayOutputStream current = new java.io.ByteArrayOutputStream();
        long currentStart = -1;
        long upper = 0;
        boolean eof = false;
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].trim();
            if (line.isEmpty()) {
                continue;
            }
            if (eof) {
                throw new ImageException(file + ": line " + (n + 1) + ": data after the end-of-file record");
            }
            byte[] rec = hexRecord(file, n + 1, line);
            int length = rec[0] & 0xFF;
            int offset = ((rec[1] & 0xFF) << 8) | (rec[2] & 0xFF);
            int type = rec[3] & 0xFF;
            switch (type) {
                case 0x00 -> {
                    long address = upper + offset;
                    if (currentStart < 0 || address != currentStart + current.size()) {
                        flush(out, currentStart, current);
                        current = new java.io.ByteArrayOutputStream();
                        currentStart = address;
                    }
                    current.write(rec, 4, length);
                }
                case 0x01 -> eof = true;
                case 0x02 -> upper = (long) ((((rec[4] & 0xFF) << 8) | (rec[5] & 0xFF))) << 4;
                case 0x04 -> upper = (long) ((((rec[4] & 0xFF) << 8) | (rec[5] & 0xFF))) << 16;
                case 0x03, 0x05 -> {
                    // start address records: the core starts from the vector table instead
                }
                default -> throw new ImageException(file + ": line " + (n + 1) + ": unknown record type " + type);
            }
        }
        flush(out, currentStart, current);
        if (!eof) {
            throw new ImageException(file + ": Intel HEX without an end-of-file record (truncated?)");
        }
        if (out.isEmpty()) {
            throw new ImageException(file + ": Intel HEX file holds no data");
        }
        return out;
    }

    private static byte[] hexRecord(Path file, int lineNo, String line) throws ImageException {
        if (!line.startsWith(":") || (line.length() - 1) % 2 != 0 || line.length() < 11) {
            throw new ImageException(file + ": line " + lineNo + ": not an Intel HEX record");
        }
        byte[] rec = new byte[(line.length() - 1) / 2];
        for (int i = 0; i < rec.length; i++) {
            int hi = Character.digit(line.charAt(1 + 2 * i), 16);
            int lo = Character.digit(line.charAt(2 + 2 * i), 16);
            if (hi < 0 || lo < 0) {
                throw new ImageException(file + ": line " + lineNo + ": not a hex digit");
            }
            rec[i] = (byte) ((hi << 4) | lo);
        }
        int length = rec[0] & 0xFF;
        if (rec.length != length + 5) {
            throw new ImageException(file + ": line " + lineNo + ": record length " + length + " does not match the line");
        }
        int sum = 0;
        for (byte x : rec) {
            sum += x & 0xFF;
        }
        if ((sum & 0xFF) != 0) {
            throw new ImageException(file + ": line " + lineNo + ": bad checksum");
        }
        return rec;
    }

    private static void flush(List<FirmwareImage.Segment> out, long start, java.io.ByteArrayOutputStream bytes) {
        if (start >= 0 && bytes.size() > 0) {
            out.add(new FirmwareImage.Segment(start, bytes.toByteArray()));
        }
    }

    private static boolean looksLikeText(byte[] data) {
        int n = Math.min(data.length, 256);
        for (int i = 0; i < n; i++) {
            int c = data[i] & 0xFF;
            if (c != '\r' && c != '\n' && (c < 0x20 || c > 0x7E)) {
                return false;
            }
        }
        return true;
    }
}
