package dev.stm32emu.cli;

import dev.stm32emu.cli.flash.AppFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.stm32emu.cli.TestJson.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `stm32emu flash` end to end through {@link Main}: the bootloader boots, its USB device is
 * served over USB/IP on loopback, the Java DfuSe host imports it and flashes the app.
 */
class FlashCommandTest {
    @TempDir
    Path dir;

    private static String fw(String name) {
        return CliRun.firmware("f103/" + name).toString();
    }

    @Test
    void flashesVerifiesAndLeavesIntoTheAppAndReportsItAsJson() throws Exception {
        Path report = dir.resolve("flash.json");
        CliRun r = CliRun.of("flash", "--board", "bluepill", "--bootloader", fw("dfu-bootloader-bluepill.elf"),
                "--app", fw("blink-app-bluepill.bin"), "--leave", "--report", report.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("BOOT1 (PB2) driven high"), r.out());
        assertTrue(r.out().contains("now runs  app running from 0x08008000 (VTOR 0x08008000)"), r.out());
        assertTrue(r.out().contains("verified  yes: read back 1,200 bytes"), r.out());
        assertTrue(r.out().contains("usart1| blink-app: running from 0x08008000"), r.out());
        assertTrue(r.out().contains("result    OK"), r.out());

        Object json = TestJson.parse(Files.readString(report));
        assertEquals("stm32emu-flash/1", at(json, "schema"));
        assertEquals(true, at(json, "ok"));
        assertEquals(0.0, at(json, "exitCode"));
        assertEquals("bluepill", at(json, "board", "name"));
        byte[] app = Files.readAllBytes(Path.of(fw("blink-app-bluepill.bin")));
        byte[] boot = Files.readAllBytes(Path.of(fw("dfu-bootloader-bluepill.elf")));
        assertEquals(AppFile.sha256(app), at(json, "files", "app", "sha256"));
        assertEquals((double) app.length, at(json, "files", "app", "bytes"));
        assertEquals(AppFile.sha256(boot), at(json, "files", "bootloader", "sha256"));
        assertEquals((double) app.length, at(json, "download", "bytesWritten"));
        assertEquals("0x08008000", at(json, "download", "elements", 0, "address"));
        assertEquals("0x08008000", at(json, "layout", "segments", 1, "start"));
        assertEquals(true, at(json, "layout", "segments", 1, "writeable"));
        assertEquals(false, at(json, "layout", "segments", 0, "writeable"));
        assertEquals(true, at(json, "verify", "ok"));
        for (String phase : List.of("erase", "write", "verify")) {
            assertTrue((Double) at(json, "timing", phase, "wallMs") > 0, phase);
            assertTrue((Double) at(json, "timing", phase, "virtualMs") > 0, phase);
        }
        assertTrue((Double) at(json, "timing", "pollWaitMs") > 0);
        assertEquals("dfuMANIFEST", at(json, "finalDfuState", "state"));
        assertEquals("OK", at(json, "finalDfuState", "status"));
        assertEquals(1.0, at(json, "leave", "pinsDriven", "PB2"));
        assertEquals("SOFTWARE", at(json, "leave", "reset", "kind"));

        assertEquals("app", at(json, "afterReset", "runs"));
        assertEquals("0x08008000", at(json, "afterReset", "vtor"));
        List<?> blocks = (List<?>) at(json, "afterReset", "firstAppBlocks");
        assertEquals(16, blocks.size());
        for (Object b : blocks) {
            long a = Long.decode((String) ((Map<?, ?>) b).get("address"));
            assertTrue(a >= 0x0800_8000L && a < 0x0800_8000L + app.length, Long.toHexString(a));
            assertEquals(4, ((List<?>) ((Map<?, ?>) b).get("halfwords")).size());
        }
        // The first app block is the app's reset handler, read from its vector table (Thumb bit cleared).
        long resetHandler = Long.decode((String) at(json, "afterReset", "appResetHandler"));
        assertEquals(resetHandler & ~1L, Long.decode((String) at(json, "afterReset", "firstAppBlocks", 0, "address")));
        int vector = (app[4] & 0xFF) | (app[5] & 0xFF) << 8 | (app[6] & 0xFF) << 16 | (app[7] & 0xFF) << 24;
        assertEquals(vector & 0xFFFF_FFFFL, resetHandler);
        assertTrue(((String) at(json, "afterReset", "console")).contains("blink-app: running from 0x08008000"));
    }

