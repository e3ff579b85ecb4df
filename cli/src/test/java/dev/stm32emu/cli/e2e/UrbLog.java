package dev.stm32emu.cli.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bridge's URB log ({@code stm32emu run --usbip-log}): one JSON line per URB it completed,
 * {"t":virtual ns,"seq","ep","dir","setup":hex|null,"length","status":errno,"actual","note"}.
 */
final class UrbLog {
    private static final Pattern LINE = Pattern.compile("\\{\"t\":(\\d+),\"seq\":(\\d+),\"ep\":(\\d+),\"dir\":\"(in|out)\","
            + "\"setup\":(?:\"([0-9a-f]{16})\"|null),\"length\":(\\d+),\"status\":(-?\\d+),\"actual\":(\\d+),"
            + "\"note\":\"(.*)\"}");

    /** DfuSe DNLOAD of a data block (bmRequestType 0x21, DNLOAD, wValue 2): setup prefix. */
    static final String DNLOAD_DATA = "21010200";
    /** DNLOAD block 0 (a DfuSe command: SET_ADDRESS, ERASE). */
    static final String DNLOAD_COMMAND = "21010000";
    static final String GETSTATUS = "a1030000";

    private UrbLog() {
    }

    /** One logged URB. {@code setup} is the 8 setup bytes as hex ("" for non-control endpoints). */
    record Urb(long virtualNs, int seq, int ep, boolean in, String setup, int length, int status, int actual,
               String note) {
        boolean is(String setupPrefix) {
            return setup.startsWith(setupPrefix);
        }

        @Override
        public String toString() {
            return "seq " + seq + " ep" + ep + " " + (in ? "IN" : "OUT") + " setup " + setup + " length " + length
                    + " -> status " + status + " actual " + actual + " (" + note + ")";
        }
    }

    /**
     * A URB error the tests expect, with the reason it is right.
     *
     * @param setupPrefix the request (hex prefix of the setup packet)
     * @param status      the negative errno it completes with
     */
    record ExpectedError(String setupPrefix, int status, String reason) {
        boolean matches(Urb u) {
            return u.is(setupPrefix) && u.status() == status;
        }
    }

    /**
     * The only errors a session with our bootloader may show. Everything the firmware rejects
     * on purpose is listed here with its reason; anything else is a failure.
     */
    static final List<ExpectedError> EXPECTED = List.of(
            new ExpectedError("80060006", -32, "GET_DESCRIPTOR(DEVICE_QUALIFIER): the kernel asks because bcdUSB is "
                    + "2.00 and vhci's root hub is high speed; a full-speed-only device must STALL it (USB 2.0 "
                    + "§9.6.2); Linux asks three times on every enumeration"));

    static List<Urb> read(Path file) {
        try {
            return parse(Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses complete lines; a malformed line fails (a line cut by a kill is left out by the reader). */
    static List<Urb> parse(List<String> lines) {
        List<Urb> out = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("not a URB log line: " + line);
            }
            out.add(new Urb(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    m.group(4).equals("in"), m.group(5) == null ? "" : m.group(5), Integer.parseInt(m.group(6)),
                    Integer.parseInt(m.group(7)), Integer.parseInt(m.group(8)), m.group(9)));
        }
        return out;
    }

    /** The URBs that completed with an error not in {@link #EXPECTED}. */
    static List<Urb> unexpectedErrors(List<Urb> urbs) {
        return urbs.stream().filter(u -> u.status() != 0)
                .filter(u -> EXPECTED.stream().noneMatch(e -> e.matches(u))).toList();
    }

    /**
     * A failure message for unexpected errors. An unlinked URB (-104) means the client gave up
     * waiting (libusb: 1 s for a string descriptor, dfu-util: 5 s): either the emulator did not
     * answer, or the URB reached it too late because the host was overloaded (seen only with the
     * two cores saturated on purpose; the guest console then shows dfu-util's timeout).
     */
    static String describe(List<Urb> unexpected, Path log) {
        StringBuilder b = new StringBuilder("unexpected URB errors (log: " + log + "):");
        for (Urb u : unexpected) {
            b.append("\n  ").append(u);
            if (u.status() == -104) {
                b.append("\n    unlinked by the client after its timeout: the emulator did not answer in time, or "
                        + "the URB reached it late (an overloaded host); compare 't' with the URBs around it");
            }
        }
        return b.toString();
    }

    static long count(List<Urb> urbs, String setupPrefix) {
        return urbs.stream().filter(u -> u.is(setupPrefix)).count();
    }
}
