package dev.stm32emu.cli.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The linux-client options that fail before any guest boots. */
class LinuxClientOptionsTest {

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new LinuxClientCommand());
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    @Test
    void shouldRejectAMalformedUsbipAddressWithExitCode2() {
        assertEquals(2, run("--usbip", "localhost", "--", "true"));
        assertTrue(err.toString().startsWith("--usbip: expected HOST:PORT, got 'localhost'"), err.toString());
    }

    @Test
    void shouldRejectAMissingFileWithExitCode2() {
        assertEquals(2, run("--file", "/no/such/file.bin", "--", "true"));
        assertTrue(err.toString().contains("--file: cannot read /no/such/file.bin"), err.toString());
    }

    @Test
    void shouldRejectABadTimeoutWithExitCode2() {
        assertEquals(2, run("--timeout", "soon", "--", "true"));
        assertTrue(err.toString().contains("'soon' is not a duration"), err.toString());
    }

    @Test
    void shouldRequireACommand() {
        assertEquals(2, run("--busid", "1-1"));
    }

    @Test
    void shouldParseDurations() {
        LinuxClientCommand.DurationConverter c = new LinuxClientCommand.DurationConverter();
        assertEquals(Duration.ofSeconds(90), c.convert("90s"));
        assertEquals(Duration.ofSeconds(90), c.convert("90"));
        assertEquals(Duration.ofMinutes(5), c.convert("5m"));
        assertEquals(Duration.ofMillis(1500), c.convert("1500ms"));
        assertEquals(Duration.ofMinutes(2), c.convert("PT2M"));
        assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("0s"));
    }

    @Test
    void shouldQuoteEachArgumentForTheGuestShell() {
        assertEquals("dfu-util", GuestJob.shellQuote("dfu-util"));
        assertEquals("0x08000000:leave", GuestJob.shellQuote("0x08000000:leave"));
        assertEquals("'a b'", GuestJob.shellQuote("a b"));
        assertEquals("'it'\\''s'", GuestJob.shellQuote("it's"));
        assertEquals("''", GuestJob.shellQuote(""));
        assertEquals("'$HOME'", GuestJob.shellQuote("$HOME"));
    }
}
