package dev.stm32emu.core.image;

import dev.stm32emu.core.TestMachines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Firmware file formats and the one-line errors for bad ones. */
class ImageLoaderTest {
    @TempDir
    Path dir;

    @Test
    void shouldLoadAnElfAtItsPhysicalAddresses() throws Exception {
        FirmwareImage img = ImageLoader.load(TestMachines.firmwareDir().resolve("cpu/systick-m3.elf"), 0);
        assertEquals(FirmwareImage.Format.ELF, img.format());
        assertEquals(0x0800_0000L, img.lowestAddress());
        byte[] bin = Files.readAllBytes(TestMachines.firmwareDir().resolve("cpu/systick-m3.bin"));
        assertEquals(bin.length, img.size(), "ELF load segments hold what objcopy puts in the .bin");
    }

    @Test
    void shouldLoadIntelHexWithExtendedLinearAddresses() throws Exception {
        FirmwareImage elf = ImageLoader.load(TestMachines.firmwareDir().resolve("cpu/systick-m3.elf"), 0);
        FirmwareImage hex = ImageLoader.load(TestMachines.firmwareDir().resolve("cpu/systick-m3.hex"), 0);
        assertEquals(FirmwareImage.Format.INTEL_HEX, hex.format());
        assertEquals(elf.lowestAddress(), hex.lowestAddress());
        assertEquals(elf.size(), hex.size());
    }

    @Test
    void shouldLoadARawBinaryAtTheGivenAddress() throws Exception {
        Path f = dir.resolve("fw.bin");
        Files.write(f, new byte[]{0, 0x10, 0, 0x20, 0x09, 0, 0, 0x08});
        FirmwareImage img = ImageLoader.load(f, 0x0800_8000L);
        assertEquals(FirmwareImage.Format.BINARY, img.format());
        assertEquals(0x0800_8000L, img.lowestAddress());
        assertArrayEquals(Files.readAllBytes(f), img.segments().get(0).data());
    }

    @Test
    void shouldRefuseAMissingFile() {
        ImageException e = assertThrows(ImageException.class, () -> ImageLoader.load(dir.resolve("nope.elf"), 0));
        assertTrue(e.getMessage().endsWith("nope.elf: no such file"), e.getMessage());
    }

    @Test
    void shouldRefuseAHexRecordWithABadChecksum() throws Exception {
        Path f = dir.resolve("bad.hex");
        Files.writeString(f, ":020000040800F2\n:0400000000100020BB\n:00000001FF\n");
        ImageException e = assertThrows(ImageException.class, () -> ImageLoader.load(f, 0));
        assertTrue(e.getMessage().contains("line 2: bad checksum"), e.getMessage());
    }

    @Test
    void shouldRefuseAnElfForAnotherArchitecture() throws Exception {
        byte[] elf = Files.readAllBytes(TestMachines.firmwareDir().resolve("cpu/systick-m3.elf"));
        elf[18] = 62; // EM_X86_64
        Path f = dir.resolve("x86.elf");
        Files.write(f, elf);
        ImageException e = assertThrows(ImageException.class, () -> ImageLoader.load(f, 0));
        assertTrue(e.getMessage().contains("ELF for another architecture (e_machine 62)"), e.getMessage());
    }

    @Test
    void shouldRefuseATextFileThatIsNoKnownFormat() throws Exception {
        Path f = dir.resolve("notes.txt");
        Files.writeString(f, "this is not firmware\n");
        ImageException e = assertThrows(ImageException.class, () -> ImageLoader.load(f, 0));
        assertTrue(e.getMessage().contains("unknown format"), e.getMessage());
    }

    @Test
    void shouldRefuseAFileNamedElfWithoutAnElfHeader() throws Exception {
        Path f = dir.resolve("fake.elf");
        Files.write(f, new byte[]{1, 2, 3, 4});
        assertThrows(ImageException.class, () -> ImageLoader.load(f, 0));
    }

    @Test
    void shouldRefuseAnEmptyFile() throws Exception {
        Path f = dir.resolve("empty.bin");
        Files.write(f, new byte[0]);
        ImageException e = assertThrows(ImageException.class, () -> ImageLoader.load(f, 0));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }
}
