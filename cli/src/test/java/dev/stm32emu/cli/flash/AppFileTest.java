package dev.stm32emu.cli.flash;

import dev.stm32emu.cli.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppFileTest {
    @TempDir
    Path dir;

    private static Path fw(String name) {
        return Path.of(System.getProperty("firmware.dir", "../firmware-samples/build")).resolve("f103/" + name);
    }

    @Test
    void putsARawBinaryAtTheDefaultAddressOrAtAddress() throws Exception {
        AppFile a = AppFile.read(fw("blink-app-bluepill.bin"), null, 0x0800_8000L, 0);
        assertEquals("raw", a.format());
        assertFalse(a.carriesAddresses());
        assertEquals(0x0800_8000L, a.firstAddress());
        assertEquals(Files.size(fw("blink-app-bluepill.bin")), a.payloadBytes());
        assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
                AppFile.sha256("hello".getBytes()));
        AppFile moved = AppFile.read(fw("blink-app-bluepill.bin"), 0x0800_C000L, 0x0800_8000L, 0);
        assertEquals(0x0800_C000L, moved.firstAddress());
    }

    @Test
    void takesTheAddressesOfDfuseElfAndHexFiles() {
        for (String name : new String[]{"blink-app-f103rc.dfu", "blink-app-f103rc.elf", "blink-app-f103rc.hex"}) {
            AppFile a = AppFile.read(fw(name), null, 0x0800_0000L, 0);
            assertTrue(a.carriesAddresses(), name);
            assertTrue(a.dfuFile().isDfuse(), name);
            assertEquals(0x0800_8000L, a.firstAddress(), name);
            assertEquals(1, a.elements().size(), name + ": one contiguous element " + a.elements());
        }
    }

    @Test
    void refusesAnAddressForAFileThatCarriesItsOwn() {
        UserError e = assertThrows(UserError.class, () -> AppFile.read(fw("blink-app-f103rc.elf"), 0x0800_8000L,
                0x0800_8000L, 0));
        assertTrue(e.getMessage().startsWith("--address: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("is an ELF file that carries its own addresses; drop --address"),
                e.getMessage());
    }

    @Test
    void refusesEmptyAndMissingFiles() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.bin"));
        assertEquals("--app: " + empty + ": the file is empty",
                assertThrows(UserError.class, () -> AppFile.read(empty, null, 0, 0)).getMessage());
        assertEquals("--app: " + dir.resolve("x.bin") + ": no such file",
                assertThrows(UserError.class, () -> AppFile.read(dir.resolve("x.bin"), null, 0, 0)).getMessage());
    }
}