    @Test
    void comesBackToTheBootloaderWhenBoot1IsKeptLowWithLeavePin() throws Exception {
        Path report = dir.resolve("flash.json");
        CliRun r = CliRun.of("flash", "--board", "f103rc", "--bootloader", fw("dfu-bootloader-f103rc.elf"),
                "--app", fw("blink-app-f103rc.dfu"), "--leave", "--leave-pin", "PB2=0", "--report", report.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("BOOT1 (PB2) kept low"), r.out());
        assertTrue(r.out().contains("now runs  the bootloader again"), r.out());
        Object json = TestJson.parse(Files.readString(report));
        assertEquals("dfuse", at(json, "files", "app", "format"));
        assertEquals("bootloader", at(json, "afterReset", "runs"));
        assertEquals(List.of(), at(json, "afterReset", "firstAppBlocks"));
        assertEquals(0.0, at(json, "leave", "pinsDriven", "PB2"));
    }

    @Test
    void refusesADownloadIntoTheReadOnlyBootloaderAreaAsBadInput() throws Exception {
        Path report = dir.resolve("flash.json");
        CliRun r = CliRun.of("flash", "--board", "bluepill", "--bootloader", fw("dfu-bootloader-bluepill.elf"),
                "--app", fw("blink-app-bluepill.bin"), "--address", "0x08001000", "--report", report.toString());
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("is not writeable"), r.err());
        Object json = TestJson.parse(Files.readString(report));
        assertEquals(false, at(json, "ok"));
        assertEquals(2.0, at(json, "exitCode"));
        assertEquals(0.0, at(json, "download", "bytesWritten"));
        assertTrue(((String) at(json, "error")).contains("is not writeable"));
    }

    @Test
    void refusesAnAddressForAFileThatCarriesItsOwnWithOneLine() {
        CliRun r = CliRun.of("flash", "--board", "bluepill", "--bootloader", fw("dfu-bootloader-bluepill.elf"),
                "--app", fw("blink-app-bluepill.dfu"), "--address", "0x08008000");
        assertEquals(2, r.exitCode());
        assertEquals("stm32emu: --address: " + fw("blink-app-bluepill.dfu") + " is a DfuSe file that carries its own "
                + "addresses; drop --address", r.err().strip());
        assertFalse(r.out().contains("summary"), "nothing was booted");
    }

    @Test
    void refusesMissingFilesWithOneLine() {
        CliRun boot = CliRun.of("flash", "--board", "bluepill", "--bootloader", dir.resolve("nope.elf").toString(),
                "--app", fw("blink-app-bluepill.bin"));
        assertEquals(2, boot.exitCode());
        assertEquals("stm32emu: --bootloader: " + dir.resolve("nope.elf") + ": no such file", boot.err().strip());
        CliRun app = CliRun.of("flash", "--board", "bluepill", "--bootloader", fw("dfu-bootloader-bluepill.elf"),
                "--app", dir.resolve("nope.bin").toString());
        assertEquals(2, app.exitCode());
        assertEquals("stm32emu: --app: " + dir.resolve("nope.bin") + ": no such file", app.err().strip());
    }

    @Test
    void flashesAnElfAppWithoutLeavingAndTheBootloaderKeepsRunning() throws Exception {
        Path report = dir.resolve("flash.json");
        CliRun r = CliRun.of("flash", "--board", "f103rc", "--bootloader", fw("dfu-bootloader-f103rc.elf"),
                "--app", fw("blink-app-f103rc.elf"), "--report", report.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("leave     not requested"), r.out());
        Object json = TestJson.parse(Files.readString(report));
        assertEquals("elf", at(json, "files", "app", "format"));
        assertEquals("dfuIDLE", at(json, "finalDfuState", "state"));
        assertNull(at(json, "afterReset"));
        assertEquals(false, at(json, "leave", "requested"));
    }

    @Test
    void failsWithOneLineWhenTheBootloaderStartsTheAppInsteadOfDfu() {
        String image = dir.resolve("flash.img").toString();
        CliRun first = CliRun.of("flash", "--board", "bluepill", "--bootloader", fw("dfu-bootloader-bluepill.elf"),
                "--app", fw("blink-app-bluepill.bin"), "--flash-image", image);
        assertEquals(0, first.exitCode(), first.out() + first.err());
        // BOOT1 high at power-on with a valid app in the flash image: no DFU device ever appears.
        CliRun r = CliRun.of("flash", "--board", "bluepill", "--bootloader", fw("dfu-bootloader-bluepill.elf"),
                "--app", fw("blink-app-bluepill.bin"), "--flash-image", image, "--pin", "PB2=1");
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("usart1| dfu-bootloader: bluepill: starting app at 0x08008000"), r.out());
        String err = r.err().lines().filter(l -> l.startsWith("stm32emu flash:")).findFirst().orElse(r.err());
        assertEquals("stm32emu flash: the bootloader did not connect a USB device within 5 s of virtual time; with "
                + "BOOT1 high and a valid app in flash it starts the app instead of DFU", err);
    }
}
