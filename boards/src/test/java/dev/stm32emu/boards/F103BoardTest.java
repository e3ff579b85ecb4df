package dev.stm32emu.boards;

import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.semihosting.CapturingConsole;
import dev.stm32emu.core.time.Ticks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The composed F103 boards: memory map, IDs, boot pins, the flash image, unimplemented peripherals. */
class F103BoardTest {
    @TempDir
    Path dir;

    @Test
    void flashSizeAndUniqueIdAreInTheInformationBlock() throws Exception {
        try (TestBoards.Built b = TestBoards.build("f103rc", null, Map.of())) {
            var mem = b.board().machine().memory();
            assertEquals(256, mem.read(0x1FFF_F7E0L, 2), "F_SIZE in KiB");
            assertEquals(0x066E_FF54 >>> 0, Integer.reverseBytes(mem.read32(0x1FFF_F7E8L)) >>> 0, "UID word 0 bytes");
            assertEquals(0x5AA5, mem.read(0x1FFF_F800L, 2), "RDP option byte with its complement");
        }
    }

    @Test
    void bootPinsChooseWhatAppearsAtZero() throws Exception {
        List<String> sources = new ArrayList<>();
        BoardOptions sysmem = BoardOptions.defaults(new CapturingConsole()).withPins(Map.of("PB2", false));
        sysmem = new BoardOptions(sysmem.console(), Optional.empty(), Optional.empty(), Map.of("PB2", false),
                Optional.of(1), false, dev.stm32emu.core.time.Pacing.FREE, Map.of());
        try (TestBoards.Built b = TestBoards.build("bluepill", null, sysmem)) {
            b.board().machine().events().subscribe(e -> {
                if (e instanceof MachineEvent.Reset r) {
                    sources.add(r.bootSource());
                }
            });
            b.board().powerOn();
            b.board().pin("PB2").drive(true); // BOOT1 high: SRAM at the next reset
            b.board().machine().requestReset(dev.stm32emu.core.event.ResetKind.PIN);
            b.board().run(Ticks.parseDuration("1ms"));
        }
        assertEquals(List.of("system memory (boot alias)", "sram (boot alias)"), sources);
    }

    @Test
    void aFlashImageKeepsWhatTheFirmwareProgrammed() throws Exception {
        Path image = dir.resolve("flash.bin");
        BoardOptions opts = BoardOptions.defaults(new CapturingConsole()).withFlashImage(image);
        try (TestBoards.Built b = TestBoards.build("bluepill", TestBoards.firmware("f103/flash_test.elf"), opts)) {
            assertTrue(b.board().flashStorage().isNew());
            b.board().powerOn();
            assertEquals(0, b.board().run(Ticks.parseDuration("5s")).exitCode(), b.semihosting().stdoutText());
        }
        byte[] first = Files.readAllBytes(image);
        assertEquals(64 * 1024, first.length);
        try (TestBoards.Built b = TestBoards.build("bluepill", null, opts)) {
            assertTrue(b.board().flashFromExistingImage(), "opened as is the second time");
            assertEquals(first[0x100] & 0xFF, b.board().machine().memory().read(0x0800_0100L, 1));
        }
    }

    @Test
    void aFlashImageOfTheWrongSizeIsRefusedNamingBothSizes() throws Exception {
        Path image = dir.resolve("small.bin");
        Files.write(image, new byte[1000]);
        BoardOptions opts = BoardOptions.defaults(new CapturingConsole()).withFlashImage(image);
        BoardException e = assertThrows(BoardException.class, () -> TestBoards.build("bluepill", null, opts));
        assertTrue(e.getMessage().contains(image.toString()) && e.getMessage().contains("1000")
                && e.getMessage().contains("65536"), e.getMessage());
    }

    @Test
    void anUnmodelledPeripheralReadsItsResetValueAndIsLoggedOnceByName() throws Exception {
        List<MachineEvent.DeviceMessage> msgs = new ArrayList<>();
        try (TestBoards.Built b = TestBoards.build("bluepill", null, Map.of())) {
            b.board().machine().events().subscribe(e -> {
                if (e instanceof MachineEvent.DeviceMessage m) {
                    msgs.add(m);
                }
            });
            var bus = b.board().machine().bus();
            assertEquals(0x7F, bus.read(0x4000_2C00L, 4), "WWDG_CR reset value");
            assertEquals(0x7F, bus.read(0x4000_2C00L, 4));
            assertEquals(0, bus.read(0x4001_3004L, 4), "SPI1_CR2");
        }
        assertEquals(2, msgs.size(), msgs.toString());
        assertEquals("wwdg", msgs.get(0).device());
        assertEquals(MachineEvent.DeviceMessage.Category.UNIMPLEMENTED, msgs.get(0).category());
        assertEquals("spi1", msgs.get(1).device());
    }
}
