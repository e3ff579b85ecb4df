package dev.stm32emu.boards;

import dev.stm32emu.core.image.ImageLoader;
import dev.stm32emu.core.semihosting.CapturingConsole;
import dev.stm32emu.periph.usart.CapturingEndpoint;

import java.nio.file.Path;
import java.util.Map;

/** Boards for tests: console captured, nothing on stdout. */
public final class TestBoards {
    private TestBoards() {
    }

    /** A built board with its semihosting console and captured console USART. */
    public record Built(Board board, CapturingConsole semihosting, CapturingEndpoint uart) implements AutoCloseable {
        @Override
        public void close() {
            board.close();
        }
    }

    public static Built build(String name, Path firmware, Map<String, Boolean> pins) throws Exception {
        return build(name, firmware, BoardOptions.defaults(new CapturingConsole()).withPins(pins));
    }

    public static Built build(String name, Path firmware, BoardOptions options) throws Exception {
        BoardDefinition def = new DefinitionLoader().board(name);
        CapturingConsole console = (CapturingConsole) options.console();
        Board board = new BoardFactory().build(def, options.withUarts(Map.of(def.board().console(), "none")));
        CapturingEndpoint uart = new CapturingEndpoint();
        board.connectSerial(def.board().console(), uart);
        if (firmware != null) {
            board.loadFirmware(ImageLoader.load(firmware, def.memory().flash().base()));
        }
        return new Built(board, console, uart);
    }

    public static Path firmware(String relative) {
        String dir = System.getProperty("firmware.dir", "../firmware-samples/build");
        return Path.of(dir).resolve(relative);
    }
}
