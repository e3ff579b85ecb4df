package dev.stm32emu.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `stm32emu run` on the generic boards: exit codes, output, and one-line errors for bad input. */
class RunCommandTest {
    @TempDir
    Path dir;

    @Test
    void exitsWithTheFirmwaresSemihostingExitCode() {
        CliRun r = CliRun.of("run", "--board", "generic-m4", "--firmware",
                CliRun.firmware("cpu/semihost_exit-m4.elf").toString());
        assertEquals(42, r.exitCode(), r.err());
        assertTrue(r.out().contains("semihost_exit: write0 writec write"), r.out());
        assertTrue(r.out().contains("PASS semihost_exit"), r.out());
    }

    @Test
    void runsIntelHexAndRawBinaryImagesToo() {
        CliRun hex = CliRun.of("run", "--board", "generic-m3", "--firmware",
                CliRun.firmware("cpu/semihost_sys_exit-m3.hex").toString());
        assertEquals(0, hex.exitCode(), hex.err());
        CliRun bin = CliRun.of("run", "--board", "generic-m3", "--firmware",
                CliRun.firmware("cpu/semihost_exit-m3.bin").toString());
        assertEquals(42, bin.exitCode(), bin.err());
    }

    @Test
    void reportsATimeoutWithExitCode124AndWhereThePcWas() {
        CliRun r = CliRun.of("run", "--board", "generic-m3", "--firmware",
                CliRun.firmware("cpu/systick-m3.elf").toString(), "--timeout", "2ms");
        assertEquals(124, r.exitCode());
        assertTrue(r.err().matches("(?s).*timeout after 0\\.002000s of virtual time; PC was 0x[0-9a-f]{8}.*"), r.err());
    }

    @Test
    void tracesExceptionEntriesWhenAsked() {
        CliRun r = CliRun.of("run", "--board", "generic-m3", "--firmware",
                CliRun.firmware("cpu/pendsv_svc-m3.elf").toString(), "--trace", "irq,reset");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("exception SVCall"), r.err());
        assertTrue(r.err().contains("reset (power on), boot from flash"), r.err());
    }

    @Test
    void refusesAMissingFirmwareFileWithOneLine() {
        CliRun r = CliRun.of("run", "--board", "generic-m3", "--firmware", dir.resolve("missing.elf").toString());
        assertEquals(2, r.exitCode());
        assertOneLine(r.err(), "missing.elf: no such file");
    }

    @Test
    void refusesAHexFileWithABadChecksum() throws Exception {
        Path f = dir.resolve("bad.hex");
        Files.writeString(f, ":0400000000100020CD\n:00000001FF\n");
        CliRun r = CliRun.of("run", "--board", "generic-m3", "--firmware", f.toString());
        assertEquals(2, r.exitCode());
        assertOneLine(r.err(), "line 1: bad checksum");
    }

    @Test
    void refusesAnElfForAnotherArchitecture() throws Exception {
        byte[] elf = Files.readAllBytes(CliRun.firmware("cpu/systick-m3.elf"));
        elf[18] = (byte) 0xB7; // EM_AARCH64
        Path f = dir.resolve("arm64.elf");
        Files.write(f, elf);
        CliRun r = CliRun.of("run", "--board", "generic-m3", "--firmware", f.toString());
        assertEquals(2, r.exitCode());
        assertOneLine(r.err(), "ELF for another architecture");
    }

    @Test
    void refusesAnImageLargerThanTheFlash() throws Exception {
        Path f = dir.resolve("big.bin");
        byte[] big = new byte[2 << 20];
        big[0] = 1;
        Files.write(f, big);
        CliRun r = CliRun.of("run", "--board", "generic-m3", "--firmware", f.toString());
        assertEquals(2, r.exitCode());
        assertOneLine(r.err(), "do not fit in the generic-m3's 1024 KiB of flash");
    }

    @Test
    void refusesAnImageOutsideTheFlash() throws Exception {
        Path f = dir.resolve("ram.bin");
        Files.write(f, new byte[]{1, 2, 3, 4});
        CliRun r = CliRun.of("run", "--board", "generic-m3", "--firmware", f.toString(), "--load-address", "0x20000000");
        assertEquals(2, r.exitCode());
        assertOneLine(r.err(), "at 0x20000000 are outside flash");
    }

    @Test
    void refusesAnUnknownBoardNamingTheKnownOnes() {
        CliRun r = CliRun.of("run", "--board", "nucleo-xyz", "--firmware", "x.elf");
        assertEquals(2, r.exitCode());
        assertOneLine(r.err(), "unknown board 'nucleo-xyz' (known boards: generic-m3, generic-m4");
    }

    @Test
    void refusesAMalformedTimeout() {
        CliRun r = CliRun.of("run", "--board", "generic-m3", "--firmware",
                CliRun.firmware("cpu/systick-m3.elf").toString(), "--timeout", "forever");
        assertEquals(2, r.exitCode());
        assertOneLine(r.err(), "--timeout: not a duration: 'forever'");
    }

    @Test
    void refusesAMissingRequiredOptionWithUsageHint() {
        CliRun r = CliRun.of("run", "--board", "generic-m3");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Missing required option: '--firmware=FILE'"), r.err());
        assertTrue(r.err().contains("stm32emu run --help"), r.err());
    }

    @Test
    void listsTheBuiltInBoards() {
        CliRun r = CliRun.of("boards");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("generic-m3") && r.out().contains("generic-m4"), r.out());
    }

    private static void assertOneLine(String err, String expected) {
        assertTrue(err.contains(expected), err);
        assertEquals(1, err.strip().lines().count(), "exactly one line: " + err);
        assertFalse(err.contains("Exception"), err);
    }
}
