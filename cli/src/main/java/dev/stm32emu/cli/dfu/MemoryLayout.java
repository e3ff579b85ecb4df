package dev.stm32emu.cli.dfu;

import java.util.ArrayList;
import java.util.List;

/**
 * A DfuSe memory layout, parsed from an alternate setting's interface string
 * ({@code @Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg}) exactly as dfu-util 0.11's
 * {@code parse_memory_layout} (dfuse_mem.c) reads it; UM0424 §4.3.2 defines the format.
 *
 * <p>Grammar, as dfu-util's sscanf patterns accept it: {@code @} name up to the first {@code /};
 * then blocks {@code /0x<hex address>/} each followed by segments {@code <count>*<size><multiplier><type>}
 * separated by {@code ,}. Counts and sizes are decimal and may have leading blanks. The multiplier
 * is {@code B}, {@code K} (1024) or {@code M} (1 MiB); any other character means bytes (ST writes a
 * blank: {@code 01*016 g}), and a letter a-g there without a following type is taken as the type.
 * The type letter's low three bits are readable (1), erasable (2), writeable (4): {@code a}=r,
 * {@code b}=e, {@code c}=re, {@code d}=w, {@code e}=rw, {@code f}=ew, {@code g}=rew. A layout named
 * exactly {@code Device Feature} is forced to type {@code e} (dfu-util's STM32F4 quirk).
 *
 * <p>Where dfu-util only warns and carries on, this parser does the same and records the warning
 * in {@link #warnings()} (so tests of our own bootloaders can insist on a clean string). Where
 * dfu-util fails ("Failed to parse memory layout": no {@code @name}, no segment at all) or where
 * its sscanf loop would run on with a stale offset (a hex address not followed by {@code /}),
 * this parser throws {@link DfuInputException}; for a segment with nothing after the multiplier,
 * where dfu-util also reuses a stale offset, it simply continues after the multiplier. Counts and sizes that are zero, negative or
 * overflow 32 bits are refused as well; dfu-util computes nonsense for them.
 */
public final class MemoryLayout {

    /** dfu-util's quirk name (dfuse_mem.c: "Quirk for STM32F4 devices"). */
    static final String DEVICE_FEATURE = "Device Feature";

    private final String source;
    private final String name;
    private final List<MemorySegment> segments;
    private final List<String> warnings;

    private MemoryLayout(String source, String name, List<MemorySegment> segments, List<String> warnings) {
        this.source = source;
        this.name = name;
        this.segments = List.copyOf(segments);
        this.warnings = List.copyOf(warnings);
    }

    /** Parses an interface string; see the class comment for what is refused. */
    public static MemoryLayout parse(String layout) throws DfuInputException {
        return new Parser(layout).parse();
    }

    /** The string this layout was parsed from. */
    public String source() {
        return source;
    }

    /** The name between '@' and the first '/', blanks kept ("Internal Flash  "). */
    public String name() {
        return name;
    }

    /** Segments in string order; lookups take the first match, as dfu-util's find_segment. */
    public List<MemorySegment> segments() {
        return segments;
    }

    /** What dfu-util would have warned about while parsing; empty for a clean string. */
    public List<String> warnings() {
        return warnings;
    }

    /** The first segment containing {@code address}, or null (dfuse_mem.c find_segment). */
    public MemorySegment segmentAt(long address) {
        for (MemorySegment s : segments) {
            if (s.contains(address)) {
                return s;
            }
        }
        return null;
    }

    public boolean isReadable(long address) {
        MemorySegment s = segmentAt(address);
        return s != null && s.readable();
    }

    public boolean isErasable(long address) {
        MemorySegment s = segmentAt(address);
        return s != null && s.erasable();
    }

    public boolean isWriteable(long address) {
        MemorySegment s = segmentAt(address);
        return s != null && s.writeable();
    }

    /** The erase page of {@code address}, or -1 if no segment contains it. */
    public long pageAddress(long address) {
        MemorySegment s = segmentAt(address);
        return s == null ? -1 : s.pageAddress(address);
    }

    /** One line for messages: the source string and its segments. */
    public String describe() {
        StringBuilder b = new StringBuilder().append('"').append(source).append("\" (");
        for (int i = 0; i < segments.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(segments.get(i));
        }
        return b.append(')').toString();
    }

    @Override
    public String toString() {
        return source;
    }

