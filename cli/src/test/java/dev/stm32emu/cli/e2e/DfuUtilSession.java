package dev.stm32emu.cli.e2e;

import dev.stm32emu.cli.guest.Attachment;
import dev.stm32emu.cli.guest.CommandResult;
import dev.stm32emu.cli.guest.GuestImage;
import dev.stm32emu.cli.guest.GuestResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.stm32emu.cli.e2e.GuestChecks.contains;
import static dev.stm32emu.cli.e2e.GuestChecks.failed;
import static dev.stm32emu.cli.e2e.GuestChecks.matches;
import static dev.stm32emu.cli.e2e.GuestChecks.succeeded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test layer 5 on one board: the Linux kernel's USB/IP client (vhci-hcd, `usbip`) and stock
 * dfu-util 0.11 in a QEMU guest against {@code stm32emu run --usbip} running our DfuSe
 * bootloader, as a user would run them.
 *
 * <p>One emulator process and one guest boot per board: the session runs every step in order
 * and the tests check its parts. BOOT1 (PB2) is high from the start, as on a board whose jumper
 * is set to "run the app": with an empty app area the bootloader stays in DFU mode, and the last
 * download's leave resets the chip into the app. The order is:
 * <ol>
 * <li>usbip list, attach, the device in sysfs, dfu-util -l;</li>
 * <li>refusals: into the read-only bootloader area, larger than the flash, and the same forced
 *     past dfu-util's check (the device refuses too; the bootloader comes back intact);</li>
 * <li>download and upload of a pattern, then the DfuSe file and its upload;</li>
 * <li>usbip detach, a second attach, dfu-util -l again;</li>
 * <li>dfu-util -s 0x08008000:leave -D app.bin: the chip resets into the app, the device is gone
 *     for the guest, and the app blinks in the emulator.</li>
 * </ol>
 * The emulator's output, the URB log, the guest console and the flash image stay in
 * cli/target/e2e-artifacts/&lt;class&gt;/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DfuUtilSession {
    private static final Pattern PC13 = Pattern.compile("^t=(\\d+\\.\\d+) PC13=[01]$");
    private static final Pattern SOFTWARE_RESET = Pattern.compile("^t=(\\d+\\.\\d+) reset \\(software\\)");
    private static final int PATTERN_SIZE = 5001; // spans pages on both boards; odd, so the last half-word is padded
    private static final int EDGES = 7;

    private final E2e.Board board;
    private final byte[] app;
    private final byte[] pattern = E2e.noise(PATTERN_SIZE, 6);
    private Path artefacts;
    private EmulatorProcess emulator;
    private GuestResult result;
    private List<Attachment> attachments;
    private List<UrbLog.Urb> urbs;
    private final List<Double> edges = new ArrayList<>();
    private double resetAt;
    private int list;
    private int sysfs;
    private int dfuList;
    private int readOnly;
    private int tooLarge;
    private int forced;
    private int bootUpload;
    private int patternDown;
    private int patternUp;
    private int dfuFileDown;
    private int dfuFileUp;
    private int detach;
    private int secondAttach;
    private int dfuListAgain;
    private int leave;
    private int gone;
    private int listAfterLeave;

    DfuUtilSession(E2e.Board board) {
        this.board = board;
        this.app = E2e.read(board.appBin());
    }

    @BeforeAll
    void runTheSession() throws Exception {
        artefacts = E2e.artefacts(getClass().getSimpleName());
        GuestImage image = GuestImage.ensure(line -> System.out.println("  " + line));
        long t0 = System.nanoTime();
        emulator = EmulatorProcess.start(artefacts, board.name(), List.of("--pin", "PB2=1",
                "--flash-image", artefacts.resolve("flash.img").toString(), "--trace", "gpio,reset"));
        try {
            int port = emulator.port(Duration.ofSeconds(60));
            emulator.awaitStderr(l -> l.contains("0483:df11") && l.contains("exported"), Duration.ofSeconds(60),
                    "the export of the DFU device");
            GuestSteps s = new GuestSteps(image, port, Duration.ofMinutes(4));
            s.input("app.bin", app).input("app.dfu", E2e.read(board.appDfu()))
                    .input("pattern.bin", pattern).input("too-large.bin", new byte[board.flashSize() + 1])
                    .collect("boot.bin").collect("pattern-back.bin").collect("app-back.bin");
            list = s.command("usbip list -r \"$USBIP_HOST\"");
            s.attach();
            sysfs = s.command(GuestSteps.SYSFS_DEVICE);
            dfuList = s.command("dfu-util -l");
            readOnly = s.command("dfu-util -a 0 -s 0x08000000 -D app.bin");
            tooLarge = s.command("dfu-util -a 0 -s 0x08008000 -D too-large.bin");
            forced = s.command("dfu-util -a 0 -s 0x08000000:force -D app.bin");
            bootUpload = s.command("dfu-util -a 0 -s 0x08000000:" + bootloader().length + " -U boot.bin");
            patternDown = s.command("dfu-util -a 0 -s 0x08008000 -D pattern.bin");
            patternUp = s.command("dfu-util -a 0 -s 0x08008000:" + PATTERN_SIZE + " -U pattern-back.bin");
            dfuFileDown = s.command("dfu-util -a 0 -D app.dfu");
            dfuFileUp = s.command("dfu-util -a 0 -s 0x08008000:" + app.length + " -U app-back.bin");
            detach = s.command("usbip detach -p \"$(ls /var/run/vhci_hcd | sed -n 's/^port//p' | head -n 1)\" && "
                    + GuestSteps.AWAIT_PORT_FREE);
            secondAttach = s.attach();
            dfuListAgain = s.command("dfu-util -l");
            leave = s.command("dfu-util -a 0 -s 0x08008000:leave -D app.bin");
            gone = s.command(GuestSteps.AWAIT_PORT_FREE + GuestSteps.SYSFS_DEVICE);
            listAfterLeave = s.command("usbip list -r \"$USBIP_HOST\"");
            result = s.run();
            attachments = s.attachments();
            E2e.keep(artefacts, result);
            System.out.printf("%s: %s, %d boot(s), boot to ready %s ms, guest session %d ms%n", getClass().getSimpleName(),
                    result, GuestChecks.boots(result), result.bootToReady().map(Duration::toMillis).orElse(-1L),
                    result.elapsed().toMillis());
            result.requireCompleted();
            if (result.commands().size() == listAfterLeave && result.command(leave).succeeded()) {
                collectLedEdges();
            }
        } finally {
            emulator.kill();
            urbs = UrbLog.read(artefacts.resolve("urbs.jsonl"));
            System.out.printf("%s: whole scenario %d ms%n", getClass().getSimpleName(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** The JUnit-guaranteed end of the emulator process (the session kills it as soon as it is done). */
    @AfterAll
    void killTheEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void shouldListBusId11WithTheBootloadersVendorAndProduct() {
        matches(succeeded(result, list), "^\\s*1-1: .*\\(0483:df11\\)$");
    }

    @Test
    void shouldEnumerateTheDeviceInTheGuestKernelAsTheFirmwareDescribesIt() {
        Attachment a = attachments.getFirst();
        assertEquals("0483", a.vendorId());
        assertEquals("df11", a.productId());
        CommandResult c = succeeded(result, sysfs);
        for (String line : List.of("idVendor=0483", "idProduct=df11", "bcdDevice=2200", "manufacturer=stm32emu",
                "product=DfuSe bootloader (" + board.name() + ")", "serial=" + board.serial(),
                "bConfigurationValue=1", "speed=12")) {
            contains(c, line + "\n");
        }
        assertTrue(result.kernelLog().contains("New USB device found, idVendor=0483, idProduct=df11, bcdDevice=22.00"),
                result.kernelLog());
        assertTrue(result.kernelLog().contains("SerialNumber: " + board.serial()), result.kernelLog());
    }

    @Test
    void shouldListTheAlternateSettingWithOurMemoryLayout() {
        String found = "^Found DFU: \\[0483:df11\\] ver=2200, devnum=\\d+, cfg=1, intf=0, path=\"1-1\", alt=0, name=\""
                + Pattern.quote(board.layout()) + "\", serial=\"" + board.serial() + "\"$";
        matches(succeeded(result, dfuList), found);
        matches(succeeded(result, dfuListAgain), found);
    }

    @Test
    void shouldRefuseADownloadIntoTheReadOnlyBootloaderArea() {
        CommandResult c = failed(result, readOnly);
        contains(c, String.format(Locale.ROOT, "Last page at 0x%08x is not writeable", E2e.FLASH_BASE + app.length - 1));
    }

    @Test
    void shouldRefuseADownloadLargerThanTheFlash() {
        CommandResult c = failed(result, tooLarge);
        contains(c, String.format(Locale.ROOT, "Last page at 0x%08x is not writeable",
                E2e.APP_BASE + board.flashSize()));
    }

    @Test
    void shouldRefuseAForcedDownloadIntoTheBootloaderAreaOnTheDeviceToo() {
        // dfu-util skips its layout check with :force; the bootloader answers errTARGET.
        CommandResult c = failed(result, forced);
        contains(c, "dfuERROR, status(1) = File is not targeted for use by this device");
        assertArrayEquals(bootloader(), result.files().get("boot.bin"), "the bootloader area changed");
    }

    @Test
    void shouldUploadExactlyWhatWasDownloaded() {
        contains(succeeded(result, patternDown), "Download done.");
        succeeded(result, patternUp);
        assertArrayEquals(pattern, result.files().get("pattern-back.bin"));
    }

    @Test
    void shouldDownloadTheDfuseFile() {
        CommandResult c = succeeded(result, dfuFileDown);
        contains(c, "Parsing element 1, address = 0x08008000, size = " + app.length);
        contains(c, "Done parsing DfuSe file");
        succeeded(result, dfuFileUp);
        assertArrayEquals(app, result.files().get("app-back.bin"), "the DfuSe file's element is not in flash");
    }

    @Test
    void shouldAttachAgainAfterADetach() {
        contains(succeeded(result, detach), "vhci ports free after");
        succeeded(result, secondAttach);
        assertEquals(2, attachments.size(), attachments::toString);
        assertEquals("df11", attachments.get(1).productId());
    }

    @Test
    void shouldResetIntoTheAppAfterTheLeaveDownload() {
        CommandResult c = succeeded(result, leave);
        contains(c, "File downloaded successfully");
        contains(c, "Transitioning to dfuMANIFEST state");
        List<String> out = emulator.stdoutLines();
        int leaving = out.indexOf("dfu-bootloader: " + board.name() + ": leaving DFU, reset");
        int starting = out.indexOf("dfu-bootloader: " + board.name() + ": starting app at 0x08008000");
        int running = out.indexOf("blink-app: running from 0x08008000");
        assertEquals("dfu-bootloader: " + board.name() + ": DFU mode (no app at 0x08008000)", out.getFirst());
        assertTrue(leaving > 0 && starting > leaving && running > starting, () -> String.join("\n", out));
        assertTrue(resetAt > 0, () -> "no software reset in the emulator's stderr:\n"
                + String.join("\n", emulator.stderrLines()));
    }

    @Test
    void shouldToggleTheLedEvery500MsOfVirtualTimeInTheApp() {
        assertTrue(edges.size() >= EDGES, () -> "PC13 edges after the reset: " + edges);
        // The first edge is the app's GPIO setup; from there on PC13 toggles every 500 ms.
        for (int i = 1; i < edges.size(); i++) {
            double period = edges.get(i) - edges.get(i - 1);
            assertEquals(0.5, period, 0.005, "PC13 half-period " + i + " of " + edges);
        }
    }

    @Test
    void shouldSeeTheDeviceGoInTheGuestWhenTheAppTakesOver() {
        CommandResult c = succeeded(result, gone);
        assertTrue(!c.output().contains("idVendor=0483"), c::output);
        matches(c, "^hs\\s+0000\\s+004\\s"); // vhci port 0 back to VDEV_ST_NULL
        contains(succeeded(result, listAfterLeave), "no exportable devices found");
        assertTrue(result.kernelLog().contains("usb 1-1: USB disconnect"), result.kernelLog());
        GuestChecks.kernelHealthy(result);
    }

    @Test
    void shouldCompleteEveryUrbWithoutAnUnexpectedError() {
        assertTrue(urbs.size() > 100, "URB log has " + urbs.size() + " lines");
        List<UrbLog.Urb> unexpected = UrbLog.unexpectedErrors(urbs);
        assertTrue(unexpected.isEmpty(), () -> UrbLog.describe(unexpected, artefacts.resolve("urbs.jsonl")));
        // The listed error did happen: each of the two enumerations asks for the device qualifier
        // (three times each on Debian's 6.1 kernel; the count is the kernel's business).
        assertTrue(UrbLog.count(urbs, "80060006") >= 2, "DEVICE_QUALIFIER requests: " + UrbLog.count(urbs, "80060006"));
    }

    private byte[] bootloader() {
        return E2e.read(board.bootloaderBin());
    }

    /** Waits until PC13 has toggled {@link #EDGES} times after the leave's software reset. */
    private void collectLedEdges() {
        String reset = emulator.awaitStderr(l -> SOFTWARE_RESET.matcher(l).find(), Duration.ofSeconds(30),
                "the software reset of the leave");
        Matcher m = SOFTWARE_RESET.matcher(reset);
        resetAt = m.find() ? Double.parseDouble(m.group(1)) : -1;
        int[] n = {0};
        emulator.awaitStderr(l -> {
            Matcher e = PC13.matcher(l);
            if (e.matches() && Double.parseDouble(e.group(1)) > resetAt) {
                n[0]++;
            }
            return n[0] >= EDGES;
        }, Duration.ofSeconds(30), EDGES + " PC13 edges after the reset");
        for (String l : emulator.stderrLines()) {
            Matcher e = PC13.matcher(l);
            if (e.matches() && Double.parseDouble(e.group(1)) > resetAt) {
                edges.add(Double.parseDouble(e.group(1)));
            }
        }
        System.out.println("PC13 edges after the reset at t=" + resetAt + ": " + Arrays.toString(edges.toArray()));
    }
}
