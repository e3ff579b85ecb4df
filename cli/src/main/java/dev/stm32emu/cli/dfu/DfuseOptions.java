package dev.stm32emu.cli.dfu;

/**
 * The DfuSe options of dfu-util's {@code -s}/{@code --dfuse-address}:
 * {@code ADDRESS[:force][:leave][:unprotect][:mass-erase][:will-reset][:LENGTH]}, parsed as
 * dfu-util 0.11's {@code dfuse_parse_options} (dfuse.c) does: the address (possibly empty) comes
 * first; numbers are C {@code strtoul(…, 0)} numbers (0x hex, leading-0 octal, decimal); any
 * number after the address is the upload length.
 *
 * <p>Deviation: dfu-util compares modifiers with {@code strncmp(word, "force", strlen(word))}, so
 * abbreviations such as {@code :l} are taken, and then skips the full keyword length, which runs
 * past short words. Only complete keywords are accepted here.
 *
 * @param address    the target address, or -1 when none was given
 * @param length     the upload length, 0 when none was given
 * @param force      how many times {@code force} was given (it disables the layout checks)
 * @param leave      leave DFU mode and start the application afterwards
 * @param unprotect  read-unprotect (erases the chip; requires force)
 * @param massErase  mass erase before the download (requires force)
 * @param willReset  the device resets itself after the download (e.g. option bytes): no final ABORT
 */
public record DfuseOptions(long address, long length, int force, boolean leave, boolean unprotect,
                           boolean massErase, boolean willReset) {

    /** No address, no modifiers. */
    public static final DfuseOptions NONE = new DfuseOptions(-1, 0, 0, false, false, false, false);

    public DfuseOptions {
        if (address < -1 || address > 0xFFFF_FFFFL || length < 0 || length > 0xFFFF_FFFFL || force < 0) {
            throw new IllegalArgumentException("bad DfuSe options");
        }
    }

    /** Options for a download or upload at {@code address}. */
    public static DfuseOptions at(long address) {
        return NONE.withAddress(address);
    }

    /** Parses a {@code -s} argument; errors carry dfu-util's wording. */
    public static DfuseOptions parse(String options) throws DfuInputException {
        DfuseOptions o = NONE;
        String[] words = options.split(":", -1);
        if (!words[0].isEmpty()) {
            long a = parseNumber(words[0]);
            if (a < 0) {
                throw new DfuInputException("Invalid dfuse address: " + options);
            }
            o = o.withAddress(a);
        }
        for (int i = 1; i < words.length; i++) {
            String w = words[i];
            switch (w) {
                case "" -> { }
                case "force" -> o = new DfuseOptions(o.address, o.length, o.force + 1, o.leave, o.unprotect,
                        o.massErase, o.willReset);
                case "leave" -> o = o.withLeave(true);
                case "unprotect" -> o = new DfuseOptions(o.address, o.length, o.force, o.leave, true,
                        o.massErase, o.willReset);
                case "mass-erase" -> o = new DfuseOptions(o.address, o.length, o.force, o.leave, o.unprotect,
                        true, o.willReset);
                case "will-reset" -> o = new DfuseOptions(o.address, o.length, o.force, o.leave, o.unprotect,
                        o.massErase, true);
                default -> {
                    long n = parseNumber(w);
                    if (n < 0) {
                        throw new DfuInputException("Invalid dfuse modifier: " + w);
                    }
                    o = o.withLength(n);
                }
            }
        }
        return o;
    }

    public boolean hasAddress() {
        return address >= 0;
    }

    public DfuseOptions withAddress(long a) {
        return new DfuseOptions(a, length, force, leave, unprotect, massErase, willReset);
    }

    public DfuseOptions withLength(long n) {
        return new DfuseOptions(address, n, force, leave, unprotect, massErase, willReset);
    }

    public DfuseOptions withLeave(boolean l) {
        return new DfuseOptions(address, length, force, l, unprotect, massErase, willReset);
    }

    public DfuseOptions withForce() {
        return new DfuseOptions(address, length, force + 1, leave, unprotect, massErase, willReset);
    }

    public DfuseOptions withMassErase() {
        return new DfuseOptions(address, length, force, leave, unprotect, true, willReset);
    }

    /** The option string dfu-util would be given for these options. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(hasAddress() ? String.format("0x%08x", address) : "");
        b.append(":force".repeat(force));
        if (leave) {
            b.append(":leave");
        }
        if (unprotect) {
            b.append(":unprotect");
        }
        if (massErase) {
            b.append(":mass-erase");
        }
        if (willReset) {
            b.append(":will-reset");
        }
        if (length > 0) {
            b.append(':').append(length);
        }
        return b.toString();
    }

    /** strtoul(s, &end, 0) that must consume all of {@code s}; -1 if it does not or overflows 32 bits. */
    static long parseNumber(String s) {
        int radix = 10;
        String digits = s;
        if (s.length() > 2 && (s.startsWith("0x") || s.startsWith("0X"))) {
            radix = 16;
            digits = s.substring(2);
        } else if (s.length() > 1 && s.startsWith("0")) {
            radix = 8;
            digits = s.substring(1);
        }
        if (digits.isEmpty() || digits.length() > 11) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), radix);
            if (d < 0) {
                return -1;
            }
            v = v * radix + d;
        }
        return v > 0xFFFF_FFFFL ? -1 : v;
    }
}