    /** A cursor over the string that mimics the sscanf conversions dfu-util uses. */
    private static final class Parser {
        private final String s;
        private final List<MemorySegment> segments = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        MemoryLayout parse() throws DfuInputException {
            // "@%[^/]": an '@' and at least one character that is not '/'
            int slash = s.indexOf('/');
            int nameEnd = slash < 0 ? s.length() : slash;
            if (!s.startsWith("@") || nameEnd < 2) {
                throw bad("it must start with '@' and a name, e.g. \"@Internal Flash /0x08000000/16*1Kg\"");
            }
            String name = s.substring(1, nameEnd);
            pos = nameEnd;
            int count = 0;
            while (s.startsWith("/0x", pos)) {
                long address = parseAddress();
                count = parseBlock(name, address, count);
            }
            if (pos < s.length()) {
                warnings.add("ignored text at offset " + pos + ": \"" + s.substring(pos) + "\"");
            }
            if (segments.isEmpty()) {
                throw bad("no memory segment could be read (expected \"/0x<address>/<count>*<size><unit><type>\")");
            }
            return new MemoryLayout(s, name, segments, warnings);
        }

        /** "/0x%x/": a hex address, then '/'. */
        private long parseAddress() throws DfuInputException {
            pos += 3;
            skipBlanks();
            int digitsStart = pos;
            while (pos < s.length() && Character.digit(s.charAt(pos), 16) >= 0) {
                pos++;
            }
            if (pos == digitsStart || pos - digitsStart > 8) {
                throw bad("bad hex address at offset " + digitsStart);
            }
            long address = Long.parseLong(s.substring(digitsStart, pos), 16);
            if (pos >= s.length() || s.charAt(pos) != '/') {
                throw bad(String.format("expected '/' after address 0x%08x at offset %d", address, pos));
            }
            pos++;
            return address;
        }

        /** The segments of one block: "%d*%d%c%[^,/]" repeated while separated by ','. */
        private int parseBlock(String name, long address, int count) throws DfuInputException {
            while (true) {
                int segmentStart = pos;
                long sectors = parseDecimal();
                if (sectors < 0 || !consume('*')) {
                    pos = segmentStart;
                    return count;
                }
                long size = parseDecimal();
                if (size < 0 || pos >= s.length()) {
                    pos = segmentStart;
                    return count;
                }
                char multiplier = s.charAt(pos++);
                int typeStart = pos;
                while (pos < s.length() && s.charAt(pos) != ',' && s.charAt(pos) != '/') {
                    pos++;
                }
                String typeString = s.substring(typeStart, pos);
                count++;
                char memtype = 0;
                if (!typeString.isEmpty()) {
                    if (typeString.length() != 1) {
                        warnings.add("Parsing type identifier '" + typeString + "' failed for segment " + count);
                        continue;
                    }
                    memtype = typeString.charAt(0);
                }
                if (name.equals(DEVICE_FEATURE)) {
                    memtype = 'e';
                }
                switch (multiplier) {
                    case 'B' -> { }
                    case 'K' -> size *= 1024;
                    case 'M' -> size *= 1024 * 1024;
                    default -> {
                        if (multiplier >= 'a' && multiplier <= 'g' && memtype == 0) {
                            warnings.add("Non-valid multiplier '" + multiplier
                                    + "', interpreted as type identifier instead");
                            memtype = multiplier;
                        } else {
                            warnings.add("Non-valid multiplier '" + multiplier + "', assuming bytes");
                        }
                    }
                }
                if (memtype == 0) {
                    warnings.add("No valid type for segment " + count);
                    continue;
                }
                if (sectors == 0 || size == 0) {
                    throw bad("segment " + count + " has a zero count or size");
                }
                long end = address + sectors * size - 1;
                if (end > 0xFFFF_FFFFL) {
                    throw bad(String.format("segment %d at 0x%08x (%d x %d bytes) runs past 0xffffffff",
                            count, address, sectors, size));
                }
                segments.add(new MemorySegment(address, end, size, memtype & 7));
                address = end + 1;
                if (!consume(',')) {
                    return count;
                }
            }
        }

        /** "%d" for non-negative values: blanks, then digits; -1 if there are none. */
        private long parseDecimal() throws DfuInputException {
            skipBlanks();
            int start = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == start) {
                return -1;
            }
            if (pos - start > 9) {
                throw bad("number too large at offset " + start);
            }
            return Long.parseLong(s.substring(start, pos));
        }

        private boolean consume(char c) {
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void skipBlanks() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private DfuInputException bad(String why) {
            return new DfuInputException("Failed to parse memory layout \"" + s + "\": " + why);
        }
    }
}
