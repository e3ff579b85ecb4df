package dev.stm32emu.cli.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots the real guest (TCG here) and checks what comes back. Each nested class is one boot.
 * Timings are printed, not asserted (DEVELOPING.md: no wall-time assertions).
 */
class GuestRunIT {

    private static GuestImage image;

    @BeforeAll
    static void buildImage() throws GuestException {
        long t0 = System.nanoTime();
        image = GuestImage.ensure(line -> System.out.println("  " + line));
        System.out.printf("guest image ready in %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, image);
    }

    private static GuestRun.Builder session() {
        return GuestRun.builder().image(image).timeout(Duration.ofSeconds(90))
                .consoleSink(line -> System.out.println("  " + line));
    }

    private static void report(String what, GuestResult r) {
        System.out.printf("%s: %s, boot-to-ready %s ms, whole session %d ms (%s, %s)%n", what, r.outcome(),
                r.bootToReady().map(Duration::toMillis).map(String::valueOf).orElse("-"), r.elapsed().toMillis(),
                r.accelerator(), r.machine());
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ToolsSession {
        private GuestResult result;

        @BeforeAll
        void boot() throws GuestException {
            result = session()
                    .command("uname -r")
                    .command("usbip version")
                    .command("dfu-util -V")
                    .command("echo to-stderr >&2; exit 7")
                    .command("printf 'no newline'")
                    .command("sleep 30")
                    .commandTimeout(Duration.ofSeconds(2))
                    .run();
            report("tools session", result);
        }

        @Test
        void shouldCompleteAndReportReadiness() {
            assertTrue(result.completed(), result::toString);
            assertTrue(result.bootToReady().isPresent());
            assertEquals(6, result.commands().size());
        }

        @Test
        void shouldRunTheImagesKernel() {
            assertEquals(0, result.command(1).exitCode());
            assertEquals(image.kernelVersion(), result.command(1).output().strip());
        }

        @Test
        void shouldRunUsbipFromTheDebianPackage() {
            assertEquals(0, result.command(2).exitCode());
            assertTrue(result.command(2).output().contains("usbip (usbip-utils 2.0)"), result.command(2).output());
        }

        @Test
        void shouldRunDfuUtil011() {
            assertEquals(0, result.command(3).exitCode());
            assertTrue(result.command(3).output().startsWith("dfu-util 0.11"), result.command(3).output());
        }

        @Test
        void shouldReturnTheExitCodeAndStderrOfAFailingCommand() {
            assertEquals(7, result.command(4).exitCode());
            assertEquals("to-stderr\n", result.command(4).output());
            assertFalse(result.allSucceeded());
        }

        @Test
        void shouldSplitAMarkerOffOutputWithoutNewline() {
            assertEquals(0, result.command(5).exitCode());
            assertEquals("no newline", result.command(5).output());
        }

        @Test
        void shouldKillACommandThatExceedsTheCommandTimeout() {
            assertEquals(137, result.command(6).exitCode()); // SIGKILL from busybox timeout
            assertTrue(result.command(6).durationMs() >= 1900 && result.command(6).durationMs() < 10_000);
        }

        @Test
        void shouldMeasureCommandDurationsInTheGuest() {
            assertTrue(result.commands().stream().allMatch(c -> c.durationMs() >= 0 && c.durationMs() < 30_000));
        }

        @Test
        void shouldPrefixConsoleLinesWithHostTime() {
            assertTrue(result.console().lines().allMatch(l -> l.matches("\\[ *\\d+\\.\\d{3}] .*")),
                    result.consoleTail(5));
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class FilesSession {
        private final byte[] input = new byte[100 * 1024];
        private GuestResult result;

        @BeforeAll
        void boot(@TempDir Path dir) throws Exception {
            new Random(42).nextBytes(input);
            Path in = dir.resolve("in.bin");
            Files.write(in, input);
            result = session()
                    .inputFile(in)
                    .inputFile("note.txt", "hello guest\n".getBytes())
                    .command("md5sum in.bin && cp in.bin back.bin")
                    .command("mkdir -p sub && cat note.txt note.txt > sub/twice.txt")
                    .command("head -c 300000 /dev/zero | tr '\\0' 'x' > big.txt")
                    .collectFile("back.bin")
                    .collectNewFiles(true)
                    .run();
            report("files session", result);
        }

        @Test
        void shouldBringABinaryFileBackByteExact() {
            assertTrue(result.completed(), result::toString);
            assertArrayEquals(input, result.files().get("back.bin"));
        }

        @Test
        void shouldSeeTheInputFileIntactInTheGuest() throws Exception {
            String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(input));
            assertTrue(result.command(1).output().startsWith(md5), result.command(1).output());
        }

        @Test
        void shouldCollectNewFilesInSubdirectoriesButNotUnchangedInputs() {
            assertEquals("hello guest\nhello guest\n", new String(result.files().get("sub/twice.txt")));
            assertEquals(300_000, result.files().get("big.txt").length);
            assertFalse(result.files().containsKey("in.bin"));
            assertFalse(result.files().containsKey("note.txt"));
        }
    }

    @Test
    void shouldKillQemuWhenTheTimeoutExpires() throws GuestException {
        GuestResult r = session().timeout(Duration.ofSeconds(8)).command("echo sleeping; sleep 600").run();
        report("timeout session", r);
        assertEquals(GuestResult.Outcome.TIMED_OUT, r.outcome());
        assertTrue(r.failure().contains("while running command 1"), r.failure());
        assertEquals(-1, r.command(1).exitCode());
        assertEquals("sleeping\n", r.command(1).output());
        assertFalse(ProcessHandle.of(r.qemuPid()).map(ProcessHandle::isAlive).orElse(false),
                "QEMU " + r.qemuPid() + " is still alive");
    }

    @Test
    void shouldListTheDeviceOfAUsbIpServerOnTheHost() throws Exception {
        try (FakeUsbIpServer server = new FakeUsbIpServer()) {
            GuestResult r = session().usbipTarget("127.0.0.1", server.port())
                    .command("usbip list -r 10.0.2.100")
                    .command("usbip list -r \"$USBIP_HOST\" 2>/dev/null | grep -c 0483:df11")
                    .run();
            report("usbip list session", r);
            assertTrue(r.allSucceeded(), r::toString);
            String list = r.command(1).output();
            assertTrue(list.contains("1-1: STMicroelectronics : STM Device in DFU Mode (0483:df11)"), list);
            assertEquals("1", r.command(2).output().strip());
            assertEquals(2, server.connections());
        }
    }

    @Test
    void shouldAttachTheDeviceAndLetDfuUtilSeeIt() throws Exception {
        try (FakeUsbIpServer server = new FakeUsbIpServer()) {
            GuestResult r = session().usbipTarget("127.0.0.1", server.port())
                    .attach(FakeUsbIpServer.BUSID)
                    .command("dfu-util -l")
                    .command("usbip detach -p 0")
                    .run();
            report("attach session", r);
            assertTrue(r.allSucceeded(), r::toString);
            Attachment a = r.attachment().orElseThrow();
            assertEquals(0, a.port());
            assertEquals("0483", a.vendorId());
            assertEquals("df11", a.productId());
            assertTrue(a.usbipPort().contains("usbip://10.0.2.100:3240/1-1"), a.usbipPort());
            System.out.printf("attach took %d ms in the guest%n", a.durationMs());
            assertTrue(r.command(2).output().contains("Found DFU: [0483:df11]"), r.command(2).output());
            assertTrue(r.command(2).output().contains(FakeUsbIpServer.LAYOUT), r.command(2).output());
        }
    }

    @Test
    void shouldStopAfterAFailedAttach() throws Exception {
        GuestResult r = session().usbipTarget("127.0.0.1", 1) // nothing listens on port 1
                .attach("1-1").command("echo never").run();
        report("failed attach session", r);
        assertTrue(r.completed(), r::toString);
        assertEquals(1, r.commands().size());
        assertTrue(r.command(1).exitCode() != 0);
        assertTrue(r.attachment().isEmpty());
    }

    @Test
    void shouldBootAgainWhenTheGuestHangsBeforeItIsReady() throws GuestException {
        // rdinit=/bin/cat: the kernel starts cat instead of /init; it blocks reading the console
        GuestResult r = session().kernelArgs("rdinit=/bin/cat").bootTimeout(Duration.ofSeconds(4), 1)
                .command("true").run();
        report("hung boot session", r);
        assertEquals(GuestResult.Outcome.FAILED, r.outcome());
        assertEquals("the guest did not become ready within 4 s (2 boots)", r.failure());
        assertTrue(r.console().contains("--- the guest hung before /init was ready; booting again ---"), r.console());
        assertFalse(ProcessHandle.of(r.qemuPid()).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    void shouldAlsoBootThePcMachine() throws GuestException {
        GuestResult r = session().machine(GuestMachine.PC).command("cat /proc/cmdline").run();
        report("pc machine session", r);
        assertTrue(r.allSucceeded(), r::toString);
        assertTrue(r.command(1).output().contains("stm32emu.bus=pci"), r.command(1).output());
    }
}
