package dev.stm32emu.cli.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpioNewcTest {

    @Test
    void shouldReadBackWhatItWroteSkippingDirectories() throws IOException {
        byte[] odd = {1, 2, 3, 4, 5};
        byte[] archive = new CpioNewc.Writer().directory("work").file("work/a.bin", odd).file("empty", new byte[0]).finish();
        Map<String, byte[]> files = CpioNewc.read(new ByteArrayInputStream(archive));
        assertEquals(List.of("work/a.bin", "empty"), List.copyOf(files.keySet()));
        assertArrayEquals(odd, files.get("work/a.bin"));
        assertEquals(0, files.get("empty").length);
    }

    @Test
    void shouldPadEveryEntryToFourBytes() {
        byte[] archive = new CpioNewc.Writer().file("x", new byte[] {7}).finish();
        assertEquals(0, archive.length % 4);
        assertEquals("070701", new String(archive, 0, 6, StandardCharsets.US_ASCII));
        // header 110 + "x\0" = 112 (aligned), data 1 byte + 3 padding, then the trailer header at 116
        assertEquals("070701", new String(archive, 116, 6, StandardCharsets.US_ASCII));
    }

    @Test
    void shouldStopAtTheTrailerAndIgnoreTheRestOfTheDisk() throws IOException {
        byte[] archive = new CpioNewc.Writer().file("./f", "data".getBytes()).finish();
        byte[] disk = Arrays.copyOf(archive, archive.length + 4096); // zeros after the trailer
        assertArrayEquals("data".getBytes(), CpioNewc.read(new ByteArrayInputStream(disk)).get("f"));
    }

    @Test
    void shouldRejectAnEmptyDisk() {
        IOException e = assertThrows(IOException.class, () -> CpioNewc.read(new ByteArrayInputStream(new byte[512])));
        assertEquals(true, e.getMessage().contains("no cpio newc header at offset 0"), e.getMessage());
    }

    @Test
    void shouldReadWhatBusyboxCpioWrites() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cpio");
        try {
            java.nio.file.Files.writeString(dir.resolve("hello.txt"), "hi\n");
            Process p = new ProcessBuilder("sh", "-c", "echo ./hello.txt | busybox cpio -o -H newc 2>/dev/null")
                    .directory(dir.toFile()).start();
            byte[] archive = p.getInputStream().readAllBytes();
            assertEquals(0, p.waitFor(), "busybox cpio failed (package busybox-static)");
            assertArrayEquals("hi\n".getBytes(), CpioNewc.read(new ByteArrayInputStream(archive)).get("hello.txt"));
        } finally {
            GuestImage.deleteQuietly(dir);
        }
    }
}
