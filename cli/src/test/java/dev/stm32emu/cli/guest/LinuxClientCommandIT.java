package dev.stm32emu.cli.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** linux-client end to end against the fake USB/IP server: boot, attach, run, copy back. */
class LinuxClientCommandIT {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new LinuxClientCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int rc = cl.execute(args);
        System.out.println("--- stdout\n" + out + "--- stderr\n" + err);
        return rc;
    }

    @Test
    void shouldRunTheCommandAgainstTheAttachedDeviceAndCopyItsFilesBack() throws Exception {
        Path input = Files.writeString(dir.resolve("in.txt"), "from the host\n");
        Path into = Files.createDirectory(dir.resolve("into"));
        try (FakeUsbIpServer server = new FakeUsbIpServer()) {
            int rc = run("--usbip", "127.0.0.1:" + server.port(), "--file", input.toString(), "--into", into.toString(),
                    "--", "sh", "-c", "dfu-util -l > list.txt; cat in.txt; exit 3");
            assertEquals(3, rc);
        }
        assertEquals("from the host\n", out.toString());
        assertTrue(err.toString().contains("attached 1-1 as port 0 (0483:df11)"), err.toString());
        assertTrue(err.toString().contains("copied back list.txt"), err.toString());
        assertTrue(Files.readString(into.resolve("list.txt")).contains("Found DFU: [0483:df11]"));
        assertTrue(Files.notExists(into.resolve("in.txt")), "an unchanged input came back");
    }

    @Test
    void shouldRefuseToOverwriteAnExistingFileWithoutForce() throws Exception {
        Files.writeString(dir.resolve("out.txt"), "old\n");
        int rc = run("--no-attach", "--into", dir.toString(), "--", "sh", "-c", "echo new > out.txt");
        assertEquals(1, rc);
        assertTrue(err.toString().contains("error: not copied back, would overwrite: out.txt (use --force)"), err.toString());
        assertEquals("old\n", Files.readString(dir.resolve("out.txt")));

        rc = run("--no-attach", "--force", "--into", dir.toString(), "--", "sh", "-c", "echo new > out.txt");
        assertEquals(0, rc);
        assertEquals("new\n", Files.readString(dir.resolve("out.txt")));
    }

    @Test
    void shouldFailWithOneLineWhenTheDeviceCannotBeAttached() throws Exception {
        int rc;
        try (FakeUsbIpServer server = new FakeUsbIpServer()) {
            rc = run("--usbip", "127.0.0.1:" + server.port(), "--busid", "9-9", "--into", dir.toString(), "--", "true");
        }
        assertEquals(1, rc);
        String errorLines = err.toString().lines().filter(l -> l.startsWith("error:")).reduce("", (a, b) -> a + b + "\n");
        assertTrue(errorLines.startsWith("error: could not attach 9-9 from 127.0.0.1:"), err.toString());
        assertEquals(1, errorLines.lines().count(), errorLines);
    }

    @Test
    void shouldFailFastWhenNoServerListens() {
        long t0 = System.nanoTime();
        int rc = run("--usbip", "127.0.0.1:1", "--", "true");
        assertEquals(1, rc);
        assertTrue(err.toString().startsWith("error: cannot reach the USB/IP server at 127.0.0.1:1 ("), err.toString());
        assertTrue(out.toString().isEmpty());
        System.out.printf("refused in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }
}
