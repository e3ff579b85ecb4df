package dev.stm32emu.boards;

import dev.stm32emu.core.cpu.CpuModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Board and MCU definitions: the built-ins, 'extends', and errors that name the file and the field. */
class DefinitionLoaderTest {
    private final DefinitionLoader loader = new DefinitionLoader();
    @TempDir
    Path dir;

    @Test
    void bluepillExtendsTheF103c8() throws Exception {
        BoardDefinition d = loader.board("bluepill");
        assertEquals("stm32f103c8", d.mcu());
        assertEquals(CpuModel.CORTEX_M3, d.core());
        assertEquals(64 * 1024, d.memory().flash().size());
        assertEquals(1024, d.memory().flashPageSize());
        assertEquals(20 * 1024, d.memory().sram().size());
        assertEquals(0x410, d.ids().devId());
        assertEquals(8_000_000, d.board().hseHz());
        assertEquals("PB2", d.board().boot1Pin());
        assertEquals("PC13", d.board().leds().get(0).pin());
        assertTrue(d.board().leds().get(0).activeLow());
        assertEquals("fixed", d.board().usbPullUp());
        assertEquals("usart1", d.board().console());
        assertTrue(d.source().contains("board/bluepill.json extends mcu/stm32f103c8.json extends mcu/stm32f103.json"),
                d.source());
    }

    @Test
    void f103rcIsHighDensityWithTwoKibPagesAndFortyTwoBackupRegisters() throws Exception {
        BoardDefinition d = loader.board("f103rc");
        assertEquals(256 * 1024, d.memory().flash().size());
        assertEquals(2048, d.memory().flashPageSize());
        assertEquals(48 * 1024, d.memory().sram().size());
        assertEquals(0x414, d.ids().devId());
        assertEquals(60, d.irqCount());
        BoardDefinition.Peripheral bkp = d.peripherals().stream().filter(p -> p.name().equals("bkp")).findFirst()
                .orElseThrow();
        assertEquals("42", bkp.property("dataRegisters", "10"));
        assertEquals("stm32f1.bkp", bkp.type(), "a merged entry keeps the parent's fields");
        assertTrue(d.peripherals().stream().anyMatch(p -> p.name().equals("gpiog")));
    }

    @Test
    void everyBuiltInBoardLoads() throws Exception {
        for (String name : loader.boardNames()) {
            assertEquals(name, loader.board(name).name());
        }
    }

    @Test
    void anUnknownBoardNamesTheKnownOnes() {
        DefinitionException e = assertThrows(DefinitionException.class, () -> loader.board("stm32-nonexistent"));
        assertTrue(e.getMessage().startsWith("unknown board 'stm32-nonexistent' (known boards: generic-m3"), e.getMessage());
    }

    @Test
    void aUserBoardFileCanExtendABuiltInMcu() throws Exception {
        Path f = dir.resolve("myboard.json");
        Files.writeString(f, """
                { "extends": "stm32f103cb", "name": "myboard",
                  "board": { "hseHz": 12000000, "usb": { "pullUp": "PA8", "activeLow": true } } }
                """);
        BoardDefinition d = loader.board(f.toString());
        assertEquals(128 * 1024, d.memory().flash().size());
        assertEquals(12_000_000, d.board().hseHz());
        assertEquals("PA8", d.board().usbPullUp());
    }

    @Test
    void malformedJsonNamesTheFileLineAndColumn() throws Exception {
        Path f = dir.resolve("broken.json");
        Files.writeString(f, "{ \"extends\": \"bluepill\",\n  \"name\": \"x\" \"oops\" }");
        DefinitionException e = assertThrows(DefinitionException.class, () -> loader.board(f.toString()));
        assertTrue(e.getMessage().startsWith(f + ": malformed JSON at line 2"), e.getMessage());
    }

    @Test
    void aWrongFieldTypeNamesTheField() throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{ \"extends\": \"bluepill\", \"name\": \"bad\", \"board\": { \"hseHz\": \"fast\" } }");
        DefinitionException e = assertThrows(DefinitionException.class, () -> loader.board(f.toString()));
        assertTrue(e.getMessage().contains("field 'board.hseHz': not a number: \"fast\""), e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }

    @Test
    void aBadPinNameNamesTheField() throws Exception {
        Path f = dir.resolve("pins.json");
        Files.writeString(f, "{ \"extends\": \"bluepill\", \"name\": \"p\", \"board\": { \"leds\": [ { \"name\": \"L\", \"pin\": \"PZ99\" } ] } }");
        DefinitionException e = assertThrows(DefinitionException.class, () -> loader.board(f.toString()));
        assertTrue(e.getMessage().contains("field 'board.leds[1].pin': not a pin name: \"PZ99\""), e.getMessage());
    }

    @Test
    void anUnknownParentIsNamed() throws Exception {
        Path f = dir.resolve("orphan.json");
        Files.writeString(f, "{ \"extends\": \"stm32f999\", \"name\": \"o\" }");
        DefinitionException e = assertThrows(DefinitionException.class, () -> loader.board(f.toString()));
        assertTrue(e.getMessage().contains("field 'extends': no MCU or board named 'stm32f999'"), e.getMessage());
    }

    @Test
    void aMissingRequiredFieldIsNamed() throws Exception {
        Path f = dir.resolve("nomem.json");
        Files.writeString(f, "{ \"name\": \"n\", \"core\": \"cortex-m3\", \"irqCount\": 10 }");
        DefinitionException e = assertThrows(DefinitionException.class, () -> loader.board(f.toString()));
        assertTrue(e.getMessage().contains("field 'memory': missing"), e.getMessage());
    }
}
