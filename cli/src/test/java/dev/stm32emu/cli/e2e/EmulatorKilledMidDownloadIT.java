package dev.stm32emu.cli.e2e;

import dev.stm32emu.cli.guest.CommandResult;
import dev.stm32emu.cli.guest.GuestImage;
import dev.stm32emu.cli.guest.GuestResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import static dev.stm32emu.cli.e2e.GuestChecks.contains;
import static dev.stm32emu.cli.e2e.GuestChecks.failed;
import static dev.stm32emu.cli.e2e.GuestChecks.matches;
import static dev.stm32emu.cli.e2e.GuestChecks.succeeded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test layer 5, the unplug nobody plans: the emulator process is killed (SIGKILL) while stock
 * dfu-util in the guest is writing a 48 KiB app (24 pages of 2 KiB) to the f103rc over USB/IP.
 *
 * <p>The kill is timed from the emulator's URB log: once the bridge has completed the
 * {@value #KILL_AT_BLOCK}th data DNLOAD and the GETSTATUS after it (the one that starts the
 * page write in the firmware's main loop), the test kills the process, so it usually lands
 * while a page is being programmed. The guest must see a clean disconnect (dfu-util fails, the
 * vhci port is freed, the kernel lives on), and the flash image must hold every page completed
 * before the kill.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmulatorKilledMidDownloadIT {
    private static final E2e.Board BOARD = E2e.Board.F103RC;
    private static final int APP_SIZE = 48 * 1024;
    private static final int PAGES = APP_SIZE / 2048;
    private static final int KILL_AT_BLOCK = 8;

    private final byte[] app = E2e.padded(E2e.read(BOARD.appBin()), APP_SIZE, 48);
    private Path artefacts;
    private EmulatorProcess emulator;
    private GuestResult result;
    private List<UrbLog.Urb> urbs;
    private byte[] flash;
    private volatile int blocksSeenAtKill = -1;
    private int download;
    private int gone;
    private int listDeadServer;
    private int alive;

    @BeforeAll
    void runTheSession() throws Exception {
        artefacts = E2e.artefacts(getClass().getSimpleName());
        GuestImage image = GuestImage.ensure(line -> System.out.println("  " + line));
        Path flashImage = artefacts.resolve("flash.img");
        emulator = EmulatorProcess.start(artefacts, BOARD.name(), List.of("--flash-image", flashImage.toString()));
        Thread killer = null;
        try {
            int port = emulator.port(Duration.ofSeconds(60));
            emulator.awaitStderr(l -> l.contains("exported"), Duration.ofSeconds(60), "the export of the DFU device");
            GuestSteps s = new GuestSteps(image, port, Duration.ofMinutes(3));
            s.input("app48.bin", app);
            s.attach();
            download = s.command("dfu-util -a 0 -s 0x08008000 -D app48.bin");
            gone = s.command(GuestSteps.AWAIT_PORT_FREE + GuestSteps.SYSFS_DEVICE);
            listDeadServer = s.command("usbip list -r \"$USBIP_HOST\"");
            alive = s.command("echo alive; uname -r");
            killer = Thread.ofPlatform().daemon().name("kill-mid-download").start(this::killWhenWritingAPage);
            result = s.run();
            E2e.keep(artefacts, result);
            System.out.printf("%s: %s, %d boot(s), guest session %d ms%n", getClass().getSimpleName(), result,
                    GuestChecks.boots(result), result.elapsed().toMillis());
            result.requireCompleted();
        } finally {
            if (killer != null) {
                killer.interrupt();
                killer.join(10_000);
            }
            emulator.kill();
            urbs = UrbLog.read(artefacts.resolve("urbs.jsonl"));
            flash = Files.readAllBytes(flashImage);
        }
    }

    @AfterAll
    void killTheEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void shouldKillTheEmulatorInTheMiddleOfTheWritePass() {
        assertTrue(blocksSeenAtKill >= KILL_AT_BLOCK, "the emulator was not killed by the test (blocks seen: "
                + blocksSeenAtKill + ")");
        long logged = dataBlocks();
        assertTrue(logged >= KILL_AT_BLOCK && logged < PAGES, "data DNLOADs before the kill: " + logged);
        assertTrue(emulator.exitCode().orElseThrow() == 137, "exit code " + emulator.exitCode());
    }

    @Test
    void shouldFailDfuUtilWithAnErrorInsteadOfHanging() {
        CommandResult c = failed(result, download);
        contains(c, "Erase    done.");
        // The error follows the progress bar on the same line; the suffix warnings are not it.
        List<String> errors = Pattern.compile("dfu-util: (?!Warning: Invalid DFU suffix|A valid DFU "
                + "suffix)[^\n]+").matcher(c.output()).results().map(MatchResult::group).toList();
        assertEquals(1, errors.size(), c::output);
        System.out.println("dfu-util after the kill: exit code " + c.exitCode() + ", " + errors.getFirst());
    }

    @Test
    void shouldShowACleanDisconnectInTheGuest() {
        CommandResult c = succeeded(result, gone);
        matches(c, "^hs\\s+0000\\s+004\\s"); // vhci port 0 back to VDEV_ST_NULL
        assertTrue(!c.output().contains("idVendor=0483"), c::output);
        assertTrue(result.kernelLog().contains("vhci_hcd: connection closed"), result.kernelLog());
        assertTrue(result.kernelLog().contains("usb 1-1: USB disconnect"), result.kernelLog());
        failed(result, listDeadServer); // nothing listens any more: an error, not a hang
    }

    @Test
    void shouldKeepTheGuestKernelAliveWithoutOopsOrHang() {
        contains(succeeded(result, alive), "alive\n");
        assertEquals(0, result.qemuExitCode(), "the guest powered off by itself");
        GuestChecks.kernelHealthy(result);
    }

    @Test
    void shouldHoldEveryPageCompletedBeforeTheKillInTheFlashImage() {
        int page = BOARD.pageSize();
        int appOffset = (int) (E2e.APP_BASE - E2e.FLASH_BASE);
        List<String> states = new ArrayList<>();
        int full = 0;
        int partial = 0;
        for (int i = 0; i < PAGES; i++) {
            byte[] got = Arrays.copyOfRange(flash, appOffset + i * page, appOffset + (i + 1) * page);
            byte[] want = Arrays.copyOfRange(app, i * page, (i + 1) * page);
            int same = Arrays.mismatch(got, want);
            if (same < 0) {
                states.add("full");
                full++;
                continue;
            }
            boolean restErased = isErased(got, same, page);
            // A page being programmed holds a prefix of its data (half-word order), the rest erased.
            if (restErased && same == 0) {
                states.add("erased");
            } else if (restErased) {
                states.add("partial(" + same + " bytes)");
                partial++;
            } else {
                states.add("corrupt at " + same);
            }
        }
        System.out.println("flash pages after the kill: " + states);
        String order = String.join(",", states.stream().map(st -> st.startsWith("partial") ? "partial" : st).toList());
        assertTrue(order.matches("(full,)*(full|partial)(,erased)*"), "pages: " + states);
        assertTrue(full >= 1 && partial <= 1, "pages: " + states);
        long blocks = dataBlocks();
        // dfu-util sends block k+1 only after block k's write finished, so all logged blocks but the last are complete.
        assertTrue(full >= blocks - 1, blocks + " blocks reached the device, pages: " + states);
        assertTrue(full + partial <= blocks, blocks + " blocks reached the device, pages: " + states);
        assertArrayEquals(E2e.read(BOARD.bootloaderBin()), Arrays.copyOf(flash, E2e.read(BOARD.bootloaderBin()).length),
                "the bootloader changed");
        assertTrue(isErased(flash, appOffset + APP_SIZE, flash.length), "flash after the app is not erased");
    }

    @Test
    void shouldCompleteEveryUrbBeforeTheKillWithoutAnUnexpectedError() {
        List<UrbLog.Urb> unexpected = UrbLog.unexpectedErrors(urbs);
        assertTrue(unexpected.isEmpty(), () -> UrbLog.describe(unexpected, artefacts.resolve("urbs.jsonl")));
        assertTrue(UrbLog.count(urbs, "80060006") >= 1, "the enumeration asked for the device qualifier");
    }

    private long dataBlocks() {
        return urbs.stream().filter(u -> u.is(UrbLog.DNLOAD_DATA) && u.length() == BOARD.transferSize()).count();
    }

    private static boolean isErased(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }

    /**
     * Watches the URB log (complete lines only) and kills the emulator right after the
     * GETSTATUS that follows the {@value #KILL_AT_BLOCK}th data block: the firmware is then
     * programming that page (about 55 ms of virtual time, paced to the wall clock).
     */
    private void killWhenWritingAPage() {
        Path log = artefacts.resolve("urbs.jsonl");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        try {
            while (System.nanoTime() < deadline && emulator.isAlive()) {
                List<UrbLog.Urb> seen = UrbLog.parse(completeLines(log));
                int blocks = 0;
                boolean statusAfter = false;
                for (UrbLog.Urb u : seen) {
                    if (u.is(UrbLog.DNLOAD_DATA) && u.length() == BOARD.transferSize()) {
                        blocks++;
                        statusAfter = false;
                    } else if (u.is(UrbLog.GETSTATUS)) {
                        statusAfter = true;
                    }
                }
                if (blocks >= KILL_AT_BLOCK && statusAfter) {
                    emulator.kill();
                    blocksSeenAtKill = blocks;
                    System.out.println("killed the emulator (SIGKILL) after " + blocks + " data blocks of " + PAGES);
                    return;
                }
                Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> completeLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : text.substring(0, end).lines().toList();
    }
}
