package dev.stm32emu.core.image;

import java.nio.file.Path;
import java.util.List;

/**
 * A firmware file's contents as address-tagged segments.
 *
 * @param source   the file it came from
 * @param format   how it was read
 * @param segments the bytes to place, by load address
 */
public record FirmwareImage(Path source, Format format, List<Segment> segments) {

    /** File formats stm32emu reads. */
    public enum Format { ELF, INTEL_HEX, BINARY }

    /** Bytes to place at a guest address. */
    public record Segment(long address, byte[] data) {
        public long end() {
            return address + data.length;
        }
    }

    public FirmwareImage {
        segments = List.copyOf(segments);
    }

    /** Lowest load address. */
    public long lowestAddress() {
        return segments.stream().mapToLong(Segment::address).min().orElse(0);
    }

    /** One past the highest loaded byte. */
    public long highestEnd() {
        return segments.stream().mapToLong(Segment::end).max().orElse(0);
    }

    /** Total bytes. */
    public long size() {
        return segments.stream().mapToLong(s -> s.data().length).sum();
    }
}
