package dev.stm32emu.periph.flash;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlashStorageTest {
    private static final long SIZE = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldCreateAMissingImageErasedAndSayItIsNew() throws Exception {
        Path image = dir.resolve("flash.bin");
        try (FlashStorage storage = FlashStorage.open(image, SIZE)) {
            assertTrue(storage.isNew());
            assertEquals(SIZE, storage.size());
            assertEquals(0, storage.segment().address() % 4096, "page aligned for the CPU engine");
            assertEquals(-1L, storage.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, SIZE - 8));
        }
        assertEquals(SIZE, Files.size(image));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void shouldReopenAnExistingImageAsItIs() throws Exception {
        Path image = dir.resolve("flash.bin");
        try (FlashStorage storage = FlashStorage.open(image, SIZE)) {
            storage.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 0, 0x2000_5000);
        }
        try (FlashStorage storage = FlashStorage.open(image, SIZE)) {
            assertFalse(storage.isNew());
            assertEquals(0x2000_5000, storage.segment().get(ValueLayout.JAVA_INT_UNALIGNED, 0));
        }
    }

    @Test
    void shouldRefuseAnImageOfTheWrongSizeInOneLineNamingFileAndSizes() throws Exception {
        Path image = dir.resolve("small.bin");
        Files.write(image, new byte[1000]);
        FlashImageException e = assertThrows(FlashImageException.class, () -> FlashStorage.open(image, SIZE));
        assertTrue(e.getMessage().contains(image.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("1000 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("65536 bytes"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(image, e.file());
        assertEquals(1000, Files.size(image), "the file is left alone");
    }

    @Test
    void shouldRefuseAnImageAnotherEmulatorUses() throws Exception {
        Path image = dir.resolve("flash.bin");
        try (FlashStorage first = FlashStorage.open(image, SIZE)) {
            FlashImageException e = assertThrows(FlashImageException.class, () -> FlashStorage.open(image, SIZE));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            assertTrue(first.file().isPresent());
        }
    }

    @Test
    void shouldRefuseAnImageInAMissingDirectory() {
        Path image = dir.resolve("nowhere/flash.bin");
        FlashImageException e = assertThrows(FlashImageException.class, () -> FlashStorage.open(image, SIZE));
        assertTrue(e.getMessage().contains(image.toString()), e.getMessage());
    }

    @Test
    void shouldKeepWhatWasWrittenWhenTheProcessIsKilledWithoutAFlush() throws Exception {
        Path image = dir.resolve("killed.bin");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FlashStorageKillProbe.class.getName(), image.toString(), Long.toString(SIZE))
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            String line = out.readLine();
            assertEquals("written", line);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close, no msync
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        try (FlashStorage storage = FlashStorage.open(image, SIZE)) {
            assertFalse(storage.isNew());
            assertEquals(0xCAFE_BABE, storage.segment().get(ValueLayout.JAVA_INT_UNALIGNED, 0x100));
            assertEquals(0, storage.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, 0x7F8));
            assertEquals(-1L, storage.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, 0x800));
        }
    }

    @Test
    void shouldStartInMemoryFlashErased() {
        try (FlashStorage storage = FlashStorage.inMemory(SIZE)) {
            assertTrue(storage.isNew());
            assertTrue(storage.file().isEmpty());
            assertEquals(-1L, storage.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
        }
    }
}
